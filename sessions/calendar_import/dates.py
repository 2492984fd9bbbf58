"""Spanish dates and times as secretariats write them: "1o. de junio de 2024", "5:30 p. m."."""

import datetime
import difflib
import re

from committees.spanish import MONTHS

from .base import EXAMPLE_DATE, CalendarParseError, fold

_MONTH_NUMBERS = {name: number for number, name in enumerate(MONTHS, start=1)}
_MONTH_NUMBERS["setiembre"] = 9
_MONTH_ABBREVIATIONS = {name[:3]: number for name, number in _MONTH_NUMBERS.items()}
_MONTH_ABBREVIATIONS.update({"sept": 9, "set": 9})
_WEEKDAYS = r"(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo)"
_LONG_DATE = re.compile(
    rf"^(?:{_WEEKDAYS},?\s+)?"
    r"(?P<day>\d{1,2})\s*(?:o|ro|er|°)?\.?\s+de\s+(?P<month>[a-z]+)\.?\s+del?\s+"
    r"(?P<year>\d{4})\.?$"
)
_NUMERIC_DATE = re.compile(r"^(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})$")
_ISO_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$")


def parse_spanish_date(text: str) -> datetime.date:
    """
    A Spanish long date: "17 de octubre de 2023", "01 de noviembre de 2023", "1o. de junio
    de 2024", "1º de junio de 2024", "1 de junio del 2024", "miércoles 1 de noviembre de
    2023". Raises CalendarParseError, with the reason in Spanish, for anything else.
    """
    match = _LONG_DATE.match(fold(text))
    if match is None:
        raise CalendarParseError(
            f"«{text.strip()}» no es una fecha; escríbala como {EXAMPLE_DATE}."
        )
    month_word = match["month"]
    month = _MONTH_NUMBERS.get(month_word) or _MONTH_ABBREVIATIONS.get(month_word)
    if month is None:
        suggestion = difflib.get_close_matches(month_word, MONTHS, n=1)
        hint = f" ¿Quiso decir «{suggestion[0]}»?" if suggestion else ""
        raise CalendarParseError(f"«{month_word}» no es un nombre de mes.{hint}")
    return _make_date(int(match["year"]), month, int(match["day"]))


def parse_date(text: str) -> datetime.date:
    """A Spanish long date, or a numeric one: "01/11/2023" (day first) or "2023-11-01"."""
    folded = fold(text).rstrip(".")
    match = _NUMERIC_DATE.match(folded) or _ISO_DATE.match(folded)
    if match:
        return _make_date(int(match["year"]), int(match["month"]), int(match["day"]))
    return parse_spanish_date(text)


def _make_date(year: int, month: int, day: int) -> datetime.date:
    if not 1 <= month <= 12:
        raise CalendarParseError(f"el mes {month} no existe.")
    if year < 1:
        raise CalendarParseError(f"el año {year:04d} no es válido.")
    try:
        return datetime.date(year, month, day)
    except ValueError:
        next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
        days = (next_month - datetime.timedelta(days=1)).day
        raise CalendarParseError(
            f"el {day} de {MONTHS[month - 1]} de {year} no existe "
            f"({MONTHS[month - 1]} de {year} tiene {days} días)."
        ) from None


def looks_like_date(text: str) -> bool:
    """Whether a cell means to be a date (so that a bad one is an error, not prose)."""
    folded = fold(text)
    return bool(
        re.match(rf"^(?:{_WEEKDAYS},?\s+)?\d{{1,2}}\D{{0,3}}\s+de\s+\w+", folded)
        or re.match(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$", folded)
        or re.match(r"^\d{1,2}\s+[a-z]+\s+\d{4}\.?$", folded)
    )


_TIME = (
    r"(?P<{p}_hour>\d{{1,2}})(?:[:.](?P<{p}_minute>\d{{2}}))?(?::\d{{2}})?\s*"
    r"(?:(?P<{p}_ampm>[ap])\.?\s*m\.?)?\s*(?P<{p}_unit>h|hr|hrs|hs|horas?)?\.?"
)
_TIME_ONE = re.compile("^" + _TIME.format(p="a") + "$")
_TIME_RANGE = re.compile(
    "^(?:de\\s+)?" + _TIME.format(p="a") + r"\s*(?:-|–|a|al|hasta)\s*" + _TIME.format(p="b") + "$"
)


def parse_time(text: str) -> datetime.time:
    """ "10:00", "10:00 h", "10 hrs", "5:30 p. m."; raises CalendarParseError."""
    match = _TIME_ONE.match(fold(text))
    if match is None:
        raise CalendarParseError(f"«{text.strip()}» no es una hora; escríbala como «10:00».")
    return _make_time(match, "a", text)


def parse_time_range(text: str) -> tuple[datetime.time, datetime.time | None] | None:
    """A table cell that gives a time or a range ("10:00 a 12:00 horas"); None if it is not."""
    folded = fold(text)
    match = _TIME_RANGE.match(folded)
    if match:
        return _make_time(match, "a", text), _make_time(match, "b", text)
    match = _TIME_ONE.match(folded)
    if match and (match["a_minute"] or match["a_unit"] or match["a_ampm"]):
        return _make_time(match, "a", text), None
    return None


def _make_time(match: re.Match, prefix: str, text: str) -> datetime.time:
    hour = int(match[f"{prefix}_hour"])
    minute = int(match[f"{prefix}_minute"] or 0)
    ampm = match[f"{prefix}_ampm"]
    if ampm:
        if not 1 <= hour <= 12:
            raise CalendarParseError(f"«{text.strip()}» no es una hora válida.")
        hour = hour % 12 + (12 if ampm == "p" else 0)
    if hour > 23 or minute > 59:
        raise CalendarParseError(f"«{text.strip()}» no es una hora válida.")
    return datetime.time(hour, minute)
