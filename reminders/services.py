"""
Planning, claiming and sending reminders. ``run_reminders`` is the worker's scheduled job:

1. plan: a ``Reminder`` row for every reminder due now (inserted with the table's unique
   key, so planning twice, or by two workers at once, plans it once);
2. claim: rows not sent, locked with ``select_for_update(skip_locked=True)`` and taken by a
   compare-and-set on their claim (so two workers never take the same row, on SQLite too);
   a claim older than ``STALE_CLAIM`` (its worker died) is taken again;
3. send: one message per row, then the row records when and to which address, or the error
   (a failed send is released to be tried on the next run).
"""

import dataclasses
import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from agendas.models import Agreement
from committees.models import Person
from committees.spanish import long_date
from config.site import absolute_url
from sessions import notifications
from sessions.models import Session, of_short_name

from .models import Reminder, ReminderPreference

logger = logging.getLogger(__name__)

STALE_CLAIM = datetime.timedelta(minutes=15)
# A session without a start time is reminded of as if it started at this hour.
DEFAULT_START = datetime.time(9, 0)
BATCH = 200


def hours_before() -> int:
    return settings.REMINDER_HOURS_BEFORE


def digest_days() -> int:
    return settings.AGREEMENT_DIGEST_DAYS


def wants(person: Person, kind: str) -> bool:
    preference = ReminderPreference.objects.filter(person=person).first()
    if preference is None:
        return True
    return preference.sessions if kind == Reminder.Kind.SESSION else preference.agreements


def _opted_out(kind: str) -> set[int]:
    field = "sessions" if kind == Reminder.Kind.SESSION else "agreements"
    return set(
        ReminderPreference.objects.filter(**{field: False}).values_list("person_id", flat=True)
    )


def session_start(session: Session) -> datetime.datetime:
    return session.starts_at or datetime.datetime.combine(
        session.date, DEFAULT_START, tzinfo=session.committee.zone
    )


# --- 1. Plan ---------------------------------------------------------------------------------


def plan_session_reminders(now: datetime.datetime) -> int:
    """A reminder to each participant of every convened session starting within the window."""
    window = datetime.timedelta(hours=hours_before())
    first_day = (now - datetime.timedelta(days=1)).date()
    last_day = (now + window + datetime.timedelta(days=1)).date()
    sessions = Session.objects.filter(
        status=Session.Status.CONVENED, date__gte=first_day, date__lte=last_day
    ).select_related("committee__institution")
    opted_out = _opted_out(Reminder.Kind.SESSION)
    rows = []
    for session in sessions:
        if not now < session_start(session) <= now + window:
            continue
        for person in notifications.audience(session).recipients:
            if person.pk in opted_out:
                continue
            rows.append(
                Reminder(
                    kind=Reminder.Kind.SESSION,
                    person=person,
                    session=session,
                    key=f"session:{session.pk}:{session.date.isoformat()}",
                    planned_at=now,
                )
            )
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _followed_up(today: datetime.date) -> Q:
    # A committee that concluded no longer follows its agreements up.
    return Q(committee__closed_on__isnull=True) | Q(committee__closed_on__gte=today)


def open_agreements_due(person: Person, today: datetime.date):
    """The person's open agreements due by ``today`` + the digest's days (overdue included)."""
    return (
        Agreement.objects.filter(_followed_up(today))
        .filter(
            responsible=person,
            status__in=Agreement.OPEN_STATUSES,
            due_date__isnull=False,
            due_date__lte=today + datetime.timedelta(days=digest_days()),
        )
        .select_related("committee", "point__session")
        .order_by("due_date", "number")
    )


def plan_agreement_digests(now: datetime.datetime) -> int:
    """One digest a day to each person responsible for agreements due soon or overdue."""
    today = timezone.localdate(now)
    due = (
        Agreement.objects.filter(_followed_up(today))
        .filter(
            status__in=Agreement.OPEN_STATUSES,
            due_date__isnull=False,
            due_date__lte=today + datetime.timedelta(days=digest_days()),
            responsible__isnull=False,
        )
        .exclude(responsible__email="")
    )
    people = set(due.values_list("responsible_id", flat=True)) - _opted_out(
        Reminder.Kind.AGREEMENTS
    )
    rows = [
        Reminder(
            kind=Reminder.Kind.AGREEMENTS,
            person_id=person_id,
            key=f"agreements:{today.isoformat()}",
            planned_at=now,
        )
        for person_id in sorted(people)
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- 2. Claim --------------------------------------------------------------------------------


def claim(worker_id: str, now: datetime.datetime, limit: int = BATCH) -> list[int]:
    """The ids of unsent reminders this worker now holds (none held by another live worker)."""
    claimed = []
    with transaction.atomic():
        candidates = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM))
            .order_by("planned_at", "pk")
            .values_list("pk", "claimed_at")[:limit]
        )
        for pk, claimed_at in candidates:
            # Compare-and-set: only one worker moves a row from the claim it read.
            won = Reminder.objects.filter(pk=pk, sent_at__isnull=True, claimed_at=claimed_at)
            if claimed_at is None:
                won = Reminder.objects.filter(pk=pk, sent_at__isnull=True, claimed_at__isnull=True)
            if won.update(claimed_at=now, claimed_by=worker_id[:100]):
                claimed.append(pk)
    return claimed


