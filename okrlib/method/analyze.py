"""Analyse one key-result sentence, Chinese or English: measurable? activity? which metric?

``analyze_kr("将次月留存率从 35% 提升至 42%")`` tells whether the sentence is measurable,
whether it names an activity/output rather than an outcome, its dimension (user, business,
tech), and the metric it parses: name, baseline, target, unit, direction and relative change.
Word lists and phrasings live in ``okrlib/data/kr_phrases.yaml`` (activity verbs, jargon,
direction and bound words, scale words, units, relative phrases, dimension keywords) and
``okrlib/data/outcome_hints.yaml`` (activity object -> outcome metric, for ``suggest_outcome``).

The rule (outcome vs activity; okr-method.md, "Outcome, not activity")
-----------------------------------------------------------------------
The sentence is split into clauses (at ,;。、). A clause *states a result* when it carries a
quantity (a number that is not a date, version or part of a metric name such as 7日留存) or a
relative phrase (翻一番, 三成, "double"), and either a change / target / bound / maintain word
(提升, 降低至, 达到, 以内, 不低于, 保持 …) or a metric keyword, and it is not a count of
deliverables (an activity verb before the number, or a deliverable noun such as 功能 / feature,
with no change or bound word: "发布4个新功能", "ship 5 features").

* ``measurable``: some clause carries a quantity or a relative phrase.
* ``is_activity``: an activity verb is present and no clause states a result. So
  "上线新版推送功能,使推送打开率从 5% 提升至 8%" is an outcome (it names the measured
  result), "优化推送功能" and "发布4个新功能" are activities.

Numbers: scale words are folded in (300万 -> 3000000, 20k -> 20000), thousands separators are
removed, a percentage keeps its number (85% -> 85, unit "%"). Chinese numerals (三百万,
百分之八十, 两千) are converted with cn2an, imported only when such a numeral is present; the
simple relative words (三成, 翻一番, 减半, 两倍) are table look-ups. A multiple (2 倍, 2x) is a relative
phrase, except as the value of a ratio metric: after 从 / from (and then the one after 至 / to) or a
bound word ("LTV/CAC 从 2.2 倍提升至 3 倍", "不低于 3 倍"): unit 倍.

Names: in "X 从 A 提升至 B" X is the name, whatever change or bound word it holds (月新增激活用户数,
P1 级以上线上事故) or number (职位发布后 14 天内获得面试的比例); the from word that a number follows
introduces the baseline ("从注册到首次调用的中位时长从 3 天…"); a time phrase before 将 is no part of it.

Performance: every pattern is compiled once from the data files, on first use;
then a call is a handful of regular-expression scans: one scan for all five word lists
(a trie-shaped regex; a smaller ASCII-only one for all-ASCII sentences), one for numbers
(starting at a digit), one telling whether there is a clause break or relative phrase at all,
and a few cheap checks. See ``python -m benchmarks kr_analysis`` for the rate on this machine.
``analyze_kr`` caches the last 4,096 distinct sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Iterable, Optional

from okrlib.words import numbers
from okrlib.words.resources import data_file
from okrlib.method._trie import pattern as _alt

__all__ = ["KrAnalysis", "analyze_kr", "analyze_kr_uncached", "analyze_many", "suggest_outcome", "parse_number", "JSON_KEYS"]

JSON_KEYS = ("text", "measurable", "is_activity", "dimension", "metric", "baseline", "target", "unit", "direction")


@dataclass(frozen=True)
class KrAnalysis:
    """What one KR sentence says; ``as_dict()`` gives the nine keys of the CLI's JSON."""

    text: str
    measurable: bool
    is_activity: bool
    dimension: Optional[str]
    metric: Optional[str]
    baseline: Optional[float]
    target: Optional[float]
    unit: Optional[str]
    direction: Optional[str]
    relative_change: Optional[float] = None
    activity_words: tuple[str, ...] = ()
    jargon: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "measurable": self.measurable,
            "is_activity": self.is_activity,
            "dimension": self.dimension,
            "metric": self.metric,
            "baseline": self.baseline,
            "target": self.target,
            "unit": self.unit,
            "direction": self.direction,
        }


# --------------------------------------------------------------------------------------------
# Compiled tables (built once, from the data files)
# --------------------------------------------------------------------------------------------

_FULLWIDTH = {0xFF01 + i: 0x21 + i for i in range(94)}
_FULLWIDTH.update({0x3000: 0x20, 0x3001: ord("、"), 0x3002: ord("。"), 0x2264: None, 0x2265: None})
_FULLWIDTH.update({ord("~"): " ", ord("～"): " "})


_ACT, _JAR, _DIR, _DIM, _DEL = 1, 2, 4, 8, 16


def _lex(words: Iterable[str], extra: str = "") -> "re.Pattern[str]":
    """One compiled regex for a word list (plus ``extra`` regex alternatives placed first).

    One trie regex, not a pair (ASCII words behind a ``(?<![a-z])`` test / the rest): most
    course sentences are Chinese, where the single scan does less work than two
    (benchmarks/README.md, "Why the tricks exist").
    """
    return re.compile("|".join(x for x in (extra, _alt(words)) if x))


