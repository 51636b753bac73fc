"""The ``logloss-ref`` command run in the test's own process, for the tests of what it prints.

``python -m logloss_ref ARGS`` is ``sys.exit(main(ARGS))`` (logloss_ref/__main__.py), so calling
``main`` here gives the same exit status, standard output and standard error, without the second
or so a new interpreter takes to import NumPy and pyarrow. The tests that need a real process
(the console script on PATH, standard input, a terminal, the memory of the whole process) start
one themselves.
"""

from __future__ import annotations

import contextlib
import io
import subprocess

from logloss_ref.cli import main


def run_cli(*argv) -> subprocess.CompletedProcess:
    """Run the command with these arguments; its exit status, stdout and stderr, as ``subprocess.run`` returns them."""
    arguments = [str(argument) for argument in argv]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(arguments)
        except SystemExit as stop:  # argparse's usage errors and --help
            status = stop.code
    return subprocess.CompletedProcess(["logloss-ref", *arguments], status, out.getvalue(), err.getvalue())
