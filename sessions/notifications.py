"""
E-mail notices about a session: its convocation, a new date, its cancellation.

The services announce a notice inside their transaction (``announce``); the mail goes out
only once it commits (``send_notice``), one message per person, so that no one sees the
others' addresses and each delivery is logged on its own (``NoticeDelivery``). A mail
server that fails is recorded on each delivery and logged; it never undoes the change.
"""

import dataclasses
import datetime
import functools
import logging
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from committees.models import Membership, Person
from committees.spanish import long_date, spanish_sort_key

from . import ical
from .models import NoticeDelivery, Session, of_body, of_short_name

logger = logging.getLogger(__name__)

# How each notice travels in the calendar attached to it (iTIP, RFC 5546).
CALENDAR_METHODS = {
    NoticeDelivery.Kind.CONVOCATION: "REQUEST",
    NoticeDelivery.Kind.RESCHEDULING: "REQUEST",
    NoticeDelivery.Kind.CANCELLATION: "CANCEL",
}

# Documents attached to a notice come from apps above this one (the convocatoria's PDF is
# rendered by reports, which sessions must not import): each registers a provider, a
# callable (session, kind) -> list of (file name, content, MIME type), in its
# AppConfig.ready (reports.apps.ReportsConfig).
NoticeAttachment = tuple[str, bytes, str]
_attachment_providers: list = []


def register_notice_attachments(provider) -> None:
    """Add a provider of documents attached to notices (once, whatever the calls)."""
    if provider not in _attachment_providers:
        _attachment_providers.append(provider)


def notice_attachments(session: Session, kind: str) -> list[NoticeAttachment]:
    """
    The documents every copy of a notice carries. A provider that fails is logged and
    skipped: the notice still goes out, with the invitation, without that document.
    """
    attachments = []
    for provider in _attachment_providers:
        try:
            attachments += provider(session, kind)
        except Exception:
            logger.exception("Attachment for session %s (%s) failed", session.pk, kind)
    return attachments


@dataclasses.dataclass(frozen=True)
class Audience:
    """Who a notice about a session goes to, and who cannot get it (no e-mail on record)."""

    recipients: list[Person]
    unreachable: list[Person]

    def warnings(self) -> list[str]:
        if not self.unreachable:
            return []
        names = ", ".join(person.full_name for person in self.unreachable)
        return [
            ngettext(
                "No se envió el aviso a %(names)s: no tiene correo electrónico registrado.",
                "No se envió el aviso a %(count)d personas sin correo electrónico "
                "registrado: %(names)s.",
                len(self.unreachable),
            )
            % {"names": names, "count": len(self.unreachable)}
        ]


def was_convened(session: Session) -> bool:
    """People were told of this session, so a new date or a cancellation is news to them."""
    return session.convened_at is not None


def audience_seats(session: Session):
    """
    The seats, active on the session's date, of those who take part in it: the members and
    the technical secretary always, party representatives in formal work meetings, and
    anyone invited to it (guests only then). The same people who may see the session.
    """
    roles = [Membership.Role.MEMBER, Membership.Role.TECHNICAL_SECRETARY]
    if session.kind == Session.Kind.WORK_MEETING:
        roles.append(Membership.Role.PARTY_REPRESENTATIVE)
    invited = Session.invitations.through.objects.filter(session_id=session.pk)
    return Membership.objects.filter(
        Q(committee_id=session.committee_id, role__in=roles)
        | Q(pk__in=invited.values("membership_id"))
    ).active_on(session.date)


def audience(session: Session) -> Audience:
    """Everyone a notice about ``session`` goes to, once each, by name. One query."""
    seats = audience_seats(session).select_related("person").order_by("person__name", "pk")
    people = sorted(
        {seat.person_id: seat.person for seat in seats}.values(),
        key=lambda person: spanish_sort_key(person.name),
    )
    return Audience(
        recipients=[person for person in people if person.email],
        unreachable=[person for person in people if not person.email],
    )


def announce(session: Session, kind: str) -> Audience:
    """
    Send a notice about ``session`` once the current transaction commits (nothing is sent
    if it rolls back). Call it inside the service's transaction, after the change.
    """
    people = audience(session)
    transaction.on_commit(
        functools.partial(
            send_notice, session.pk, kind, [person.pk for person in people.recipients]
        ),
        robust=True,
    )
    return people


