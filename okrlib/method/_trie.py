"""One regular expression for a list of literal words, built as a trie (``上(?:线|架)``).

okrlib's word lists (activity verbs, jargon, units, change words ...) have hundreds of entries,
looked for at every place of every KR sentence. A flat alternation would make the regex engine
try each word at each place; a trie whose every branch starts with a literal lets it branch on
one character, and skip in C every place whose character starts no word. The analyser and the
checker's screens build their patterns here, so both find the same words the same way.
"""

from __future__ import annotations

import re
from typing import Iterable

__all__ = ["pattern"]


def pattern(words: Iterable[str], *, start_guard: bool = True, end_guard: bool = True) -> str:
    """A regex matching, at a place, the longest of ``words`` found there.

    ASCII words can be kept whole (``to`` is not found in ``total``): ``end_guard`` puts
    ``(?![a-z])`` after a word's last ASCII letter or digit, ``start_guard`` puts
    ``(?<![a-z].)`` right after its first one, so the pattern still starts with a literal. The
    guards look at lower-case letters only: callers match lower-cased text.

    A branch with one way on is written as a plain run of characters (``degree``, not
    ``d(?:e(?:g...``): a shorter pattern, which compiles sooner (the lexicon's is compiled in
    every kernel on its first analysed sentence). Invariant: at each place the pattern finds
    what a plain longest-word scan finds (tests/test_trie.py, against a brute-force scan).
    """
    root: dict = {}
    for word in set(words):
        if not word:
            continue
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[None] = True

    def ascii_word_char(ch: str) -> bool:
        return ch.isascii() and ch.isalnum()

    def emit(node: dict, last: str) -> str:
        alts = [re.escape(ch) + emit(node[ch], ch) for ch in sorted(k for k in node if k is not None)]
        if None in node:  # a word ends here: after every longer word that goes on from here
            alts.append(r"(?![a-z])" if end_guard and ascii_word_char(last) else "")
        if len(alts) == 1:
            return alts[0]
        return "(?:" + "|".join(alts) + ")"

    top = []
    for ch in sorted(k for k in root if k is not None):
        guard = r"(?<![a-z].)" if start_guard and ascii_word_char(ch) else ""
        top.append(re.escape(ch) + guard + emit(root[ch], ch))
    return "|".join(top)
