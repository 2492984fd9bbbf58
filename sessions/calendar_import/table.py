"""
A table pasted from a document: one row per line with cells separated by tabs or runs of
spaces, or one cell per line with rows separated by blank lines, as a word processor
copies it; footnote marks on a cell and the footnotes below the table become notes.
"""

import dataclasses
import re

from committees.spanish import long_date

from .base import EXAMPLE_DATE, CalendarParseError, CalendarRow, Issue, ParseResult, fold
from .dates import looks_like_date, parse_date, parse_time_range
from .kinds import parse_description

_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_MARK_ANYWHERE = re.compile(r"<sup>\s*(?P<mark>[^<\s]{1,4})\s*</sup>|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_MARK_AT_END = re.compile(r"\s*(?:\((?P<paren>\d{1,2})\)|\[(?P<bracket>\d{1,2})\]|(?P<star>\*+))")
_FOOTNOTE = re.compile(
    r"^\s*(?:<sup>\s*(?P<mark>[^<\s]{1,4})\s*</sup>|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|"
    r"\((?P<paren>\d{1,2})\)|\[(?P<bracket>\d{1,2})\]|(?P<star>\*+))\s*(?P<text>\S.*)$"
)


# Emphasis and bullets that documents carry into a paste (Markdown-like, as editors and
# converters copy them): "**Tabla 1**", "_nota_", "• fila". Not footnote marks.
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![\w*])")
_BULLET = re.compile(r"^(\s*)[•◦▪●‣·–—-]\s+")
_STAR_MARKS = re.compile(r"^\*+$")


def strip_markup(line: str) -> str:
    """ "**Tabla 1. Calendario**" → "Tabla 1. Calendario"; "• 1 de junio" → "1 de junio"."""
    line = _STRONG.sub(r"\2", line)
    line = _EMPHASIS.sub(r"\2", line)
    return _BULLET.sub(r"\1", line)


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
        line = strip_markup(line)
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
                Issue(f"falta la fecha de la sesión (p. ej. {EXAMPLE_DATE}).", line, row_text)
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
                "sesión ordinaria») o elija el tipo de las filas que no lo dicen.",
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
        # "* text" that no row points to is a bulleted line, not a footnote.
        if mark not in used and not _STAR_MARKS.match(mark):
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
