"""The workbook file: human-readable YAML, saved so that a crash never leaves half a plan.

Participants edit plans in forms, in notebooks and sometimes by hand, and commit them to git;
so the file keeps Chinese readable, keeps keys in one fixed order (small diffs), and says
exactly what is wrong when it does not load. See docs/workbook-format.md.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Callable, Union

import yaml

from okrlib.words.resources import data_file
from okrlib.plan.model import Workbook
from okrlib.words.problems import Problem, WorkbookError, problem

__all__ = ["atomic_write", "write_text", "backup_path", "dumps", "load", "loads", "parse_yaml", "save"]

PathLike = Union[str, "os.PathLike[str]"]

HEADER: str = data_file("labels")["file_header"]

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML that also notices a key written twice in one mapping (YAML would keep the last)."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, int]] = []

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        if len(mapping) != len(node.value):  # only then look for the culprit
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = key_node.value
                if key in seen:
                    self.duplicates.append((str(key), key_node.start_mark.line + 1))
                seen.add(key)
        return mapping


class _Dumper(_BaseDumper):  # type: ignore[misc, valid-type]
    pass


def _represent_str(dumper: Any, value: str) -> Any:
    # Multi-line text as a literal block reads like the text itself.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_float(dumper: Any, value: float) -> Any:
    # 3000000.0 is written 3000000: the same number, and what a person would type.
    if value.is_integer() and abs(value) < 1e15:
        return dumper.represent_int(int(value))
    return dumper.represent_float(value)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(float, _represent_float)


# --------------------------------------------------------------------------------------------


def parse_yaml(text: str) -> tuple[Any, list[Problem]]:
    """YAML text as plain data, with its syntax errors and keys written twice as Problems.

    Workbooks and the data folder's declaration files (case.yaml ...) share this reading.
    """
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        return None, [problem("", "okr_yaml_syntax", location=f"line {line}", line=line, column=column, problem=exc.problem)]
    except yaml.YAMLError as exc:
        return None, [problem("", "okr_yaml_syntax", line="?", column="?", problem=str(exc))]
    finally:
        loader.dispose()
    return data, [problem("", "okr_duplicate_key", key, location=f"line {line}", line=line) for key, line in loader.duplicates]


def loads(text: str, source: str = "") -> Workbook:
    """Parse YAML text into a Workbook."""
    data, dup = parse_yaml(text)
    if dup and data is None:  # a syntax error: nothing to validate
        raise WorkbookError(dup, source)
    try:
        workbook = Workbook.from_dict(data, source)
    except WorkbookError as exc:
        raise WorkbookError(dup + _with_lines(exc.problems, text), source) from None
    if dup:
        raise WorkbookError(dup, source)
    return workbook


_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _with_lines(problems: list[Problem], text: str) -> list[Problem]:
    """Add the line of the file to each problem, so an editor can jump to it.

    Only a file that failed pays for this: the YAML is parsed again into nodes, which carry lines.
    """
    try:
        root = yaml.compose(text, Loader=_BaseLoader)
    except yaml.YAMLError:
        return problems
    out = []
    for p in problems:
        node = _node_at(root, p.path) if p.path and not p.location else None
        out.append(dataclasses.replace(p, location=f"line {node.start_mark.line + 1}") if node is not None else p)
    return out


def _node_at(node: Any, path: str) -> Any:
    """The deepest node along ``key_results[2].target`` (the row, if the field is missing)."""
    for key, index in _PATH_PART.findall(path):
        if isinstance(node, yaml.MappingNode) and key:
            child = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and index and int(index) < len(node.value):
            child = node.value[int(index)]
        else:
            child = None
        if child is None:
            return node
        node = child
    return node


def load(path: PathLike) -> Workbook:
    """Read a workbook file; raises WorkbookError (never half-loads)."""
    path = Path(path)
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise WorkbookError([problem("", "okr_file_missing", source)], source) from None
    except OSError as exc:
        raise WorkbookError([problem("", "okr_file_unreadable", reason=exc.strerror or str(exc))], source) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WorkbookError([problem("", "okr_encoding")], source) from None
    return loads(text, source)


def to_data(workbook: Workbook) -> dict[str, Any]:
    """Plain data in file order, checked again (in-place list edits escape pydantic's checks)."""
    data = workbook.model_dump(mode="python")
    Workbook.from_dict(data)
    return data


def dumps(workbook: Workbook) -> str:
    """The workbook as YAML text, exactly as ``save`` writes it."""
    return _emit(to_data(workbook))


def _emit(data: dict[str, Any]) -> str:
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=120,
        indent=2,
    )
    return HEADER + body


def write_text(path: PathLike, content: str) -> None:
    """``content`` as UTF-8 text in ``path``, atomically (see :func:`atomic_write`)."""
    atomic_write(path, lambda handle: handle.write(content.encode("utf-8")))


def backup_path(path: PathLike) -> Path:
    """Where ``save`` keeps the version it replaced: ``plan.yaml`` -> ``plan.yaml.bak``."""
    path = Path(path)
    return path.with_name(path.name + ".bak")


def save(workbook: Workbook, path: PathLike, backup: bool = True) -> None:
    """Write atomically (temporary file, fsync, rename); keep the replaced version as ``.bak``.

    Whatever moment the process dies at, ``path`` holds either the old or the new file.
    An invalid workbook (say, a list edited in place) is refused before anything is written.
    """
    atomic_write(path, lambda handle: handle.write(dumps(workbook).encode("utf-8")), backup=backup)


def _reached(point: str) -> None:
    """A test seam, doing nothing: ``atomic_write`` calls it at ``"written"`` (the temporary file
    complete, synced and about to be renamed; the old file still in place) and ``"replaced"``
    (the new file in place). tests/test_store.py has a child process kill itself there, to
    prove what a crash at each moment leaves."""


def atomic_write(path: PathLike, write: Callable[[Any], Any], backup: bool = False) -> None:
    """Call ``write(binary_file)`` on a temporary file beside ``path``, then swap it into place.

    Every file okrlib writes (YAML, Excel, CSV) goes through here, so none is ever left half
    written. Permissions of a replaced file are kept; ``backup`` keeps it as ``<name>.bak``.
    If ``write`` raises, nothing changes.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(tmp, path.stat().st_mode & 0o7777)
            existed = True
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            existed = False
        if existed and backup:
            _keep_backup(path)
        _reached("written")
        os.replace(tmp, path)
        _reached("replaced")
    except BaseException:
        _discard(tmp)
        raise
    _fsync_dir(directory)


def _keep_backup(path: Path) -> None:
    target = backup_path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        try:
            os.link(path, tmp)  # the old file stays where it is until the rename
        except OSError:
            import shutil

            shutil.copy2(path, tmp)
        os.replace(tmp, target)
    except BaseException:
        _discard(tmp)
        raise


def _discard(tmp: Union[str, Path]) -> None:
    """Remove a temporary file that will not be renamed into place (gone already is fine)."""
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
