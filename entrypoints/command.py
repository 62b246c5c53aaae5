"""The ``claimbot`` process: the command line (``entrypoints/cli.py``) started and ended cheaply.

A cold ``claimbot ask`` is mostly start-up and tear-down, so the process skips two costs that
buy it nothing: the garbage collector's passes over the modules being imported (none of it is
garbage; it is frozen out of later collections instead, which a long-lived ``serve`` or
``clock`` gains from too), and the interpreter's tear-down, which frees every object one by
one just before the memory is returned whole. Once the command has ended, the exit handlers run
(logging's flush among them), the output is flushed, and the process exits with the command's
code; when something still has to end by itself (a thread that is not a daemon, output that
cannot be flushed), the interpreter exits as usual.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
from typing import NoReturn


def main() -> NoReturn:
    """Run ``claimbot`` with the arguments given; exit 0 when done, 2 on a usage error, 1 on
    any other (see ``entrypoints/cli.py``)."""
    gc.disable()
    from entrypoints.cli import main as cli  # noqa: PLC0415  (imported with the collector off)

    gc.freeze()
    gc.enable()
    try:
        cli()
        code: int = 0
    except SystemExit as stop:
        code = _exit_code(stop)
    _exit(code)


def _exit_code(stop: SystemExit) -> int:
    """The code the interpreter would exit with for ``stop`` (a message goes to stderr)."""
    if stop.code is None:
        return 0
    if isinstance(stop.code, int):
        return stop.code
    print(stop.code, file=sys.stderr)
    return 1


def _exit(code: int) -> NoReturn:
    """Exit now, without tearing the interpreter down, once nothing is left to finish."""
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if any(not t.daemon for t in others):
        sys.exit(code)
    atexit._run_exitfuncs()  # as the interpreter would, before its tear-down
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # e.g. a closed pipe: the interpreter reports it as it always does
        sys.exit(code)
    os._exit(code)
