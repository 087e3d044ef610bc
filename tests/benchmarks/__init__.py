"""Benchmarks: `make bench` runs every bench_*.py here; each prints one JSON line per figure."""
