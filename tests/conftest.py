"""Make tests/ importable, so test modules can share helpers: ``from strategies import workbooks``."""

import sys
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
