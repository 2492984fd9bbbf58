"""
Importing a calendar of sessions from what secretariats really have: an ``.ics`` file, a
CSV (columns in the README, "Calendar import (CSV columns)") or a table pasted from a
document — one row per line with cells separated by tabs or runs of spaces, or one cell
per line with rows separated by blank lines, as a word processor copies it.

The parsing functions are pure (no database): they return rows with their line numbers,
plus errors and warnings in Spanish. ``import_calendar`` checks the rows against the
committee and writes all of them or none.
"""

import csv
import dataclasses
import datetime
import difflib
import io
import re
import unicodedata
import zoneinfo
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from icalendar import Calendar

from committees.models import Committee
from committees.spanish import MONTHS, long_date

from .models import Session

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
# A session more than this far from the election day is probably a typo in the year.
ELECTION_DAY_RANGE = datetime.timedelta(days=365)
CSV_COLUMNS = ("fecha", "hora_inicio", "hora_fin", "tipo", "numero", "lugar", "enlace", "notas")
KIND_CODES = tuple(Session.Kind.values)
CHANGE_REASON = "Importación de calendario"

Kind = Session.Kind
Role = Session.Role


class CalendarParseError(ValueError):
    """Text that cannot be read as a date, a time or a kind of session; says why, in Spanish."""


@dataclasses.dataclass(frozen=True)
class Issue:
    """A problem or a remark about one line of the input (or the whole input: no line)."""

    reason: str
    line: int | None = None
    text: str = ""

    def __str__(self) -> str:
        if self.line is None:
            return self.reason
        return f"Línea {self.line}: «{self.text}»: {self.reason}"


@dataclasses.dataclass(frozen=True)
class SessionType:
    """What a description such as "Segunda sesión ordinaria" says: kind, number, role."""

    kind: str
    number: int | None = None
    role: str = ""


@dataclasses.dataclass
class CalendarRow:
    """One session read from the input, before it is checked against the committee."""

    line: int
    text: str
    date: datetime.date
    kind: str | None = None
    number: int | None = None
    role: str = ""
    start_time: datetime.time | None = None
    end_time: datetime.time | None = None
    place: str = ""
    video_link: str = ""
    notes: str = ""
    position: int | None = None  # the table's own row number ("Núm.")
    marks: tuple[str, ...] = ()


@dataclasses.dataclass
class ParseResult:
    format: str
    rows: list[CalendarRow] = dataclasses.field(default_factory=list)
    errors: list[Issue] = dataclasses.field(default_factory=list)
    warnings: list[Issue] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class PlannedSession:
    row: CalendarRow
    session: Session


@dataclasses.dataclass
class ImportReport:
    """What an import creates (or would create), skips, warns about and refuses."""

    format: str
    planned: list[PlannedSession] = dataclasses.field(default_factory=list)
    duplicates: list[Issue] = dataclasses.field(default_factory=list)
    warnings: list[Issue] = dataclasses.field(default_factory=list)
    errors: list[Issue] = dataclasses.field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def sessions(self) -> list[Session]:
        return [planned.session for planned in self.planned]


FORMAT_LABELS = {"ics": "archivo iCalendar (.ics)", "csv": "CSV", "table": "tabla pegada"}


