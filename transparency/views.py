"""
The transparency portal: public pages, no sign-in. Everything shown comes from
``transparency.public`` (the one definition of what is public).
"""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from agendas.models import AgendaPoint, Agreement, Document
from committees.models import Committee
from config.site import absolute_url
from reports.archive import informe_filename
from reports.documents import filename as record_filename
from sessions.models import Session

from . import datasets, export, public
from .forms import PublicationForm
from .freshness import public_answer
from .models import PeriodNotice
from .periods import Quarter, obligation_quarters
from .services import decide_publication


def _file(file, name: str, *, sha256: str = "", content_type=None, attachment=False):
    if not file or not default_storage.exists(file.name):
        raise Http404
    response = FileResponse(
        file.open("rb"), as_attachment=attachment, filename=name, content_type=content_type
    )
    if sha256:
        response["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(sha256)).decode()}:"
    return response


@require_safe
@public_answer
def index(request):
    institutions = public.institutions().prefetch_related(
        Prefetch("committees", queryset=public.committees().order_by("name"))
    )
    return render(request, "transparency/index.html", {"institutions": institutions})


@require_safe
@public_answer
def institution(request, pk):
    institution = get_object_or_404(public.institutions(), pk=pk)
    committees = public.committees().filter(institution=institution).order_by("name")
    today = timezone.localdate()
    return render(
        request,
        "transparency/institution.html",
        {
            "institution": institution,
            "committees": committees,
            "quarters": obligation_quarters(today),
        },
    )


@require_safe
@public_answer
def committee(request, slug):
    committee = get_object_or_404(public.committees(), slug=slug)
    today = timezone.localdate()
    sessions = list(
        public.sessions()
        .filter(committee=committee)
        .select_related("committee")
        .order_by("-date", "-start_time")
    )
    actas = public.actas_by_session(session.pk for session in sessions)
    for session in sessions:
        session.public_acta = actas.get(session.pk)
    seats = list(
        public.memberships().filter(committee=committee).order_by("role", "person__name", "start")
    )
    current = [seat for seat in seats if seat.end is None or seat.end >= today]
    former = [seat for seat in seats if seat not in current]
    notices = {
        (notice.year, notice.quarter): notice.text
        for notice in PeriodNotice.objects.filter(committee=committee)
    }
    held_quarters = {
        ((s.date.month - 1) // 3 + 1, s.date.year)
        for s in sessions
        if s.status == Session.Status.HELD
    }
    empty_quarters = [
        {"quarter": quarter, "notice": notices.get((quarter.year, quarter.number))}
        for quarter in obligation_quarters(
            today,
            since=committee.installed_on or committee.integrated_on,
            until=committee.closed_on,
        )
        if (quarter.number, quarter.year) not in held_quarters and quarter.start <= today
    ]
    informes = public.informes().filter(committee=committee).order_by("-period_end")
    return render(
        request,
        "transparency/committee.html",
        {
            "committee": committee,
            "attributions": committee.attributions.all(),
            "current_seats": current,
            "former_seats": former,
            "sessions": sessions,
            "empty_quarters": empty_quarters,
            "informes": informes,
            "datasets": datasets.DATASETS.items(),
        },
    )


def session_record(pk: int) -> Session:
    """A public session with everything its public page (and API) shows, in constant queries."""
    votes = (
        public.votes()
        .select_related("membership__party")
        .prefetch_related(Prefetch("membership__person", queryset=public.people()))
    )
    points = AgendaPoint.objects.order_by("position").prefetch_related(
        Prefetch(
            "documents", queryset=public.documents().order_by("title"), to_attr="public_documents"
        ),
        Prefetch("agreements", queryset=Agreement.objects.order_by("sequence")),
        Prefetch("votes", queryset=votes.order_by("membership__person__name")),
        Prefetch("presented_informes", queryset=public.informes()),
    )
    session = get_object_or_404(
        public.sessions()
        .select_related("committee__institution")
        .prefetch_related(Prefetch("points", queryset=points)),
        pk=pk,
    )
    session.public_acta = public.actas_by_session([session.pk]).get(session.pk)
    return session


@require_safe
@public_answer
def session(request, pk):
    session = session_record(pk)
    return render(request, "transparency/session.html", {"session": session})


@require_safe
@public_answer
def document(request, pk, filename):
    """A public document: its versión pública when there is one, else the original."""
    document = get_object_or_404(public.documents(), pk=pk)
    if filename != document.published_name:
        raise Http404
    return _file(document.published_file, document.published_name, sha256=document.published_sha256)


@require_safe
@public_answer
def acta_pdf(request, pk):
    """The approved acta as archived (PDF/A), with its SHA-256; never a draft."""
    acta = get_object_or_404(public.actas().select_related("session__committee"), pk=pk)
    return _file(
        acta.pdf,
        record_filename("acta", acta.session),
        sha256=acta.pdf_sha256,
        content_type="application/pdf",
    )


@require_safe
@public_answer
def informe_pdf(request, pk):
    informe = get_object_or_404(public.informes().select_related("committee"), pk=pk)
    return _file(
        informe.pdf,
        informe_filename(informe),
        sha256=informe.pdf_sha256,
        content_type="application/pdf",
    )


@require_safe
@public_answer
def committee_data(request, slug, dataset, fmt):
    """Per-committee open data: sessions, agenda points, agreements or votes, CSV or JSON."""
    if dataset not in datasets.DATASETS or fmt not in ("csv", "json"):
        raise Http404
    committee = get_object_or_404(public.committees(), slug=slug)
    data = datasets.rows(dataset, committee)
    name = f"{committee.slug}-{dataset}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(datasets.to_csv(data), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(datasets.to_json(data), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@public_answer
def transparency_export(request, pk, year, quarter, fmt):
    """The quarterly format of the national platform for the institution's collegiate bodies."""
    institution = get_object_or_404(public.institutions(), pk=pk)
    today = timezone.localdate()
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= today.year or fmt not in ("xlsx", "csv"):
        raise Http404
    period = Quarter(year, quarter)
    headers, data = export.rows(institution, period, today=today)
    name = f"actas-organos-colegiados-{institution.short_name.lower()}-{year}-T{quarter}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(
            export.to_csv(headers, data), content_type="text/csv; charset=utf-8"
        )
    else:
        title = f"{export.load_format()['title']} — {institution.name}, {period.label}"
        response = HttpResponse(
            export.to_xlsx(headers, data, title=title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@public_answer
def sitemap(request):
    """Every public page, for search engines; absolute addresses from SITE_URL."""
    entries = [absolute_url(reverse("transparency:index"))]
    entries += [
        absolute_url(reverse("transparency:institution", args=[pk]))
        for pk in public.institutions().values_list("pk", flat=True)
    ]
    entries += [
        absolute_url(reverse("transparency:committee", args=[slug]))
        for slug in public.committees().values_list("slug", flat=True)
    ]
    entries += [
        absolute_url(reverse("transparency:session", args=[pk]))
        for pk in public.sessions().order_by("pk").values_list("pk", flat=True)
    ]
    return render(
        request, "transparency/sitemap.xml", {"entries": entries}, content_type="application/xml"
    )


# --- The secretariat's decision on a document's publication -------------------------------


@login_required
def document_publication(request, pk):
    """Public, reserved or confidential, its basis and term, and its versión pública."""
    document = get_object_or_404(
        Document.objects.select_related("point__session__committee").filter(
            point__session__committee__in=Committee.objects.for_user(request.user, manage=True)
        ),
        pk=pk,
    )
    if request.method == "POST":
        form = PublicationForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decide_publication(
                    document,
                    publication=data["publication"],
                    basis=data["basis"],
                    term=data["term"],
                    public_version=data["public_version"],
                    remove_public_version=data["remove_public_version"],
                    by=request.user,
                )
            except ValidationError as error:
                for field, messages_ in error.message_dict.items():
                    target = {"classification_basis": "basis"}.get(field, field)
                    for message in messages_:
                        form.add_error(target if target in form.fields else None, message)
            else:
                messages.success(request, _("Se registró la decisión de publicación."))
                return redirect("transparency:document-publication", pk=document.pk)
    else:
        form = PublicationForm(
            initial={
                "publication": document.publication,
                "basis": document.classification_basis,
                "term": document.classification_term,
            }
        )
    history = document.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "transparency/document_publication.html",
        {"document": document, "form": form, "history": history},
    )
