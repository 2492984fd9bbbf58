"""
Answering the search box: the entries the user may see that match the words typed,
ranked, with a highlighted fragment, in one query. PostgreSQL: full-text search with the
``quorum_es`` configuration (Spanish stems, accents ignored, migration 0002). Elsewhere: every
word (its plural ending dropped) must appear in the title or the text.
"""

import dataclasses
import re
import unicodedata

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from sessions.models import Session

from .models import SearchEntry

LIMIT = 60
MAX_QUERY = 200
# Sentinels the database puts around a match; the text is escaped, then they become <mark>.
START, STOP = "\x02", "\x03"
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, MaxFragments=2, MaxWords=30, MinWords=10, "
    "FragmentDelimiter= … "
)
# Every word stemmed as Spanish ("instalaciones" meets "instalación"), or, accents removed
# first, as typed without them ("instalacion" meets "instalación"); see migration 0002.
TSQUERY = "(websearch_to_tsquery('spanish', %s) || websearch_to_tsquery('quorum_es', %s))"


@dataclasses.dataclass
class Hit:
    entry: SearchEntry
    snippet: SafeString


def _marked(text: str) -> SafeString:
    return mark_safe(escape(text).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308 - escaped first


def visible_entries(user):
    # Who may see an entry is who may see its session (the session page's own rule).
    return SearchEntry.objects.filter(session__in=Session.objects.for_user(user).values("pk"))


def search(user, text: str) -> list[Hit]:
    text = " ".join(text.split())[:MAX_QUERY]
    if not text:
        return []
    entries = visible_entries(user).select_related("committee__process", "session__committee")
    if connection.vendor == "postgresql":
        return _search_postgres(entries, text)
    return _search_simple(entries, text)


def _search_postgres(entries, text: str) -> list[Hit]:
    # Fixed SQL; the words typed travel only as parameters.
    rows = (
        entries.annotate(
            rank=RawSQL(f"ts_rank(search_searchentry.vector, {TSQUERY})", [text, text]),  # noqa: S611
            headline=RawSQL(  # noqa: S611
                "ts_headline('spanish', search_searchentry.title || ' — ' || "
                f"search_searchentry.body, {TSQUERY}, %s)",
                [text, text, HEADLINE_OPTIONS],
            ),
        )
        .extra(where=[f"search_searchentry.vector @@ {TSQUERY}"], params=[text, text])  # noqa: S610 - parameters, not text
        .order_by("-rank", "-session__date")[:LIMIT]
    )
    return [Hit(row, _marked(row.headline)) for row in rows]


# --- The simple fallback (SQLite) ----------------------------------------------------------


def _fold(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )


def _stem(word: str) -> str:
    """A crude singular: "simulacros" → "simulacro", "sesiones" → "sesion"."""
    if len(word) > 5 and word.endswith("es"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s"):
        return word[:-1]
    return word


def _terms(text: str) -> list[str]:
    return [_stem(word) for word in re.findall(r"\w+", _fold(text)) if len(word) > 1]


def _search_simple(entries, text: str) -> list[Hit]:
    terms = _terms(text)
    if not terms:
        return []
    for term in terms:
        entries = entries.filter(Q(title__icontains=term) | Q(body__icontains=term))
    rows = entries.order_by("-session__date", "kind", "pk")[:LIMIT]
    return [Hit(row, _snippet(row, terms)) for row in rows]


def _snippet(entry: SearchEntry, terms: list[str], width: int = 220) -> SafeString:
    source = f"{entry.title} — {entry.body}" if entry.body else entry.title
    folded = _fold(source)
    # NFKD folding keeps one character per letter for Spanish text, so positions match.
    if len(folded) != len(source):
        folded = source.lower()
    first = min((i for i in (folded.find(t) for t in terms) if i >= 0), default=0)
    start = max(0, first - width // 3)
    piece = source[start : start + width]
    folded_piece = folded[start : start + width]
    marks = []
    for term in terms:
        for match in re.finditer(re.escape(term), folded_piece):
            marks.append((match.start(), match.end()))
    out = []
    cursor = 0
    for begin, end in sorted(marks):
        if begin < cursor:
            continue
        out.append(escape(piece[cursor:begin]))
        out.append(f"<mark>{escape(piece[begin:end])}</mark>")
        cursor = end
    out.append(escape(piece[cursor:]))
    prefix = "… " if start else ""
    suffix = " …" if start + width < len(source) else ""
    return mark_safe(prefix + "".join(out) + suffix)  # noqa: S308 - every piece escaped


def grouped(hits: list[Hit]) -> list[tuple]:
    """Hits grouped by committee (in order of first appearance), each group newest first."""
    groups: dict[int, tuple] = {}
    for hit in hits:
        committee = hit.entry.committee
        groups.setdefault(committee.pk, (committee, []))[1].append(hit)
    for _committee, items in groups.values():
        items.sort(key=lambda hit: hit.entry.session.date, reverse=True)
    return list(groups.values())
