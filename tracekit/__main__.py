import sys

try:
    from tracekit.cli import main
except KeyboardInterrupt:  # Ctrl-C while Python was still importing tracekit
    print("tracekit: interrupted", file=sys.stderr)
    sys.exit(130)

sys.exit(main())
