"""okrlib's words and numbers: one formatter, one lookup, and no words left in the code.

What a participant reads -- a KR's target in a form, a rewrite hint they copy, a status in the
checklist -- reads the same on every surface because every surface asks okrlib.words.numbers and
okrlib.words.text. These tests hold the two to their documented rules, and the code to them.
"""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path
from typing import Any, Iterator, Mapping

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from okrlib.words import numbers, text
from okrlib.words.problems import WorkbookError, message, problem

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "okrlib"
DATA = LIB / "data"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")

finite = st.floats(allow_nan=False, allow_infinity=False)
reasonable = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False)


# ---- the formatter -------------------------------------------------------------------------


@given(finite)
@example(1234567.5)
@example(1.7976931348623157e308)
@example(5e-324)
@example(-0.0)
def test_a_number_is_never_in_scientific_notation(x: float) -> None:
    shown = numbers.number(x)
    assert not re.search(r"[eE]|inf|nan", shown), shown
    assert re.fullmatch(r"-?[\d,]+(\.\d+)?", shown), shown


@given(st.one_of(finite, st.integers(min_value=-10**30, max_value=10**30)))
@example(2027)
@example(12000)
@example(9999.996)
def test_thousands_are_grouped_from_five_digits_on(x: Any) -> None:
    whole = numbers.number(x).lstrip("-").split(".")[0]
    digits = whole.replace(",", "")
    if len(digits) > 4:
        assert re.fullmatch(r"\d{1,3}(,\d{3})+", whole), whole
    else:
        assert "," not in whole  # a year reads 2027, and 1200 stays whole (GB/T 15835)


def test_the_issue_s_examples() -> None:
    assert numbers.number(1234567.5) == "1,234,567.5"
    assert numbers.number(1.2e6) == "1,200,000"
    assert numbers.number(0.849111) == "0.849"
    assert numbers.number(2027) == "2027"
    assert numbers.number(1.2e4, compact=True) == "1.2万" and numbers.number(3e8, compact=True) == "3亿"
    assert numbers.money(1234567.5) == "123.46万元"
    assert numbers.percent(0.853) == "85.3%" and numbers.percent(0.05, digits=0, sign=True) == "+5%"
    assert numbers.quantity(85, "%") == "85%" and numbers.quantity(1800, "家") == "1800 家"
    assert numbers.value_range(12000, 18000, "家") == "12,000 → 18,000 家"
    assert numbers.number(None) == numbers.number(float("nan")) == numbers.MISSING == "—"
    assert numbers.number(-0.001, digits=2) == "0"  # never "-0"
    assert numbers.number(3, sign=True) == "+3" and numbers.number(-3, sign=True) == "-3"


@given(reasonable)
@example(0.9996)
@example(123456789.125)
def test_a_shown_number_reads_back_within_the_precision_shown(x: float) -> None:
    shown = numbers.number(x)
    back = numbers.read_number(shown)
    assert back is not None, shown
    # the documented precision: two decimals from one up, three significant digits below one
    tol = 0.005 if abs(x) >= 1 else (0.5 * 10 ** (math.floor(math.log10(abs(x))) - 2) if x else 0.0)
    assert abs(back - x) <= tol + abs(x) * 1e-15, (x, shown, back)


@given(reasonable, st.sampled_from(["约", "大约", "~", "about ", "第", "Q"]))
def test_read_number_refuses_words_before_a_number(x: float, word: str) -> None:
    assert numbers.read_number(word + numbers.number(x)) is None


@given(reasonable, st.sampled_from(["用户", "家门店", "人次", "%%", "元/月", "x"]))
def test_read_number_refuses_words_after_a_number(x: float, word: str) -> None:
    assert numbers.read_number(numbers.number(x) + word) is None  # the unit has its own field


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd", "Cs"),
                                      blacklist_characters="零〇一二两三四五六七八九十百千万亿点")))
def test_read_number_finds_no_number_where_there_is_none(said: str) -> None:
    assert numbers.read_number(said) is None


def test_read_number_reads_what_people_type() -> None:
    assert numbers.read_number("300万") == 3_000_000
    assert numbers.read_number("１，２００") == 1200
    assert numbers.read_number(" 85 ％") == 85
    assert numbers.read_number("−5") == -5
    assert numbers.read_number("三百万") == 3_000_000
    assert numbers.read_number("约300万用户") is None


def test_a_table_reads_like_a_sentence_and_the_frame_is_kept() -> None:
    import pandas as pd

    frame = pd.DataFrame({"score": [0.849111, None], "year": [2027, 2028], "name": ["a", "b"], "done": [True, False]})
    shown = numbers.table(frame)
    assert list(shown["score"]) == ["0.849", "—"] and list(shown["year"]) == ["2027", "2028"]
    assert list(shown["name"]) == ["a", "b"] and list(shown["done"]) == [True, False]
    assert frame["score"].iloc[0] == 0.849111  # the caller's frame is untouched


