"""
Importing a calendar of sessions from what secretariats really have: an ``.ics`` file, a
CSV (columns in the README, "Calendar import (CSV columns)") or a table pasted from a
document.

Each source format has its own module (``ics``, ``csv``, ``table``) that reads the input
into the same ``CalendarRow``s, with line numbers, errors and warnings in Spanish, and
touches no database; ``parse`` picks the reader; ``apply`` checks the rows against the
committee and writes all of them or none. A new format is one new module.
"""

from .apply import (
    CHANGE_REASON,
    ImportReport,
    PlannedSession,
    SessionUpdate,
    committee_session_kind,
    import_calendar,
)
from .base import (
    FORMAT_LABELS,
    KIND_CODES,
    CalendarParseError,
    CalendarRow,
    Issue,
    ParseResult,
    SessionType,
    decode_input,
    fold,
    max_import_bytes,
)
from .csv import CSV_COLUMNS, parse_csv
from .dates import parse_date, parse_spanish_date, parse_time, parse_time_range
from .ics import parse_ics
from .kinds import parse_description, parse_kind, parse_ordinal
from .parse import detect_format, parse_calendar
from .table import parse_table, split_footnote_marks

__all__ = [
    "CHANGE_REASON",
    "CSV_COLUMNS",
    "FORMAT_LABELS",
    "KIND_CODES",
    "CalendarParseError",
    "CalendarRow",
    "ImportReport",
    "Issue",
    "ParseResult",
    "PlannedSession",
    "SessionUpdate",
    "committee_session_kind",
    "SessionType",
    "decode_input",
    "detect_format",
    "fold",
    "import_calendar",
    "max_import_bytes",
    "parse_calendar",
    "parse_csv",
    "parse_date",
    "parse_description",
    "parse_ics",
    "parse_kind",
    "parse_ordinal",
    "parse_spanish_date",
    "parse_table",
    "parse_time",
    "parse_time_range",
    "split_footnote_marks",
]
