"""
The seal on a session's record once its acta is approved (sessions.seal), attacked at each
layer: the models' save() and delete(), their querysets' update() and delete(), every
service that writes the record, the admin, the pages, and the database itself (raw SQL,
refused by triggers on SQLite and PostgreSQL). The fe de erratas stays the one way to
correct an approved acta; an agreement's follow-up continues.
"""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from agendas.models import AgendaPoint, Agreement, Document, Vote
from agendas.services import (
    add_document,
    adopt_agreement,
    agenda_version,
    cast_vote,
    cast_votes,
    delete_point,
    dispose_point,
    follow_up_agreement,
    insert_point,
    move_point,
    record_minutes,
    reorder_points,
    update_point,
)
from reports.models import Acta, ActaErratum, ActaObservation
from reports.services import (
    add_observation,
    circulate_acta,
    record_erratum,
    update_minutes,
)
from sessions.models import Attendance, Session
from sessions.seal import SEALED_MESSAGE, SealedRecordError, seal_maintenance
from sessions.services import (
    cancel_session,
    postpone_session,
    record_attendance,
    record_roll_call,
    reschedule_session,
    set_session_times,
)
from tests.sealed_record import DAY, build_sealed_record
from tests.web import page_text, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed(committee, secretary):
    return build_sealed_record(committee, by=secretary)


def test_approval_seals_the_session(sealed):
    assert sealed.acta.status == Acta.Status.APPROVED
    assert sealed.session.sealed_at is not None
    assert sealed.session.sealed
    # The next session, which approved it, is not sealed: its own acta is still to come.
    assert not sealed.next_session.sealed


# --- Models: save() and delete() ------------------------------------------------------------


def _rows(sealed):
    return {
        "session": sealed.session,
        "point": sealed.point,
        "vote": sealed.vote,
        "attendance": sealed.attendance,
        "agreement": sealed.agreement,
        "document": sealed.document,
        "acta": sealed.acta,
        "observation": sealed.observation,
    }


CHANGES = {
    "session": ("place", "Otra sala"),
    "point": ("title", "Otro título"),
    "vote": ("sense", Vote.Sense.AGAINST),
    "attendance": ("status", Attendance.Status.ABSENT),
    "agreement": ("text", "Otro texto"),
    "document": ("title", "Otro documento"),
    "acta": ("body", "Otro texto"),
    "observation": ("text", "Otra observación"),
}


@pytest.mark.parametrize("name", CHANGES)
def test_a_model_refuses_to_save_a_change_to_a_sealed_row(sealed, name):
    row = _rows(sealed)[name]
    field, value = CHANGES[name]
    before = getattr(type(row).objects.get(pk=row.pk), field)
    setattr(row, field, value)

    with pytest.raises(SealedRecordError) as caught:
        row.save()

    assert caught.value.messages == [str(SEALED_MESSAGE)]
    assert getattr(type(row)._base_manager.get(pk=row.pk), field) == before


@pytest.mark.parametrize("name", CHANGES)
def test_a_model_refuses_to_delete_a_sealed_row(sealed, name):
    row = _rows(sealed)[name]
    with pytest.raises(ValidationError):
        row.delete()
    assert type(row)._base_manager.filter(pk=row.pk).exists()


def test_nothing_is_added_to_a_sealed_record(sealed):
    with pytest.raises(SealedRecordError):
        AgendaPoint.objects.create(
            session=sealed.session, position=99, title="Nuevo", kind="informative"
        )
    with pytest.raises(SealedRecordError):
        ActaObservation.objects.create(
            acta=sealed.acta, author=sealed.voters[1].person, text="Tarde."
        )
    assert not sealed.session.points.filter(position=99).exists()


def test_what_may_still_change_changes(sealed):
    # The publication flag, the agreement's status (its follow-up), publishing the acta.
    sealed.session.is_public = False
    sealed.session.save()
    sealed.agreement.status = Agreement.Status.DONE
    sealed.agreement.save()
    sealed.acta.status = Acta.Status.PUBLISHED
    sealed.acta.save()
    assert not Session.objects.get(pk=sealed.session.pk).is_public
    assert Agreement.objects.get(pk=sealed.agreement.pk).status == "done"
    assert Acta.objects.get(pk=sealed.acta.pk).status == "published"


