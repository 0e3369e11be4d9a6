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
