"""The ``okrlib`` command line: create, check, export, import and trace plan workbooks.

Run it as ``okrlib`` (console script) or ``python -m okrlib``::

    okrlib new plan.yaml --team 增长组 --product 云盘 --type to_c --year 2027 --quarter 1
    okrlib validate plan.yaml
    okrlib export plan.yaml --to xlsx          # -> plan.xlsx   (csv -> plan_csv/, md -> plan.md)
    okrlib import plan.xlsx                    # -> plan.yaml   (a CSV directory works too)
    okrlib trace plan.yaml KR1.1               # KR -> O -> 产品目标 -> 公司目标
    okrlib analyze-kr "将次月留存率从 35% 提升至 42%"   # one KR sentence: measurable? activity?
    okrlib analyze-kr --file krs.txt           # one sentence a line

``analyze-kr`` with ``--format json`` prints a JSON *list* (not the object below), one object
per sentence with exactly the keys ``text, measurable, is_activity, dimension, metric,
baseline, target, unit, direction`` (see ``okrlib.method.analyze``); its failures print the usual
object with ``error``.

``okrlib check plan.yaml [--profile course|google|radical-focus] [--as-of YYYY-MM-DD]
[--previous old.yaml]`` runs the OKR checklist (T10, ``okrlib.method.checks``). With ``--format json``
it prints ``CheckReport.as_dict()``: ``{"score", "profile", "indicators": [{"id", "dimension",
"status"}], "findings": [{"rule", "indicator", "severity", "target", "message_zh",
"message_en", "hint", "source"}]}``, not the object below (its failures do print that object
with ``error``). It exits 1 when a finding has error severity, 0 otherwise (warnings included),
2 for an unknown profile or a bad ``--as-of`` date.

Global options, accepted before or after the subcommand:

``--format text|json``
    ``json`` prints exactly one JSON object on stdout (UTF-8, not ASCII-escaped) with at
    least ``ok`` (bool), ``command`` and ``problems`` (a list of ``Problem.as_dict()``);
    commands add their own keys (``summary``, ``output``, ``steps`` ...), and failures that
    are not problems of a workbook add ``error`` (``code``, ``message_zh``, ``message_en``).
``--lang zh|en``
    Language of text output (default ``zh``). Problems are always shown in both languages.

Output streams: results (summaries, problems found in a workbook, traces) go to stdout;
usage errors go to stderr (and, with ``--format json``, also to stdout as a JSON object).
Output is UTF-8 whatever the locale says. No Python traceback is printed for a user error.

Files are never overwritten silently: ``new``, ``export`` and ``import`` refuse an existing
output unless ``--force`` is given (``new`` and ``import`` then keep the old workbook as
``.bak``), and no command writes over its own input.

Exit status:

``0``
    All well.
``1``
    The input is not a valid workbook: every problem is listed. This includes an input
    file that does not exist or cannot be read ("找不到文件" / "File not found"), an Excel
    file or CSV directory that cannot be read, a broken trace (the chain stops before a
    company goal; what exists is still printed) and an unknown key-result id. For
    ``analyze-kr``: the ``--file`` does not exist or cannot be read (or is not UTF-8).
``2``
    Usage error: bad or missing arguments (argparse), invalid values for ``new`` (a blank
    team name ...), an output that exists without ``--force``, an output that is the input,
    ``analyze-kr`` with neither a sentence nor ``--file``.
``3``
    The command could not be carried out here: the output cannot be written (no such
    directory, no permission, disk full), or an optional part is missing (``okrlib.storage.tables``,
    pandas or openpyxl for xlsx/csv).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn, Optional, Sequence

from okrlib.words.version import VERSION as __version__
from okrlib.words import labels, numbers, text
from okrlib.words.problems import Problem, WorkbookError, problem
from okrlib.plan.model import SECTIONS, UnknownIdError, Workbook

__all__ = ["main", "EXIT_OK", "EXIT_INVALID", "EXIT_USAGE", "EXIT_ENVIRONMENT"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_ENVIRONMENT = 3

_EXPORT_SUFFIX = {"xlsx": ".xlsx", "md": ".md"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}

# Where a trace can stop, and what is missing there.
_NEXT_LINK = {"objectives": "product_goals", "product_goals": "company_goals", "key_results": "objectives"}


# --------------------------------------------------------------------------------------------
# Failures the commands raise; main() turns each into output and an exit status.
# --------------------------------------------------------------------------------------------


class _Failure(Exception):
    """A user-facing failure: an exit status, a code and a message in both languages."""

    def __init__(self, status: int, code: str, zh: str, en: str, problems: Sequence[Problem] = (), **extra: Any):
        super().__init__(en)
        self.status = status
        self.code = code
        self.zh = zh
        self.en = en
        self.problems = list(problems)
        self.extra = extra


def _fail(status: int, key: str, problems: Sequence[Problem] = (), **kw: Any) -> NoReturn:
    """Stop with the words at ``key`` (``"cli.exists"``); the failure's code is the key's last part."""
    zh, en = text.both(key, **kw)
    raise _Failure(status, key.rpartition(".")[2], zh, en, problems)


class _UsageError(Exception):
    def __init__(self, message: str, usage: str):
        super().__init__(message)
        self.message = message
        self.usage = usage


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is raised (main() reports it) instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(message, self.format_usage())


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


class _Out:
    def __init__(self, fmt: str, lang: str, command: str):
        self.fmt = fmt
        self.lang = lang
        self.command = command
        self.status = EXIT_OK  # what the command has come to so far (kept if stdout closes early)

    @property
    def json(self) -> bool:
        return self.fmt == "json"

    def line(self, text: str = "") -> None:
        if not self.json:
            print(text, file=sys.stdout)

    def say(self, key: str, **kw: Any) -> str:
        return text.say(key, self.lang, **kw)  # type: ignore[arg-type]

    def emit(self, ok: bool, problems: Sequence[Problem] = (), **fields: Any) -> None:
        if self.json:
            obj: dict[str, Any] = {"ok": ok, "command": self.command}
            obj.update(fields)
            obj["problems"] = [p.as_dict() for p in problems]
            print(json.dumps(obj, ensure_ascii=False, indent=2, default=str), file=sys.stdout)


def _show_value(value: Any, limit: int = 80) -> str:
    text = repr(value)  # repr escapes control characters and shows where text ends
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _print_problems(out: _Out, source: str, problems: Sequence[Problem]) -> None:
    out.line(out.say("cli.invalid", file=source, n=len(problems)))
    for i, p in enumerate(problems, 1):
        where = p.path or "({} / {})".format(*text.both("cli.no_path"))
        if p.location:
            where += f" ({p.location})"
        if p.has_value and not (not p.path and str(p.value) in p.message_zh):
            where += f" = {_show_value(p.value)}"
        first, second = (p.message_zh, p.message_en) if out.lang == "zh" else (p.message_en, p.message_zh)
        out.line(f"  {i}. {where}")
        out.line(f"     {first}")
        out.line(f"     {second}")


def _summary(wb: Workbook) -> dict[str, Any]:
    meta = wb.meta
    return {
        "team": meta.team,
        "product": meta.product,
        "company": meta.company,
        "product_type": meta.product_type,
        "cycle": meta.cycle.label,
        "cycle_start": meta.cycle.start_date.isoformat(),
        "cycle_end": meta.cycle.end_date.isoformat(),
        "counts": {name: len(wb.rows(name)) for name in SECTIONS},
    }


def _print_summary(out: _Out, summary: dict[str, Any]) -> None:
    kind = labels.choice("product_type", summary["product_type"], out.lang)
    out.line(f"  {out.say('cli.team')}: {summary['team']}")
    out.line(f"  {out.say('cli.product')}: {summary['product']} ({kind})")
    if summary["company"]:
        out.line(f"  {out.say('cli.company')}: {summary['company']}")
    out.line(f"  {out.say('cli.cycle')}: {summary['cycle']} ({summary['cycle_start']} ~ {summary['cycle_end']})")
    out.line(f"  {out.say('cli.counts')}:")
    for name, n in summary["counts"].items():
        out.line(f"    {labels.section(name, out.lang)}: {numbers.number(n)}")


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def _load(path: str) -> Workbook:
    from okrlib.storage.yaml_file import load

    return load(path)


def _missing_input(path: Path) -> NoReturn:
    source = str(path)
    raise WorkbookError([problem("", "okr_file_missing", source)], source)


def _check_output(out_path: Path, force: bool, inputs: Sequence[Path] = ()) -> None:
    for src in inputs:
        try:
            if out_path.exists() and src.exists() and out_path.samefile(src):
                _fail(EXIT_USAGE, "cli.same_file", file=out_path)
        except OSError:
            pass
        if out_path.resolve() == src.resolve():
            _fail(EXIT_USAGE, "cli.same_file", file=out_path)
    if (out_path.exists() or out_path.is_symlink()) and not force:
        _fail(EXIT_USAGE, "cli.exists", file=out_path)


def _os_failure(path: Path, exc: OSError) -> NoReturn:
    _fail(EXIT_ENVIRONMENT, "cli.cannot_write", file=path, reason=exc.strerror or str(exc))


def _tables() -> Any:
    """okrlib.storage.tables, or exit 3 naming the missing part (it needs pandas and openpyxl)."""
    try:
        from okrlib.storage import tables
    except ImportError as exc:
        missing = getattr(exc, "name", None) or "okrlib.storage.tables"
        if missing == "okrlib" or missing.startswith("okrlib."):
            missing = "okrlib.storage.tables"
        _fail(EXIT_ENVIRONMENT, "cli.missing_part", part=missing)
    return tables


def _missing_part(exc: ImportError) -> NoReturn:
    _fail(EXIT_ENVIRONMENT, "cli.missing_part", part=getattr(exc, "name", None) or str(exc))


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------


def _cmd_new(args: argparse.Namespace, out: _Out) -> int:
    path = Path(args.file)
    _check_output(path, args.force)
    meta: dict[str, Any] = {}
    if args.company is not None:
        meta["company"] = args.company
    try:
        wb = Workbook.new(
            team=args.team, product=args.product, product_type=args.type, year=args.year, quarter=args.quarter, **meta
        )
    except WorkbookError as exc:
        zh, en = text.both("cli.bad_new")
        raise _Failure(EXIT_USAGE, "bad_new", zh, en, exc.problems) from None
    from okrlib.storage.yaml_file import save

    try:
        save(wb, path)
    except OSError as exc:
        _os_failure(path, exc)
    summary = _summary(wb)
    out.line(out.say("cli.created", file=path))
    _print_summary(out, summary)
    out.emit(True, file=str(path), summary=summary)
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace, out: _Out) -> int:
    wb = _load(args.file)
    summary = _summary(wb)
    out.line(out.say("cli.valid", file=args.file))
    _print_summary(out, summary)
    out.emit(True, file=args.file, summary=summary)
    return EXIT_OK


def _cmd_workspace(args: argparse.Namespace, out: _Out) -> int:
    from okrlib.course import workspace

    done = workspace.sync(args.folder)
    out.line(done.summary(out.lang))
    out.emit(True, folder=str(done.root), files=done.actions, beside=done.beside)
    return EXIT_OK


def _default_export(src: Path, fmt: str) -> Path:
    if fmt == "csv":
        return src.with_name(f"{src.stem}_csv")
    return src.with_suffix(_EXPORT_SUFFIX[fmt])


def _cmd_export(args: argparse.Namespace, out: _Out) -> int:
    src = Path(args.file)
    wb = _load(args.file)  # an invalid or missing workbook stops here (exit 1)
    target = Path(args.output) if args.output else _default_export(src, args.to)
    _check_output(target, args.force, [src])
    try:
        if args.to == "md":
            from okrlib.views.report import to_markdown

            from okrlib.storage.yaml_file import write_text

            write_text(target, to_markdown(wb))
        elif args.to == "xlsx":
            _tables().to_excel(wb, target)  # atomic: a temporary file, then a rename
        else:  # csv: a directory of one file per section; --force writes into an existing one
            tables = _tables()
            if target.exists() and not target.is_dir():
                _fail(EXIT_USAGE, "cli.not_dir", file=target)
            target.mkdir(parents=False, exist_ok=True)
            tables.to_csv(wb, target)
    except ImportError as exc:
        _missing_part(exc)
    except OSError as exc:
        _os_failure(target, exc)
    out.line(out.say("cli.exported", output=target))
    out.emit(True, file=args.file, format=args.to, output=str(target))
    return EXIT_OK


def _default_import(src: Path) -> Path:
    if src.is_dir():
        base = src if src.name else src.resolve()
        stem = base.name[:-4] if base.name.endswith("_csv") and len(base.name) > 4 else base.name
        return base.with_name(f"{stem}.yaml")
    return src.with_suffix(".yaml")


def _cmd_import(args: argparse.Namespace, out: _Out) -> int:
    src = Path(args.file)
    if not src.exists():
        _missing_input(src)
    is_dir = src.is_dir()
    if not is_dir and src.suffix.lower() not in _EXCEL_SUFFIXES:
        _fail(EXIT_USAGE, "cli.not_excel", file=src)
    target = Path(args.output) if args.output else _default_import(src)
    _check_output(target, args.force, [src])
    tables = _tables()
    try:
        wb = tables.read_csv(src) if is_dir else tables.read_excel(src)
    except WorkbookError:
        raise
    except ImportError as exc:
        _missing_part(exc)
    except Exception as exc:  # a corrupt or foreign file is the user's input, not our bug
        _fail(EXIT_INVALID, "cli.unreadable", file=src, reason=f"{type(exc).__name__}: {exc}")
    from okrlib.storage.yaml_file import save

    try:
        save(wb, target)
    except OSError as exc:
        _os_failure(target, exc)
    summary = _summary(wb)
    out.line(out.say("cli.imported", input=src, output=target))
    _print_summary(out, summary)
    out.emit(True, input=str(src), output=str(target), summary=summary)
    return EXIT_OK


def _cmd_trace(args: argparse.Namespace, out: _Out) -> int:
    wb = _load(args.file)
    kr_id = args.kr_id
    try:
        trace = wb.trace(kr_id)
    except UnknownIdError as exc:
        code = "unknown_kr" if exc.actual is None else "not_kr"
        raise _Failure(EXIT_INVALID, code, exc.message_zh, exc.message_en, key_result=kr_id) from None

    steps = [
        {"section": s.section, "label_zh": s.label_zh, "label_en": s.label_en, "id": s.id, "statement": s.statement}
        for s in trace
    ]
    for i, s in enumerate(trace):
        label = s.label_zh if out.lang == "zh" else s.label_en
        lead = "" if i == 0 else "  " * (i - 1) + "  ↑ "
        out.line(f"{lead}{label} {s.id}: {s.statement}")
    if trace.complete:
        goal = trace.company_goal
        assert goal is not None
        zh, en = text.both("cli.complete", kr=kr_id, goal=goal.id)
        broken = None
        out.line("✓ " + (zh if out.lang == "zh" else en))
    else:
        last = trace.steps[-1]
        missing = _NEXT_LINK.get(last.section, "company_goals")
        zh, en = text.both(
            "cli.broken",
            label=last.label_zh,
            label_en=last.label_en,
            id=last.id,
            missing=labels.item(missing, "zh"),
            missing_en=labels.item(missing, "en"),
        )
        broken = {"section": last.section, "id": last.id, "missing": missing}
        out.line("✗ " + (zh if out.lang == "zh" else en))
    out.emit(
        trace.complete,
        file=args.file,
        key_result=kr_id,
        complete=trace.complete,
        steps=steps,
        broken_at=broken,
        message_zh=zh,
        message_en=en,
    )
    return EXIT_OK if trace.complete else EXIT_INVALID


def _cmd_analyze_kr(args: argparse.Namespace, out: _Out) -> int:
    """analyze-kr: read each KR sentence (arguments, then --file lines) and print what it says."""
    from okrlib.method.analyze import analyze_many, suggest_outcome

    texts = [t for t in (args.texts or []) if t.strip()]
    if args.file is not None:
        path = Path(args.file)
        try:
            content = path.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            _fail(EXIT_INVALID, "cli.unreadable", file=path, reason=exc.strerror or str(exc))
        except UnicodeDecodeError:
            _fail(EXIT_INVALID, "cli.unreadable", file=path, reason="not UTF-8")
        texts.extend(line.strip() for line in content.splitlines() if line.strip())
    elif not texts:
        need = text.both("cli.analyze.needs_text")
        zh, en = (text.say("cli.usage", lang, message=need[i]) for i, lang in enumerate(("zh", "en")))  # type: ignore[arg-type]
        raise _Failure(EXIT_USAGE, "usage", zh, en)
    results = analyze_many(texts)
    if out.json:
        print(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2), file=sys.stdout)
        return EXIT_OK
    lang = out.lang

    def word(key: str) -> str:
        return text.say(f"cli.analyze.{key}", lang)  # type: ignore[arg-type]

    for i, r in enumerate(results, 1):
        out.line(f"[{i}] {r.text}")
        dim = labels.choice("kr_dimension", r.dimension, lang) or numbers.MISSING
        out.line(f"    {word('measurable')}: {text.yes_no(r.measurable, lang)}   "  # type: ignore[arg-type]
                 f"{word('activity')}: {text.yes_no(r.is_activity, lang)}   {word('dimension')}: {dim}")  # type: ignore[arg-type]
        direction = labels.choice("direction", r.direction, lang) or numbers.MISSING
        line = (f"    {word('metric')}: {r.metric or numbers.MISSING}   {word('baseline')}: {numbers.quantity(r.baseline, r.unit)}"
                f"   {word('target')}: {numbers.quantity(r.target, r.unit)}   {word('direction')}: {direction}")
        if r.relative_change is not None:
            line += f"   {word('change')}: {numbers.percent(r.relative_change, digits=0, sign=True)}"
        out.line(line)
        if r.jargon:
            out.line(f"    {word('jargon')}: {text.join(r.jargon, lang)}")  # type: ignore[arg-type]
        if r.is_activity:
            zh, en = suggest_outcome(r)
            out.line(f"    {word('hint')}: {zh if lang == 'zh' else en}")
    return EXIT_OK


def _as_of(value: str) -> Any:
    """``--as-of``: an ISO date (argparse reports anything else as a usage error)."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(" / ".join(text.both("cli.check.bad_date", value=value))) from None