# ---- the lookup ----------------------------------------------------------------------------


@given(finite)
def test_say_fills_numbers_through_the_formatter(x: float) -> None:
    assert text.fill("{x}", {"x": x}) == numbers.number(x)
    assert text.fill("{x:g}", {"x": x}) == numbers.number(x)  # a spec never brings back 1e+06


def test_say_fills_specs_dates_and_missing_values() -> None:
    import datetime as dt

    assert text.say("exercises.common.score", score=72.5) == "得分 72.5 / 100"
    assert text.say("exercises.common.score", "en", score=1e6) == "Score 1,000,000 / 100"
    assert text.fill("{r:.0%} {c:+.1%} {s:.1f}", {"r": 0.25, "c": 0.123, "s": 7}) == "25% +12.3% 7"
    assert text.fill("{d} {n}", {"d": dt.date(2027, 3, 31), "n": None}) == "2027-03-31 —"
    assert text.fill("{missing}", {}) == "{missing}"  # never half-filled
    assert text.join(["销售部", "客服部"]) == "销售部、客服部" and text.join(["a", "b"], "en") == "a, b"


def test_the_same_status_has_one_word() -> None:
    assert [text.status(s) for s in ("pass", "warn", "fail")] == ["通过", "警告", "不通过"]
    assert [text.severity(s) for s in ("error", "warning", "info")] == ["错误", "警告", "提示"]
    assert text.yes_no(True) == "是" and text.yes_no(False, "en") == "No" and text.yes_no(None) == "—"


