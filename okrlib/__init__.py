"""okrlib: turn a company's annual goals into product-team OKRs, and check them.

The core (model, store, checks, scoring) imports neither ipywidgets nor plotly; the modules
that draw import those themselves, so ``import okrlib`` stays quick in scripts and tests.
"""

from .errors import OkrlibError, Problem, WorkbookError
from .model import SCHEMA_VERSION, SECTIONS, Trace, TraceStep, UnknownIdError, Workbook

__version__ = "0.1.0"

# Loaded on first use, so that `import okrlib` stays quick for scripts that only read a plan.
_LAZY = {"analyze_kr": "okrlib.analyze", "check": "okrlib.checks"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'okrlib' has no attribute {name!r}")


__all__ = [
    "analyze_kr",
    "check",
    "OkrlibError",
    "Problem",
    "SCHEMA_VERSION",
    "SECTIONS",
    "Trace",
    "TraceStep",
    "UnknownIdError",
    "Workbook",
    "WorkbookError",
    "__version__",
]