# --- Querysets: update() and delete() --------------------------------------------------------

QUERYSETS = {
    "session": lambda s: Session.objects.filter(pk=s.session.pk),
    "point": lambda s: AgendaPoint.objects.filter(session=s.session),
    "vote": lambda s: Vote.objects.filter(point=s.point),
    "attendance": lambda s: Attendance.objects.filter(session=s.session),
    "agreement": lambda s: Agreement.objects.filter(pk=s.agreement.pk),
    "document": lambda s: Document.objects.filter(pk=s.document.pk),
    "acta": lambda s: Acta.objects.filter(pk=s.acta.pk),
    "observation": lambda s: ActaObservation.objects.filter(pk=s.observation.pk),
}


@pytest.mark.parametrize("name", QUERYSETS)
def test_a_queryset_refuses_to_update_sealed_rows(sealed, name):
    field, value = CHANGES[name]
    with pytest.raises(SealedRecordError):
        QUERYSETS[name](sealed).update(**{field: value})
    assert not QUERYSETS[name](sealed).filter(**{field: value}).exists()


@pytest.mark.parametrize("name", QUERYSETS)
def test_a_queryset_refuses_to_delete_sealed_rows(sealed, name):
    count = QUERYSETS[name](sealed).count()
    with pytest.raises(SealedRecordError):
        QUERYSETS[name](sealed).delete()
    assert QUERYSETS[name](sealed).count() == count


def test_a_queryset_may_still_update_an_agreement_status(sealed):
    assert QUERYSETS["agreement"](sealed).update(status=Agreement.Status.CANCELLED) == 1


# --- Services ------------------------------------------------------------------------------


def _service_calls(sealed, user):
    session, point = sealed.session, sealed.point
    voter = sealed.voters[0]
    return {
        "insert_point": lambda: insert_point(session, title="Nuevo", kind="informative"),
        "update_point": lambda: update_point(point, title="Otro"),
        "move_point": lambda: move_point(point, direction="up"),
        "reorder_points": lambda: reorder_points(
            session, list(session.points.order_by("-position").values_list("pk", flat=True))
        ),
        "delete_point": lambda: delete_point(session.points.get(position=1)),
        "add_document": lambda: add_document(point, title="Otro", file=sealed.document.file),
        "record_attendance": lambda: record_attendance(session, voter, "absent"),
        "record_roll_call": lambda: record_roll_call(session, [(voter, "absent", None)]),
        "cast_vote": lambda: cast_vote(point, voter, "against"),
        "cast_votes": lambda: cast_votes(point, [(voter, "against")]),
        "dispose_point": lambda: dispose_point(
            session.points.get(position=1), disposition="", by=user
        ),
        "adopt_agreement": lambda: adopt_agreement(point, text="Otro acuerdo"),
        "record_minutes": lambda: record_minutes(point, minutes="Otro desarrollo"),
        "update_minutes": lambda: update_minutes(sealed.acta, point, minutes="Otro"),
        "set_session_times": lambda: set_session_times(
            session, started_at=datetime.time(10), ended_at=datetime.time(12)
        ),
        "add_observation": lambda: add_observation(sealed.acta, author=voter.person, text="Otra"),
        "circulate_acta": lambda: circulate_acta(sealed.acta),
        "postpone_session": lambda: postpone_session(
            session, new_date=DAY + datetime.timedelta(days=3), reason="x", notify=False
        ),
        "reschedule_session": lambda: reschedule_session(
            session, new_date=DAY - datetime.timedelta(days=3), reason="x", notify=False
        ),
        "cancel_session": lambda: cancel_session(session, reason="x", notify=False),
    }


SERVICES = [
    "insert_point",
    "update_point",
    "move_point",
    "reorder_points",
    "delete_point",
    "add_document",
    "record_attendance",
    "record_roll_call",
    "cast_vote",
    "cast_votes",
    "dispose_point",
    "adopt_agreement",
    "record_minutes",
    "update_minutes",
    "set_session_times",
    "add_observation",
    "circulate_acta",
    "postpone_session",
    "reschedule_session",
    "cancel_session",
]


