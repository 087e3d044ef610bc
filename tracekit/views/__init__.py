"""views stage.

Importing it inside a Jupyter kernel (opening a Workspace does) makes graph results explorable by
default: see :mod:`tracekit.views.result_display`. Outside a kernel nothing is imported or registered
(the CLI pays nothing for it).
"""

import sys as _sys


def _install_in_kernel() -> None:
    if "IPython" not in _sys.modules or "ipykernel" not in _sys.modules:
        return  # no kernel in this process: results stay static
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        from tracekit.views.result_display import install

        install(shell)


_install_in_kernel()
