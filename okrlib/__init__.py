"""okrlib: turn a company's annual goals into product-team OKRs, and check them.

The packages, each importing only the ones listed before it (docs/architecture.md; a test
reads the imports and holds them to this order):

* ``okrlib.words``   what okrlib says: the one lookup of words, the one formatter, problems;
* ``okrlib.plan``    the plan: its model, validation, fields, editing rules, traces;
* ``okrlib.method``  the OKR method: reading a KR sentence, the checklist's rules, scoring;
* ``okrlib.storage`` a plan as files: the YAML workbook, tables (Excel, CSV), a plan file forms share;
* ``okrlib.course``  the course material: cases, reference libraries, their data tables, exercises;
* ``okrlib.views``   what people see: forms, charts, PNG, notebook display, take-away, dashboards;
* ``okrlib.cli``     the command line, on top of everything.

``import okrlib`` loads only the plan model; the names below that live elsewhere are loaded on
first use, so a script that only reads a plan never imports pandas, plotly or ipywidgets.
"""

from okrlib.plan.model import SCHEMA_VERSION, SECTIONS, Trace, TraceStep, UnknownIdError, Workbook
from okrlib.words.problems import OkrlibError, Problem, WorkbookError

from okrlib.words.version import VERSION as __version__

# public name -> (module, attribute); an attribute of None is the module itself
_LAZY: dict[str, tuple[str, "str | None"]] = {
    "analyze_kr": ("okrlib.method.analyze", "analyze_kr"),
    "check": ("okrlib.method.checks", "check"),
    "load": ("okrlib.storage.yaml_file", "load"),
    "save": ("okrlib.storage.yaml_file", "save"),
    "frames": ("okrlib.storage.tables", "frames"),
    "from_frames": ("okrlib.storage.tables", "from_frames"),
    "cases": ("okrlib.course.cases", None),
    "reference": ("okrlib.course.reference", None),
    "exercises": ("okrlib.course.exercises", None),
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        module_name, attribute = _LAZY[name]
        module = importlib.import_module(module_name)
        value = module if attribute is None else getattr(module, attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'okrlib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "analyze_kr",
    "cases",
    "check",
    "exercises",
    "frames",
    "from_frames",
    "load",
    "OkrlibError",
    "Problem",
    "reference",
    "save",
    "SCHEMA_VERSION",
    "SECTIONS",
    "Trace",
    "TraceStep",
    "UnknownIdError",
    "Workbook",
    "WorkbookError",
    "__version__",
]
