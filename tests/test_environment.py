"""The three dependency descriptions agree with each other.

* pyproject.toml       -- the source of truth (core + extras `lab` and `test`)
* environment.yml      -- the conda-forge alternative: same packages, same ranges
* requirements/lock.txt -- exact pins; each must fall inside pyproject's range,
                          for every Python from 3.10 to 3.13
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: tomli is pinned in the lock (pytest needs it there)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
ENVIRONMENT = ROOT / "environment.yml"
LOCK = ROOT / "requirements" / "lock.txt"

SUPPORTED_PYTHONS = ("3.10", "3.11", "3.12", "3.13")

# conda-forge name -> PyPI name, where they differ after PEP 503 normalisation.
CONDA_TO_PYPI = {
    "playwright-python": "playwright",  # conda-forge's `playwright` is the Node.js tool
}
# conda entries that are the environment itself, not dependencies of okrlib.
CONDA_TOOLING = {"python", "pip"}


# ---------------------------------------------------------------- parsing


def norm(name: str) -> str:
    """PEP 503 name, with conda-forge aliases mapped to the PyPI name."""
    name = canonicalize_name(name)
    return CONDA_TO_PYPI.get(name, name)


_CONDA_SPEC = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?P<spec>.*?)\s*$")
_CONDA_CLAUSE = re.compile(r"^(==|!=|>=|<=|>|<|~=|=)?\s*([0-9][0-9A-Za-z.*+!_-]*)$")


def conda_to_specifier(spec: str) -> SpecifierSet:
    """Translate the simple conda version syntax used in environment.yml.

    Supports comma-separated clauses with ==, !=, >=, <=, >, <, ~= and conda's
    fuzzy `=1.2` (== PEP 440 `==1.2.*`). Anything else (|, build strings, bare
    versions) is rejected so that it cannot be compared wrongly.
    """
    spec = spec.strip()
    if not spec:
        return SpecifierSet()
    if "|" in spec or " " in spec:
        raise ValueError(f"unsupported conda version spec {spec!r}")
    clauses = []
    for clause in spec.split(","):
        m = _CONDA_CLAUSE.match(clause.strip())
        if not m or m.group(1) is None:
            raise ValueError(f"unsupported conda version clause {clause!r} in {spec!r}")
        op, version = m.groups()
        if op == "=":
            op, version = "==", version if version.endswith("*") else version + ".*"
        clauses.append(op + version)
    return SpecifierSet(",".join(clauses))


def pyproject_requirements(data: dict) -> dict[str, Requirement]:
    """All requirements of core + every extra, keyed by normalised name.

    The same package may appear in several extras (nbval, papermill) but must
    then carry the same specifier everywhere.
    """
    groups = {"dependencies": data["project"].get("dependencies", [])}
    for extra, reqs in data["project"].get("optional-dependencies", {}).items():
        groups[f"optional-dependencies.{extra}"] = reqs
    found: dict[str, Requirement] = {}
    where: dict[str, str] = {}
    for group, reqs in groups.items():
        for line in reqs:
            req = Requirement(line)
            key = norm(req.name)
            if key in found and found[key].specifier != req.specifier:
                raise AssertionError(
                    f"{req.name}: pyproject.toml {where[key]} has '{found[key].specifier}' "
                    f"but {group} has '{req.specifier}'"
                )
            found[key], where[key] = req, group
    return found


def environment_requirements(data: dict) -> dict[str, SpecifierSet]:
    """conda + pip entries of environment.yml, keyed by normalised PyPI name."""
    found: dict[str, SpecifierSet] = {}

    def add(name: str, spec: SpecifierSet, raw: str) -> None:
        key = norm(name)
        if key in found:
            raise AssertionError(f"environment.yml lists {name} twice (second: {raw!r})")
        found[key] = spec

    for entry in data.get("dependencies", []):
        if isinstance(entry, dict):
            for line in entry.get("pip", []):
                line = line.strip()
                if line.startswith("-"):  # -e ., --index-url ... : not a dependency
                    continue
                req = Requirement(line)
                add(req.name, req.specifier, line)
        else:
            m = _CONDA_SPEC.match(str(entry))
            if not m:
                raise ValueError(f"cannot parse conda entry {entry!r}")
            if canonicalize_name(m["name"]) in CONDA_TOOLING:
                continue
            add(m["name"], conda_to_specifier(m["spec"]), str(entry))
    return found


def compare(pyproject: dict[str, SpecifierSet], environment: dict[str, SpecifierSet]) -> list[str]:
    """One message per disagreement; an empty list means both sides agree."""
    problems = []
    for key in sorted(set(pyproject) | set(environment)):
        if key not in environment:
            problems.append(
                f"{key}: in pyproject.toml as '{pyproject[key]}' but missing from environment.yml"
            )
        elif key not in pyproject:
            problems.append(
                f"{key}: in environment.yml as '{environment[key]}' but missing from pyproject.toml"
            )
        elif pyproject[key] != environment[key]:
            problems.append(
                f"{key}: pyproject.toml has '{pyproject[key]}' "
                f"but environment.yml has '{environment[key]}'"
            )
    return problems


_LOCK_LINE = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;]+)\s*(?:;\s*(?P<marker>.+))?$")


def lock_pins(text: str) -> dict[str, list[tuple[Version, Marker | None]]]:
    """name -> [(version, marker)] from a uv/pip-compile output file."""
    pins: dict[str, list[tuple[Version, Marker | None]]] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _LOCK_LINE.match(line)
        if not m:
            raise ValueError(f"unexpected line in lock file: {raw!r}")
        marker = Marker(m["marker"]) if m["marker"] else None
        pins.setdefault(canonicalize_name(m["name"]), []).append((Version(m["version"]), marker))
    return pins


def python_env(version: str) -> dict[str, str]:
    """Marker environment of this platform, but for another Python version."""
    env = default_environment()
    env.update(python_version=version, python_full_version=f"{version}.0")
    return env


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def pyproject() -> dict:
    with PYPROJECT.open("rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def project_reqs(pyproject) -> dict[str, Requirement]:
    return pyproject_requirements(pyproject)


@pytest.fixture(scope="module")
def environment() -> dict:
    return yaml.safe_load(ENVIRONMENT.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- pyproject <-> environment.yml


def test_environment_yml_matches_pyproject(project_reqs, environment):
    ours = {key: req.specifier for key, req in project_reqs.items()}
    problems = compare(ours, environment_requirements(environment))
    assert not problems, "pyproject.toml and environment.yml disagree:\n" + "\n".join(problems)


def test_environment_yml_python_matches_requires_python(pyproject, environment):
    conda_python = [
        e for e in environment["dependencies"]
        if isinstance(e, str) and canonicalize_name(_CONDA_SPEC.match(e)["name"]) == "python"
    ]
    assert len(conda_python) == 1, "environment.yml must list python exactly once"
    spec = conda_to_specifier(_CONDA_SPEC.match(conda_python[0])["spec"])
    assert spec == SpecifierSet(pyproject["project"]["requires-python"]), (
        f"python: pyproject.toml requires-python '{pyproject['project']['requires-python']}' "
        f"but environment.yml has '{spec}'"
    )


def test_environment_yml_installs_the_project(environment):
    pip_lines = [line for e in environment["dependencies"] if isinstance(e, dict) for line in e.get("pip", [])]
    assert "-e ." in pip_lines, "environment.yml should install okrlib itself with `- -e .` under pip:"


def test_compare_reports_each_kind_of_mismatch():
    pyproject_side = {
        "pandas": SpecifierSet(">=2.2,<4"),
        "pyyaml": SpecifierSet(">=6"),
        "only-in-pyproject": SpecifierSet(">=1"),
    }
    env_side = {
        "pandas": SpecifierSet(">=2.2"),  # upper bound dropped
        "pyyaml": SpecifierSet(">=6.0"),  # same set, other spelling: no problem
        "only-in-env": SpecifierSet("<2"),
    }
    problems = compare(pyproject_side, env_side)
    assert problems == [
        "only-in-env: in environment.yml as '<2' but missing from pyproject.toml",
        "only-in-pyproject: in pyproject.toml as '>=1' but missing from environment.yml",
        "pandas: pyproject.toml has '<4,>=2.2' but environment.yml has '>=2.2'",
    ]


def test_environment_parsing_normalises_names_and_specs():
    env = yaml.safe_load(
        """
        dependencies:
          - python >=3.10
          - pip
          - pyyaml >=6.0,<7
          - pandas <4,>=2.2
          - playwright-python >=1.44,<2
          - numpy =2.2
          - pip:
              - Cn2An>=0.5.22,<0.6
              - -e .
        """
    )
    got = environment_requirements(env)
    assert set(got) == {"pyyaml", "pandas", "playwright", "numpy", "cn2an"}
    assert not compare(
        {
            "pyyaml": Requirement("PyYAML>=6,<7").specifier,
            "pandas": SpecifierSet(">=2.2,<4"),
            "playwright": SpecifierSet("<2,>=1.44"),
            "numpy": SpecifierSet("==2.2.*"),
            "cn2an": SpecifierSet(">=0.5.22,<0.6"),
        },
        got,
    )
    # A deliberately different conda range is caught, naming both specs.
    env["dependencies"][3] = "pandas >=2.2"
    problems = compare({"pandas": SpecifierSet(">=2.2,<4")}, {"pandas": environment_requirements(env)["pandas"]})
    assert problems == ["pandas: pyproject.toml has '<4,>=2.2' but environment.yml has '>=2.2'"]


@pytest.mark.parametrize("bad", ["1.2", ">=1|<0.5", ">=1 *_cpython", "~~1"])
def test_unsupported_conda_specs_are_rejected(bad):
    with pytest.raises(ValueError):
        conda_to_specifier(bad)


def test_conflicting_specs_inside_pyproject_are_reported():
    data = {
        "project": {
            "dependencies": [],
            "optional-dependencies": {"lab": ["nbval>=0.11,<1"], "test": ["nbval>=0.10"]},
        }
    }
    with pytest.raises(AssertionError, match=r"nbval: .*'<1,>=0.11'.*'>=0.10'"):
        pyproject_requirements(data)


# ---------------------------------------------------------------- pyproject <-> lock.txt


@pytest.fixture(scope="module")
def pins() -> dict[str, list[tuple[Version, Marker | None]]]:
    return lock_pins(LOCK.read_text(encoding="utf-8"))


def lock_problems(reqs: dict[str, Requirement], pins, pythons=SUPPORTED_PYTHONS) -> list[str]:
    problems = []
    for key, req in sorted(reqs.items()):
        entries = pins.get(key)
        if not entries:
            problems.append(f"{req.name}: required as '{req.specifier}' but not pinned in lock.txt")
            continue
        for version, marker in entries:
            if not req.specifier.contains(version, prereleases=True):
                problems.append(
                    f"{req.name}: lock.txt pins {version} ({marker or 'all'}) "
                    f"outside pyproject.toml's '{req.specifier}'"
                )
        for py in pythons:
            env = python_env(py)
            applicable = [v for v, m in entries if m is None or m.evaluate(env)]
            if len(applicable) != 1:
                problems.append(
                    f"{req.name}: {len(applicable)} pins apply on Python {py} in lock.txt "
                    f"({', '.join(map(str, applicable)) or 'none'}); expected exactly 1"
                )
    return problems


def test_every_requirement_is_pinned_within_its_range(project_reqs, pins):
    problems = lock_problems(project_reqs, pins)
    assert not problems, "requirements/lock.txt does not fit pyproject.toml (run `make lock`):\n" + "\n".join(
        problems
    )


def test_lock_check_catches_bad_pins():
    reqs = {"pandas": Requirement("pandas>=2.2,<4"), "cn2an": Requirement("cn2an>=0.5.22")}
    pins = lock_pins(
        "pandas==2.1.4 ; python_full_version < '3.11'\n"
        "    # via okrlib\n"
        "pandas==3.1.1 ; python_full_version >= '3.12'\n"
    )
    problems = lock_problems(reqs, pins)
    assert problems == [
        "cn2an: required as '>=0.5.22' but not pinned in lock.txt",
        "pandas: lock.txt pins 2.1.4 (python_full_version < \"3.11\") outside pyproject.toml's '<4,>=2.2'",
        "pandas: 0 pins apply on Python 3.11 in lock.txt (none); expected exactly 1",
    ]


def test_lock_pins_the_project_requirements_only_once_per_python(pins):
    # Sanity of the parser on the real file: it has content and no duplicate
    # unconditional pins.
    assert len(pins) > 50
    for name, entries in pins.items():
        unconditional = [v for v, m in entries if m is None]
        assert len(unconditional) <= 1 and (not unconditional or len(entries) == 1), (
            f"{name}: lock.txt has both an unconditional pin and others: {entries}"
        )


def test_jsonschema_imports_without_building_grammars():
    """plotly imports nbformat, hence jsonschema, at a kernel's first figure, and every Jupyter
    server imports it at start: with rfc3987-syntax present that import costs 4.4 s (39 Earley
    parsers built at import). The pin in pyproject.toml keeps it out; this notices a relock that
    brings it back."""
    import subprocess

    code = "import sys, jsonschema; print('rfc3987_syntax' in sys.modules, 'lark' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"], "jsonschema imports rfc3987_syntax/lark: see the jsonschema pin in pyproject.toml"


# ---------------------------------------------------------------- the version, the test machinery


def test_the_version_okrlib_prints_is_pyproject_s(pyproject):
    from okrlib.words.version import VERSION

    import okrlib

    assert VERSION == pyproject["project"]["version"], "okrlib/words/version.py and pyproject.toml disagree"
    assert okrlib.__version__ == VERSION


def _imports_of(path: Path) -> set[str]:
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_tests_and_benchmarks_share_helpers_only_through_testkit():
    """tests/ and benchmarks/ never import each other (test_benchmarks_smoke.py tests the
    benchmarks: that is its subject) nor put each other on sys.path; what they share is testkit,
    which imports neither."""
    offenders = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        if path.name != "test_benchmarks_smoke.py" and "benchmarks" in _imports_of(path):
            offenders.append(path.name)
    for path in sorted((ROOT / "benchmarks").glob("*.py")):
        if "tests" in _imports_of(path) or re.search(r"sys\.path.*tests", path.read_text(encoding="utf-8")):
            offenders.append(f"benchmarks/{path.name}")
    for path in sorted((ROOT / "testkit").glob("*.py")):
        if _imports_of(path) & {"tests", "benchmarks"}:
            offenders.append(f"testkit/{path.name}")
    assert offenders == []
    assert "testkit" in _imports_of(ROOT / "benchmarks" / "notebooks.py")  # the course day, as the tests run it


def test_testkit_imports_from_the_repo_root_as_benchmarks_run_and_is_not_shipped(pyproject):
    import fnmatch
    import subprocess

    code = "import testkit.course_day, testkit.strategies, testkit.okr_samples; print(testkit.course_day.ROOT)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert Path(out.strip()) == ROOT
    assert "." in pyproject["tool"]["pytest"]["ini_options"]["pythonpath"]  # pytest finds it from anywhere
    shipped = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    assert not any(fnmatch.fnmatch(name, pattern) for name in ("testkit", "testkit.strategies") for pattern in shipped)
    assert any(fnmatch.fnmatch("okrlib.views", pattern) for pattern in shipped)


GUARDED = '''
import pytest


def _launch_kaleido():
    from okrlib.views import png

    png.draw({"data": [], "layout": {}})


def _launch_playwright():
    import os

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        p.chromium.launch(executable_path=os.environ["BROWSER_PATH"])


def test_unmarked_kaleido():
    with pytest.raises(RuntimeError, match="without @pytest.mark.browser"):
        _launch_kaleido()


def test_unmarked_caught():  # the code under test swallows the refusal: the test fails anyway
    try:
        _launch_kaleido()
    except Exception:
        pass


def test_unmarked_playwright():
    _launch_playwright()


@pytest.mark.browser
def test_marked_reaches_the_browser():
    with pytest.raises(Exception) as failed:  # the stand-in exits at once: the start itself fails
        _launch_kaleido()
    assert "without @pytest.mark.browser" not in str(failed.value)


@pytest.mark.browser
def test_marked_playwright_reaches_the_browser():
    with pytest.raises(Exception) as failed:
        _launch_playwright()
    assert "without @pytest.mark.browser" not in str(failed.value)
'''


def test_a_test_that_starts_chromium_without_the_browser_marker_fails(tmp_path):
    """tests/conftest.py refuses a browser start (kaleido's, Playwright's) from a test without
    @pytest.mark.browser. The browser here is a stand-in that exits at once: no Chromium runs."""
    pytest.importorskip("kaleido")
    pytest.importorskip("playwright")
    import os
    import shutil
    import subprocess

    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_guarded.py").write_text(GUARDED, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    browser: starts Chromium\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "test_guarded.py"],
        capture_output=True, text=True, cwd=tmp_path, env=dict(os.environ, BROWSER_PATH=str(fake)), timeout=600,
    )
    outcomes: dict[str, set[str]] = {}
    for outcome, name in re.findall(r"^(PASSED|FAILED|ERROR) test_guarded\.py::(\w+)", done.stdout, re.M):
        outcomes.setdefault(name, set()).add(outcome)
    assert set(outcomes) == {"test_unmarked_kaleido", "test_unmarked_caught", "test_unmarked_playwright",
                             "test_marked_reaches_the_browser", "test_marked_playwright_reaches_the_browser"}, done.stdout
    for name, seen in outcomes.items():
        if "unmarked" in name:  # failed, at the call or at teardown, whatever the test did
            assert seen & {"FAILED", "ERROR"}, (name, done.stdout[-3000:])
        else:
            assert seen == {"PASSED"}, (name, done.stdout[-3000:])
    assert done.stdout.count("is not marked @pytest.mark.browser") >= 3
