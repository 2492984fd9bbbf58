"""
Printed documents: each download checks who may see it, then serves the archived file
(approved actas, presented informes) or the render cache's copy. Informes print in the
background: the secretariat asks, a progress page follows the task and offers the file.
"""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sessions.models import Session

from .. import documents
from ..archive import informe_filename
from ..models import Informe, InformeRender
from ..pdf import cached_pdf
from ..printing import STALLED_AFTER, request_informe_print
from ..services import snapshot_problems
from .actas import get_acta_for_user
from .informes import get_informe_for_user


def file_response(file, filename: str, *, sha256: str = "") -> FileResponse:
    """The PDF, shown in the browser; an archived one declares its hash (RFC 9530)."""
    response = FileResponse(file, content_type="application/pdf", filename=filename)
    if sha256:
        digest = base64.b64encode(bytes.fromhex(sha256)).decode()
        response["Repr-Digest"] = f"sha-256=:{digest}:"
    return response


def _visible_session(user, pk: int) -> Session:
    return get_object_or_404(
        Session.objects.for_user(user).select_related("committee__institution"), pk=pk
    )


def _session_document(request, pk: int, template: str, build, name: str) -> FileResponse:
    session = _visible_session(request.user, pk)
    stored = cached_pdf(template, build(session))
    return file_response(stored.open(), documents.filename(name, session))


@login_required
@require_safe
def convocatoria_pdf(request, pk):
    return _session_document(
        request, pk, "reports/pdf/convocatoria.html", documents.convocatoria_context, "convocatoria"
    )


@login_required
@require_safe
def orden_pdf(request, pk):
    return _session_document(
        request, pk, "reports/pdf/orden.html", documents.orden_context, "orden-del-dia"
    )


@login_required
@require_safe
def acta_pdf(request, pk):
    acta = get_acta_for_user(request.user, pk)
    if acta.pdf and default_storage.exists(acta.pdf.name):
        return file_response(
            acta.pdf.open("rb"), documents.filename("acta", acta.session), sha256=acta.pdf_sha256
        )
    # A draft, or an approved acta whose archive the worker has not written yet.
    if acta.is_frozen and snapshot_problems(acta.snapshot):
        # Its page says what is damaged; never a PDF that differs from what was approved.
        messages.error(
            request,
            _("El contenido aprobado de esta acta está dañado: no se genera su PDF."),
        )
        return redirect("reports:acta", acta.pk)
    stored = cached_pdf("reports/pdf/acta.html", documents.acta_context(acta))
    name = "acta" if acta.is_frozen else "proyecto-de-acta"
    return file_response(stored.open(), documents.filename(name, acta.session))


# --- Informes -------------------------------------------------------------------------------


@login_required
@require_safe
def informe_archived_pdf(request, pk):
    """The informe as presented: the PDF/A archived at its presentation."""
    informe = get_informe_for_user(request.user, pk)
    if not informe.pdf or not default_storage.exists(informe.pdf.name):
        raise Http404(_("Este informe aún no tiene PDF archivado."))
    return file_response(
        informe.pdf.open("rb"), informe_filename(informe), sha256=informe.pdf_sha256
    )


@login_required
@require_POST
def informe_print(request, pk):
    """Queue a print of the informe, or follow the one already under way."""
    informe = get_informe_for_user(request.user, pk)
    job = request_informe_print(informe, by=request.user)
    return redirect("reports:informe-render", pk=informe.pk, render_pk=job.pk)


def _get_render(user, pk: int, render_pk: int) -> InformeRender:
    informe = get_informe_for_user(user, pk)
    render_job = get_object_or_404(informe.renders.all(), pk=render_pk)
    render_job.informe = informe
    return render_job


@login_required
@require_safe
def informe_render(request, pk, render_pk):
    """The progress page of one print; htmx polls its status part until it finishes."""
    render_job = _get_render(request.user, pk, render_pk)
    context = {
        "informe": render_job.informe,
        "render": render_job,
        "stalled": (
            render_job.status == InformeRender.Status.QUEUED
            and render_job.requested_at < timezone.now() - STALLED_AFTER
        ),
    }
    if request.htmx:
        return render(request, "reports/includes/informe_render_status.html", context)
    return render(request, "reports/informe_render.html", context)


@login_required
@require_safe
def informe_render_pdf(request, pk, render_pk):
    """The file of a finished print."""
    render_job = _get_render(request.user, pk, render_pk)
    if render_job.status != InformeRender.Status.DONE or not default_storage.exists(
        render_job.file
    ):
        raise Http404(_("Este PDF no está disponible."))
    informe = render_job.informe
    name = informe_filename(informe)
    if informe.status == Informe.Status.DRAFT:
        name = f"proyecto-de-{name}"
    return file_response(default_storage.open(render_job.file, "rb"), name)
