"""Spanish words the documents need: ordinal numbers, month names and long dates."""

import datetime
import unicodedata

MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")

_UNITS = ("", "primer", "segund", "tercer", "cuart", "quint", "sext", "séptim", "octav", "noven")
_TENS = (
    "",
    "décim",
    "vigésim",
    "trigésim",
    "cuadragésim",
    "quincuagésim",
    "sexagésim",
    "septuagésim",
    "octogésim",
    "nonagésim",
)
_HUNDREDS = (
    "",
    "centésim",
    "ducentésim",
    "tricentésim",
    "cuadringentésim",
    "quingentésim",
    "sexcentésim",
    "septingentésim",
    "octingentésim",
    "noningentésim",
)


def ordinal(number: int, *, feminine: bool = True, apocope: bool = False) -> str:
    """
    The ordinal of ``number`` (1–999) in lower case: ``ordinal(11)`` is "décima primera",
    ``ordinal(3, feminine=False, apocope=True)`` is "tercer" (as in "tercer informe").

    Compound ordinals are written as separate words with each part agreeing in gender,
    the form the institutes use in their session titles ("vigésima segunda sesión").
    """
    if not 1 <= number <= 999:
        raise ValueError(f"No ordinal form for {number}.")
    ending = "a" if feminine else "o"
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words = []
    if hundreds:
        words.append(_HUNDREDS[hundreds] + ending)
    if tens:
        words.append(_TENS[tens] + ending)
    if units:
        words.append(_UNITS[units] + ending)
    if apocope and not feminine and units in (1, 3):
        # "primer", "tercer" before a masculine noun, also at the end of a compound
        # ("vigésimo primer informe").
        words[-1] = words[-1][:-1]
    return " ".join(words)


def spanish_sort_key(text: str) -> str:
    """
    A key that sorts names as a Spanish reader expects: "César" before "Claudia" (accents
    do not push a letter after "z", as raw character codes would).
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def month_name(month: int) -> str:
    return MONTHS[month - 1]


def long_date(value: datetime.date, *, weekday: bool = False) -> str:
    """ "1 de noviembre de 2023"; with weekday, "miércoles 1 de noviembre de 2023"."""
    text = f"{value.day} de {MONTHS[value.month - 1]} de {value.year}"
    if weekday:
        text = f"{WEEKDAYS[value.weekday()]} {text}"
    return text


def add_months(value: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier), clamped to the end of a shorter month."""
    month_index = value.year * 12 + value.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    next_month_first = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month_first - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(value.day, last_day))


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole calendar months from the month of ``start`` to the month of ``end``."""
    return (end.year - start.year) * 12 + end.month - start.month