def _cmd_check(args: argparse.Namespace, out: _Out) -> int:
    """check: the OKR checklist (T10, okrlib.method.checks); exit 1 when a finding is an error."""
    import datetime as dt

    from okrlib.method.checks import UnknownProfileError, check, load_profile

    try:
        profile = load_profile(args.profile)
    except UnknownProfileError as exc:
        raise _Failure(EXIT_USAGE, "unknown_profile", exc.message_zh, exc.message_en, profiles=exc.profiles) from None
    wb = _load(args.file)
    previous = _load(args.previous) if args.previous else None
    report = check(wb, args.profile, as_of=args.as_of or dt.date.today(), previous=previous)
    status = EXIT_OK if report.ok else EXIT_INVALID
    if out.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2), file=sys.stdout)
        return status
    lang = out.lang

    def t(key: str, **kw: Any) -> str:
        return text.say(f"cli.check.{key}", lang, **kw)  # type: ignore[arg-type]

    out.line(t("title", file=args.file, profile=profile[lang], score=report.score))
    dimension = None
    for ind in report.indicators:
        if ind.dimension != dimension:
            dimension = ind.dimension
            name = ind.dimension_zh if lang == "zh" else ind.dimension_en
            out.line(f"{name}{'' if ind.scored else ' ' + t('not_scored')}")
        count = f" ({numbers.number(ind.findings)})" if ind.findings else ""
        out.line(f"  {t('marks.' + ind.status)} {ind.id} {ind.name(lang)}{count}  [{text.status(ind.status, lang)}]")  # type: ignore[arg-type]
    out.line()
    by_severity = {s: sum(1 for f in report.findings if f.severity == s) for s in ("error", "warning", "info")}
    if not report.findings:
        out.line(t("clean"))
        return status
    out.line(t("summary", n=len(report.findings), errors=by_severity["error"], warnings=by_severity["warning"], infos=by_severity["info"]))
    names = {ind.id: ind.name(lang) for ind in report.indicators}
    shown: list[str] = []
    for f in report.findings:  # grouped by indicator, in checklist order
        if f.indicator not in shown:
            shown.append(f.indicator)
    order = {ind.id: i for i, ind in enumerate(report.indicators)}
    for indicator in sorted(shown, key=order.get):
        out.line()
        out.line(f"[{indicator}] {names[indicator]}")
        for f in report.findings:
            if f.indicator == indicator:
                severity = text.severity(f.severity, lang)  # type: ignore[arg-type]
                out.line(f"  {t('severity_marks.' + f.severity)} {severity} {f.target}: {f.message(lang)}")
                out.line(f"      {t('hint')}: {f.hint_in(lang)}")
    return status


