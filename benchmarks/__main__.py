"""``python -m benchmarks [SUITE] [options]``: run one suite, or every suite in turn.

Each suite is a module here with ``main(argv) -> int`` and its own options (``--help``); every
suite accepts ``--quick`` (a small smoke run) and ``--strict`` (exit 1 when a target is missed),
which are the options to use when running them all.
"""

from __future__ import annotations

import importlib
import sys
from typing import Optional, Sequence

SUITES = ["workbook_scale", "kr_analysis", "check_scale", "notebooks", "dashboards"]


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SUITES:
        return int(importlib.import_module(f"benchmarks.{args[0]}").main(args[1:]))
    status = 0
    for name in SUITES:
        status = max(status, int(importlib.import_module(f"benchmarks.{name}").main(args)))
    return status


if __name__ == "__main__":
    sys.exit(main())