def _snapshot_of_the_record(session) -> tuple:
    return (
        list(session.points.order_by("position").values_list("pk", "title", "minutes")),
        list(Vote.objects.filter(point__session=session).values_list("pk", "sense")),
        list(session.attendances.values_list("pk", "status")),
        list(Agreement.objects.filter(point__session=session).values_list("pk", "text")),
        list(Document.objects.filter(point__session=session).values_list("pk", "title")),
        Session.objects.filter(pk=session.pk).values_list("date", "opened_at", "status").get(),
    )


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_refuses_to_write_a_sealed_record(sealed, secretary, name):
    before = _snapshot_of_the_record(sealed.session)

    with pytest.raises(ValidationError) as caught:
        _service_calls(sealed, secretary)[name]()

    assert caught.value.messages  # a reason in Spanish
    assert _snapshot_of_the_record(sealed.session) == before


def test_the_agreement_follow_up_continues_after_the_seal(sealed, secretary):
    follow_up_agreement(
        sealed.agreement,
        note="Se publicó el PTO.",
        date=DAY + datetime.timedelta(days=40),
        new_status=Agreement.Status.DONE,
        by=secretary,
    )
    sealed.agreement.refresh_from_db()
    assert sealed.agreement.status == Agreement.Status.DONE
    assert sealed.agreement.text == "Se aprueba el Proceso Técnico Operativo."


# --- The fe de erratas -----------------------------------------------------------------------


def test_the_erratum_is_the_correction_and_it_is_never_rewritten(sealed, secretary):
    erratum = record_erratum(
        sealed.acta, text="Dice «Adela», debe decir «Adela Ruiz».", by=secretary
    )
    assert erratum.acta_id == sealed.acta.pk
    erratum.text = "Otra cosa"
    with pytest.raises(ValidationError):
        erratum.save()
    with pytest.raises(ValidationError):
        erratum.delete()
    with pytest.raises(ValidationError):
        ActaErratum.objects.filter(pk=erratum.pk).update(text="Otra")
    with pytest.raises(ValidationError):
        ActaErratum.objects.filter(pk=erratum.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE reports_actaerratum SET text = 'x' WHERE id = %s", [erratum.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_actaerratum WHERE id = %s", [erratum.pk])
    assert ActaErratum.objects.get(pk=erratum.pk).text.startswith("Dice «Adela»")


# --- The database: raw SQL -------------------------------------------------------------------

RAW = {
    "committee_sessions_session": ("place = 'Otra sala'", "id = %s", "session"),
    "committee_sessions_attendance": ("status = 'absent'", "id = %s", "attendance"),
    "agendas_agendapoint": ("title = 'Otro'", "id = %s", "point"),
    "agendas_vote": ("sense = 'against'", "id = %s", "vote"),
    "agendas_document": ("title = 'Otro'", "id = %s", "document"),
    "agendas_agreement": ("text = 'Otro'", "id = %s", "agreement"),
    "reports_acta": ("body = 'Otro'", "id = %s", "acta"),
    "reports_actaobservation": ("text = 'Otra'", "id = %s", "observation"),
}


@pytest.mark.parametrize("table", RAW)
def test_the_database_refuses_a_raw_update_of_a_sealed_row(sealed, table):
    assignment, where, name = RAW[table]
    pk = _rows(sealed)[name].pk
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {assignment} WHERE {where}", [pk])  # noqa: S608


@pytest.mark.parametrize("table", RAW)
def test_the_database_refuses_a_raw_delete_of_a_sealed_row(sealed, table):
    _assignment, where, name = RAW[table]
    pk = _rows(sealed)[name].pk
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {where}", [pk])  # noqa: S608
    assert type(_rows(sealed)[name])._base_manager.filter(pk=pk).exists()


def test_the_database_refuses_a_raw_insert_into_a_sealed_record(sealed):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO agendas_agendapoint (session_id, position, title, description, kind, "
            "standard, presenter, minutes, disposition, disposition_reason) "
            "VALUES (%s, 99, 'x', '', 'informative', '', '', '', '', '')",
            [sealed.session.pk],
        )


