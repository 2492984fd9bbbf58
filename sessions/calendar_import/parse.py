"""Any accepted input: find its format and hand it to that format's reader."""

import zoneinfo

from .base import (
    EXAMPLE_DATE,
    KIND_CODES,
    Issue,
    ParseResult,
    _size,
    decode_input,
    max_import_bytes,
)
from .csv import _csv_header, parse_csv
from .ics import parse_ics
from .table import parse_table


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
                f"No se encontró ninguna sesión: cada fila necesita una fecha como {EXAMPLE_DATE}."
            )
        )
    return result
