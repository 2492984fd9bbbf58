"""A CSV whose header starts with ``fecha`` (columns in the README)."""

import csv
import io
import re

from .base import (
    EXAMPLE_DATE,
    KIND_CODES,
    CalendarParseError,
    CalendarRow,
    Issue,
    ParseResult,
    fold,
)
from .dates import parse_date, parse_time
from .kinds import parse_kind

CSV_COLUMNS = ("fecha", "hora_inicio", "hora_fin", "tipo", "numero", "lugar", "enlace", "notas")


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
                        "falta el tipo de sesión: llene la columna tipo o elija el tipo de "
                        "las filas que no lo dicen.",
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
        fail("fecha", f"falta la fecha (p. ej. {EXAMPLE_DATE} o 17/10/2023).")
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