def _data_tree(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    yield path, node
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield from _data_tree(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _data_tree(value, f"{path}[{i}]")


def test_no_data_file_holds_a_second_set_of_status_words() -> None:
    from okrlib.words.resources import data_file

    for file in sorted(DATA.glob("*.yaml")):
        for path, node in _data_tree(data_file(file.stem), file.stem):
            if path == "labels.status" or not isinstance(node, Mapping):
                continue
            if {"pass", "warn", "fail"} <= set(map(str, node)):
                words = [node[k] for k in ("pass", "warn", "fail")]
                assert not any(CJK.search(str(w)) or isinstance(w, Mapping) for w in words), \
                    f"{path} names the statuses again; use text.status (labels.yaml status)"


def test_every_status_word_a_participant_sees_is_the_labels_one(tmp_path: Path) -> None:
    """The checklist in a form and the X5 peer-review table say the same word (the CLI: below)."""
    from okrlib.course import exercises
    from okrlib.method.checks import check
    from okrlib.storage.yaml_file import load
    from okrlib.views.widgets import checklist_html

    bad = ROOT / "docs" / "examples" / "bad-plan.yaml"
    report = check(load(bad))
    statuses = {i.status for i in report.indicators}
    assert statuses == {"pass", "warn", "fail"}
    html = checklist_html(report)
    plan = tmp_path / "plan.yaml"
    plan.write_bytes(bad.read_bytes())
    table = exercises.PeerReview(plan).summary(report)
    for status in statuses:
        assert f"<td>{text.status(status)}</td>" in html
    t10 = {i.status for i in report.indicators if i.id in exercises.T10_INDICATORS}
    assert set(table[text.say("exercises.X5.columns.checker")]) == {text.status(s) for s in t10}
    assert "注意" not in html and "未通过" not in html


def test_cli_status_words(capsys: pytest.CaptureFixture[str]) -> None:
    from okrlib.cli import main

    main(["check", str(ROOT / "docs" / "examples" / "bad-plan.yaml"), "--as-of", "2027-03-01"])
    out = capsys.readouterr().out
    assert "[不通过]" in out and "[警告]" in out and "[通过]" in out and "错误 O1:" in out


def test_problem_messages_come_through_the_one_lookup() -> None:
    assert message("okr_blank") == text.both("messages.okr_blank")
    assert message("string_too_long", max_length=12000)[0] == "文本过长,最多 12,000 个字符"
    zh, en = message("no_such_code_anywhere", msg="pydantic said so")
    assert zh == "取值无效:pydantic said so" and en == "pydantic said so"
    err = WorkbookError([problem("x", "okr_blank")], "plan.yaml")
    assert str(err).startswith("plan.yaml: 工作簿有 1 处问题 / the workbook has 1 problem\n")


# ---- the code holds to them ----------------------------------------------------------------


def _modules() -> list[Path]:
    return sorted(LIB.rglob("*.py"))


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


_DATA_FILES = {p.stem for p in DATA.glob("*.yaml")}
_KEY = re.compile(r"(?P<file>[a-z_]+)\.(?P<path>[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*)")
_NOT_KEYS = re.compile(r"\.(yaml|py|csv|md|json|xlsx|png|html|txt|ipynb)$")


def _keys_in_code() -> Iterator[tuple[str, str, bool]]:
    """(where, key, is_prefix) for every literal that names words in a data file.

    A plain string ``"ui.form.save"`` names one entry; the constant head of an f-string
    ``f"charts.words.{key}"`` names a group; a literal code given to ``text.status`` /
    ``text.severity`` names ``labels.status.<code>`` / ``labels.severity.<code>``.
    """
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        where = str(path.relative_to(ROOT))
        heads: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                head = node.values[0]
                heads.add(id(head))
                m = _KEY.match(str(head.value))
                if m and m.group("file") in _DATA_FILES and str(head.value).endswith(".") and len(node.values) > 1:
                    yield f"{where}:{node.lineno}", str(head.value).rstrip("."), True
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
                first = node.args[0]
                if node.func.attr in ("status", "severity") and isinstance(node.func.value, ast.Name) \
                        and node.func.value.id == "text" and isinstance(first, ast.Constant):
                    yield f"{where}:{node.lineno}", f"labels.{node.func.attr}.{first.value}", False
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip | heads:
                m = _KEY.fullmatch(node.value)
                if m and m.group("file") in _DATA_FILES and not _NOT_KEYS.search(node.value):
                    yield f"{where}:{node.lineno}", node.value, False


def test_every_key_the_code_names_is_in_the_data() -> None:
    keys = list(_keys_in_code())
    assert len(keys) > 150, "expected the code to name its words by key"
    missing = []
    for where, key, is_prefix in keys:
        try:
            node = text.entry(key)
        except KeyError:
            missing.append(f"{where}: {key}")
            continue
        if is_prefix and not isinstance(node, Mapping):
            missing.append(f"{where}: {key} is not a group")
    assert missing == [], "words named in code but missing from okrlib/data:\n" + "\n".join(missing)


def test_the_key_scan_finds_a_missing_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan above can fail: a module naming a key that no data file has is reported."""
    bad = tmp_path / "okrlib" / "views" / "bad.py"
    bad.parent.mkdir(parents=True)
    bad.write_text('from okrlib.words import text\nx = text.say("ui.form.no_such_button")\n', encoding="utf-8")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    monkeypatch.setitem(globals(), "_modules", lambda: [bad])
    found = [key for _, key, _ in _keys_in_code()]
    assert found == ["ui.form.no_such_button"]
    with pytest.raises(KeyError):
        text.entry(found[0])


def test_word_files_give_every_text_in_both_languages() -> None:
    from okrlib.words.resources import data_file

    for file in ("cli", "ui", "messages", "labels"):
        for path, node in _data_tree(data_file(file), file):
            if isinstance(node, Mapping) and ("zh" in node or "en" in node):
                assert set(node) == {"zh", "en"} and all(isinstance(v, str) for v in node.values()), path


# Where a CJK literal may stay in code, and why. Everything else a participant reads is data.
# Regular expressions (and translation tables) that read what people type, in these modules:
READERS = {
    "okrlib/method/checks/context.py": "recognises dates and versions inside a KR sentence",
    "okrlib/method/checks/align.py": "the punctuation around a metric name",
    "okrlib/words/numbers.py": "reads numbers as typed: full-width digits, 万/亿, 百分之",
    "okrlib/plan/editing.py": "reads dates (2027年3月31日) and lists (销售部、客服部) typed in a form",
    "okrlib/storage/tables.py": "reads dates and lists typed in a spreadsheet cell",
    "okrlib/plan/model.py": "splits names at the separators people type (、,;)",
}
# Whole modules, until their word lists move to data:
WHOLE_MODULES = {
    "okrlib/method/analyze.py": "the KR reader's word lists are still regexes (to move to kr_phrases.yaml)",
}
_PATTERN_CALLS = {"compile", "match", "fullmatch", "search", "sub", "split", "findall", "finditer", "maketrans"}


def _cjk_literals(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    where = str(path.relative_to(ROOT))
    patterns: set[int] = set()
    if where in READERS:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _PATTERN_CALLS:
                for arg in node.args:
                    patterns |= {id(n) for n in ast.walk(arg)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value):
            if id(node) not in skip and id(node) not in patterns:
                yield node.lineno, node.value


def test_no_chinese_words_in_the_code() -> None:
    allowed = set(WHOLE_MODULES)
    found = [f"{p.relative_to(ROOT)}:{line}: {value!r}" for p in _modules()
             if str(p.relative_to(ROOT)) not in allowed for line, value in _cjk_literals(p)]
    assert found == [], ("Chinese text in code; put it in okrlib/data and read it with okrlib.words.text:\n"
                         + "\n".join(found))


def test_the_cjk_scan_finds_a_word_but_not_a_reading_pattern(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "okrlib" / "words"
    folder.mkdir(parents=True)
    module = folder / "numbers.py"
    module.write_text('"""文档。"""\nimport re\nP = re.compile("[万亿]")\nBUTTON = "保存"\n', encoding="utf-8")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert list(_cjk_literals(module)) == [(4, "保存")]
