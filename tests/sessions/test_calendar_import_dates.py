"""Property-based tests of the Spanish date parser (hypothesis)."""

import datetime

from hypothesis import example, given
from hypothesis import strategies as st

from committees.spanish import MONTHS, WEEKDAYS, long_date
from sessions.calendar_import import CalendarParseError, parse_date, parse_spanish_date

dates = st.dates(min_value=datetime.date(1000, 1, 1), max_value=datetime.date(9999, 12, 31))


@st.composite
def written_dates(draw) -> tuple[datetime.date, str]:
    """A date and one of the ways documents write it."""
    value = draw(dates)
    day = draw(st.sampled_from([str(value.day), f"{value.day:02d}"]))
    if value.day == 1:
        day = draw(st.sampled_from([day, "1o.", "1o", "1º", "1°"]))
    month = MONTHS[value.month - 1]
    month = draw(st.sampled_from([month, month.capitalize(), month.upper()]))
    connector = draw(st.sampled_from(["de", "del"]))
    text = f"{day} de {month} {connector} {value.year}"
    if draw(st.booleans()):
        weekday = WEEKDAYS[value.weekday()]
        text = f"{draw(st.sampled_from([weekday, weekday.capitalize()]))} {text}"
    if draw(st.booleans()):
        text += "."
    return value, text


@given(written_dates())
@example((datetime.date(2024, 6, 1), "1o. de junio de 2024"))
@example((datetime.date(2024, 6, 1), "1 de junio del 2024"))
def test_any_valid_date_written_in_an_accepted_way_parses_back_to_itself(case):
    value, text = case
    assert parse_spanish_date(text) == value
    assert parse_date(text) == value


@given(dates)
def test_the_long_date_quorum_writes_parses_back(value):
    assert parse_spanish_date(long_date(value)) == value
    assert parse_spanish_date(long_date(value, weekday=True)) == value
    assert parse_date(value.isoformat()) == value
    assert parse_date(value.strftime("%d/%m/%Y")) == value


@given(st.text())
@example("31 de febrero de 2024")
@example("99 de enero de 0000")
@example("1 de enero de 0000")
@example("17 de octubre de 2023\x00")
@example("00/00/0000")
def test_arbitrary_text_raises_nothing_but_the_parser_error(text):
    for parse in (parse_spanish_date, parse_date):
        try:
            result = parse(text)
        except CalendarParseError as error:
            assert str(error)
        else:
            assert isinstance(result, datetime.date)
