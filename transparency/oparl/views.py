"""
The OParl 1.1 API: read-only JSON, no sign-in, under /oparl/v1.1/. Lists are paged
(``links.next`` until the end) and take ``created_since``/``created_until``/
``modified_since``/``modified_until`` (ISO 8601). Every object comes from
``transparency.public``; ``created``/``modified`` come from the history.
"""

import datetime
import math

from django.db.models import Max, Min, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_safe

from agendas.models import AgendaPoint, Agreement
from committees.models import ElectoralProcess, Membership, Person

from .. import public
from ..freshness import public_answer
from . import serializers as s

PAGE_SIZE = 20
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")


class BadFilter(ValueError):
    pass


def _history_bounds(model):
    history = model.history.model
    rows = history.objects.filter(id=OuterRef("pk")).order_by().values("id")
    return {
        "oparl_created": Subquery(rows.annotate(v=Min("history_date")).values("v")[:1]),
        "oparl_modified": Subquery(rows.annotate(v=Max("history_date")).values("v")[:1]),
    }


def _moment(name: str, value: str) -> datetime.datetime:
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise BadFilter(
                f"El parámetro {name} debe ser una fecha ISO 8601 (p. ej. 2024-01-31T00:00:00Z)."
            )
        moment = datetime.datetime.combine(day, datetime.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _filtered(request, queryset):
    conditions = Q()
    for name in FILTERS:
        value = request.GET.get(name)
        if not value:
            continue
        moment = _moment(name, value)
        field = "oparl_created" if name.startswith("created") else "oparl_modified"
        lookup = "gte" if name.endswith("since") else "lte"
        conditions &= Q(**{f"{field}__{lookup}": moment})
    return queryset.filter(conditions)


def _json(data, status=200):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/json; charset=utf-8"
    return response


def _error(message: str):
    return _json({"error": message}, status=400)


def _page(request, queryset, build, list_url: str, *, prepare=None, filters=True):
    """One page of a list: ``data``, ``pagination`` and ``links`` (OParl 1.1, 2.5.2)."""
    try:
        if filters:
            queryset = _filtered(request, queryset)
    except BadFilter as error:
        return _error(str(error))
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return _error("El parámetro page debe ser un número entero positivo.")
    total = queryset.count()
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if number < 1 or number > pages:
        return _error(f"La página {number} no existe: hay {pages}.")
    items = list(queryset[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    if prepare:
        prepare(items)
    kept = {name: request.GET[name] for name in FILTERS if request.GET.get(name)}

    def link(page):
        query = "&".join(f"{key}={value}" for key, value in {**kept, "page": page}.items())
        return f"{list_url}?{query}"

    links = {"first": link(1), "last": link(pages)}
    if number > 1:
        links["prev"] = link(number - 1)
    if number < pages:
        links["next"] = link(number + 1)
    return _json(
        {
            "data": [build(item) for item in items],
            "pagination": {
                "totalElements": total,
                "elementsPerPage": PAGE_SIZE,
                "currentPage": number,
                "totalPages": pages,
            },
            "links": links,
        }
    )


# --- Querysets -------------------------------------------------------------------------------


def _institution(pk):
    return get_object_or_404(public.institutions(), pk=pk)


def _committees():
    return (
        public.committees()
        .annotate(**_history_bounds(public.committees().model))
        .prefetch_related(
            Prefetch(
                "memberships", queryset=Membership.objects.order_by("pk").only("pk", "committee_id")
            )
        )
        .order_by("pk")
    )


def _people():
    return (
        Person.objects.filter(memberships__isnull=False)
        .distinct()
        .only(*public.PERSON_PUBLIC_FIELDS)
        .annotate(**_history_bounds(Person))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("party")
                .annotate(**_history_bounds(Membership))
                .order_by("pk"),
            )
        )
        .order_by("pk")
    )


def _memberships():
    return public.memberships().annotate(**_history_bounds(Membership)).order_by("pk")


def _points_prefetch():
    votes = (
        public.votes()
        .select_related("membership")
        .prefetch_related(Prefetch("membership__person", queryset=public.people()))
    )
    return (
        Prefetch(
            "documents",
            queryset=public.documents()
            .annotate(**_history_bounds(public.documents().model))
            .order_by("title"),
            to_attr="public_documents",
        ),
        Prefetch("agreements", queryset=Agreement.objects.order_by("sequence")),
        Prefetch("votes", queryset=votes.order_by("membership__person__name")),
        Prefetch(
            "presented_informes",
            queryset=public.informes()
            .select_related("committee")
            .annotate(**_history_bounds(public.informes().model)),
        ),
    )


def _meetings():
    bounds = _history_bounds(public.sessions().model)
    points = (
        AgendaPoint.objects.order_by("position")
        .annotate(**_history_bounds(AgendaPoint))
        .prefetch_related(*_points_prefetch())
    )
    return (
        public.sessions()
        .select_related("committee__institution")
        .annotate(
            oparl_created=bounds["oparl_created"],
            # A change to a point or document of the session moves calendar_changed_at.
            oparl_modified=Greatest(
                "calendar_changed_at", Coalesce(bounds["oparl_modified"], "calendar_changed_at")
            ),
        )
        .prefetch_related(Prefetch("points", queryset=points))
        .order_by("pk")
    )


def _with_actas(sessions):
    actas = public.actas_by_session(session.pk for session in sessions)
    for session in sessions:
        session.public_acta = actas.get(session.pk)
    s.prime_sha512(actas.values())


def _agenda_items():
    return (
        public.points()
        .select_related("session")
        .annotate(**_history_bounds(AgendaPoint))
        .prefetch_related(*_points_prefetch())
        .order_by("session_id", "position")
    )


# --- Views -----------------------------------------------------------------------------------


def _api(view):
    return require_safe(public_answer(view))


@_api
def system(request):
    return _json(s.system())


@_api
def body_list(request):
    # Institutions keep no history: they carry no created/modified and the date filters
    # leave the list (one or a few bodies) whole, as OParl allows for objects without them.
    institutions = public.institutions().prefetch_related(
        Prefetch("processes", queryset=ElectoralProcess.objects.order_by("election_day"))
    )
    return _page(
        request,
        institutions,
        lambda institution: s.body(institution, legislative_terms=institution.processes.all()),
        s.url("body-list"),
        filters=False,
    )


@_api
def body(request, pk):
    institution = _institution(pk)
    return _json(
        s.body(institution, legislative_terms=institution.processes.order_by("election_day"))
    )


@_api
def legislative_term(request, pk):
    process = get_object_or_404(
        ElectoralProcess.objects.filter(institution__in=public.institutions()), pk=pk
    )
    return _json(
        s._clean(
            {
                "id": s.url("legislative-term", process.pk),
                "type": s.SCHEMA + "LegislativeTerm",
                "body": s.url("body", process.institution_id),
                "name": process.name,
                "startDate": s.stamp(process.start),
                "endDate": s.stamp(process.end),
            }
        )
    )


@_api
def body_organizations(request, pk):
    _institution(pk)
    return _page(
        request,
        _committees().filter(institution_id=pk),
        s.organization,
        s.url("body-organizations", pk),
    )


@_api
def body_people(request, pk):
    _institution(pk)
    people = _people().filter(memberships__committee__institution_id=pk)
    return _page(request, people, s.person, s.url("body-people", pk))


@_api
def body_memberships(request, pk):
    _institution(pk)
    seats = _memberships().filter(committee__institution_id=pk)
    return _page(request, seats, s.membership, s.url("body-memberships", pk))


@_api
def body_meetings(request, pk):
    _institution(pk)
    meetings = _meetings().filter(committee__institution_id=pk)
    return _page(request, meetings, s.meeting, s.url("body-meetings", pk), prepare=_with_actas)


@_api
def body_papers(request, pk):
    # Quórum has no OParl Papers (motions); the list exists because a Body must name it.
    _institution(pk)
    return _page(request, Person.objects.none(), lambda item: {}, s.url("body-papers", pk))


@_api
def body_agenda_items(request, pk):
    _institution(pk)
    items = _agenda_items().filter(session__committee__institution_id=pk)
    return _page(
        request,
        items,
        lambda point: s.agenda_item(point, point.session),
        s.url("body-agenda-items", pk),
    )


@_api
def body_files(request, pk):
    """Every public file of the institution: documents, approved actas, presented informes."""
    _institution(pk)
    try:
        documents = _filtered(
            request,
            public.documents()
            .filter(point__session__committee__institution_id=pk)
            .annotate(**_history_bounds(public.documents().model)),
        )
        actas = _filtered(
            request,
            public.actas()
            .filter(session__committee__institution_id=pk)
            .exclude(pdf="")
            .annotate(oparl_created=Min("created_at"), oparl_modified=Max("updated_at")),
        )
        informes = _filtered(
            request,
            public.informes()
            .filter(committee__institution_id=pk)
            .exclude(pdf="")
            .annotate(**_history_bounds(public.informes().model)),
        )
    except BadFilter as error:
        return _error(str(error))
    # Keys only (three small queries), paged in Python, then one query per kind for the page.
    keys = [("documento", k) for k in documents.values_list("pk", flat=True)]
    keys += [("acta", k) for k in actas.values_list("pk", flat=True)]
    keys += [("informe", k) for k in informes.values_list("pk", flat=True)]
    keys.sort()
    return _page_of_files(request, keys, documents, actas, informes, s.url("body-files", pk))


def _page_of_files(request, keys, documents, actas, informes, list_url):
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return _error("El parámetro page debe ser un número entero positivo.")
    pages = max(1, math.ceil(len(keys) / PAGE_SIZE))
    if number < 1 or number > pages:
        return _error(f"La página {number} no existe: hay {pages}.")
    chosen = keys[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    wanted = {
        kind: [pk for k, pk in chosen if k == kind] for kind in ("documento", "acta", "informe")
    }
    found = {}
    for document in documents.filter(pk__in=wanted["documento"]).select_related("point"):
        found["documento", document.pk] = s.document_file(
            document, meeting_pk=document.point.session_id, point_pk=document.point_id
        )
    acta_list = list(actas.filter(pk__in=wanted["acta"]).select_related("session__committee"))
    s.prime_sha512(acta_list)
    for acta in acta_list:
        found["acta", acta.pk] = s.acta_file(acta, acta.session)
    for informe in informes.filter(pk__in=wanted["informe"]).select_related("committee"):
        found["informe", informe.pk] = s.informe_file(informe)
    kept = {name: request.GET[name] for name in FILTERS if request.GET.get(name)}

    def link(page):
        query = "&".join(f"{key}={value}" for key, value in {**kept, "page": page}.items())
        return f"{list_url}?{query}"

    links = {"first": link(1), "last": link(pages)}
    if number > 1:
        links["prev"] = link(number - 1)
    if number < pages:
        links["next"] = link(number + 1)
    return _json(
        {
            "data": [found[key] for key in chosen if key in found],
            "pagination": {
                "totalElements": len(keys),
                "elementsPerPage": PAGE_SIZE,
                "currentPage": number,
                "totalPages": pages,
            },
            "links": links,
        }
    )


@_api
def organization(request, pk):
    return _json(s.organization(get_object_or_404(_committees(), pk=pk)))


@_api
def organization_meetings(request, pk):
    committee = get_object_or_404(public.committees(), pk=pk)
    meetings = _meetings().filter(committee=committee)
    return _page(
        request, meetings, s.meeting, s.url("organization-meetings", pk), prepare=_with_actas
    )


@_api
def person(request, pk):
    return _json(s.person(get_object_or_404(_people(), pk=pk)))


@_api
def membership(request, pk):
    return _json(s.membership(get_object_or_404(_memberships(), pk=pk)))


@_api
def meeting(request, pk):
    session = get_object_or_404(_meetings(), pk=pk)
    _with_actas([session])
    return _json(s.meeting(session))


@_api
def agenda_item(request, pk):
    point = get_object_or_404(_agenda_items(), pk=pk)
    return _json(s.agenda_item(point, point.session))


@_api
def file(request, kind, pk):
    if kind == "documento":
        document = get_object_or_404(
            public.documents()
            .select_related("point")
            .annotate(**_history_bounds(public.documents().model)),
            pk=pk,
        )
        return _json(
            s.document_file(
                document, meeting_pk=document.point.session_id, point_pk=document.point_id
            )
        )
    if kind == "acta":
        acta = get_object_or_404(
            public.actas().exclude(pdf="").select_related("session__committee"), pk=pk
        )
        s.prime_sha512([acta])
        return _json(s.acta_file(acta, acta.session))
    if kind == "informe":
        informe = get_object_or_404(
            public.informes()
            .exclude(pdf="")
            .select_related("committee")
            .annotate(**_history_bounds(public.informes().model)),
            pk=pk,
        )
        return _json(s.informe_file(informe))
    raise Http404
