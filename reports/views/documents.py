"""Printed documents: each PDF download checks who may see it, then renders or serves it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from sessions.models import Session

from .. import documents
from ..pdf import render_pdf
from .actas import get_acta_for_user


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _visible_session(user, pk: int) -> Session:
    return get_object_or_404(
        Session.objects.visible_to(user).select_related("committee__institution"), pk=pk
    )


@login_required
@require_safe
def convocatoria_pdf(request, pk):
    session = _visible_session(request.user, pk)
    content = render_pdf("reports/pdf/convocatoria.html", documents.convocatoria_context(session))
    return _pdf_response(content, documents.filename("convocatoria", session))


@login_required
@require_safe
def orden_pdf(request, pk):
    session = _visible_session(request.user, pk)
    content = render_pdf("reports/pdf/orden.html", documents.orden_context(session))
    return _pdf_response(content, documents.filename("orden-del-dia", session))


@login_required
@require_safe
def acta_pdf(request, pk):
    acta = get_acta_for_user(request.user, pk)
    content = render_pdf("reports/pdf/acta.html", documents.acta_context(acta))
    name = "acta" if acta.is_frozen else "proyecto-de-acta"
    return _pdf_response(content, documents.filename(name, acta.session))
