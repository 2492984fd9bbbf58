"""Every change to the record is traced: who, when, what — reorders included, each once."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agendas.models import AgendaPoint, Document, Vote
from agendas.services import add_document, agenda_version, cast_vote, insert_point
from committees.models import Person
from sessions.models import Attendance
from sessions.services import record_attendance
from tests.record import opened, scheduled, seats
from tests.web import PDF, page_text, signed_in

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 3, 19)


@pytest.fixture
def session(committee):
    seats(committee, "Adela Ruiz", "Beatriz Soto", "Carmen Díaz")
    return opened(scheduled(committee, DAY))


def test_votes_have_history_and_who_recorded_them(session, secretary):
    point = insert_point(session, title="Aprobación del PTO", kind="approval")
    voter = session.committee.memberships.with_vote().first()
    cast_vote(point, voter, "for", by=secretary)
    cast_vote(point, voter, "against", by=secretary)
    vote = Vote.objects.get()
    assert vote.recorded_by == secretary
    records = list(vote.history.order_by("history_id"))
    assert [(r.history_type, r.sense) for r in records] == [("+", "for"), ("~", "against")]


def test_attendance_has_history_through_the_roll_call_page(client, session, secretary):
    voter = session.committee.memberships.with_vote().first()
    signed_in(client, secretary)
    form = {}
    for membership in session.committee.memberships.active_on(DAY):
        form[f"asistencia_{membership.pk}"] = "present"
    form[f"asistencia_{voter.pk}"] = "excused"
    client.post(reverse("agendas:roll-call", args=[session.pk]), form)

    attendance = Attendance.objects.get(session=session, membership=voter)
    record = attendance.history.latest("history_id")
    assert (record.status, record.history_user) == ("excused", secretary)
    assert attendance.recorded_by == secretary


def test_documents_have_history(session, secretary):
    point = session.points.first()
    add_document(point, title="Anexo", file=SimpleUploadedFile("anexo.pdf", PDF), by=secretary)
    document = Document.objects.get()
    assert document.history.get().history_type == "+"
    assert document.uploaded_by == secretary


def test_a_reorder_writes_one_history_row_per_moved_point(client, session, secretary):
    signed_in(client, secretary)
    first, second = session.points.order_by("position")[:2]
    before = AgendaPoint.history.count()

    client.post(
        reverse("agendas:point-move", args=[first.pk]),
        {"direction": "down", "version": agenda_version(session)},
    )

    moved = AgendaPoint.history.order_by("history_id")[before:]
    assert sorted((r.id, r.position, r.history_type) for r in moved) == sorted(
        [(first.pk, 2, "~"), (second.pk, 1, "~")]
    )
    assert {r.history_user for r in moved} == {secretary}


def test_the_standard_agenda_is_recorded_when_created(session):
    created = AgendaPoint.history.filter(session_id=session.pk, history_type="+")
    assert created.count() == session.points.count()


def test_the_session_history_shows_each_change_once_and_in_order(client, session, secretary):
    voter = session.committee.memberships.with_vote().first()
    record_attendance(session, voter, Attendance.Status.REMOTE, by=secretary)
    signed_in(client, secretary)
    point = session.points.order_by("position").first()
    client.post(
        reverse("agendas:point-move", args=[point.pk]),
        {"direction": "down", "version": agenda_version(session)},
    )

    response = client.get(reverse("agendas:session-history", args=[session.pk]))

    entries = response.context["entries"]
    keys = [(e.date, e.order, e.subject, e.action) for e in entries]
    assert len(keys) == len(set(keys))  # once each
    assert entries == sorted(entries, key=lambda e: (e.date, e.order), reverse=True)
    text = page_text(response)
    assert "Secretaria Asistencia: Adela Ruiz Modificación" in text
    assert "Asistencia: Presente → A distancia" in text
    # The reorder shows as its own change, not folded into an unrelated edit.
    assert "Número de punto: 1 → 2" in text
    assert "Número de punto: 2 → 1" in text


def test_a_person_has_history_without_the_calendar_token():
    person = Person.objects.create(name="Ana")
    person.email = "ana@example.org"
    person.save()
    record = person.history.latest("history_id")
    assert record.email == "ana@example.org"
    assert not hasattr(record, "calendar_token")
