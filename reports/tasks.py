"""
Background work of the reports app, run by the task worker (``manage.py db_worker``):
archiving approved documents and printing informes. Arguments are ids: tasks are stored
as JSON until a worker takes them.
"""

import logging

from django.tasks import task
from django.utils import timezone
from pypdf import PdfReader

from . import archive
from .informes import informe_context
from .models import Acta, Informe, InformeRender
from .pdf import cached_pdf

logger = logging.getLogger(__name__)


@task
def archive_acta_task(acta_id: int) -> None:
    archive.archive_acta(Acta.objects.get(pk=acta_id))


@task
def archive_informe_task(informe_id: int) -> None:
    archive.archive_informe(Informe.objects.get(pk=informe_id))


@task
def render_informe_task(render_id: int) -> None:
    """
    Print an informe for the progress page: the render is marked running, then done with
    its file, or failed with the reason the secretariat reads. Never left half-way.
    """
    render = InformeRender.objects.select_related("informe__committee__institution").get(
        pk=render_id
    )
    if render.is_finished:
        return
    InformeRender.objects.filter(pk=render.pk).update(status=InformeRender.Status.RUNNING)
    try:
        stored = cached_pdf("reports/pdf/informe.html", informe_context(render.informe))
        with stored.open() as file:
            pages = len(PdfReader(file).pages)
    except Exception as error:
        logger.exception("Informe render %s failed", render.pk)
        InformeRender.objects.filter(pk=render.pk).update(
            status=InformeRender.Status.FAILED,
            error=str(error)[:2000] or error.__class__.__name__,
            finished_at=timezone.now(),
        )
        return
    InformeRender.objects.filter(pk=render.pk).update(
        status=InformeRender.Status.DONE,
        file=stored.name,
        pages=pages,
        finished_at=timezone.now(),
    )