def test_the_database_refuses_to_unseal_or_reopen(sealed):
    for statement in (
        "UPDATE committee_sessions_session SET sealed_at = NULL WHERE id = %s",
        "UPDATE reports_acta SET status = 'draft' WHERE session_id = %s",
        "UPDATE reports_acta SET pdf_sha256 = 'falso' WHERE session_id = %s AND pdf_sha256 <> ''",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [sealed.session.pk])
            if cursor.rowcount == 0:  # the archive has not been written: nothing to change
                raise IntegrityError("no row")


def test_the_database_allows_what_may_still_change(sealed):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE committee_sessions_session SET is_public = %s WHERE id = %s",
            [False, sealed.session.pk],
        )
        cursor.execute(
            "UPDATE agendas_agreement SET status = 'done' WHERE id = %s", [sealed.agreement.pk]
        )
        cursor.execute(
            "UPDATE reports_acta SET status = 'published' WHERE id = %s", [sealed.acta.pk]
        )
    assert Acta.objects.get(pk=sealed.acta.pk).status == "published"


def test_maintenance_lifts_the_triggers_for_one_transaction_only(sealed):
    with seal_maintenance(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agendas_agendapoint SET title = 'Corregido' WHERE id = %s", [sealed.point.pk]
        )
    assert AgendaPoint.objects.get(pk=sealed.point.pk).title == "Corregido"
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agendas_agendapoint SET title = 'Otra' WHERE id = %s", [sealed.point.pk]
        )


def _sealed_models():
    return {
        Session: {"is_public", "calendar_version", "calendar_changed_at"},
        Attendance: set(),
        AgendaPoint: set(),
        Vote: set(),
        # Publishing is a decision taken after the seal (transparency.services).
        Document: set(Document.PUBLICATION_FIELDS),
        Agreement: {"status"},
        Acta: {"status", "pdf", "pdf_sha256", "updated_at"},
        ActaObservation: set(),
    }