def max_import_bytes() -> int:
    return getattr(settings, "CALENDAR_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


# --- Text -------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, without accents, single spaces: what the patterns below match."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


def _clean_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text.removeprefix("\ufeff"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Word processors paste non-breaking and zero-width spaces.
    return text.replace("\xa0", " ").replace("\u200b", "").replace("\u202f", " ")


def decode_input(data: str | bytes) -> str:
    if isinstance(data, str):
        return _clean_text(data)
    try:
        return _clean_text(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        # Older Windows programs save CSV and text in cp1252.
        return _clean_text(data.decode("cp1252", errors="replace"))


def _size(size: int) -> str:
    """ "2 MB", "1,5 MB", "512 KB", "1000 bytes"."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            value = round(size / factor, 1)
            number = f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")
            return f"{number} {unit}"
    return f"{size} bytes"


# --- Dates and times --------------------------------------------------------------------

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
_EXAMPLE_DATE = "«17 de octubre de 2023»"


def parse_spanish_date(text: str) -> datetime.date:
    """
    A Spanish long date: "17 de octubre de 2023", "01 de noviembre de 2023", "1o. de junio
    de 2024", "1º de junio de 2024", "1 de junio del 2024", "miércoles 1 de noviembre de
    2023". Raises CalendarParseError, with the reason in Spanish, for anything else.
    """
    match = _LONG_DATE.match(fold(text))
    if match is None:
        raise CalendarParseError(
            f"«{text.strip()}» no es una fecha; escríbala como {_EXAMPLE_DATE}."
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


# --- Kinds of session -------------------------------------------------------------------

_UNITS = {
    "primer": 1,
    "segund": 2,
    "tercer": 3,
    "cuart": 4,
    "quint": 5,
    "sext": 6,
    "septim": 7,
    "setim": 7,
    "octav": 8,
    "noven": 9,
}
_TENS = {
    "decim": 10,
    "vigesim": 20,
    "trigesim": 30,
    "cuadragesim": 40,
    "quincuagesim": 50,
    "sexagesim": 60,
    "septuagesim": 70,
    "setuagesim": 70,
    "octogesim": 80,
    "nonagesim": 90,
}
_HUNDREDS = {
    "centesim": 100,
    "ducentesim": 200,
    "tricentesim": 300,
    "cuadringentesim": 400,
    "quingentesim": 500,
    "sexcentesim": 600,
    "septingentesim": 700,
    "octingentesim": 800,
    "noningentesim": 900,
}
_SPECIAL = {"undecim": 11, "duodecim": 12}


def _alternatives(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_ORDINAL_WORDS = re.compile(
    rf"^(?:(?P<hundreds>{_alternatives(_HUNDREDS)})[oa])?"
    rf"(?:(?P<tens>{_alternatives(_TENS)})[oa]?|(?P<special>{_alternatives(_SPECIAL)})[oa])?"
    rf"(?:(?P<units>{_alternatives(_UNITS)})[oa]?)?$"
)
_ORDINAL_DIGITS = re.compile(r"^(?P<number>\d{1,3})\s*(?:[oa°]|[a-z]{2})?\.?$")


def parse_ordinal(text: str) -> int:
    """ "vigésima primera", "décimo primera", "decimoprimera", "21a.", "3ª" → the number."""
    folded = fold(text)
    digits = _ORDINAL_DIGITS.match(folded)
    if digits:
        number = int(digits["number"])
    else:
        match = _ORDINAL_WORDS.match(re.sub(r"[\s-]+", "", folded)) if folded else None
        if match is None or not any(match.groupdict().values()):
            raise CalendarParseError(f"«{text.strip()}» no es un número ordinal.")
        number = sum(
            table[match[group]]
            for group, table in (
                ("hundreds", _HUNDREDS),
                ("tens", _TENS),
                ("special", _SPECIAL),
                ("units", _UNITS),
            )
            if match[group]
        )
    if number < 1:
        raise CalendarParseError(f"«{text.strip()}» no es un número ordinal.")
    return number


_INSTALLATION = re.compile(
    r"^(?:(?P<ordinal>.+?)\s+)?sesion\s+(?:ordinaria\s+)?de\s+instalacion(?:\s*\((?P<inner>.+)\))?$"
)
_CLOSING = re.compile(
    r"^sesion\s+(?:ordinaria\s+)?de\s+(?:cierre\s+y\s+clausura|clausura|cierre)"
    r"(?:\s*\((?P<inner>.+)\))?$"
)
_NUMBER_AFTER = r"(?:\s+(?:no\.?|num\.?|numero|n\.?o?)?\s*(?P<after>\d{1,3}))?"
_SESSION = re.compile(
    r"^(?:(?P<ordinal>.+?)\s+)?sesion\s+(?P<kind>ordinaria|extraordinaria)" + _NUMBER_AFTER + "$"
)
_WORK_MEETING = re.compile(
    r"^(?:(?P<ordinal>.+?)\s+)?reunion\s+(?:formal\s+de\s+trabajo|de\s+trabajo\s+con\s+"
    r"(?:las\s+)?representaciones)\b.*$"
)
_GROUP_MEETING = re.compile(
    r"^(?:(?P<ordinal>.+?)\s+)?reunion(?:\s+(?:del?|de\s+la)\s+grupo\s+de\s+trabajo\b.*|"
    r"\s+(?:del|de\s+la)\s+.*)?$"
)
_KIND_WORDS = {
    "ordinary": Kind.ORDINARY,
    "ordinaria": Kind.ORDINARY,
    "extraordinary": Kind.EXTRAORDINARY,
    "extraordinaria": Kind.EXTRAORDINARY,
    "work_meeting": Kind.WORK_MEETING,
    "reunion formal de trabajo": Kind.WORK_MEETING,
    "working_group": Kind.WORKING_GROUP,
    "grupo de trabajo": Kind.WORKING_GROUP,
    "reunion de grupo de trabajo": Kind.WORKING_GROUP,
}


def parse_description(text: str) -> SessionType:
    """
    The kind, number and role a description gives: "Segunda sesión ordinaria", "Sesión de
    instalación (Primera sesión ordinaria)", "Primera reunión formal de trabajo con las
    representaciones…", "Vigésima primera sesión extraordinaria", "Sesión de cierre y
    clausura" (an ordinary session with role closing; its number comes later).
    """
    folded = fold(text).strip(" .;:,\"'«»“”")
    match = _INSTALLATION.match(folded)
    if match:
        number = _inner_ordinary_number(match["inner"], text) if match["inner"] else None
        if match["ordinal"]:
            number = _ordinal_or_error(match["ordinal"], text)
        return SessionType(Kind.ORDINARY, number, Role.INSTALLATION)
    match = _CLOSING.match(folded)
    if match:
        number = _inner_ordinary_number(match["inner"], text) if match["inner"] else None
        return SessionType(Kind.ORDINARY, number, Role.CLOSING)
    match = _SESSION.match(folded)
    if match:
        kind = Kind.ORDINARY if match["kind"] == "ordinaria" else Kind.EXTRAORDINARY
        number = int(match["after"]) if match["after"] else None
        if match["ordinal"]:
            number = _ordinal_or_error(match["ordinal"], text)
        return SessionType(kind, number)
    for pattern, kind in ((_WORK_MEETING, Kind.WORK_MEETING), (_GROUP_MEETING, Kind.WORKING_GROUP)):
        match = pattern.match(folded)
        if match:
            number = _ordinal_or_error(match["ordinal"], text) if match["ordinal"] else None
            return SessionType(kind, number)
    raise CalendarParseError(
        f"no se reconoce el tipo de sesión en «{text.strip()}»; escríbalo como «Segunda "
        "sesión ordinaria», «Primera sesión extraordinaria» o «Tercera reunión formal de "
        "trabajo…»."
    )


def _ordinal_or_error(words: str, text: str) -> int:
    try:
        return parse_ordinal(words)
    except CalendarParseError:
        raise CalendarParseError(
            f"no se reconoce el número de la sesión en «{text.strip()}» («{words}»)."
        ) from None


def _inner_ordinary_number(inner: str, text: str) -> int | None:
    session = _SESSION.match(inner.strip(" ."))
    if session is None or session["kind"] != "ordinaria":
        raise CalendarParseError(
            f"«{text.strip()}»: entre paréntesis se espera el número de sesión ordinaria, "
            "p. ej. «(Primera sesión ordinaria)»."
        )
    if session["ordinal"]:
        return _ordinal_or_error(session["ordinal"], text)
    return int(session["after"]) if session["after"] else None


def parse_kind(text: str) -> SessionType:
    """A CSV ``tipo`` cell: a code (``ordinary``), a label ("Sesión ordinaria") or a description."""
    folded = fold(text).strip(" .")
    # The Spanish labels too ("Sesión ordinaria"); lazy, so read them only here.
    words = {**_KIND_WORDS, **{fold(str(label)): value for value, label in Kind.choices}}
    if folded in words:
        return SessionType(words[folded])
    return parse_description(text)


# --- Footnotes --------------------------------------------------------------------------

_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_MARK_ANYWHERE = re.compile(r"<sup>\s*(?P<mark>[^<\s]{1,4})\s*</sup>|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_MARK_AT_END = re.compile(r"\s*(?:\((?P<paren>\d{1,2})\)|\[(?P<bracket>\d{1,2})\]|(?P<star>\*+))")
_FOOTNOTE = re.compile(
    r"^\s*(?:<sup>\s*(?P<mark>[^<\s]{1,4})\s*</sup>|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|"
    r"\((?P<paren>\d{1,2})\)|\[(?P<bracket>\d{1,2})\]|(?P<star>\*+))\s*(?P<text>\S.*)$"
)


def _mark_of(match: re.Match) -> str:
    for group in ("mark", "sup", "paren", "bracket", "star"):
        value = match.groupdict().get(group)
        if value:
            return value.translate(_SUPERSCRIPT_DIGITS)
    return ""


def split_footnote_marks(text: str) -> tuple[str, tuple[str, ...]]:
    """ "30 de enero de 2024¹" → ("30 de enero de 2024", ("1",)); also <sup>1</sup>, (1)."""
    marks = [_mark_of(m) for m in _MARK_ANYWHERE.finditer(text)]
    text = _MARK_ANYWHERE.sub("", text).strip()
    while True:
        body, period = (text[:-1], ".") if text.endswith(".") else (text, "")
        match = re.search(_MARK_AT_END.pattern + r"$", body)
        if match is None or match.start() == 0:
            break
        marks.append(_mark_of(match))
        text = body[: match.start()].rstrip() + period
    return text, tuple(marks)


# --- Pasted tables ----------------------------------------------------------------------


@dataclasses.dataclass
class _Cell:
    line: int
    text: str


_POSITION = re.compile(r"^(?P<number>\d{1,3})[.)]?$")


def _split_cells(line: str) -> list[str]:
    return [cell.strip() for cell in re.split(r"\t|\s{2,}", line.strip()) if cell.strip()]


def _cell_kind(text: str) -> str:
    clean, _marks = split_footnote_marks(text)
    if _POSITION.match(clean):
        return "position"
    if looks_like_date(clean):
        return "date"
    return "other"


def _group_cells(cells: list[_Cell]) -> list[list[_Cell]]:
    """
    One cell per line, rows not always between blank lines: a new row starts at a row
    number (the first column) or at a second date.
    """
    rows: list[list[_Cell]] = []
    current: list[_Cell] = []
    kinds: set[str] = set()
    for cell in cells:
        kind = _cell_kind(cell.text)
        if current and (kind == "position" or (kind == "date" and "date" in kinds)):
            rows.append(current)
            current, kinds = [], set()
        current.append(cell)
        kinds.add(kind)
    if current:
        rows.append(current)
    return rows


def parse_table(text: str, *, default_kind: str | None = None) -> ParseResult:
    """Rows of a table pasted from a document, in either shape a word processor gives."""
    result = ParseResult(format="table")
    rows: list[list[_Cell]] = []
    footnotes: dict[str, tuple[int, str]] = {}
    pending: list[_Cell] = []
    footnote: str | None = None

    def flush():
        rows.extend(_group_cells(pending))
        pending.clear()

    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            flush()
            footnote = None
            continue
        definition = _FOOTNOTE.match(line)
        if definition:
            flush()
            footnote = _mark_of(definition)
            if footnote in footnotes:
                result.warnings.append(
                    Issue(f"la nota «{footnote}» se repite; se une a la anterior.", number, line)
                )
                first_line, first_text = footnotes[footnote]
                footnotes[footnote] = (first_line, f"{first_text} {definition['text'].strip()}")
            else:
                footnotes[footnote] = (number, definition["text"].strip())
            continue
        if footnote is not None:
            # A footnote that runs over several lines.
            first_line, first_text = footnotes[footnote]
            footnotes[footnote] = (first_line, f"{first_text} {line.strip()}")
            continue
        cells = _split_cells(line)
        if len(cells) >= 2:
            flush()
            rows.append([_Cell(number, cell) for cell in cells])
        else:
            pending.append(_Cell(number, cells[0]))
    flush()

    for cells in rows:
        row = _read_table_row(cells, result, default_kind)
        if row is not None:
            result.rows.append(row)
    _attach_footnotes(result, footnotes)
    _warn_position_order(result)
    return result


def _read_table_row(
    cells: list[_Cell], result: ParseResult, default_kind: str | None
) -> CalendarRow | None:
    line = cells[0].line
    row_text = " | ".join(cell.text for cell in cells)
    marks: list[str] = []
    position = date = description = None
    start_time = end_time = None
    leftovers: list[_Cell] = []
    for index, cell in enumerate(cells):
        clean, cell_marks = split_footnote_marks(cell.text)
        if not clean:
            continue
        if index == 0 and _POSITION.match(clean):
            position = int(_POSITION.match(clean)["number"])
            continue
        if date is None:
            try:
                date = parse_date(clean)
                marks += cell_marks
                continue
            except CalendarParseError:
                pass
        if start_time is None:
            try:
                times = parse_time_range(clean)
            except CalendarParseError as error:
                result.errors.append(Issue(str(error), cell.line, cell.text))
                return None
            if times:
                start_time, end_time = times
                continue
        if description is None:
            try:
                description = parse_description(clean)
                marks += cell_marks
                continue
            except CalendarParseError:
                pass
        leftovers.append(_Cell(cell.line, clean))
        marks += cell_marks

    folded = [fold(cell.text) for cell in cells]
    if date is None and any(text.startswith("fecha") for text in folded):
        return None  # the header row: "Núm. | Fecha | Número y Tipo de sesión / reunión"
    date_like = [cell for cell in leftovers if looks_like_date(cell.text)]
    if position is None and date is None and description is None and not date_like:
        return None  # a caption or a paragraph around the table
    if date is None:
        if date_like:
            try:
                parse_date(date_like[0].text)
            except CalendarParseError as error:
                result.errors.append(Issue(str(error), date_like[0].line, date_like[0].text))
        else:
            result.errors.append(
                Issue(f"falta la fecha de la sesión (p. ej. {_EXAMPLE_DATE}).", line, row_text)
            )
        return None
    if description is None and leftovers:
        try:
            parse_description(leftovers[0].text)
        except CalendarParseError as error:
            result.errors.append(Issue(str(error), leftovers[0].line, leftovers[0].text))
        return None
    for cell in leftovers:
        result.warnings.append(Issue("se ignora esta celda.", cell.line, cell.text))
    kind = description.kind if description else default_kind
    if kind is None:
        result.errors.append(
            Issue(
                "la fila no dice el tipo de sesión: agregue la descripción (p. ej. «Segunda "
                "sesión ordinaria») o indique un tipo para todas (--kind).",
                line,
                row_text,
            )
        )
        return None
    return CalendarRow(
        line=line,
        text=row_text,
        date=date,
        kind=kind,
        number=description.number if description else None,
        role=description.role if description else "",
        start_time=start_time,
        end_time=end_time,
        position=position,
        marks=tuple(dict.fromkeys(marks)),
    )


def _attach_footnotes(result: ParseResult, footnotes: dict[str, tuple[int, str]]) -> None:
    used = set()
    for row in result.rows:
        notes = []
        for mark in row.marks:
            if mark in footnotes:
                notes.append(footnotes[mark][1])
                used.add(mark)
            else:
                result.warnings.append(
                    Issue(f"la llamada «{mark}» no tiene nota al pie.", row.line, row.text)
                )
        row.notes = "\n".join([row.notes, *notes] if row.notes else notes)
    for mark, (line, text) in footnotes.items():
        if mark not in used:
            result.warnings.append(
                Issue(f"la nota «{mark}» no corresponde a ninguna fila.", line, text)
            )


def _warn_position_order(result: ParseResult) -> None:
    """Dates should grow with the table's own numbering (or with the order of the rows)."""
    ordered = sorted(
        enumerate(result.rows),
        key=lambda item: (item[1].position is None, item[1].position or 0, item[0]),
    )
    latest: CalendarRow | None = None
    seen_positions = set()
    for _index, row in ordered:
        if row.position is not None:
            if row.position in seen_positions:
                result.warnings.append(
                    Issue(f"el número de fila {row.position} se repite.", row.line, row.text)
                )
            seen_positions.add(row.position)
        if latest is not None and row.date < latest.date:
            where = f"la fila núm. {latest.position}" if latest.position else "una fila anterior"
            result.warnings.append(
                Issue(
                    f"la fecha ({long_date(row.date)}) es anterior a la de {where} "
                    f"({long_date(latest.date)}): las fechas no siguen el orden de los números.",
                    row.line,
                    row.text,
                )
            )
        if latest is None or row.date >= latest.date:
            latest = row


# --- CSV --------------------------------------------------------------------------------


def _csv_header(text: str) -> tuple[int, str, str] | None:
    """The header line (number, text, delimiter) when the first cell is ``fecha``."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        delimiter = ";" if line.count(";") > line.count(",") else ","
        first = fold(line.split(delimiter)[0]).strip("\"' ")
        return (number, line, delimiter) if first == "fecha" else None
    return None


def _column_name(text: str) -> str:
    return re.sub(r"[\s-]+", "_", fold(text).strip("\"' "))


def parse_csv(text: str, *, default_kind: str | None = None) -> ParseResult:
    result = ParseResult(format="csv")
    header = _csv_header(text)
    if header is None:
        result.errors.append(
            Issue(f"la primera línea debe ser el encabezado: {','.join(CSV_COLUMNS)}.", 1, "")
        )
        return result
    header_line, header_text, delimiter = header
    lines = text.split("\n")
    reader = csv.reader(io.StringIO("\n".join(lines[header_line - 1 :])), delimiter=delimiter)
    columns = [_column_name(name) for name in next(reader)]
    # A trailing delimiter (spreadsheets add them) makes nameless, empty columns: ignored.
    unknown = [name for name in columns if name and name not in CSV_COLUMNS]
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    if unknown or repeated:
        problem = (
            f"columna desconocida «{unknown[0]}»"
            if unknown
            else f"columna repetida «{repeated[0]}»"
        )
        result.errors.append(
            Issue(
                f"{problem}; las columnas aceptadas son {', '.join(CSV_COLUMNS)} "
                "(solo fecha es obligatoria).",
                header_line,
                header_text,
            )
        )
        return result
    offset = header_line - 1
    previous_end = reader.line_num
    for record in reader:
        line = offset + previous_end + 1
        previous_end = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        row_text = delimiter.join(record)
        if len(record) != len(columns):
            result.errors.append(
                Issue(
                    f"la fila tiene {len(record)} columnas y el encabezado {len(columns)}.",
                    line,
                    row_text,
                )
            )
            continue
        values = {name: value for name, value in zip(columns, record, strict=True) if name}
        row = _read_csv_record(values, line, row_text, result)
        if row is not None:
            if row.kind is None:
                row.kind = default_kind
            if row.kind is None:
                result.errors.append(
                    Issue(
                        "falta el tipo de sesión (columna tipo) y no se indicó uno para todas "
                        "(--kind).",
                        line,
                        row_text,
                    )
                )
                continue
            result.rows.append(row)
    return result


def _read_csv_record(
    values: dict[str, str], line: int, row_text: str, result: ParseResult
) -> CalendarRow | None:
    values = {name: value.strip() for name, value in values.items()}
    errors_before = len(result.errors)

    def fail(column: str, reason: str) -> None:
        result.errors.append(Issue(f"columna {column}: {reason}", line, row_text))

    date = start_time = end_time = None
    session_type = None
    number = None
    if not values["fecha"]:
        fail("fecha", f"falta la fecha (p. ej. {_EXAMPLE_DATE} o 17/10/2023).")
    else:
        try:
            date = parse_date(values["fecha"])
        except CalendarParseError as error:
            fail("fecha", str(error))
    for column in ("hora_inicio", "hora_fin"):
        if values.get(column):
            try:
                value = parse_time(values[column])
            except CalendarParseError as error:
                fail(column, str(error))
            else:
                if column == "hora_inicio":
                    start_time = value
                else:
                    end_time = value
    if end_time and not values.get("hora_inicio"):
        fail("hora_fin", "indique también la hora de inicio.")
    elif end_time and start_time and end_time <= start_time:
        fail("hora_fin", "la hora de término debe ser posterior a la de inicio.")
    if values.get("tipo"):
        try:
            session_type = parse_kind(values["tipo"])
        except CalendarParseError as error:
            fail("tipo", f"{error} Códigos: {', '.join(KIND_CODES)}.")
    if values.get("numero"):
        if not re.fullmatch(r"\d{1,4}", values["numero"]) or int(values["numero"]) < 1:
            fail("numero", f"«{values['numero']}» no es un número de sesión (1, 2, 3…).")
        else:
            number = int(values["numero"])
            if session_type and session_type.number and session_type.number != number:
                fail(
                    "numero",
                    f"{number} no coincide con el número que dice el tipo («{values['tipo']}»).",
                )
    if len(result.errors) > errors_before:
        return None
    return CalendarRow(
        line=line,
        text=row_text,
        date=date,
        kind=session_type.kind if session_type else None,
        number=number or (session_type.number if session_type else None),
        role=session_type.role if session_type else "",
        start_time=start_time,
        end_time=end_time,
        place=values.get("lugar", ""),
        video_link=values.get("enlace", ""),
        notes=values.get("notas", ""),
    )


# --- iCalendar --------------------------------------------------------------------------


def parse_ics(
    text: str, *, default_kind: str | None = None, zone: zoneinfo.ZoneInfo | None = None
) -> ParseResult:
    """Events of an .ics file; times are read in ``zone`` (the institution's)."""
    result = ParseResult(format="ics")
    zone = zone or zoneinfo.ZoneInfo(settings.TIME_ZONE)
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        result.errors.append(
            Issue(f"el archivo .ics no se puede leer: {error}", 1, "BEGIN:VCALENDAR")
        )
        return result
    event_lines = [
        number
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip().upper() == "BEGIN:VEVENT"
    ]
    for index, event in enumerate(calendar.walk("VEVENT")):
        line = event_lines[index] if index < len(event_lines) else 1
        row = _read_event(event, line, result, default_kind, zone)
        if row is not None:
            result.rows.append(row)
    return result


def _read_event(event, line, result, default_kind, zone) -> CalendarRow | None:
    summary = str(event.get("SUMMARY", "")).strip()
    label = summary or str(event.get("UID", "")) or "VEVENT"
    broken = {name for name, _message in event.errors}
    if "DTSTART" in broken or "DTSTART" not in event:
        result.errors.append(
            Issue(
                "el evento no tiene DTSTART (fecha de inicio) válido."
                if "DTSTART" in broken
                else "el evento no tiene DTSTART (fecha de inicio).",
                line,
                label,
            )
        )
        return None
    if "RRULE" in event:
        result.errors.append(
            Issue(
                "los eventos repetitivos (RRULE) no se importan: cada sesión debe ser un evento.",
                line,
                label,
            )
        )
        return None
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        result.warnings.append(Issue("el evento está cancelado; no se importa.", line, label))
        return None
    start = event["DTSTART"].dt
    start_time = end_time = None
    if isinstance(start, datetime.datetime):
        start = _in_zone(start, zone)
        date, start_time = start.date(), start.time().replace(second=0, microsecond=0)
        end = None
        if "DTEND" in event and "DTEND" not in broken:
            end = event["DTEND"].dt
        elif "DURATION" in event and "DURATION" not in broken:
            end = start + event["DURATION"].dt
        if isinstance(end, datetime.datetime):
            end = _in_zone(end, zone)
            if end.date() == date and end.time() > start.time():
                end_time = end.time().replace(second=0, microsecond=0)
    else:
        date = start
    notes = str(event.get("DESCRIPTION", "")).strip()
    session_type = None
    try:
        session_type = parse_description(summary)
    except CalendarParseError as error:
        if default_kind is None:
            result.errors.append(
                Issue(f"{error} (SUMMARY). O indique un tipo para todas (--kind).", line, label)
            )
            return None
        notes = "\n".join(filter(None, [summary, notes]))
    video_link = ""
    conferences = event.get("CONFERENCE")
    if conferences:
        first = conferences[0] if isinstance(conferences, list) else conferences
        video_link = str(first)
    place = str(event.get("LOCATION", "")).strip()
    if re.match(r"^https?://\S+$", place):
        video_link, place = video_link or place, ""
    return CalendarRow(
        line=line,
        text=label,
        date=date,
        kind=session_type.kind if session_type else default_kind,
        number=session_type.number if session_type else None,
        role=session_type.role if session_type else "",
        start_time=start_time,
        end_time=end_time,
        place=place,
        video_link=video_link,
        notes=notes,
    )


def _in_zone(value: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    # A floating time (no zone) is the institution's local time.
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value.astimezone(zone)


# --- Any input --------------------------------------------------------------------------


def detect_format(text: str, filename: str | None = None) -> str:
    """``ics`` by content or name; ``csv`` when the first cell is ``fecha``; else ``table``."""
    name = (filename or "").lower()
    text = text.removeprefix("\ufeff")
    if name.endswith(".ics") or text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        return "ics"
    if name.endswith(".csv") or _csv_header(text) is not None:
        return "csv"
    return "table"


def parse_calendar(
    data: str | bytes,
    *,
    filename: str | None = None,
    default_kind: str | None = None,
    zone: zoneinfo.ZoneInfo | None = None,
) -> ParseResult:
    """Read any accepted input; no database. Refuses inputs over the size limit."""
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    limit = max_import_bytes()
    if size > limit:
        result = ParseResult(format=detect_format("", filename))
        # The size itself is not shown: a caller may stop reading just past the limit.
        result.errors.append(
            Issue(
                f"La entrada supera el máximo de {_size(limit)} (CALENDAR_IMPORT_MAX_BYTES): "
                "divídala en partes más pequeñas."
            )
        )
        return result
    if default_kind is not None and default_kind not in KIND_CODES:
        result = ParseResult(format=detect_format("", filename))
        result.errors.append(
            Issue(f"«{default_kind}» no es un tipo de sesión; use {', '.join(KIND_CODES)}.")
        )
        return result
    text = decode_input(data)
    kind_of_input = detect_format(text, filename)
    if not text.strip():
        result = ParseResult(format=kind_of_input)
        result.errors.append(Issue("La entrada está vacía: no hay ninguna sesión que importar."))
        return result
    if kind_of_input == "ics":
        if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
            result = ParseResult(format="ics")
            result.errors.append(
                Issue("el archivo no es un calendario iCalendar: falta BEGIN:VCALENDAR.", 1, "")
            )
            return result
        result = parse_ics(text, default_kind=default_kind, zone=zone)
    elif kind_of_input == "csv":
        result = parse_csv(text, default_kind=default_kind)
    else:
        result = parse_table(text, default_kind=default_kind)
    if not result.rows and not result.errors:
        result.errors.append(
            Issue(
                f"No se encontró ninguna sesión: cada fila necesita una fecha como {_EXAMPLE_DATE}."
            )
        )
    return result


# --- Import -----------------------------------------------------------------------------


def import_calendar(
    committee: Committee,
    data: str | bytes,
    *,
    filename: str | None = None,
    default_kind: str | None = None,
    dry_run: bool = False,
    on_created: Callable[[Session], None] | None = None,
) -> ImportReport:
    """
    Check every row against the committee and create all the new sessions, or none.
    Rows that repeat an existing session (same kind and date) are skipped. A row without
    a number takes the next free number of its kind, in date order; numbers given by the
    input are kept. ``on_created`` runs for each new session, in date order (the composing
    layer passes ``agendas.services.add_standard_agenda``: sessions cannot import agendas).
    """
    parsed = parse_calendar(data, filename=filename, default_kind=default_kind, zone=committee.zone)
    report = ImportReport(
        format=parsed.format,
        errors=list(parsed.errors),
        warnings=list(parsed.warnings),
        dry_run=dry_run,
    )
    if not parsed.rows:
        return report
    with transaction.atomic():
        # One import at a time per committee: numbers and duplicates are decided below.
        list(Committee.objects.select_for_update().filter(pk=committee.pk).values_list("pk"))
        existing = list(committee.sessions.all())
        report.planned = _plan(committee, parsed.rows, existing, report)
        _warn_term(committee, report)
        _warn_number_order(existing, report)
        report.errors.sort(key=lambda issue: issue.line or 0)
        report.warnings.sort(key=lambda issue: issue.line or 0)
        if report.errors or dry_run:
            return report
        for planned in report.planned:
            session = planned.session
            session._change_reason = CHANGE_REASON
            session.save()
            if on_created is not None:
                on_created(session)
        report.written = True
    return report


def _plan(
    committee: Committee, rows: list[CalendarRow], existing: list[Session], report: ImportReport
) -> list[PlannedSession]:
    by_kind_date = {(session.kind, session.date): session for session in existing}
    by_kind_number = {(session.kind, session.number): session for session in existing}
    roles = {session.role: session for session in existing if session.role}
    seen: dict[tuple, CalendarRow] = {}
    fresh: list[CalendarRow] = []
    for row in rows:
        duplicate = by_kind_date.get((row.kind, row.date))
        if duplicate is not None:
            report.duplicates.append(
                Issue(
                    f"ya existe la {duplicate.reference} del {long_date(duplicate.date)}; "
                    "no se duplica.",
                    row.line,
                    row.text,
                )
            )
            continue
        earlier = seen.get((row.kind, row.date))
        if earlier is not None and (earlier.number is None or row.number in (None, earlier.number)):
            report.duplicates.append(
                Issue(
                    f"repite la fila de la línea {earlier.line}; no se duplica.", row.line, row.text
                )
            )
            continue
        seen[(row.kind, row.date)] = row
        fresh.append(row)

    numbers = defaultdict(set)
    for session in existing:
        numbers[session.kind].add(session.number)
    taken: dict[tuple, CalendarRow] = {}
    for row in fresh:
        if row.number is None:
            continue
        if (row.kind, row.number) in taken:
            other = taken[(row.kind, row.number)]
            report.errors.append(
                Issue(
                    f"el número {row.number} de {_kind_label(row.kind)} ya lo usa la fila de "
                    f"la línea {other.line}.",
                    row.line,
                    row.text,
                )
            )
        taken[(row.kind, row.number)] = row
        numbers[row.kind].add(row.number)
    by_date = sorted(
        fresh, key=lambda row: (row.date, row.start_time or datetime.time.min, row.line)
    )
    for row in by_date:
        if row.number is None:
            row.number = max(numbers[row.kind], default=0) + 1
            numbers[row.kind].add(row.number)

    planned = []
    role_rows: dict[str, CalendarRow] = {}
    for row in by_date:
        problems = []
        clash = by_kind_number.get((row.kind, row.number))
        if clash is not None:
            problems.append(
                f"ya existe la {clash.reference} ({long_date(clash.date)}) con ese número."
            )
        if row.role:
            holder = roles.get(row.role)
            if holder is not None:
                problems.append(
                    f"el órgano ya tiene sesión de {_role_label(row.role)} "
                    f"({long_date(holder.date)})."
                )
            elif row.role in role_rows:
                problems.append(
                    f"la fila de la línea {role_rows[row.role].line} ya es la sesión de "
                    f"{_role_label(row.role)}."
                )
            role_rows.setdefault(row.role, row)
        session = Session(
            committee=committee,
            kind=row.kind,
            number=row.number,
            role=row.role,
            date=row.date,
            start_time=row.start_time,
            end_time=row.end_time,
            place=row.place,
            video_link=row.video_link,
            notes=row.notes,
        )
        try:
            # Uniqueness is checked above, against the sessions loaded once: no query per row.
            session.full_clean(
                exclude=["committee"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            problems += error.messages
        for problem in problems:
            report.errors.append(Issue(problem, row.line, row.text))
        planned.append(PlannedSession(row=row, session=session))
    return planned


def _kind_label(kind: str) -> str:
    return str(Kind(kind).label).lower()


def _role_label(role: str) -> str:
    return str(Role(role).label).lower()


def _warn_term(committee: Committee, report: ImportReport) -> None:
    """A date outside the committee's term, or far from election day, is probably a typo."""
    start, end = committee.installed_on, committee.closed_on
    election_day = committee.election_day
    for planned in report.planned:
        row = planned.row
        reason = None
        if start and row.date < start:
            reason = f"es anterior a la instalación del órgano ({long_date(start)})."
        elif end and row.date > end:
            reason = f"es posterior a la conclusión del órgano ({long_date(end)})."
        elif election_day and abs(row.date - election_day) > ELECTION_DAY_RANGE:
            reason = f"está a más de un año de la jornada electoral ({long_date(election_day)})."
        if reason:
            report.warnings.append(
                Issue(f"la fecha ({long_date(row.date)}) {reason}", row.line, row.text)
            )


def _warn_number_order(existing: list[Session], report: ImportReport) -> None:
    """Within a kind, numbers should follow the dates (existing sessions included)."""
    new = {id(planned.session): planned.row for planned in report.planned}
    by_kind = defaultdict(list)
    for session in [*existing, *report.sessions]:
        by_kind[session.kind].append(session)
    for sessions in by_kind.values():
        sessions.sort(key=lambda session: session.number)
        for previous, session in zip(sessions, sessions[1:], strict=False):
            if session.date >= previous.date:
                continue
            row = new.get(id(session)) or new.get(id(previous))
            if row is None:
                continue
            report.warnings.append(
                Issue(
                    f"la {session.reference} ({long_date(session.date)}) es anterior a la "
                    f"{previous.reference} ({long_date(previous.date)}): los números no siguen "
                    "el orden de las fechas.",
                    row.line,
                    row.text,
                )
            )