class _Tables:
    def __init__(self) -> None:
        d = data_file("kr_phrases")
        self.scale = {str(k).lower(): float(v) for k, v in d["scale"].items()}
        self.percent = set(d["percent"])
        units = list(d["units"]["zh"]) + list(d["units"]["en"])
        self.unit_canonical = {str(k): str(v) for k, v in d["unit_canonical"].items()}
        cn_scale = [k for k in self.scale if not k.isascii()]
        en_scale = [k for k in self.scale if k.isascii()]
        # A quantity: optional currency, a number, an optional scale word, an optional unit.
        self.number = re.compile(
            r"(?P<num>\d\d*(?:\.\d+)?)"  # a plain digit first: the engine skips to digits in C
            r"(?:\s?(?P<scale>" + "|".join(sorted(cn_scale, key=len, reverse=True))
            + r"|(?:" + "|".join(sorted(en_scale, key=len, reverse=True)) + r")(?![a-z])))?"
            r"(?:\s?(?P<pct>" + _alt(self.percent) + r"))?"
            r"(?:\s?(?P<unit>" + _alt(units) + r"))?"
        )
        day_names = _alt(d["metric_name_after_day"])
        # numbers that are no value: years, dates, versions, metric names (7日留存, 30-day retention)
        self.not_value = re.compile(
            r"(?:\s?年|\s?月(?!\s?(?:以内|内))|\s?[日号](?=\s?(?:前|之前|底|内)?\s?(?:上线|完成|发布|前|之前|底|[,;。、 ]|$))"
            r"|\.x|\s?(?:版本?|代|期|季度|届)|\s?(?:日|天|周|月|-day|-week|-month| day| week| month)\s?(?:内)?\s?(?:" + day_names + r")"
            r"|-?(?:day|week|month)\b)"
        )
        self.cn_numeral = re.compile(r"(百分之)?([零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?)")
        self.cn_digits = {k: int(v) for k, v in d["cn_digits"].items()}
        self.tenths = {k: float(v) for k, v in d["tenths"].items()}
        self.relative = {str(k): float(v) for k, v in d["relative"].items()}
        self.relative_re = re.compile(
            "(?P<rel>" + _alt(list(self.relative) + list(self.tenths)) + r")|(?P<times>\d+(?:\.\d+)?)\s?(?:倍|x(?![a-z])|times)"
            r"|(?P<cntimes>[二两三四五六七八九十])倍"
        )
        # literal-first alternatives only ("2x" spelled out per digit), so the scan runs in C
        # (and "2 x": a space between, as relative_re allows)
        self.relative_pre = re.compile(_alt(list(self.relative) + list(self.tenths)) + "|倍|times|"
                                       + "|".join(f"{i}x" for i in range(10)) + r"|\d\sx")
        # change/bound/maintain words, each mapped to (kind, direction)
        self.word_kind: dict[str, tuple[str, str]] = {}
        for kind_dir, langs in d["bounds"].items():
            for w in langs["zh"] + langs["en"]:
                self.word_kind[str(w)] = ("bound", kind_dir)
        for kind_dir, langs in d["direction"].items():
            for w in langs["zh"] + langs["en"]:
                self.word_kind[str(w)] = ("maintain" if kind_dir == "maintain" else "change", kind_dir)
        self.word_kind["达"] = ("change", "up")
        # A from word; its group 1 (``m.lastindex``) is set when a number follows: that one introduces
        # the baseline ("新开发者从注册到首次调用的中位时长从 3 天缩短至 1 天"); from_num_re finds it.
        from_words = _alt(d["from_words"]["zh"] + d["from_words"]["en"])
        self.from_re = re.compile("(?:" + from_words + r")(?:(?=\s?[\d$¥￥])())?")
        self.from_num_re = re.compile("(?:" + from_words + r")(?=\s?[\d$¥￥])()")
        self.to_words = set(d["to_words"]["zh"] + d["to_words"]["en"])
        self.to_re = re.compile(_alt(self.to_words))
        self.dim_of: dict[str, str] = {}
        for dim, langs in d["dimension"].items():
            for w in langs["zh"] + langs["en"]:
                self.dim_of[str(w).lower()] = dim
        av = d["activity_verbs"]
        self.activity_patterns = re.compile("|".join(av.get("patterns_zh", []))) if av.get("patterns_zh") else None
        # every alternative starts with a literal: the engine skips other characters in C
        self.clause_split = re.compile(r",|;|。|、|\n| and | while |以及|并且|同时|并(?=[将使让把])")
        # Either of the two above (still literal-first): most sentences have neither a clause
        # break nor a relative phrase, and then one scan tells both. It may say yes wrongly (the
        # caller then finds no break and no phrase, and builds the same single clause), never no
        # wrongly; so it drops the checks that cost at many places and are safe to lose: the
        # ASCII words' start guard (an assertion at each b/c/d/h/i/t), and "2x" is found from
        # the "x" (a digit at every place of a number would be a place to try).
        self.split_or_relative = re.compile(
            self.clause_split.pattern + "|" + _alt(list(self.relative) + list(self.tenths), start_guard=False)
            + r"|倍|times|x(?<=\dx)|x(?<=\d\sx)"
        )
        # What leads a name and is no part of it: a time phrase (its 内 / 前 / 末 / 底 only after a
        # time word: 内容 / 前端 / 底层 start names), 将 / 把 / 使 (not 使用), 通过 ...
        self.lead_re = re.compile(
            r"(?:\s|,|(?:q[1-4]|h[12]|fy\d{0,4}|\d{4}\s?年度?|本季度|本年度|年度|本财年|本月|本周|今年|明年|全年|年内|年底|年末"
            r"|季度末|月底|月末|上半年|下半年)(?:\s?(?:内|前|末|底|中))*|将|把|使(?!用)|让|通过|以|并|和|及(?!时)|由|在(?!线))+"
        )
        self.bound_after = re.compile(r"\s?(?:以内|以下|以上|及以上|内)")
        self.thousands = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


    # The word lexicon is compiled on first use, not at start: forms read numbers ("300万") with
    # the tables above long before (or without) any KR sentence is analysed, and these regexes
    # are most of the analyser's start-up cost. cached_property stores each in the instance, so
    # the analyser's hot path reads plain attributes.

    @cached_property
    def activity_re(self) -> "re.Pattern[str]":
        av = data_file("kr_phrases")["activity_verbs"]
        return _lex(av["zh"] + av["en"], "|".join(av.get("patterns_zh", [])))

    @cached_property
    def lex_flags(self) -> dict[str, int]:
        """All five word lists in one scan (the sentence is read once): word -> flags. The
        longest word at a place wins, so a metric name hides the verb inside it (完成率 is no
        完成, 市场份额 holds no 场); a jargon phrase keeps the activity verb it contains (打造闭环)."""
        d = data_file("kr_phrases")
        av = d["activity_verbs"]
        flags: dict[str, int] = {}
        for bit, ws in ((_ACT, av["zh"] + av["en"]), (_JAR, d["jargon"]["zh"] + d["jargon"]["en"]),
                        (_DIR, self.word_kind), (_DIM, self.dim_of),
                        (_DEL, d["deliverable_nouns"]["zh"] + d["deliverable_nouns"]["en"])):
            for w in ws:
                w = str(w).lower()
                flags[w] = flags.get(w, 0) | bit
        for w in d.get("name_words", {}).get("zh", []) + d.get("name_words", {}).get("en", []):
            flags.setdefault(str(w).lower(), 0)  # no list of its own: it only hides the words inside it
        for w, f in list(flags.items()):
            if f & _JAR:
                for u, g in list(flags.items()):
                    if u != w and u in w and g & _ACT:
                        flags[w] |= _ACT
        return flags

    @cached_property
    def lex_re(self) -> "re.Pattern[str]":
        return re.compile(r"达(?=\s?[\d$¥])|" + _alt(w for w in self.lex_flags if w != "达"))

    @cached_property
    def lex_ascii_re(self) -> "re.Pattern[str]":
        """The same scan for an all-ASCII sentence: only the words that start with an ASCII
        character (their trie branches are identical), so the same matches. Why: at each place
        the regex engine tries the top-level alternatives one after the other -- one per first
        character, some 220 of them (mostly CJK) -- and an English sentence has many such places
        (every letter that starts some word)."""
        return re.compile(_alt(w for w in self.lex_flags if w[:1].isascii()))


