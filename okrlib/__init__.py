"""okrlib: turn a company's annual goals into product-team OKRs, and check them.

The core (model, store, checks, scoring) imports neither ipywidgets nor plotly; the modules
that draw import those themselves, so ``import okrlib`` stays quick in scripts and tests.
"""

from .errors import OkrlibError, Problem, WorkbookError
from .model import SCHEMA_VERSION, SECTIONS, Trace, TraceStep, UnknownIdError, Workbook

__version__ = "0.1.0"

__all__ = [
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
