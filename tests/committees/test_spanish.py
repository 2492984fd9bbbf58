import datetime

import pytest

from committees.spanish import add_months, long_date, months_between, ordinal

FEMININE_ORDINALS = {
    1: "primera", 2: "segunda", 3: "tercera", 4: "cuarta", 5: "quinta", 6: "sexta",
    7: "séptima", 8: "octava", 9: "novena", 10: "décima", 11: "décima primera",
    12: "décima segunda", 13: "décima tercera", 14: "décima cuarta", 15: "décima quinta",
    16: "décima sexta", 17: "décima séptima", 18: "décima octava", 19: "décima novena",
    20: "vigésima", 21: "vigésima primera", 22: "vigésima segunda", 23: "vigésima tercera",
    24: "vigésima cuarta", 25: "vigésima quinta", 26: "vigésima sexta",
    27: "vigésima séptima", 28: "vigésima octava", 29: "vigésima novena", 30: "trigésima",
    31: "trigésima primera", 32: "trigésima segunda", 33: "trigésima tercera",
    34: "trigésima cuarta", 35: "trigésima quinta", 36: "trigésima sexta",
    37: "trigésima séptima", 38: "trigésima octava", 39: "trigésima novena",
    40: "cuadragésima",
}  # fmt: skip


@pytest.mark.parametrize(("number", "expected"), sorted(FEMININE_ORDINALS.items()))
def test_feminine_ordinals_up_to_forty(number, expected):
    assert ordinal(number) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, "primer"), (2, "segundo"), (3, "tercer"), (4, "cuarto"), (11, "décimo primer"),
     (13, "décimo tercer"), (20, "vigésimo"), (23, "vigésimo tercer")],
)  # fmt: skip
def test_masculine_ordinals_take_the_short_form_before_a_noun(number, expected):
    assert ordinal(number, feminine=False, apocope=True) == expected


def test_ordinals_beyond_forty():
    assert ordinal(41) == "cuadragésima primera"
    assert ordinal(58) == "quincuagésima octava"
    assert ordinal(100) == "centésima"
    assert ordinal(123) == "centésima vigésima tercera"


@pytest.mark.parametrize("number", [0, -1, 1000])
def test_ordinal_refuses_numbers_without_a_form(number):
    with pytest.raises(ValueError):
        ordinal(number)


def test_long_date_is_written_the_mexican_way():
    assert long_date(datetime.date(2023, 11, 1)) == "1 de noviembre de 2023"
    assert long_date(datetime.date(2024, 3, 19), weekday=True) == "martes 19 de marzo de 2024"


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        # The rules' own examples: election day 2 June 2024.
        (datetime.date(2024, 6, 2), -9, datetime.date(2023, 9, 2)),
        (datetime.date(2024, 6, 2), -7, datetime.date(2023, 11, 2)),
        # Clamped to the end of a shorter month, leap year included.
        (datetime.date(2024, 3, 31), -1, datetime.date(2024, 2, 29)),
        (datetime.date(2023, 3, 31), -1, datetime.date(2023, 2, 28)),
        (datetime.date(2023, 10, 31), 1, datetime.date(2023, 11, 30)),
        (datetime.date(2023, 12, 15), 1, datetime.date(2024, 1, 15)),
        (datetime.date(2024, 1, 15), -1, datetime.date(2023, 12, 15)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_months_between_counts_calendar_months():
    assert months_between(datetime.date(2023, 11, 1), datetime.date(2024, 1, 30)) == 2
    assert months_between(datetime.date(2023, 11, 30), datetime.date(2023, 12, 1)) == 1


def test_names_sort_the_spanish_way():
    from committees.spanish import spanish_sort_key

    names = ["Claudia Carolina Olivares Álvarez", "César Ledesma Ugalde", "Ángel Zúñiga", "Beatriz"]
    assert sorted(names, key=spanish_sort_key) == [
        "Ángel Zúñiga",
        "Beatriz",
        "César Ledesma Ugalde",
        "Claudia Carolina Olivares Álvarez",
    ]
