from django.shortcuts import get_object_or_404

from .models import Session


def get_session_for_user(user, pk: int, *, manage: bool = False) -> Session:
    """The session, if the user may see it (or manage it); 404 otherwise."""
    sessions = Session.objects.for_user(user, manage=manage)
    return get_object_or_404(sessions.select_related("committee__institution"), pk=pk)
