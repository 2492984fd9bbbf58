import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from agendas.models import Agreement
from config.site import absolute_url
from reports.compliance import committee_summary
from reports.models import Acta
from reports.services import actas_pending_approval
from sessions.models import Session

from .models import Committee, Membership, Person

# The committee page shows the sessions ahead and those of the last twelve months; earlier
# years are a click away (?anio=), so the page does not grow with the committee's history.
SEASON_DAYS = 365
# Late actas listed by name; the rest are counted.
OVERDUE_SHOWN = 10


def get_committee_for_user(user, slug: str, *, manage: bool = False) -> Committee:
    """The committee, if the user may see it (or manage it); 404 otherwise."""
    committees = Committee.objects.for_user(user, manage=manage)
    return get_object_or_404(
        committees.select_related("institution", "process", "parent"), slug=slug
    )


@login_required
@require_safe
def home(request):
    user = request.user
    today = timezone.localdate()
    visible_sessions = Session.objects.for_user(user)
    managed = Committee.objects.for_user(user, manage=True)
    open_agreements = Agreement.objects.filter(status__in=Agreement.OPEN_STATUSES).select_related(
        "committee", "point__session", "responsible"
    )
    context = {
        "nav": "home",
        "today": today,
        "committees": Committee.objects.for_user(user).select_related("institution", "process"),
        "upcoming": visible_sessions.upcoming(today).select_related("committee")[:10],
        "my_agreements": open_agreements.filter(responsible__user=user).order_by(
            "due_date", "number"
        ),
        "overdue_agreements": open_agreements.filter(
            committee__in=managed.values("pk"), due_date__lt=today
        ).order_by("due_date"),
        "draft_actas": Acta.objects.filter(
            status=Acta.Status.DRAFT, session__in=visible_sessions.values("pk")
        )
        .select_related("session__committee")
        .order_by("session__date"),
    }
    return render(request, "committees/home.html", context)


@login_required
@require_safe
def committee_detail(request, slug):
    committee = get_committee_for_user(request.user, slug)
    memberships = committee.memberships.select_related("person", "party").order_by(
        "start", "person__name"
    )
    by_role = {role: [] for role in Membership.Role}
    for membership in memberships:
        by_role[Membership.Role(membership.role)].append(membership)
    today = timezone.localdate()
    visible = Session.objects.for_user(request.user).filter(committee=committee)
    season_start = today - datetime.timedelta(days=SEASON_DAYS)
    year = _chosen_year(request, season_start)
    shown = (
        visible.filter(date__gte=season_start)
        if year is None
        else visible.filter(Q(date__year=year, date__lt=season_start) | Q(date__gte=today))
    )
    sessions = list(shown.select_related("committee", "acta").order_by("date", "start_time"))
    # The earlier years a click away, with how many sessions each had: one aggregate.
    earlier_years = list(
        visible.filter(date__lt=season_start)
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(count=Count("pk"))
        .order_by("-year")
    )
    overdue = _overdue_actas(committee, visible)
    context = {
        "committee": committee,
        "attributions": committee.attributions.all(),
        "members_by_role": [
            (role.label, by_role[role]) for role in Membership.Role if by_role[role]
        ],
        "upcoming": [s for s in sessions if s.date >= today],
        "past": [s for s in sessions if s.date < today][::-1],
        "year": year,
        "season_start": season_start,
        "earlier_years": earlier_years,
        "can_manage": Committee.objects.for_user(request.user, manage=True)
        .filter(pk=committee.pk)
        .exists(),
        "today": today,
        "overdue_actas": overdue[:OVERDUE_SHOWN],
        "overdue_more": max(0, len(overdue) - OVERDUE_SHOWN),
        "compliance": committee_summary(committee),
        "feed_url": absolute_url(reverse("sessions:committee-feed", args=[committee.slug])),
    }
    return render(request, "committees/committee_detail.html", context)


def _chosen_year(request, season_start: datetime.date) -> int | None:
    """The earlier year asked for with ?anio=, or None for the current season."""
    try:
        year = int(request.GET.get("anio", ""))
    except ValueError:
        return None
    return year if 1900 <= year <= season_start.year else None


def _overdue_actas(committee: Committee, visible) -> list[Session]:
    """
    The sessions the user sees whose acta is still a draft (or not drafted) past the
    committee's deadline, oldest first.
    """
    # Only a held session with an acta still to approve can be late: without one the rule
    # is not even looked up.
    waiting = (
        committee.sessions.with_acta()
        .filter(status=Session.Status.HELD)
        .filter(Q(acta__isnull=True) | Q(acta__status=Acta.Status.DRAFT))
    )
    if not waiting.exists():
        return []
    pending = actas_pending_approval(committee)
    if not pending:
        return []
    seen = set(visible.filter(pk__in=[s.pk for s in pending]).values_list("pk", flat=True))
    return [session for session in pending if session.pk in seen]


@login_required
@require_http_methods(["GET", "POST"])
def my_calendar(request):
    """The address of the person's own calendar feed, and a way to revoke it."""
    person = Person.objects.filter(user=request.user).first()
    if request.method == "POST":
        if person is None:
            raise Http404
        person.regenerate_calendar_token()
        messages.success(
            request,
            _(
                "Se generó una dirección nueva. La anterior dejó de funcionar: actualice la "
                "suscripción en su aplicación de calendario."
            ),
        )
        return redirect("committees:my-calendar")
    feed_url = None
    if person is not None:
        feed_url = absolute_url(reverse("sessions:personal-feed", args=[person.calendar_token]))
    return render(
        request,
        "committees/my_calendar.html",
        {"person": person, "feed_url": feed_url, "nav": "my-calendar"},
    )
