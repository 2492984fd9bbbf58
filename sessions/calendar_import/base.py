"""
What every reader of a calendar produces and shares: rows with their line numbers, the
problems found (in Spanish), and the text helpers that normalise what was pasted or
uploaded. No database.
"""

import dataclasses
import datetime
import unicodedata

from django.conf import settings

from ..models import Session

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
KIND_CODES = tuple(Session.Kind.values)
FORMAT_LABELS = {"ics": "archivo iCalendar (.ics)", "csv": "CSV", "table": "tabla pegada"}
EXAMPLE_DATE = "«17 de octubre de 2023»"

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
    # iCalendar only: the event's identity and version, and what its calendar says of it
    # (a Session.Status value: "cancelled", "held"…; empty when it says nothing).
    uid: str = ""
    sequence: int = 0
    status: str = ""


@dataclasses.dataclass
class ParseResult:
    format: str
    rows: list[CalendarRow] = dataclasses.field(default_factory=list)
    errors: list[Issue] = dataclasses.field(default_factory=list)
    warnings: list[Issue] = dataclasses.field(default_factory=list)


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
