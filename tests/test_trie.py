"""Word-list patterns (okrlib.method._trie): at each place, the longest listed word, ASCII words kept whole.

The analyser's lexicon and the checker's screens are built from these patterns, so a pattern that
found a shorter word, or a word inside another English word, would change every KR's feedback."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from okrlib.method._trie import pattern

LETTERS = "ab1中文 -"
words_st = st.lists(st.text(alphabet=LETTERS, min_size=1, max_size=5), min_size=1, max_size=12)
text_st = st.text(alphabet=LETTERS + "cz", max_size=40)


def _word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _scan(words: list[str], text: str, start_guard: bool, end_guard: bool) -> list[str]:
    """What the pattern must find, by brute force: left to right, the longest word that fits."""
    found, i = [], 0
    while i < len(text):
        fits = [w for w in set(words) if text.startswith(w, i)
                and not (start_guard and _word_char(w[0]) and i > 0 and "a" <= text[i - 1] <= "z")
                and not (end_guard and _word_char(w[-1]) and "a" <= text[i + len(w):i + len(w) + 1] <= "z")]
        if fits:
            best = max(fits, key=len)
            found.append(best)
            i += len(best)
        else:
            i += 1
    return found


@settings(max_examples=400, deadline=None)
@given(words_st, text_st, st.booleans(), st.booleans())
def test_the_pattern_finds_the_longest_word_at_each_place(words, text, start_guard, end_guard):
    regex = re.compile(pattern(words, start_guard=start_guard, end_guard=end_guard))
    assert regex.findall(text) == _scan(words, text, start_guard, end_guard)


def test_english_words_are_kept_whole_and_chinese_words_are_not_split():
    regex = re.compile(pattern(["to", "total", "上线", "上"]))
    assert regex.findall("total to 上线了 上 tomato") == ["total", "to", "上线", "上"]
    assert re.compile(pattern(["to"], start_guard=False, end_guard=False)).findall("tomato") == ["to", "to"]


def test_a_branch_with_one_way_on_is_a_plain_run_of_characters():
    assert pattern(["degree"]) == r"d(?<![a-z].)egree(?![a-z])"
    assert pattern(["上线", "上架"]) == "上(?:架|线)"


# ---- the analyser's shortcuts over these patterns give the plain answers ----------------------

import pickle  # noqa: E402

from okrlib.method import analyze  # noqa: E402


def _analyser_pieces() -> st.SearchStrategy[str]:
    t = analyze._tables()
    words = sorted(t.lex_flags)
    relative = sorted(list(t.relative) + list(t.tenths))
    return st.lists(
        st.sampled_from(words) | st.sampled_from(relative)
        | st.sampled_from([",", ";", "。", "、", "\n", " and ", " while ", "以及", "并且", "同时", "并将", "并",
                           "倍", "2x", "12x", "x", "3 times", "times", " ", "将", "从", "至", "%"])
        | st.integers(0, 999).map(str) | st.text(alphabet="abxz 中文", max_size=4),
        max_size=10,
    ).map("".join).map(str.lower)


@settings(max_examples=300, deadline=None)
@given(_analyser_pieces())
def test_an_ascii_sentence_is_read_by_its_short_lexicon_as_by_the_whole_one(text):
    """``lex_ascii_re`` holds only the words that start with an ASCII character: on ASCII text it
    finds what ``lex_re`` finds, place by place."""
    text = text.encode("ascii", "ignore").decode()
    t = analyze._tables()
    found = [(m.span(), m.group()) for m in t.lex_ascii_re.finditer(text)]
    assert found == [(m.span(), m.group()) for m in t.lex_re.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(_analyser_pieces())
def test_the_one_scan_for_breaks_and_relative_phrases_never_says_no_wrongly(text):
    """``split_or_relative`` and ``relative_pre`` screen the sentence before the exact scans: a
    no from them is a no from the exact ones."""
    t = analyze._tables()
    if t.split_or_relative.search(text) is None:
        assert t.clause_split.search(text) is None and analyze._relatives(text) == []
    if t.relative_pre.search(text) is None:
        assert t.relative_re.search(text) is None


def test_an_analysis_built_field_by_field_is_the_dataclass_s_own():
    values = dict(text="将留存率从 35% 提升至 42%", measurable=True, is_activity=False, dimension="user",
                  metric="留存率", baseline=35.0, target=42.0, unit="%", direction="up", relative_change=None,
                  activity_words=("上线",), jargon=())
    made, plain = analyze._new_analysis(**values), analyze.KrAnalysis(**values)
    assert made == plain and hash(made) == hash(plain) and repr(made) == repr(plain)
    assert vars(made) == vars(plain) and pickle.loads(pickle.dumps(made)) == plain
    assert analyze._KR_FIELDS == tuple(f for f in analyze.KrAnalysis.__dataclass_fields__)  # the import-time guard's list
    assert analyze.analyze_kr_uncached(values["text"]) == analyze.analyze_kr(values["text"])