def send_notice(session_pk: int, kind: str, person_pks: list[int]) -> list[NoticeDelivery]:
    """
    E-mail the notice to each person, one message each, and log every delivery with the
    time it was handed to the mail server, or the error if that failed.
    """
    session = ical.feed_sessions(Session.objects.filter(pk=session_pk)).get()
    people = list(Person.objects.filter(pk__in=person_pks).exclude(email="").order_by("name"))
    if not people:
        return []
    attachments = notice_attachments(session, kind)
    context = notice_context(session, kind)
    context["attachment_names"] = ", ".join(name for name, _content, _type in attachments)
    connection = mailers.default
    deliveries = []
    try:
        failure = _open(connection)
        for person in people:
            delivery = _claim_delivery(session, kind, person)
            if delivery is None:
                continue  # this notice already went (or is going) to this person
            message = notice_message(session, kind, person, context, attachments)
            delivery.error = failure or _send(connection, message, person)
            delivery.sent_at = timezone.now()
            delivery.save(update_fields=["error", "sent_at"])
            deliveries.append(delivery)
    finally:
        _close(connection)
    return deliveries


PENDING = "Pendiente de envío: el envío se interrumpió."


def _claim_delivery(session: Session, kind: str, person: Person) -> NoticeDelivery | None:
    """
    Record the delivery before sending it: a notice goes once to each person for each
    version of the session (the table refuses a second row), so a notice announced twice at
    once, or sent again by a second process, reaches nobody twice. Until it is sent the
    row says so, and stays saying so if the process dies meanwhile.
    """
    try:
        with transaction.atomic():
            return NoticeDelivery.objects.create(
                session=session,
                person=person,
                email=person.email,
                kind=kind,
                revision=session.revision,
                sent_at=timezone.now(),
                error=PENDING,
            )
    except IntegrityError:
        return None


def _open(connection) -> str:
    """Open one connection for every message; the error if the server cannot be reached."""
    try:
        connection.open()
    except Exception as error:
        logger.exception("Mail server unreachable: no notice was sent")
        return _describe(error)
    return ""


def _send(connection, message, person: Person) -> str:
    try:
        sent = connection.send_messages([message])
    except Exception as error:
        logger.exception("Notice to person %s (%s) failed", person.pk, person.email)
        return _describe(error)
    if not sent:
        logger.error("Notice to person %s (%s) not accepted", person.pk, person.email)
        return _("El servidor de correo no aceptó el mensaje.")
    return ""


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:
        logger.exception("Closing the mail connection failed")


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}".rstrip(": ")


# --- The message --------------------------------------------------------------------------


def notice_context(session: Session, kind: str) -> dict:
    """What every copy of the notice shares; only the recipient changes."""
    committee = session.committee
    secretaries = [
        seat.person
        for seat in committee.memberships.filter(role=Membership.Role.TECHNICAL_SECRETARY)
        .active_on(session.date)
        .exclude(person__email="")
        .select_related("person")
        .order_by("person__name")
    ]
    previous_acta = (
        kind != NoticeDelivery.Kind.CANCELLATION
        and session.has_acta
        and committee.sessions.filter(
            kind__in=Session.KINDS_WITH_ACTA, status=Session.Status.HELD, date__lt=session.date
        ).exists()
    )
    return {
        "kind": kind,
        "session": session,
        "committee": committee,
        "session_phrase": session_phrase(session),
        "institution": committee.institution,
        "day": long_date(session.date, weekday=True),
        "original_day": (
            long_date(session.rescheduled_from, weekday=True) if session.rescheduled_from else ""
        ),
        "schedule": schedule(session),
        "points": list(session.points.all()),
        "secretaries": secretaries,
        "observations_to": secretaries if previous_acta else [],
        "page_url": ical.session_page_url(session, ical.site_url()),
        "subject": notice_subject(session, kind),
    }


def notice_subject(session: Session, kind: str) -> str:
    """ "Convocatoria: Quinta sesión ordinaria del COTAPREP — martes 19 de marzo de 2024"."""
    title = session.title
    if session.kind != Session.Kind.WORKING_GROUP:
        # A working group's title already names it.
        title = f"{title} {of_short_name(session.committee)}"
    values = {"title": title, "day": long_date(session.date, weekday=True)}
    if kind == NoticeDelivery.Kind.CANCELLATION:
        return _("Cancelación: %(title)s — %(day)s") % values
    if kind == NoticeDelivery.Kind.RESCHEDULING:
        return _("Nueva fecha: %(title)s — %(day)s") % values
    return _("Convocatoria: %(title)s — %(day)s") % values


