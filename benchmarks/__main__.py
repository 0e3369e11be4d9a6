"""``python -m benchmarks [--quick] [--workbooks N] ...``: run every benchmark.

There is one suite today (workbook_scale); its options are passed through.
"""

import sys

from .workbook_scale import main

if __name__ == "__main__":
    sys.exit(main())
