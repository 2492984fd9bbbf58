"""
The documents that travel with a session's notices: the convocatoria's PDF, from the
render cache (rendered once for the same content). Registered with
``sessions.notifications`` by ``ReportsConfig.ready``: sessions cannot import reports.
"""

from sessions.models import NoticeDelivery, Session

from . import documents
from .pdf import cached_pdf

# A cancellation convenes no one: it carries no convocatoria.
WITH_CONVOCATORIA = (NoticeDelivery.Kind.CONVOCATION, NoticeDelivery.Kind.RESCHEDULING)


def convocatoria_attachment(session: Session, kind: str) -> list[tuple[str, bytes, str]]:
    if kind not in WITH_CONVOCATORIA:
        return []
    # A fresh copy: the notice's session comes with its points prefetched for the calendar.
    session = Session.objects.select_related("committee__institution").get(pk=session.pk)
    stored = cached_pdf("reports/pdf/convocatoria.html", documents.convocatoria_context(session))
    return [(documents.filename("convocatoria", session), stored.read(), "application/pdf")]
