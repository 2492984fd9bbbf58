"""E-mail notices about a session: who gets them, what they say, the calendar attached, the log."""

import datetime
import io
import logging
import smtplib

import icalendar
import pytest
import vobject
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from agendas.models import AgendaPoint
from committees.models import Membership
from sessions import ical, notifications
from sessions.models import NoticeDelivery, Session
from sessions.services import cancel_session, convene_session, postpone_session
from tests.factories import make_membership, make_person, make_point, make_session
from tests.web import page_text, signed_in

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 3, 19)
CONVENED_AT = datetime.datetime(2024, 3, 12, 10, tzinfo=datetime.UTC)


def seat(committee, role=Membership.Role.MEMBER, *, name, email, honorific="", **fields):
    person = make_person(name=name, email=email, honorific=honorific)
    return make_membership(committee, person=person, role=role, **fields)


@pytest.fixture
def seats(committee):
    """Everyone with a seat on the committee, in every role, and one whose term ended."""
    return {
        "member": seat(committee, name="Ana Integrante", email="ana@example.org"),
        "secretary": seat(
            committee,
            Membership.Role.TECHNICAL_SECRETARY,
            name="Sara Secretaria",
            email="sara@example.org",
            honorific="Mtra.",
        ),
        "representative": seat(
            committee,
            Membership.Role.PARTY_REPRESENTATIVE,
            name="Raúl Representante",
            email="raul@example.org",
        ),
        "guest": seat(
            committee, Membership.Role.GUEST, name="Gina Invitada", email="gina@example.org"
        ),
        "former": seat(
            committee,
            name="Fernando Exintegrante",
            email="fernando@example.org",
            end=datetime.date(2024, 2, 29),
        ),
    }


def emails(seats, *names):
    return {seats[name].person.email for name in names}


def a_session(committee, **fields):
    fields = {
        "date": DAY,
        "start_time": datetime.time(11),
        "end_time": datetime.time(13, 30),
        "place": "Sala de sesiones del Consejo General",
        "number": 5,
        **fields,
    }
    session = make_session(committee, **fields)
    make_point(session, title="Lectura y aprobación del orden del día")
    make_point(session, title="Informe de avance del PREP", kind=AgendaPoint.Kind.INFORMATIVE)
    return session


@pytest.fixture
def session(committee):
    return a_session(committee)


def convene(session, capture):
    with capture(execute=True):
        return convene_session(session, now=CONVENED_AT)


