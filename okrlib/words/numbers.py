"""Numbers and dates as people read and type them: the one formatter okrlib shows numbers with.

Every surface (forms, the checker's hints, charts, dashboards, the take-away in Markdown, HTML and
Excel, the command line) shows a number through this module, so the same KR reads the same
everywhere. The rules:

* never scientific notation (``1.2e+06`` is no way to show a target to a product manager);
* thousands grouped with commas from five digits on (``12,000``, ``1,234,567.5``), as Chinese
  business documents write them; a number of four digits or fewer stays whole (``1200``, and a
  year reads ``2027``, never ``2,027``), as GB/T 15835 allows;
* at most two decimals for numbers of one and more, three significant digits below one
  (``0.849111`` -> ``0.849``; ``0.000012`` stays ``0.000012``), trailing zeros dropped;
* ``compact=True`` writes large numbers in 万 / 亿 (``1.2万``, ``3亿``), where the course does;
* a unit follows its number: ``%`` and ``‰`` close up (``85%``), any other unit after a space
  (``1800 家``), as Chinese typography sets numbers apart from the words around them;
* ``sign=True`` marks a change: ``+5``, ``-5``, ``0``;
* what is missing reads ``—``.

The units that close up, the 万 / 亿 words and the default currency are data (``okrlib/data/numbers.yaml``).

``table(frame)`` applies the same rules to every number of a pandas DataFrame shown to people
(``0.849111`` -> ``0.849``), and leaves the frame it was given untouched.

``read_number`` is the inverse for a form field that holds a number (``300万``, ``85%``,
``1,200``, ``三百万``, ``-5``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_EVEN, Context, Decimal
from functools import lru_cache
from typing import Any, Literal, Optional

from okrlib.words.resources import data_file

__all__ = ["MISSING", "excel_format", "number", "quantity", "value_range", "percent", "money", "date", "timestamp", "table", "read_number"]

Lang = Literal["zh", "en"]

MISSING = "—"  # what a reader sees where there is no value, on every surface

_GROUP_FROM = 10_000  # four digits or fewer are not grouped (GB/T 15835)
# enough digits for any float written out in full (the largest has 309 before the point)
_EXACT = Context(prec=800, Emax=999_999, Emin=-999_999)


@lru_cache(maxsize=1)
def _close_units() -> tuple[str, ...]:
    return tuple(data_file("numbers")["close_units"])


def _closes_up(unit: str) -> bool:
    return unit.startswith(_close_units())


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is _pd_na(value)


def _pd_na(value: Any) -> Any:
    # pandas.NA without importing pandas: it is the one value whose type is named NAType
    return value if type(value).__name__ == "NAType" else object()


def _decimals(value: float, digits: Optional[int]) -> int:
    if digits is not None:
        return digits
    magnitude = abs(value)
    if magnitude >= 1 or magnitude == 0:
        return 2
    # three significant digits below one: 0.849111 -> 3 decimals, 0.000012345 -> 7
    return 2 - math.floor(math.log10(magnitude))


def _plain(value: float, digits: Optional[int], group: bool) -> str:
    places = _decimals(value, digits)
    quantum = Decimal(1).scaleb(-places)
    d = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_EVEN, context=_EXACT)
    if d == 0:
        d = abs(d)  # never "-0"
    text = f"{d:,f}" if group and abs(d) >= _GROUP_FROM else f"{d:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _signed(text: str, value: float, sign: bool) -> str:
    if sign and value > 0 and text.strip("0.,") != "":
        return "+" + text
    return text


def number(value: Any, *, digits: Optional[int] = None, compact: bool = False, group: bool = True,
           sign: bool = False, lang: Lang = "zh") -> str:
    """A number for people: ``1234567.5`` -> ``1,234,567.5``; ``compact=True`` -> ``123.46万``.

    ``digits`` fixes the decimals (a score ``72.5``, a ratio ``0.85``; trailing zeros are still
    dropped); ``sign=True`` writes ``+`` before a positive number (a change); booleans and text
    are shown as they are, so a column of mixed cells never raises.
    """
    if _missing(value):
        return MISSING
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, bool):
            return str(value)
        try:
            value = float(value)  # numpy numbers, Decimal
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, float) and math.isinf(value):
        return ("-" if value < 0 else "+" if sign else "") + "∞"
    if compact:
        for size, suffix in data_file("numbers")["compact"][lang]:
            if abs(value) >= size:
                return _signed(_plain(value / size, 2 if digits is None else digits, group) + suffix, value, sign)
    if isinstance(value, int):
        text = f"{value:,d}" if group and abs(value) >= _GROUP_FROM else str(value)
        return _signed(text, value, sign)
    return _signed(_plain(value, digits, group), value, sign)


def excel_format(value: Any) -> str:
    """The Excel number format under which a spreadsheet shows ``value`` as :func:`number` does.

    The cell keeps the exact value (a workbook read back loses nothing); only what Excel
    displays follows the formatter: ``1234567.5`` -> ``#,##0.0`` (shown ``1,234,567.5``),
    ``0.849111`` -> ``0.000`` (shown ``0.849``), ``1200`` -> ``0``.
    """
    shown = number(value)
    decimals = len(shown.rpartition(".")[2]) if "." in shown else 0
    whole = "#,##0" if "," in shown else "0"
    return whole + ("." + "0" * decimals if decimals else "")


def quantity(value: Any, unit: Optional[str] = None, **options: Any) -> str:
    """A number with its unit: ``85, "%"`` -> ``85%``; ``1800, "家"`` -> ``1800 家``."""
    if _missing(value):
        return MISSING
    text = number(value, **options)
    if not unit:
        return text
    return f"{text}{unit}" if _closes_up(unit) else f"{text} {unit}"


def value_range(start: Any, end: Any, unit: Optional[str] = None, **options: Any) -> str:
    """From a baseline to a target: ``12000, 18000, "家"`` -> ``12,000 → 18,000 家``."""
    if _missing(start) and _missing(end):
        return MISSING
    body = f"{number(start, **options)} → {number(end, **options)}"
    if not unit:
        return body
    return f"{body}{unit}" if _closes_up(unit) else f"{body} {unit}"


def percent(ratio: Any, *, digits: int = 1, sign: bool = False) -> str:
    """A share as a percentage: ``0.853`` -> ``85.3%``; ``sign=True``: ``+5%`` (a change)."""
    if _missing(ratio):
        return MISSING
    return number(float(ratio) * 100, digits=digits, sign=sign) + "%"


def money(value: Any, currency: Optional[str] = None, *, lang: Lang = "zh") -> str:
    """An amount: ``1234567.5`` -> ``123.46万元``; below ten thousand ``5000元`` (numbers.yaml's currency
    unless ``currency`` is named)."""
    if _missing(value):
        return MISSING
    return number(value, compact=True, lang=lang) + (data_file("numbers")["currency"] if currency is None else currency)


def date(value: Any) -> str:
    """A date as the course writes it, ``2027-03-31`` (a datetime loses its time of day)."""
    if _missing(value):
        return MISSING
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def timestamp(value: Any) -> str:
    """A moment as the course writes it, ``2027-03-31 14:05`` (to the minute, in the time zone
    it carries: local time for ``datetime.now()``); a plain date reads as :func:`date`."""
    if _missing(value):
        return MISSING
    if isinstance(value, dt.datetime):
        return f"{value.date().isoformat()} {value.hour:02d}:{value.minute:02d}"
    return date(value)


def table(frame: Any, columns: Optional[Any] = None) -> Any:
    """A copy of a pandas DataFrame whose numbers read as people write them (text cells).

    Every numeric column (or only ``columns``) goes through :func:`number`; a missing cell reads
    ``—``. Use it where a frame becomes a table someone reads (HTML, a notebook); keep the frame
    itself for computing. Booleans and text columns are left as they are.
    """
    out = frame.copy()
    names = list(out.columns) if columns is None else list(columns)
    for name in names:
        kind = getattr(out[name].dtype, "kind", "O")
        if kind in "iuf":
            out[name] = [number(v) for v in out[name]]
        elif kind == "O" and any(isinstance(v, float) and not isinstance(v, bool) for v in out[name]):
            out[name] = [number(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in out[name]]
    return out


# ---- reading ------------------------------------------------------------------------------

_NUMBER_ONLY = re.compile(
    r"^(?P<cur>[$¥￥])?(?P<num>\d[\d,]*(?:\.\d+)?|\.\d+)(?P<scale>[^\d%％]*?)(?P<pct>[%％])?$", re.I)
_CN_NUMERAL = re.compile(r"^(?P<pct>百分之)?(?P<num>[零〇一二两三四五六七八九十百千万亿点]+)(?P<pct2>%)?$")
# full-width digits and signs as ASCII; spaces (also the ideographic one) dropped
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋−", "0123456789.,-+-", " \u3000")


@lru_cache(maxsize=1)
def _scales() -> dict[str, float]:
    return {str(k).lower(): float(v) for k, v in data_file("kr_phrases")["scale"].items()}


@lru_cache(maxsize=512)
def _cn_numeral(text: str) -> Optional[float]:
    digits = data_file("kr_phrases")["cn_digits"]
    if text in digits:
        return float(digits[text])
    try:
        import cn2an  # only a Chinese numeral needs it

        return float(cn2an.cn2an(text, "smart"))
    except Exception:  # cn2an raises bare Exceptions on some input
        return None


def read_number(text: Any) -> Optional[float]:
    """A field's text as a number, or None when it is not just a number.

    ``"300万"`` -> 3000000.0; ``"85%"`` -> 85.0; ``"1,200"`` -> 1200.0; ``"三百万"`` -> 3000000.0;
    ``"-5"`` -> -5.0; ``"约300万用户"`` -> None (a number field holds a number; the unit has its
    own field).
    """
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return None if isinstance(text, float) and not math.isfinite(text) else float(text)
    s = str(text or "").translate(_FULL_WIDTH)
    sign = 1.0
    if s[:1] and s[0] in "+-":
        sign, s = (-1.0 if s[0] == "-" else 1.0), s[1:]
    if not s:
        return None
    m = _NUMBER_ONLY.match(s)
    if m:
        scale = m.group("scale").lower()
        factor = 1.0 if not scale else _scales().get(scale)
        if factor is None:
            return None
        try:
            value = float(m.group("num").replace(",", ""))
        except ValueError:
            return None
        return sign * value * factor
    m = _CN_NUMERAL.match(s)
    if m and not (m.group("pct") and m.group("pct2")):
        value = _cn_numeral(m.group("num"))
        return None if value is None else sign * value
    return None
