from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from .models import Folio, Session


def get_session_for_user(user, pk: int, *, manage: bool = False) -> Session:
    """The session, if the user may see it (or manage it); 404 otherwise."""
    sessions = Session.objects.for_user(user, manage=manage)
    # The convocatoria's folio comes with the session, not in a query of its own.
    folio = Folio.objects.filter(session=OuterRef("pk"), kind=Folio.Kind.CONVOCATORIA)
    sessions = sessions.annotate(
        convocatoria_folio_code=Coalesce(Subquery(folio.values("code")[:1]), Value(""))
    )
    return get_object_or_404(sessions.select_related("committee__institution"), pk=pk)