def recipients(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


def calendar_part(message):
    """The invitation as it travels: the text/calendar part of the MIME message sent."""
    (part,) = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    return part


def mime_tree(message) -> list:
    """The message's MIME structure: content types, nested lists for multiparts."""

    def tree(part):
        if part.is_multipart():
            return [part.get_content_type(), [tree(child) for child in part.iter_parts()]]
        return part.get_content_type()

    return tree(message.message())


def parsed(message) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(calendar_part(message).get_payload(decode=True))


def feed_event(session):
    """The session's event as the feeds publish it."""
    loaded = ical.feed_sessions(Session.objects.filter(pk=session.pk)).get()
    feed = icalendar.Calendar.from_ical(ical.session_calendar(loaded, base_url="http://x"))
    return feed.events[0]


# --- Who gets it ----------------------------------------------------------------------------


def test_a_convocation_goes_to_each_participant_in_a_message_of_their_own(
    session, seats, mailoutbox, django_capture_on_commit_callbacks
):
    convene(session, django_capture_on_commit_callbacks)

    # An ordinary session: members and the secretary; not the representative, not a guest
    # who was not invited, not a member whose term ended before the session.
    assert recipients(mailoutbox) == sorted(emails(seats, "member", "secretary"))
    assert all(len(message.to) == 1 and not message.cc for message in mailoutbox)
    assert not any(message.bcc for message in mailoutbox)
    deliveries = NoticeDelivery.objects.filter(session=session)
    session.refresh_from_db()
    assert sorted(deliveries.values_list("email", "kind", "revision", "error")) == [
        ("ana@example.org", "convocation", session.revision, ""),
        ("sara@example.org", "convocation", session.revision, ""),
    ]
    assert {d.person for d in deliveries} == {seats["member"].person, seats["secretary"].person}
    assert all(d.sent_at <= timezone.now() for d in deliveries)


def test_a_formal_work_meeting_goes_to_the_party_representatives_too(
    committee, seats, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = a_session(committee, kind=Session.Kind.WORK_MEETING, number=1)

    convene(meeting, django_capture_on_commit_callbacks)

    assert recipients(mailoutbox) == sorted(emails(seats, "member", "secretary", "representative"))


def test_a_guest_gets_it_only_when_invited(
    session, seats, mailoutbox, django_capture_on_commit_callbacks
):
    session.invitations.add(seats["guest"])

    convene(session, django_capture_on_commit_callbacks)

    assert recipients(mailoutbox) == sorted(emails(seats, "member", "secretary", "guest"))


def test_an_invitation_that_ended_before_the_session_does_not_count(
    session, seats, mailoutbox, django_capture_on_commit_callbacks
):
    session.invitations.add(seats["former"])

    convene(session, django_capture_on_commit_callbacks)

    assert "fernando@example.org" not in recipients(mailoutbox)


def test_a_person_with_two_ways_in_gets_one_message(
    committee, session, seats, mailoutbox, django_capture_on_commit_callbacks
):
    session.invitations.add(seats["member"])

    convene(session, django_capture_on_commit_callbacks)

    assert recipients(mailoutbox).count("ana@example.org") == 1


def test_people_without_email_are_reported_not_skipped_silently(committee, session, seats):
    seat(committee, name="Beatriz Sin Correo", email="", honorific="Dra.")

    people = notifications.audience(session)

    assert [p.name for p in people.unreachable] == ["Beatriz Sin Correo"]
    assert people.warnings() == [
        "No se envió el aviso a Dra. Beatriz Sin Correo: no tiene correo electrónico registrado."
    ]


def test_nothing_is_sent_when_the_transaction_rolls_back(
    session, seats, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        convene_session(session, now=CONVENED_AT)
        raise RuntimeError("something later in the same transaction failed")

    assert callbacks == []
    assert mailoutbox == []
    assert not NoticeDelivery.objects.exists()
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED


def test_nothing_is_sent_before_the_transaction_commits(
    session, seats, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        convene_session(session, now=CONVENED_AT)
        assert mailoutbox == []

    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mailoutbox) == 2


def test_a_caller_can_convene_without_mail(
    session, seats, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        convene_session(session, now=CONVENED_AT, notify=False)

    assert callbacks == []
    assert mailoutbox == []


# --- What it says ---------------------------------------------------------------------------


def test_the_convocation_reads_as_the_secretariat_writes_it(
    committee, session, seats, mailoutbox, django_capture_on_commit_callbacks
):
    session.video_link = "https://videos.example.org/sala"
    session.save()
    # A held session before it: this one approves its acta.
    make_session(committee, number=4, date=DAY - datetime.timedelta(days=28), status="held")

    convene(session, django_capture_on_commit_callbacks)

    message = next(m for m in mailoutbox if m.to == ["ana@example.org"])
    assert message.subject == (
        "Convocatoria: Quinta sesión ordinaria del COTAPREP — martes 19 de marzo de 2024"
    )
    assert message.reply_to == ["sara@example.org"]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    body = message.body
    assert body.startswith("Ana Integrante\nPresente\n")
    assert (
        "Por este medio se le convoca a la quinta sesión ordinaria del Comité Técnico Asesor "
        "del Programa de Resultados Electorales Preliminares (COTAPREP), que se celebrará el "
        "martes 19 de marzo de 2024."
    ) in body
    assert "Fecha: martes 19 de marzo de 2024\nHorario: de 11:00 a 13:30 h\n" in body
    assert "Lugar: Sala de sesiones del Consejo General\n" in body
    assert "Videoconferencia: https://videos.example.org/sala\n" in body
    assert (
        "Orden del día:\n1. Lectura y aprobación del orden del día\n2. Informe de avance del PREP\n"
    ) in body
    assert "Envíe sus observaciones al acta de la sesión anterior a: sara@example.org" in body
    assert f"Página de la sesión: http://127.0.0.1:8000/sesiones/{session.pk}/" in body
    assert body.rstrip().endswith(
        f"Mtra. Sara Secretaria\nSecretaría Técnica del COTAPREP\n{committee.institution.name}"
    )
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert '<li value="2">Informe de avance del PREP</li>' in html
    assert '<a href="mailto:sara@example.org">sara@example.org</a>' in html


def test_a_session_without_time_or_place_says_they_are_to_be_confirmed(
    committee, seats, mailoutbox, django_capture_on_commit_callbacks
):
    session = a_session(committee, start_time=None, end_time=None, place="")

    convene(session, django_capture_on_commit_callbacks)

    body = mailoutbox[0].body
    assert "Horario: Horario por confirmar\nLugar: por confirmar\n" in body
    # No acta before the first session: nothing to send observations about.
    assert "observaciones" not in body
    assert "Horario por confirmar" in mailoutbox[0].alternatives[0].content


def test_the_html_escapes_what_people_typed(
    session, seats, mailoutbox, django_capture_on_commit_callbacks
):
    make_point(session, title="<script>alert('x')</script> & <b>más</b>")
    session.place = '<img src=x onerror="alert(1)">'
    session.save()

    convene(session, django_capture_on_commit_callbacks)

    html = mailoutbox[0].alternatives[0].content
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;más&lt;/b&gt;" in html
    # The plain text is plain: what was typed, as typed.
    assert "3. <script>alert('x')</script> & <b>más</b>\n" in mailoutbox[0].body


def test_a_postponed_convened_session_sends_the_new_date(
    session, seats, mailoutbox, django_capture_on_commit_callbacks
):
    convene(session, django_capture_on_commit_callbacks)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        postpone_session(
            session,
            new_date=datetime.date(2024, 3, 26),
            new_start_time=datetime.time(17),
            reason="Coincide con el simulacro del PREP.",
        )

    assert recipients(mailoutbox) == sorted(emails(seats, "member", "secretary"))
    message = mailoutbox[0]
    assert message.subject == (
        "Nueva fecha: Quinta sesión ordinaria del COTAPREP — martes 26 de marzo de 2024"
    )
    assert (
        "la quinta sesión ordinaria del Comité Técnico Asesor del Programa de Resultados "
        "Electorales Preliminares (COTAPREP), prevista para el martes 19 de marzo de 2024, se "
        "pospuso para el martes 26 de marzo de 2024."
    ) in message.body
    assert "Motivo: Coincide con el simulacro del PREP.\n" in message.body
    assert "Horario: a las 17:00 h\n" in message.body
    calendar = parsed(message)
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.events[0]
    session.refresh_from_db()
    assert event.start == datetime.datetime.combine(
        datetime.date(2024, 3, 26), datetime.time(17), tzinfo=committee_zone(session)
    )
    assert event["SEQUENCE"] == session.revision == feed_event(session)["SEQUENCE"]
    kinds = NoticeDelivery.objects.values_list("kind", flat=True).distinct()
    assert set(kinds) == {"convocation", "rescheduling"}


def committee_zone(session):
    return session.committee.zone


def test_a_cancelled_convened_session_sends_a_cancellation(
    session, seats, mailoutbox, django_capture_on_commit_callbacks
):
    convene(session, django_capture_on_commit_callbacks)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(session, reason="Lo acordó la Comisión.")

    assert recipients(mailoutbox) == sorted(emails(seats, "member", "secretary"))
    message = mailoutbox[0]
    assert message.subject == (
        "Cancelación: Quinta sesión ordinaria del COTAPREP — martes 19 de marzo de 2024"
    )
    assert "se cancela la quinta sesión ordinaria" in message.body
    assert "Motivo: Lo acordó la Comisión." in message.body
    assert "Orden del día" not in message.body
    part = calendar_part(message)
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "CANCEL"
    # A cancellation convenes no one: the invitation, and no convocatoria.
    assert mime_tree(message) == [
        "multipart/alternative",
        ["text/plain", "text/html", "text/calendar"],
    ]
    calendar = parsed(message)
    assert calendar["METHOD"] == "CANCEL"
    (event,) = calendar.events
    session.refresh_from_db()
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == feed_event(session)["UID"]
    assert event["SEQUENCE"] == session.revision == feed_event(session)["SEQUENCE"]
    assert set(NoticeDelivery.objects.values_list("kind", flat=True)) == {
        "convocation",
        "cancellation",
    }


def test_a_session_that_was_never_convened_is_postponed_or_cancelled_without_mail(
    committee, session, seats, mailoutbox, django_capture_on_commit_callbacks
):
    other = a_session(committee, number=6, date=DAY + datetime.timedelta(days=7))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        postpone_session(session, new_date=DAY + datetime.timedelta(days=1), reason="Agenda.")
        cancel_session(other, reason="Sin asuntos.")

    assert callbacks == []
    assert mailoutbox == []


# --- The calendar attached ------------------------------------------------------------------


def test_the_convocation_carries_the_session_as_an_invitation(
    session, seats, mailoutbox, django_capture_on_commit_callbacks
):
    convene(session, django_capture_on_commit_callbacks)

    message = next(m for m in mailoutbox if m.to == ["ana@example.org"])
    # What Outlook and Gmail turn into an invitation with buttons: the calendar as an
    # alternative of the text (RFC 6047), not an attachment; the convocatoria beside it.
    assert mime_tree(message) == [
        "multipart/mixed",
        [
            ["multipart/alternative", ["text/plain", "text/html", "text/calendar"]],
            "application/pdf",
        ],
    ]
    part = calendar_part(message)
    assert part.get_param("method") == "REQUEST"
    assert part.get_param("charset") == "utf-8"
    assert part.get_content_disposition() is None
    (pdf,) = [p for p in message.message().walk() if p.get_content_type() == "application/pdf"]
    assert pdf.get_content_disposition() == "attachment"
    assert pdf.get_filename() == f"convocatoria-{session.committee.slug}-2024-03-19.pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert "Convocatoria" in text
    assert "Quinta sesión ordinaria" in text
    assert "convocatoria-" in message.body
    raw = part.get_payload(decode=True)
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")

    calendar = icalendar.Calendar.from_ical(raw)
    session.refresh_from_db()
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.events
    feed = feed_event(session)
    assert event["UID"] == feed["UID"] == f"session-{session.pk}@127.0.0.1:8000"
    assert event["SEQUENCE"] == feed["SEQUENCE"] == session.revision
    assert event.start == session.starts_at
    assert event.end == session.ends_at
    assert event["SUMMARY"] == "COTAPREP: Quinta sesión ordinaria"
    assert event["ORGANIZER"] == "mailto:sara@example.org"
    assert event["ORGANIZER"].params["CN"] == "Mtra. Sara Secretaria"
    (attendee,) = event.attendees
    assert attendee == "mailto:ana@example.org"
    assert attendee.params["CN"] == "Ana Integrante"
    assert calendar.timezones[0]["TZID"] == "America/Mexico_City"

    # A second parser reads it the same way.
    card = vobject.readOne(raw.decode())
    assert card.method.value == "REQUEST"
    assert card.vevent.uid.value == f"session-{session.pk}@127.0.0.1:8000"
    assert int(card.vevent.sequence.value) == session.revision
    assert card.vevent.dtstart.value == session.starts_at
    assert card.vevent.organizer.value == "mailto:sara@example.org"


def test_without_a_secretary_the_organizer_is_the_sender(
    committee, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.DEFAULT_FROM_EMAIL = "Quórum IEPC <quorum@iepc.example.org>"
    seat(committee, name="Ana Integrante", email="ana@example.org")
    session = a_session(committee)

    convene(session, django_capture_on_commit_callbacks)

    (message,) = mailoutbox
    assert message.from_email == "Quórum IEPC <quorum@iepc.example.org>"
    assert message.reply_to == []
    event = parsed(message).events[0]
    assert event["ORGANIZER"] == "mailto:quorum@iepc.example.org"
    assert event["ORGANIZER"].params["CN"] == "Quórum IEPC"


# --- A mail server that fails ---------------------------------------------------------------


class RefusingBackend(BaseEmailBackend):
    """A mail server that takes the connection and refuses every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"x": (550, b"Mailbox unavailable")})


class UnreachableBackend(BaseEmailBackend):
    """A mail server that cannot be reached at all."""

    opened = 0

    def open(self):
        UnreachableBackend.opened += 1
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, email_messages):
        raise AssertionError("no message is handed to a server that could not be reached")


class SilentBackend(BaseEmailBackend):
    """A backend that reports having sent nothing (like SMTP with fail_silently)."""

    def send_messages(self, email_messages):
        return 0


def use_backend(settings, backend):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.{backend.__name__}"}}


def test_a_failing_mail_server_is_logged_and_the_convocation_stands(
    session, seats, settings, caplog, django_capture_on_commit_callbacks
):
    use_backend(settings, RefusingBackend)

    with caplog.at_level(logging.ERROR, logger="sessions.notifications"):
        convene(session, django_capture_on_commit_callbacks)

    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED
    deliveries = NoticeDelivery.objects.order_by("email")
    assert [(d.email, d.delivered) for d in deliveries] == [
        ("ana@example.org", False),
        ("sara@example.org", False),
    ]
    assert deliveries[0].error.startswith("SMTPRecipientsRefused")
    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 2
    assert "ana@example.org" in caplog.text


def test_an_unreachable_mail_server_is_tried_once(
    session, seats, settings, caplog, django_capture_on_commit_callbacks
):
    use_backend(settings, UnreachableBackend)
    UnreachableBackend.opened = 0

    with caplog.at_level(logging.ERROR, logger="sessions.notifications"):
        convene(session, django_capture_on_commit_callbacks)

    assert UnreachableBackend.opened == 1
    errors = set(NoticeDelivery.objects.values_list("error", flat=True))
    assert errors == {"ConnectionRefusedError: [Errno 111] Connection refused"}
    assert NoticeDelivery.objects.count() == 2
    assert "Mail server unreachable" in caplog.text


def test_a_message_the_server_does_not_take_is_an_error(
    session, seats, settings, django_capture_on_commit_callbacks
):
    use_backend(settings, SilentBackend)

    convene(session, django_capture_on_commit_callbacks)

    assert set(NoticeDelivery.objects.values_list("error", flat=True)) == {
        "El servidor de correo no aceptó el mensaje."
    }


# --- The log on the session page ------------------------------------------------------------


def test_the_secretariat_sees_the_log_of_notices(
    client, committee, secretary, session, seats, settings, django_capture_on_commit_callbacks
):
    convene(session, django_capture_on_commit_callbacks)
    broken = seat(committee, name="Zoe Buzón Lleno", email="zoe@example.org")
    NoticeDelivery.objects.create(
        session=session,
        person=broken.person,
        email="zoe@example.org",
        kind=NoticeDelivery.Kind.CONVOCATION,
        revision=session.revision,
        sent_at=timezone.now(),
        error="SMTPRecipientsRefused: buzón lleno",
    )
    sent_at = timezone.localtime(NoticeDelivery.objects.earliest("sent_at").sent_at, committee.zone)

    text = page_text(
        signed_in(client, secretary).get(reverse("sessions:detail", args=[session.pk]))
    )

    day = f"{sent_at.day} de"
    assert "Avisos por correo" in text
    assert f"Convocatoria enviada a 2 personas el {day}" in text
    assert "No se pudo enviar a 1 persona." in text
    assert f"Ana Integrante <ana@example.org>, {sent_at:%H:%M} h" in text
    assert "Zoe Buzón Lleno <zoe@example.org>" in text
    assert "no se envió: SMTPRecipientsRefused: buzón lleno" in text


def test_members_do_not_see_the_log(
    client, member, session, seats, django_capture_on_commit_callbacks
):
    convene(session, django_capture_on_commit_callbacks)

    text = page_text(signed_in(client, member).get(reverse("sessions:detail", args=[session.pk])))

    assert "Convocada el 12 de marzo de 2024, 04:00 h" in text
    assert "Avisos por correo" not in text
    assert "ana@example.org" not in text


@pytest.mark.parametrize(("points", "deliveries"), [(1, 1), (40, 30)], ids=["small", "large"])
def test_the_session_page_with_the_lifecycle_panel_has_bounded_queries(
    client, committee, secretary, points, deliveries, django_assert_max_num_queries
):
    session = make_session(committee, date=DAY, status=Session.Status.CONVENED)
    session.convened_at = CONVENED_AT
    session.save()
    for _ in range(points):
        make_point(session)
    for n in range(deliveries):
        person = make_person(name=f"Persona {n:02d}", email=f"p{n}@example.org")
        NoticeDelivery.objects.create(
            session=session,
            person=person,
            email=person.email,
            kind=NoticeDelivery.Kind.CONVOCATION,
            revision=session.revision,
            sent_at=CONVENED_AT,
            error="" if n % 5 else "SMTPException",
        )
    signed_in(client, secretary)

    # 1 the session, 2 the user, 3-4 the user's own and group permissions, 5 the session
    # with committee and institution, 6 whether the user manages it, 7 the points, 8 their
    # documents, 9 the agenda's version, 10 the attendance (record panel); the lifecycle
    # panel: 11 those present and 12 the members with vote (the live quorum), 13 the rule
    # SES-04 and 14 the committee's own value for it, 15 the notices with their people;
    # 16 the points deferred at earlier sessions (offered while the agenda is prepared);
    # 17 the convening warnings the secretary confirmed.
    with django_assert_max_num_queries(17):
        response = client.get(reverse("sessions:detail", args=[session.pk]))

    assert response.status_code == 200
    assert len(response.context["notices"][0].deliveries) == deliveries
    assert "Presentes 0 de 0 integrantes con voto; se requieren 1." in page_text(response)