def session_phrase(session: Session) -> str:
    """ "quinta sesión ordinaria del Comité Técnico Asesor del PREP (COTAPREP)"."""
    committee = session.committee
    if session.kind == Session.Kind.WORKING_GROUP:
        # Its title already names the group.
        return f"{session.reference} ({committee.short_name})"
    return f"{session.reference} {of_body(committee.name)} ({committee.short_name})"


def schedule(session: Session) -> str:
    """ "de 11:00 a 13:30 h", "a las 11:00 h", or empty when the time is not known yet."""
    if session.start_time is None:
        return ""
    if session.end_time is None:
        return _("a las %(start)s h") % {"start": f"{session.start_time:%H:%M}"}
    return _("de %(start)s a %(end)s h") % {
        "start": f"{session.start_time:%H:%M}",
        "end": f"{session.end_time:%H:%M}",
    }


class InvitationMessage(EmailMultiAlternatives):
    """
    An e-mail whose alternatives are the text, the HTML and the invitation itself
    (``text/calendar; method=…``), the shape Outlook and Gmail turn into an invitation
    with buttons (RFC 6047). Django's ``attach_alternative`` cannot give a part
    parameters, so the calendar part is added where Django builds the alternatives.
    """

    def __init__(self, *args, calendar: bytes, method: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.calendar, self.method = calendar, method

    def _add_bodies(self, msg):
        msg = super()._add_bodies(msg)
        # As bytes, base64: the calendar keeps its CRLF line ends exactly.
        msg.add_alternative(
            self.calendar,
            maintype="text",
            subtype="calendar",
            params={"method": self.method, "charset": "utf-8"},
        )
        return msg


def notice_message(
    session: Session,
    kind: str,
    person: Person,
    context: dict,
    attachments: list[NoticeAttachment] = (),
) -> InvitationMessage:
    """
    One person's copy: multipart/alternative (plain text, HTML, the invitation as
    text/calendar with METHOD REQUEST or CANCEL), then the attached documents.
    """
    context = {**context, "person": person}
    secretaries = context["secretaries"]
    method = CALENDAR_METHODS[kind]
    message = InvitationMessage(
        subject=context["subject"],
        body=render_to_string("emails/session_notice.txt", context),
        to=[person.email],
        reply_to=[secretary.email for secretary in secretaries],
        headers={"Auto-Submitted": "auto-generated"},
        calendar=invitation(session, kind, person, secretaries),
        method=method,
    )
    message.attach_alternative(render_to_string("emails/session_notice.html", context), "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message


def invitation(session: Session, kind: str, person: Person, secretaries: list[Person]) -> bytes:
    """The iTIP calendar of the notice for one attendee: the feeds' event, with roles."""
    if secretaries:
        organizer = (secretaries[0].email, secretaries[0].full_name)
    else:
        name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        organizer = (address, name or session.committee.short_name)
    return ical.invitation_calendar(
        session,
        method=CALENDAR_METHODS[kind],
        base_url=ical.site_url(),
        organizer=organizer,
        attendee=(person.email, person.full_name),
    )


# --- The log, as the session page shows it ------------------------------------------------


@dataclasses.dataclass
class NoticeBatch:
    """One notice about a session, as sent to everyone it went to."""

    kind: str
    label: str
    sent_at: datetime.datetime
    deliveries: list[NoticeDelivery]

    @property
    def delivered(self) -> list[NoticeDelivery]:
        return [delivery for delivery in self.deliveries if delivery.delivered]

    @property
    def failed(self) -> list[NoticeDelivery]:
        return [delivery for delivery in self.deliveries if not delivery.delivered]


def notice_log(session: Session) -> list[NoticeBatch]:
    """
    The notices sent about ``session``, oldest first, with their deliveries (times in the
    institution's zone). Each notice follows a change of the session, so its revision
    tells one notice from the next. One query.
    """
    zone = session.committee.zone
    batches: dict[tuple[str, int], NoticeBatch] = {}
    deliveries = session.notice_deliveries.select_related("person").order_by("sent_at", "pk")
    for delivery in deliveries:
        delivery.local_sent_at = timezone.localtime(delivery.sent_at, zone)
        key = (delivery.kind, delivery.revision)
        if key not in batches:
            batches[key] = NoticeBatch(
                kind=delivery.kind,
                label=delivery.get_kind_display(),
                sent_at=delivery.local_sent_at,
                deliveries=[],
            )
        batches[key].deliveries.append(delivery)
    return list(batches.values())