_T: Optional[_Tables] = None


def _tables() -> _Tables:
    global _T
    if _T is None:
        _T = _Tables()
    return _T


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=2048)
def _cn_to_number(run: str) -> Optional[float]:
    """A Chinese numeral as a number: table look-up for one digit, cn2an for the rest.

    Memoised: cn2an's parse is slow next to a table look-up, and a course's numerals are few
    (三百万, 百分之八十), so each is parsed once.
    """
    t = _tables()
    if run in t.cn_digits:
        return float(t.cn_digits[run])
    try:
        import cn2an  # imported here: its import is heavy, and most sentences never need it

        return float(cn2an.cn2an(run, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    except Exception:  # cn2an raises bare Exceptions on some input
        return None


_CN_CONTEXT_AFTER = re.compile(r"^\s?(?:%|[个人元家次天周条单笔项场篇款名位台套件份户倍分秒]|小时|分钟|毫秒|用户|客户|门店|城市)")
_CN_CONTEXT_BEFORE = re.compile(r"(?:从|由|至|到|达|为|突破|超过|低于|高于|不低于|不超过|增长|提升|降低|减少|增加|缩短|新增)\s?$")


def _convert_cn_numerals(s: str) -> str:
    """Write the Chinese numerals of ``s`` that are quantities as Arabic numbers (三百万 -> 3000000)."""
    t = _tables()
    out = []
    last = 0
    for m in t.cn_numeral.finditer(s):
        pct, run = m.group(1), m.group(2)
        if not any(ch in "零〇一二两三四五六七八九十" for ch in run):
            continue  # 千万 alone ("千万不要") is no number
        if run in t.tenths or s.startswith("成", m.end()) or s.startswith("番", m.end()) or s.startswith(("倍", "半"), m.end()) and len(run) == 1:
            continue  # 三成 / 翻一番 / 两倍: table look-ups, handled as relative phrases
        if not pct:
            after, before = s[m.end():m.end() + 4], s[max(0, m.start() - 4):m.start()]
            if not (_CN_CONTEXT_AFTER.match(after) or _CN_CONTEXT_BEFORE.search(before)):
                continue
            if run in ("一", "万", "十") and not _CN_CONTEXT_AFTER.match(after):
                continue
        value = _cn_to_number(run)
        if value is None:
            continue
        num = f"{value:.10g}" if value != int(value) else str(int(value))
        out.append(s[last:m.start()])
        out.append(num + ("%" if pct else ""))
        last = m.end()
    if not out:
        return s
    out.append(s[last:])
    return "".join(out)


def _normalise(text: str) -> str:
    t = _tables()
    s = text.translate(_FULLWIDTH).lower()
    if "," in s:
        s = t.thousands.sub("", s)
    return s


_HAS_CN_NUMERAL = re.compile(r"[一二两三四五六七八九十百]")
_FW_RE = re.compile(r"[\uff01-\uff5e\u3000～]")
_ZERO = re.compile(r"\b[Zz]ero\b")
_SPECIAL = re.compile(r"[\uff01-\uff5e\u3000～一二两三四五六七八九十百,]")  # one charset: scanned in C


def _prepare(text: str) -> str:
    s = _normalise(text)
    if _HAS_CN_NUMERAL.search(s):
        s = _convert_cn_numerals(s)
    return s


@dataclass(slots=True)  # slots: built per number, read in the hot loop
class _Qty:
    start: int
    end: int
    value: float
    unit: Optional[str]
    pct: bool


_TO_BY = re.compile(r"\b(?:to|by)\b")
_ARTICLE = re.compile(r"^(?:the|our|a|an)\s+", re.I)
_YEAR_BEFORE = re.compile(r"(?:\bin|\bby|\bof|q[1-4]|h[12]|fy|end|年度?|于)\s?$")


_BEFORE_JIANG = frozenset("前底末内中间后")
_RATIO_FROM = ("从", "由", "from")
_RATIO_TO = ("至", "到", "为", "to")
_RATIO_BOUND = ("不低于", "不少于", "至少", "高于", "大于", "不高于", "不超过", "低于", "保持在", "维持在", "稳定在",
                "at least", "above", "below", "under")
_NOT_BEFORE_NUMBER = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.")
_CURRENCY = frozenset("$¥￥")


def _quantities(s: str, lo: int, hi: int) -> list[_Qty]:
    t = _T if _T is not None else _tables()
    found = []
    n = len(s)
    ratio = False  # a multiple after 从 / from was a value: so is the one after 至 / to
    for m in t.number.finditer(s, lo, hi):
        num, scale, pct, unit = m.groups()  # the pattern's only groups, in this order
        start, end = m.span()
        cur = None
        if start:
            prev = s[start - 1]
            if prev in _NOT_BEFORE_NUMBER or prev == "-" and start > 1 and "a" <= s[start - 2] <= "z":
                continue  # p99, kr1, v2.0, sev-1: part of a name
            if prev in _CURRENCY:
                cur, cur_start = prev, start - 1
            elif prev == " " and start > 1 and s[start - 2] in _CURRENCY:
                cur, cur_start = s[start - 2], start - 2
        if not (pct or scale or unit == "个月") and t.not_value.match(s, start + len(num), end + 8):
            continue  # a year, a date, a version, a metric's name (7日留存)
        if end < n and not (unit or pct or scale) and "a" <= s[end] <= "z":
            continue  # 5g, 3d, 2fa: a name, not a value
        if start and (s[start - 1] == "第" or s.endswith(("version ", "版本 ", "版本"), 0, start)):
            continue  # 第3 / version 3.0: an ordinal or a name
        if len(num) == 4 and "1990" <= num <= "2099" and not (scale or pct or unit or cur) \
                and _YEAR_BEFORE.search(s, max(0, start - 8), start):
            continue  # a year ("Launch in Q3 2025")
        if unit == "倍" or unit == "x":
            # a multiple is a relative phrase ("提升至 2 倍", "2x"), unless it is the value of a ratio
            # metric: "LTV/CAC 从 2.2 倍提升至 3 倍", "from 2.2x to 3x", "不低于 3 倍"
            before = s[max(0, start - 6):start].rstrip()
            if before.endswith(_RATIO_FROM):
                ratio = True
            elif not (before.endswith(_RATIO_BOUND) or ratio and before.endswith(_RATIO_TO)):
                continue
        value = float(num)
        if scale:
            value = round(value * t.scale[scale], 10)
        if pct:
            u = "%"
        elif unit:
            u = t.unit_canonical.get(unit, unit)
        elif cur:
            u = t.unit_canonical.get(cur, cur)
        else:
            u = None
        if cur:
            start = cur_start
        found.append(_Qty(start, end, value, u, bool(pct)))
    return found


def parse_number(text: str) -> Optional[float]:
    """The first quantity in ``text`` as a number (scale words folded in), or None.

    ``parse_number("300万")`` -> 3000000.0; ``"85%"`` -> 85.0; ``"1,200"`` -> 1200.0;
    ``"三百万"`` -> 3000000.0.
    """
    s = _prepare(text)
    q = _quantities(s, 0, len(s))
    return q[0].value if q else None


# --------------------------------------------------------------------------------------------
# Clauses
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Clause:
    lo: int
    hi: int
    qtys: list
    rel: Optional[float]        # factor from a relative phrase (翻一番 -> 2.0), or None
    tenths: Optional[float]     # 三成 -> 0.3 (sign set by direction)
    words: list                 # (start, end, word, kind, direction)
    result: bool = False
    deliverable: bool = False


def _clauses(s: str) -> list[tuple[int, int]]:
    t = _tables()
    spans, lo = [], 0
    for m in t.clause_split.finditer(s):
        if m.start() > lo:
            spans.append((lo, m.start()))
        lo = m.end()
    if lo < len(s):
        spans.append((lo, len(s)))
    return spans


def _relatives(s: str) -> list[tuple[int, Optional[float], Optional[float]]]:
    """Relative phrases: (position, factor or None, tenths or None); 翻一番 -> 2.0, 三成 -> 0.3."""
    t = _T
    found = []
    if not t.relative_pre.search(s):
        return found
    for m in t.relative_re.finditer(s):
        w = m.group("rel")
        if w:
            if w in t.tenths:
                found.append((m.start(), None, t.tenths[w]))
            else:
                found.append((m.start(), t.relative[w], None))
        elif m.group("cntimes"):
            found.append((m.start(), float(t.cn_digits[m.group("cntimes")]), None))
        else:  # 提升至2倍 / 达到 3 倍 / 2x -> x N; "增长 2 倍" is read the same way (common usage)
            found.append((m.start(), float(m.group("times")), None))
    return found


def _make_clause(lo: int, hi: int, qtys: list, rels: list, words: list) -> _Clause:
    rel = tenths = None
    for pos, factor, tenth in rels:  # the first relative phrase of the clause
        if lo <= pos < hi:
            rel, tenths = factor, tenth
            break
    return _Clause(
        lo, hi, [q for q in qtys if lo <= q.start < hi], rel, tenths, [w for w in words if lo <= w[0] < hi]
    )


def _direction(c: _Clause) -> Optional[str]:
    # the first change word, else the first maintain word, else the first bound word (one pass)
    maintain = bound = None
    for w in c.words:
        kind = w[3]
        if kind == "change":
            return w[4]
        if kind == "maintain":
            if maintain is None:
                maintain = w[4]
        elif kind == "bound" and bound is None:
            bound = w[4]
    if maintain is not None:
        return maintain
    if bound is not None:
        return bound
    if c.rel is not None:
        return "up" if c.rel > 1 else "down" if c.rel < 1 else "maintain"
    return None


def _name_words_dropped(ws: list, fm: Any) -> list:
    """"月新增激活用户数从 6 万提升至 9 万", "P1 级以上线上事故从 6 次降至 2 次": a change or bound word
    before 从 is part of the name when a change word follows the baseline (X 从 A 提升至 B); then it
    says nothing of the direction either."""
    lo, hi = fm.start(), fm.end()
    for w in ws:
        if w[0] >= hi and w[3] == "change":
            break
    else:
        return ws
    return [w for w in ws if w[0] >= lo or w[3] == "maintain"]


def _metric_name(s: str, text: str, c: _Clause, fm: Any = False, has_acts: bool = True) -> Optional[str]:
    """The metric's name as written: the words before the first change word or number.

    ``fm``: ``from_re.search(s, c.lo, c.hi)`` when the caller has it already (False: not yet).
    ``has_acts``: False when the word scan found no activity verb in the sentence.
    """
    t = _T  # set: only called from analyze_kr_uncached
    cut = c.hi
    for w in c.words:
        if w[2] not in ("达", "至", "到", "为"):
            if w[0] < cut:
                cut = w[0]
            break
    if fm is False:
        fm = t.from_re.search(s, c.lo, c.hi)
        if fm is not None and fm.lastindex is None:
            fm = t.from_num_re.search(s, fm.end(), c.hi) or fm
    if fm and fm.start() < cut:
        cut = fm.start()
    if c.qtys and c.qtys[0].start < cut and not (fm and fm.lastindex):
        cut = c.qtys[0].start  # (a number before 从 A is part of the name: "职位发布后 14 天内获得面试的比例")
    for w in c.words:  # 达 / 达到 just before the number
        if w[0] < cut and w[2] in ("达", "达到"):
            cut = w[0]
    lead = t.lead_re.match(s, c.lo, cut)
    start = lead.end() if lead else c.lo
    name = text[start:cut].strip(" ,.:;的")
    if "将" in name:  # "秋季学期结束前将 X": a time or condition phrase before 将
        j = s.find("将", start, cut)
        if j > start and s[j - 1] in _BEFORE_JIANG:
            start = t.lead_re.match(s, j, cut).end()
            name = text[start:cut].strip(" ,.:;的")
    # English "increase X from A to B": the metric follows the verb
    if not name or (name.isascii() and c.words and c.words[0][0] == start):
        w0 = c.words[0] if c.words else None
        if w0 and w0[0] <= start + 1:
            end = c.hi
            for m in t.from_re.finditer(s, w0[1], c.hi):
                end = m.start()
                break
            else:
                tm = _TO_BY.search(s, w0[1], c.hi)
                if tm:
                    end = tm.start()
                if c.qtys and c.qtys[0].start > w0[1]:
                    end = min(end, c.qtys[0].start)
                for w in c.words:  # "keep p99 latency under 200 ms": stop at the bound word
                    if w[0] >= w0[1]:
                        end = min(end, w[0])
                        break
            name = text[w0[1]:end].strip(" ,.:;")
    # an activity verb can only lead the name when the scan found one (acts) in the sentence
    av = t.activity_re.match(name.lower()) if name and has_acts else None
    if av and (c.deliverable or av.end() == len(name)):
        name = name[av.end():].strip(" ,.:;的")
    if not name and c.qtys:  # "reach 1m mau" / "发布4个新功能": the metric follows the number
        q = c.qtys[-1]
        name = text[q.end:c.hi].strip(" ,.:;")
    if name[:1] in "tTaAoO":
        name = _ARTICLE.sub("", name)
    return name or None


def analyze_kr(text: str) -> KrAnalysis:
    """Analyse one KR sentence (Chinese or English); see the module docstring for the rule.

    Results are cached (the last 4,096 distinct sentences; a KrAnalysis is immutable): a
    notebook re-runs its checks over the same plan again and again. ``analyze_kr_uncached``
    is the same without the cache (the benchmark measures both).
    """
    if type(text) is not str:
        text = str(text)
    return _analyze_cached(text)


def analyze_kr_uncached(text: str) -> KrAnalysis:
    """:func:`analyze_kr` without its cache."""
    t = _T if _T is not None else _tables()
    if type(text) is not str:
        text = str(text)
    view = text
    # one scan decides whether any rewriting is needed; in an all-ASCII text the only character
    # of _SPECIAL that can occur is ",", and a substring test is cheaper than the regex scan
    if ("," in text if text.isascii() else _SPECIAL.search(text)) or "ero" in text:
        if _FW_RE.search(view):
            view = view.translate(_FULLWIDTH)
        if "," in view:
            view = t.thousands.sub("", view)
        if _HAS_CN_NUMERAL.search(view):
            view = _convert_cn_numerals(view)
        if "ero" in view:
            view = _ZERO.sub("0", view)  # "zero P0 incidents"
    s = view.lower()
    n = len(s)
    if n != len(view):  # a character whose lower case is longer: names read lower-cased
        view = s

    # one scan per word list over the whole sentence; clauses take their share by position
    lex_flags, word_kind = t.lex_flags, t.word_kind
    acts, jar, words, dims, dels = [], [], [], [], []
    for m in (t.lex_ascii_re if s.isascii() else t.lex_re).finditer(s):
        w = m.group()
        f = lex_flags[w]
        p = m.start()
        if f & _DIR:
            kind, d = word_kind[w]
            words.append((p, m.end(), w, kind, d))
        if f & _DIM:
            dims.append((p, w))
        if f & _ACT:
            acts.append((p, w))
        if f & _DEL:
            dels.append(p)
        if f & _JAR:
            jar.append(w)
    if acts and t.activity_patterns is not None and "完成" in s:
        acts = [(m.start(), m.group()) for m in t.activity_patterns.finditer(s)] + acts
    # de-duplicated, in order; a single word needs no dict (the common case)
    if not acts:
        activity_words = ()
    elif len(acts) == 1:
        activity_words = (acts[0][1],)
    else:
        activity_words = tuple(dict.fromkeys([w for _, w in acts]))
    jargon = (jar[0],) if len(jar) == 1 else tuple(dict.fromkeys(jar)) if jar else ()
    qtys = _quantities(s, 0, n)  # no \d pre-scan: the number scan itself is as fast, and finds none
    if not t.split_or_relative.search(s):  # one clause, no relative phrase
        clauses = [_Clause(0, n, qtys, None, None, words)]
    else:
        rels = _relatives(s)
        if rels:
            ratios = [q.start for q in qtys if q.unit == "倍"]
            if ratios:  # "从 2.2 倍提升至 3 倍": values of a ratio, not relative phrases
                rels = [r for r in rels if r[0] not in ratios]
        if t.clause_split.search(s):
            clauses = [_make_clause(lo, hi, qtys, rels, words) for lo, hi in _clauses(s)]
        else:
            clauses = [_Clause(0, n, qtys, rels[0][1] if rels else None, rels[0][2] if rels else None, words)]
    # Plain loops instead of any(<generator>): each generator costs a frame per clause.
    measurable = False
    results = deliverables = False  # some clause states a result / counts deliverables
    chosen: Optional[_Clause] = None
    chosen_i = first_i = -1  # clause indexes of chosen / the first measured clause
    for i, c in enumerate(clauses):
        if not c.qtys and c.rel is None and c.tenths is None:
            continue
        measurable = True
        if first_i < 0:
            first_i = i
        lo, hi = c.lo, c.hi
        for w in c.words:  # a change, bound or maintain word (every kind in c.words is one)
            if w[3] in _RESULT_KINDS:
                c.result = True
                break
        else:
            for pos in dels:
                if lo <= pos < hi:
                    c.deliverable = True
                    break
            else:
                first_act = None
                for pos, _ in acts:
                    if lo <= pos < hi:
                        first_act = pos
                        break
                if first_act is not None and c.qtys and first_act < c.qtys[0].start:
                    for pos, _ in dims:
                        if lo <= pos < hi:
                            c.result = True
                            break
                    else:
                        c.deliverable = True
                else:
                    c.result = True
        if c.result:
            results = True
            if chosen is None:
                chosen, chosen_i = c, i
        else:
            deliverables = True
    if chosen is None and first_i >= 0:
        chosen, chosen_i = clauses[first_i], first_i
    if chosen is not None and not chosen.qtys:
        # "月活翻一番,从 120 万到 240 万": the numbers of a relative phrase follow in the next clause
        i = chosen_i
        if i + 1 < len(clauses) and t.from_re.match(s, clauses[i + 1].lo + (s[clauses[i + 1].lo] == " ")):
            nxt = clauses[i + 1]
            chosen = _Clause(chosen.lo, nxt.hi, nxt.qtys, chosen.rel, chosen.tenths, chosen.words + nxt.words, chosen.result)
    is_activity = bool(activity_words) and not results
    if not activity_words and not results and deliverables:
        is_activity = True

    if chosen is None:  # nothing measured: still tell the dimension and the intended direction
        c = clauses[0] if clauses else _Clause(0, len(s), [], None, None, [])
        direction = _direction(c) if c.words else None
        if direction and c.words and c.words[0][3] == "bound":
            direction = None
        dim = _dimension(dims, 0, n) if dims else None
        metric = _metric_name(s, view, c, False, bool(acts)) if c.words else None
        return _new_analysis(text, False, is_activity, dim, metric, None, None, None, direction, None, activity_words, jargon)

    c = chosen
    baseline = target = None
    unit = None
    rel = None
    qtys = c.qtys
    fm = t.from_re.search(s, c.lo, c.hi)
    if fm is not None:
        if fm.lastindex is None:  # no number after it: a later from word may have one
            fm = t.from_num_re.search(s, fm.end(), c.hi) or fm
        ws = c.words
        if ws and ws[0][0] < fm.start():
            c.words = _name_words_dropped(ws, fm)
    direction = _direction(c)
    if fm and qtys:
        after = [q for q in qtys if q.start >= fm.end()]
        if after:
            baseline = after[0].value
            unit = after[0].unit
            later = [q for q in after[1:]]
            if later:
                target = later[0].value
                unit = later[0].unit or unit
                if baseline is not None and later[0].unit == "%" and after[0].unit != "%" and _is_relative_pct(s, c, later[0]):
                    target = None
                    rel = _signed(later[0].value / 100.0, direction)
                elif _is_relative_pct(s, c, later[0]) and not _has_to_before(s, c, later[0]):
                    rel = _signed(later[0].value / 100.0, direction)
                    target = None
                    unit = after[0].unit
    if baseline is None and target is None and qtys:
        # the target: a quantity after a target/bound word, else the last one; a percentage right
        # after a change verb without 至/到 is a relative change ("增长25%")
        pick = None
        for q in qtys:
            if _is_relative_pct(s, c, q) and not _has_to_before(s, c, q):
                if rel is None:
                    rel = _signed(q.value / 100.0, direction)
                continue
            if _is_delta(s, c, q):
                continue
            if pick is not None and _is_qualifier(s, q):
                continue  # "95% of tickets within 2 hours": the time is part of the metric
            pick = q
        if pick is None and rel is None:
            pick = None
        if pick is not None:
            target, unit = pick.value, pick.unit
        elif qtys and rel is None:
            unit = qtys[0].unit
        elif rel is not None:
            unit = None
    if rel is None and c.rel is not None:
        rel = c.rel - 1.0
    if rel is None and c.tenths is not None:
        rel = _signed(c.tenths, direction)
    if target is None and baseline is not None and rel is not None:
        target = round(baseline * (1.0 + rel), 10)
    elif baseline is not None and target is not None and rel is None and baseline != 0:
        rel = round(target / baseline - 1.0, 10)
    if direction is None and (target is not None or rel is not None):
        if rel is not None:
            direction = "up" if rel > 0 else "down" if rel < 0 else "maintain"
        elif baseline is not None and target is not None:
            direction = "up" if target > baseline else "down" if target < baseline else "maintain"
        elif target == 0:
            direction = "down"  # "缺陷数为 0": none left
        else:
            direction = "up"
    dim = _dimension(dims, c.lo, c.hi) if dims else None
    if not dim and dims and (c.lo or c.hi != n):  # else the same range again
        dim = _dimension(dims, 0, n)
    metric = _metric_name(s, view, c, fm, bool(acts))
    return _new_analysis(text, measurable, is_activity, dim, metric, baseline, target, unit, direction, rel, activity_words, jargon)


_RESULT_KINDS = frozenset(("change", "bound", "maintain"))
_object_new = object.__new__
_KR_FIELDS = ("text", "measurable", "is_activity", "dimension", "metric", "baseline", "target", "unit",
              "direction", "relative_change", "activity_words", "jargon")
if tuple(KrAnalysis.__dataclass_fields__) != _KR_FIELDS:  # _new_analysis must set every field
    raise RuntimeError("KrAnalysis fields changed: update _new_analysis")


def _new_analysis(text, measurable, is_activity, dimension, metric, baseline, target, unit, direction,
                  relative_change, activity_words, jargon) -> KrAnalysis:
    """``KrAnalysis(...)``, built by filling the instance ``__dict__`` at once instead of the frozen
    dataclass's ``__init__``, which pays one ``object.__setattr__`` call per field (12 here).
    Invariant: the very same object (same fields, equality, hash, repr, pickle); the check
    above stops the import if the dataclass's fields are not ``_KR_FIELDS``."""
    a = _object_new(KrAnalysis)
    a.__dict__.update(
        text=text, measurable=measurable, is_activity=is_activity, dimension=dimension, metric=metric,
        baseline=baseline, target=target, unit=unit, direction=direction,
        relative_change=relative_change, activity_words=activity_words, jargon=jargon,
    )
    return a


def _signed(x: float, direction: Optional[str]) -> float:
    return -x if direction == "down" else x


def _is_relative_pct(s: str, c: _Clause, q: _Qty) -> bool:
    """A percentage that is a change: 增长25%, 同比降低 20%, "increase by 25%", "grow GMV 40%"."""
    if not q.pct:
        return False
    before = s[max(c.lo, q.start - 8):q.start].rstrip()
    if before.endswith("by"):
        return True
    t = _T
    if t.bound_after.match(s, q.end):
        return False  # 控制在 3% 以下: a bound
    last = None
    for w in c.words:
        if w[1] <= q.start and w[3] == "change":
            last = w
    if last is None or last[2] in _REACH:
        return False
    between = s[last[1]:q.start]
    return not t.to_re.search(between) and not t.from_re.search(between)


_REACH = frozenset(("达到", "达", "突破", "超过", "新增", "reach", "reaches", "hit", "exceed", "exceeds", "surpass", "achieve", "控制在", "降至", "降到", "减至", "增至", "增到", "升至", "提至"))


def _is_delta(s: str, c: _Clause, q: _Qty) -> bool:
    """"DAU 增加 10 万" (an amount of change; not a target) -- unless 新增 (new X is the metric)."""
    for w in c.words:
        if w[3] == "change" and w[1] <= q.start and s[w[1]:q.start].strip(" 了约近") == "":
            return w[2] in ("增加", "增长", "提升", "提高", "increase", "grow", "add", "gain") and not q.pct and q.unit not in ("%",)
    return False


def _is_qualifier(s: str, q: _Qty) -> bool:
    return s.startswith("内", q.end) or s.endswith(("within ", "in "), 0, q.start) or s.endswith("within", 0, q.start)


def _has_to_before(s: str, c: _Clause, q: _Qty) -> bool:
    seg = s[max(c.lo, q.start - 4):q.start]
    return any(w in seg for w in ("至", "到", "为", " to"))


def _dimension(dims: list, lo: int, hi: int) -> Optional[str]:
    """The dimension of the longest keyword found between ``lo`` and ``hi`` (ties: the first)."""
    best = None
    for pos, w in dims:
        if lo <= pos < hi and (best is None or len(w) > len(best)):
            best = w
    return _T.dim_of[best] if best else None


_analyze_cached = lru_cache(maxsize=4096)(analyze_kr_uncached)


def analyze_many(texts: Iterable[str]) -> list[KrAnalysis]:
    """``analyze_kr`` over many sentences (blank lines skipped)."""
    return [analyze_kr(x) for x in texts if x and str(x).strip()]


# --------------------------------------------------------------------------------------------
# Fix hints
# --------------------------------------------------------------------------------------------

_HINTS: Optional[tuple] = None


def _hints() -> tuple:
    global _HINTS
    if _HINTS is None:
        entries = data_file("outcome_hints")["hints"]
        keyed = {}
        for e in entries:
            for k in e["keys"]:
                keyed.setdefault(str(k).lower(), e)
        _HINTS = (re.compile(_alt(keyed)), keyed)
    return _HINTS


def _fmt(value: Optional[float], unit: Optional[str], placeholder: str) -> str:
    if value is None:
        return placeholder
    return numbers.number(value) + (unit or "")  # the one formatter; the unit closes up, as in a KR sentence


def suggest_outcome(analysis: KrAnalysis) -> tuple[str, str]:
    """A fix hint ``(zh, en)`` for an activity KR: the outcome it probably serves.

    ``suggest_outcome(analyze_kr("优化推送功能"))`` ->
    ``("将推送打开率从[基线]提升至[目标]", "Raise push open rate from [baseline] to [target]")``.
    The metric comes from ``outcome_hints.yaml`` (the activity's object -> an outcome metric);
    without a match, the KR's own metric (with its known numbers) or ``[指标]``.
    """
    pattern, keyed = _hints()
    s = _normalise(analysis.text)
    best = None
    for m in pattern.finditer(s):
        if best is None or len(m.group(0)) > len(best):
            best = m.group(0)
    if best is not None:
        e = keyed[best]
        zh_metric, en_metric, direction = e["zh"], e["en"], e.get("direction", "up")
        base = goal = None
        unit = None
    elif analysis.is_activity or analysis.metric is None:
        # the activity's own numbers count deliverables ("发布4个新功能"): no outcome to borrow
        zh_metric, en_metric, direction = "[指标]", "[metric]", "up"
        base = goal = unit = None
    else:
        zh_metric = en_metric = analysis.metric
        direction = analysis.direction or "up"
        base, goal, unit = analysis.baseline, analysis.target, analysis.unit
    if direction == "down":
        zh_verb, en_verb = "降低至", ("Reduce", "to")
    else:
        zh_verb, en_verb = "提升至", ("Raise", "to")
    zh = f"将{zh_metric}从{_fmt(base, unit, '[基线]')}{zh_verb}{_fmt(goal, unit, '[目标]')}"
    en = f"{en_verb[0]} {en_metric} from {_fmt(base, unit, '[baseline]')} {en_verb[1]} {_fmt(goal, unit, '[target]')}"
    return zh, en
