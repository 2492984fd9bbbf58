"""Printing an informe in the background: one print under way per informe at a time."""

import datetime

from django.db import transaction
from django.utils import timezone

from .models import Informe, InformeRender

# A print still queued after this long most likely has no worker to take it.
STALLED_AFTER = datetime.timedelta(minutes=5)


@transaction.atomic
def request_informe_print(informe: Informe, *, by=None) -> InformeRender:
    """
    Queue a print of the informe, or answer the one already under way: the informe's row
    is locked before looking, so requests at once (double clicks, two people) share one.
    """
    from .tasks import render_informe_task

    informe = Informe.objects.select_for_update().get(pk=informe.pk)
    under_way = (
        informe.renders.filter(
            status__in=(InformeRender.Status.QUEUED, InformeRender.Status.RUNNING),
            requested_at__gte=timezone.now() - STALLED_AFTER,
        )
        .order_by("-requested_at")
        .first()
    )
    if under_way is not None:
        return under_way
    job = InformeRender.objects.create(informe=informe, requested_by=by)
    transaction.on_commit(lambda: render_informe_task.enqueue(job.pk))
    return job