def test_the_triggers_cover_every_column_of_every_sealed_table():
    """A column added to a sealed table without new triggers would escape the seal."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT tgname || ':' || c.relname, pg_get_functiondef(t.tgfoid) "
                "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
        triggers = dict(cursor.fetchall())
    for model, exempt in _sealed_models().items():
        table = model._meta.db_table
        if connection.vendor == "sqlite":
            update = triggers[f"quorum_seal_{table}_update"]
            compared = set(re.findall(r"NEW\.(\w+) IS NOT OLD\.\1", update))
            columns = {field.column for field in model._meta.concrete_fields}
            assert compared >= columns - {model._meta.get_field(f).column for f in exempt}, table
            assert f"quorum_seal_{table}_delete" in triggers
        else:
            # PostgreSQL compares whole rows (to_jsonb) minus the exempt columns.
            assert f"quorum_seal_guard:{table}" in triggers, table


# --- The admin -----------------------------------------------------------------------------


def _admin_url(obj, view):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])


@pytest.mark.parametrize("name", ["point", "vote", "attendance", "document", "observation"])
def test_the_admin_shows_a_sealed_row_without_a_way_to_change_it(admin_client, sealed, name):
    row = _rows(sealed)[name]
    field, value = CHANGES[name]
    page = admin_client.get(_admin_url(row, "change"))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    response = admin_client.post(_admin_url(row, "change"), {field: value})
    assert response.status_code == 403
    assert admin_client.post(_admin_url(row, "delete"), {"post": "yes"}).status_code == 403
    assert getattr(type(row)._base_manager.get(pk=row.pk), field) != value


def test_the_admin_keeps_only_the_publication_flag_of_a_sealed_session(admin_client, sealed):
    page = admin_client.get(_admin_url(sealed.session, "change"))
    assert 'name="is_public"' in page.text
    assert 'name="place"' not in page.text
    assert 'name="points-0-title"' not in page.text  # the agenda inline is read only
    assert (
        admin_client.post(_admin_url(sealed.session, "delete"), {"post": "yes"}).status_code == 403
    )
    assert Session.objects.filter(pk=sealed.session.pk).exists()


def test_the_admin_bulk_delete_protects_sealed_rows(admin_client, sealed):
    response = admin_client.post(
        reverse("admin:agendas_agendapoint_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [sealed.point.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 200
    assert "No se puede eliminar" in page_text(response)
    assert AgendaPoint.objects.filter(pk=sealed.point.pk).exists()


def test_the_admin_publishes_an_approved_acta_and_nothing_else(admin_client, sealed):
    url = _admin_url(sealed.acta, "change")
    page = admin_client.get(url)
    assert 'name="body"' not in page.text
    assert admin_client.post(url, {"status": "draft"}).status_code == 200  # refused choice
    assert Acta.objects.get(pk=sealed.acta.pk).status == Acta.Status.APPROVED
    assert admin_client.post(url, {"status": "published"}).status_code == 302
    assert Acta.objects.get(pk=sealed.acta.pk).status == Acta.Status.PUBLISHED
    assert admin_client.post(_admin_url(sealed.acta, "delete"), {"post": "yes"}).status_code == 403


def test_the_admin_cannot_approve_a_draft_by_hand(admin_client, committee):
    from reports.services import draft_acta
    from tests.record import held, opened, scheduled, seats

    seats(committee, "Adela Ruiz", "Beatriz Soto")
    acta = draft_acta(held(opened(scheduled(committee, DAY))))
    url = _admin_url(acta, "change")
    assert 'name="status"' not in admin_client.get(url).text
    admin_client.post(url, {"session": acta.session_id, "status": "approved", "body": "x"})
    assert Acta.objects.get(pk=acta.pk).status == Acta.Status.DRAFT


# --- The pages -----------------------------------------------------------------------------


def test_the_session_page_offers_no_edit_once_sealed(client, secretary, sealed):
    response = signed_in(client, secretary).get(
        reverse("sessions:detail", args=[sealed.session.pk])
    )
    text = page_text(response)
    assert "Registro sellado" in text
    for name in ("point-edit", "point-delete", "point-votes", "agreement-create"):
        assert reverse(f"agendas:{name}", args=[sealed.point.pk]) not in response.text
    assert reverse("agendas:point-create", args=[sealed.session.pk]) not in response.text
    assert reverse("agendas:roll-call", args=[sealed.session.pk]) not in response.text
    assert reverse("sessions:times", args=[sealed.session.pk]) not in response.text


def test_posts_to_a_sealed_record_are_refused_with_the_reason(client, secretary, sealed):
    signed_in(client, secretary)
    session, point = sealed.session, sealed.point
    before = _snapshot_of_the_record(session)
    version = agenda_version(session)
    posts = [
        (
            reverse("agendas:point-create", args=[session.pk]),
            {"title": "X", "kind": "informative", "version": version},
        ),
        (
            reverse("agendas:point-edit", args=[point.pk]),
            {"title": "X", "kind": "approval", "version": ""},
        ),
        (reverse("agendas:point-delete", args=[point.pk]), {"version": version}),
        (reverse("agendas:point-move", args=[point.pk]), {"direction": "up", "version": version}),
        (
            reverse("agendas:point-votes", args=[point.pk]),
            {f"voto_{sealed.voters[0].pk}": "against"},
        ),
        (
            reverse("agendas:point-disposition", args=[point.pk]),
            {"disposition": "withdrawn", "reason": "x"},
        ),
        (reverse("agendas:agreement-create", args=[point.pk]), {"text": "Otro"}),
        (reverse("agendas:roll-call", args=[session.pk]), {}),
        (
            reverse("sessions:times", args=[session.pk]),
            {"started_at": "10:00", "ended_at": "12:00"},
        ),
        (
            reverse("reports:acta-minutes", args=[sealed.acta.pk, point.pk]),
            {f"punto-{point.pk}-minutes": "X"},
        ),
        (reverse("reports:acta-circulate", args=[sealed.acta.pk]), {}),
    ]
    for url, data in posts:
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, url
        text = page_text(response)
        assert "sellado" in text or "ya fue aprobada" in text, url
    assert _snapshot_of_the_record(session) == before


def test_the_database_lets_a_sealed_document_be_published_but_not_changed(sealed):
    """Raw SQL: the publication columns are exempt from the seal, the file is not."""
    pk = sealed.document.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agendas_document SET publication = 'public', "
            "classification_basis = 'Sin clasificación' WHERE id = %s",
            [pk],
        )
    assert Document.objects.get(pk=pk).publication == "public"
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE agendas_document SET sha256 = 'otro' WHERE id = %s", [pk])