# --------------------------------------------------------------------------------------------
# Parser and main
# --------------------------------------------------------------------------------------------


def _help(key: str) -> str:
    """A line of ``--help``, in both languages: ``新建空白工作簿 / create an empty workbook``."""
    return "{} / {}".format(*text.both(f"cli.help.{key}"))


def _global_options(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: the option may stand before or after the subcommand without one undoing the other.
    parser.add_argument(
        "--format", choices=("text", "json"), default=argparse.SUPPRESS, help=_help("format")
    )
    parser.add_argument(
        "--lang", choices=("zh", "en"), default=argparse.SUPPRESS, help=_help("lang")
    )


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    _global_options(common)

    parser = _Parser(
        prog="okrlib",
        description=_help("description"),
        epilog=_help("epilog"),
    )
    _global_options(parser)
    parser.add_argument("--version", action="version", version=f"okrlib {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("new", parents=[common], help=_help("new"))
    p.add_argument("file", metavar="FILE", help=_help("new_file"))
    p.add_argument("--team", required=True, help=_help("team"))
    p.add_argument("--product", required=True, help=_help("product"))
    p.add_argument("--type", choices=("to_c", "to_b", "platform"), default="to_b", help=_help("type"))
    p.add_argument("--year", type=int, default=None, help=_help("year"))
    p.add_argument("--quarter", type=int, choices=(1, 2, 3, 4), default=None, help=_help("quarter"))
    p.add_argument("--company", default=None, help=_help("company"))
    p.add_argument("--force", action="store_true", help=_help("force_keep"))
    p.set_defaults(run=_cmd_new)

    p = sub.add_parser("validate", parents=[common], help=_help("validate"))
    p.add_argument("file", metavar="FILE")
    p.set_defaults(run=_cmd_validate)

    p = sub.add_parser("export", parents=[common], help=_help("export"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--to", choices=("xlsx", "csv", "md"), required=True)
    p.add_argument("--output", "-o", metavar="OUT", default=None, help=_help("export_output"))
    p.add_argument("--force", action="store_true", help=_help("force"))
    p.set_defaults(run=_cmd_export)

    p = sub.add_parser("import", parents=[common], help=_help("import"))
    p.add_argument("file", metavar="FILE", help=_help("import_file"))
    p.add_argument("--output", "-o", metavar="OUT", default=None, help=_help("import_output"))
    p.add_argument("--force", action="store_true", help=_help("force_keep"))
    p.set_defaults(run=_cmd_import)

    p = sub.add_parser("trace", parents=[common], help=_help("trace"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("kr_id", metavar="KR_ID")
    p.set_defaults(run=_cmd_trace)

    p = sub.add_parser("analyze-kr", parents=[common], help=_help("analyze"))
    p.add_argument("texts", metavar="TEXT", nargs="*", help=_help("texts"))
    p.add_argument("--file", metavar="F", default=None, help=_help("lines"))
    p.set_defaults(run=_cmd_analyze_kr)

    p = sub.add_parser("check", parents=[common], help=_help("check"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--profile", default="course", help=_help("profile"))
    p.add_argument("--as-of", dest="as_of", type=_as_of, default=None, metavar="YYYY-MM-DD",
                   help=_help("as_of"))
    p.add_argument("--previous", metavar="FILE", default=None,
                   help=_help("previous"))
    p.set_defaults(run=_cmd_check)

    p = sub.add_parser("workspace", parents=[common], help=_help("workspace"))
    p.add_argument("folder", metavar="DIR", help=_help("workspace_dir"))
    p.set_defaults(run=_cmd_workspace)
    return parser


def _utf8_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if encoding in ("utf-8", "utf8"):
            continue
        try:
            stream.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            pass


def _requested(argv: Sequence[str], option: str, choices: Sequence[str], default: str) -> str:
    """An option's value read straight from argv (for reporting a usage error in that form)."""
    value = default
    for i, arg in enumerate(argv):
        if arg == option and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith(option + "="):
            value = arg.split("=", 1)[1]
    return value if value in choices else default


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit status (see the module docstring)."""
    _utf8_streams()
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        fmt = _requested(argv, "--format", ("text", "json"), "text")
        lang = _requested(argv, "--lang", ("zh", "en"), "zh")
        zh, en = text.both("cli.usage", message=exc.message)
        sys.stderr.write(exc.usage)
        sys.stderr.write((zh if lang == "zh" else en) + "\n")
        if fmt == "json":
            error = {"code": "usage", "message_zh": zh, "message_en": en}
            obj = {"ok": False, "command": None, "error": error, "problems": []}
            print(json.dumps(obj, ensure_ascii=False, indent=2), file=sys.stdout)
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE

    out = _Out(getattr(args, "format", "text"), getattr(args, "lang", "zh"), args.command)
    try:
        return _dispatch(args, out)
    except BrokenPipeError:  # `okrlib validate x | head`: the reader left; not an error of ours
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return out.status


def _dispatch(args: argparse.Namespace, out: _Out) -> int:
    """Run the command; turn each kind of failure into output and an exit status."""
    try:
        out.status = int(args.run(args, out))
        return out.status
    except WorkbookError as exc:
        out.status = EXIT_INVALID
        source = exc.source or getattr(args, "file", "")
        _print_problems(out, source, exc.problems)
        out.emit(False, exc.problems, file=source)
        return EXIT_INVALID
    except _Failure as exc:
        out.status = exc.status
        message = exc.zh if out.lang == "zh" else exc.en
        stream = sys.stdout if exc.status == EXIT_INVALID else sys.stderr
        if not out.json:
            print(message, file=stream)
            if exc.problems:
                _print_problems(out, getattr(args, "file", ""), exc.problems)
        else:
            if exc.status != EXIT_INVALID:
                print(message, file=sys.stderr)
            error = {"code": exc.code, "message_zh": exc.zh, "message_en": exc.en}
            out.emit(False, exc.problems, error=error, **exc.extra)
        return exc.status
    except KeyboardInterrupt:
        print(out.say("cli.interrupted"), file=sys.stderr)
        return 130
