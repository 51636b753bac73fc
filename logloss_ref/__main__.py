"""``python -m logloss_ref``: the same command line as ``logloss-ref``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
