"""``python -m okrlib``: the command line (see okrlib.cli)."""

import sys

from okrlib.cli import main

if __name__ == "__main__":
    sys.exit(main())
