"""Kinds of session as descriptions say them: "Vigésima primera sesión extraordinaria"."""

import re

from .base import CalendarParseError, Kind, Role, SessionType, fold

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
    r"\s+(?:del|de\s+la)\s+.*|\s+(?:ordinaria\s+)?de\s+trabajo)?$"
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
