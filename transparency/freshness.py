"""
ETag and Last-Modified of the public side, and its cache headers.

Every public page and API answer is derived from the record and its history; the newest
change anywhere in it (a history row of any model that feeds the portal, or a session's
calendar counters, which the database bumps on every change of a session, agenda point or
document, raw SQL included) stamps them all. Coarse, but exact: nothing public changes
without moving the stamp, and a conditional request costs one query.
"""

import datetime
import functools
import hashlib

from django.conf import settings
from django.db.models import Count, Max, Subquery, Sum
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import condition

from agendas.models import AgendaPoint, Agreement, Document, Vote
from committees.models import Committee, Membership, Person
from reports.models import Acta, Informe
from sessions.models import Session

HISTORIES = (Committee, Membership, Person, AgendaPoint, Agreement, Document, Vote, Acta, Informe)
# Public answers may be kept by browsers and proxies for this long before revalidating.
MAX_AGE = 300


def stamp() -> tuple[str, datetime.datetime | None]:
    """(etag, last_modified) of everything public. One query."""
    aggregates = {
        "sessions": Count("pk"),
        "versions": Sum("calendar_version"),
        "changed": Max("calendar_changed_at"),
    }
    queryset = Session.objects.order_by()
    extra = {}
    for model in HISTORIES:
        history = model.history.model
        extra[f"h_{model.__name__}"] = Subquery(
            history.objects.order_by().values("history_date").order_by("-history_date")[:1]
        )
    row = queryset.aggregate(**aggregates, **{k: Max(v) for k, v in extra.items()})
    moments = [value for key, value in row.items() if isinstance(value, datetime.datetime)]
    last = max(moments) if moments else None
    digest = hashlib.sha256(repr((settings.SITE_URL, sorted(row.items()))).encode()).hexdigest()
    return digest[:32], last


def _request_stamp(request):
    # condition() asks for both validators: one query per request, not two.
    if not hasattr(request, "_public_stamp"):
        request._public_stamp = stamp()
    return request._public_stamp


def _etag(request, *args, **kwargs):
    return _request_stamp(request)[0]


def _last_modified(request, *args, **kwargs):
    return _request_stamp(request)[1]


def public_answer(view):
    """Conditional GET (304) and public cache headers for a public view."""
    conditional = condition(etag_func=_etag, last_modified_func=_last_modified)(view)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = conditional(request, *args, **kwargs)
        if response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=MAX_AGE)
            response.headers.setdefault("Access-Control-Allow-Origin", "*")
        return response

    return wrapper


__all__ = ["http_date", "public_answer", "stamp"]