# --- 3. Send ---------------------------------------------------------------------------------


def preferences_url() -> str:
    return absolute_url(reverse("reminders:preferences"))


def session_message(reminder: Reminder) -> EmailMessage:
    session = reminder.session
    context = {
        "person": reminder.person,
        "session": session,
        "session_phrase": notifications.session_phrase(session),
        "day": long_date(session.date, weekday=True),
        "schedule": notifications.schedule(session),
        "points": list(session.points.order_by("position")),
        "page_url": absolute_url(reverse("sessions:detail", args=[session.pk])),
        "preferences_url": preferences_url(),
    }
    title = session.title
    if session.kind != Session.Kind.WORKING_GROUP:
        title = f"{title} {of_short_name(session.committee)}"
    subject = f"Recordatorio: {title} — {context['day']}"
    body = render_to_string("emails/reminder_session.txt", context)
    return EmailMessage(subject, body, to=[reminder.person.email])


def agreements_message(reminder: Reminder, today: datetime.date) -> EmailMessage | None:
    agreements = list(open_agreements_due(reminder.person, today))
    if not agreements:
        return None
    overdue = [a for a in agreements if a.due_date < today]
    soon = [a for a in agreements if a.due_date >= today]
    context = {
        "person": reminder.person,
        "overdue": [_agreement_line(a) for a in overdue],
        "soon": [_agreement_line(a) for a in soon],
        "days": digest_days(),
        "today": long_date(today),
        "preferences_url": preferences_url(),
    }
    subject = f"Acuerdos a su cargo por vencer o vencidos — {long_date(today)}"
    body = render_to_string("emails/reminder_agreements.txt", context)
    return EmailMessage(subject, body, to=[reminder.person.email])


def _agreement_line(agreement: Agreement) -> dict:
    return {
        "number": agreement.number,
        "text": agreement.text,
        "committee": agreement.committee.short_name,
        "due": long_date(agreement.due_date),
        "status": agreement.get_status_display().lower(),
        "url": absolute_url(reverse("agendas:agreement", args=[agreement.pk])),
    }


def send_one(pk: int, now: datetime.datetime) -> str:
    """Send a claimed reminder; returns "sent", "skipped" or "failed"."""
    reminder = Reminder.objects.select_related("person", "session__committee__institution").get(
        pk=pk
    )
    person = reminder.person
    skip = ""
    message = None
    if not person.email:
        skip = "Sin correo electrónico registrado."
    elif not wants(person, reminder.kind):
        skip = "La persona desactivó estos recordatorios."
    elif reminder.kind == Reminder.Kind.SESSION:
        session = reminder.session
        if session.status != Session.Status.CONVENED or session_start(session) <= now:
            skip = "La sesión ya no está por comenzar (cambió su estado o ya inició)."
        else:
            message = session_message(reminder)
    else:
        message = agreements_message(reminder, timezone.localdate(now))
        if message is None:
            skip = "Ya no hay acuerdos por vencer ni vencidos."
    if skip:
        Reminder.objects.filter(pk=pk).update(sent_at=now, error=skip)
        return "skipped"
    try:
        message.send()
    except Exception as error:
        logger.exception("Reminder %s to %s failed", pk, person.email)
        # Released: the next run tries again.
        Reminder.objects.filter(pk=pk).update(
            claimed_at=None, claimed_by="", error=f"{type(error).__name__}: {error}"[:2000]
        )
        return "failed"
    Reminder.objects.filter(pk=pk).update(sent_at=timezone.now(), email=person.email, error="")
    return "sent"


@dataclasses.dataclass
class RunSummary:
    planned: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0


def run_reminders(worker_id: str, now: datetime.datetime | None = None) -> RunSummary:
    """The scheduled job: plan what is due, then send what this worker claims."""
    now = now or timezone.now()
    summary = RunSummary()
    summary.planned = plan_session_reminders(now) + plan_agreement_digests(now)
    counts = defaultdict(int)
    for pk in claim(worker_id, now):
        counts[send_one(pk, now)] += 1
    summary.sent, summary.skipped, summary.failed = (
        counts["sent"],
        counts["skipped"],
        counts["failed"],
    )
    return summary
