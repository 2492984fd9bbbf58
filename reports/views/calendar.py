"""The calendar of a committee's sessions as a printed document (PDF)."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_safe

# The download composes the committee's access rule with the sessions the reader may see.
from committees.views import get_committee_for_user
from sessions.models import Session

from .. import documents
from ..pdf import cached_pdf
from .documents import file_response


@login_required
@require_safe
def calendario_pdf(request, slug):
    committee = get_committee_for_user(request.user, slug)
    context = documents.calendario_context(
        committee, sessions=Session.objects.for_user(request.user)
    )
    stored = cached_pdf("reports/pdf/calendario.html", context)
    return file_response(stored.open(), f"calendario-{committee.slug}.pdf")
