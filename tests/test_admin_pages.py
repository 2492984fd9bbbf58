"""Every admin page renders for a superuser, with a query count that does not grow with the data."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin

from agendas.models import AgendaPoint, Agreement, AgreementFollowUp, Document, Vote
from committees.models import (
    Attribution,
    Committee,
    ElectoralProcess,
    Institution,
    Membership,
    Person,
    PoliticalParty,
    Rule,
    RuleOverride,
)
from reminders.models import Reminder, ReminderPreference
from reports.models import (
    Acta,
    ActaApproval,
    ActaErratum,
    ActaObservation,
    DocumentSignature,
    Informe,
    InformeRender,
    TrustRoot,
    WorkerHeartbeat,
)
from sessions.models import Attendance, ConveningConfirmation, Folio, NoticeDelivery, Session

# What the admin only shows: each is written by its workflow, never typed in the admin
# (votes and attendance on the session's pages, follow-ups through the agreement's page,
# answers by each member, errata on the acta, notices and task rows by the system).
READ_ONLY_IN_THE_ADMIN = {
    "agendas.AgreementFollowUp",
    "agendas.Vote",
    "committee_sessions.Attendance",
    "committee_sessions.ConveningConfirmation",
    "committee_sessions.Folio",
    "committee_sessions.NoticeDelivery",
    "django_tasks_database.DBTaskResult",
    "reports.ActaApproval",
    "reports.ActaErratum",
    "reports.DocumentSignature",
    "reports.InformeRender",
    "reports.WorkerHeartbeat",
    "reminders.Reminder",
}
ROWS = 30  # enough rows to reveal a query per row in any list
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
HISTORIED = [
    model for model in REGISTERED if isinstance(admin.site._registry[model], SimpleHistoryAdmin)
]
# Session and user, then the page's own: count, rows, filters, date hierarchy, inlines (one
# query per inline and per related field, never per row). Measured: at most 9; with a query
# per row it would be over 30.
MAX_QUERIES = 12


def build_world(user):
    """A committee with ROWS of everything, and the objects whose change pages are heaviest."""
    institution = Institution.objects.create(
        name="Instituto Electoral y de Participación Ciudadana del Estado de Jalisco",
        short_name="IEPC",
        kind=Institution.Kind.OPL,
        state="Jalisco",
    )
    process = ElectoralProcess.objects.create(
        institution=institution,
        name="Proceso Electoral Local Concurrente 2023-2024",
        election_day=datetime.date(2024, 6, 2),
    )
    party = PoliticalParty.objects.create(name="Partido Ejemplo", acronym="PE")
    cotaprep = Committee.objects.create(
        institution=institution,
        process=process,
        name="Comité Técnico Asesor del PREP",
        short_name="COTAPREP",
        slug="cotaprep",
        kind=Committee.Kind.TECHNICAL_ADVISORY,
    )
    commission = Committee.objects.create(
        institution=institution,
        name="Comisión de Organización Electoral",
        short_name="COE",
        slug="coe",
        kind=Committee.Kind.COMMISSION,
    )
    group = Committee.objects.create(
        institution=institution,
        name="Grupo de Trabajo de Informática",
        short_name="GTI",
        slug="gti",
        kind=Committee.Kind.WORKING_GROUP,
        parent=commission,
    )
    Attribution.objects.bulk_create(
        Attribution(
            committee=cotaprep, position=n, label=chr(96 + n % 26 + 1), text=f"Atribución {n}"
        )
        for n in range(1, ROWS + 1)
    )
    people = [Person.objects.create(name=f"Persona {n:02d}") for n in range(ROWS)]
    memberships = [
        Membership.objects.create(
            committee=cotaprep,
            person=person,
            role=Membership.Role.PARTY_REPRESENTATIVE if n % 10 == 9 else Membership.Role.MEMBER,
            party=party if n % 10 == 9 else None,
            start=datetime.date(2023, 10, 1),
        )
        for n, person in enumerate(people)
    ]
    sessions = []
    for n in range(ROWS):
        committee, kind = (
            (group, Session.Kind.WORKING_GROUP) if n % 6 == 5 else (cotaprep, Session.Kind.ORDINARY)
        )
        number = sum(1 for s in sessions if s.kind == kind) + 1
        sessions.append(
            Session.objects.create(
                committee=committee,
                kind=kind,
                number=number,
                date=datetime.date(2023, 11, 1) + datetime.timedelta(days=7 * n),
                status=Session.Status.HELD,
            )
        )
    AgendaPoint.objects.bulk_create(
        AgendaPoint(
            session=session,
            position=position,
            title=f"Punto {position}",
            kind=AgendaPoint.Kind.APPROVAL if position == 1 else AgendaPoint.Kind.INFORMATIVE,
        )
        for session in sessions
        for position in range(1, 5)
    )
    first = sessions[0]
    voted = first.points.get(position=1)
    Attendance.objects.bulk_create(
        Attendance(session=first, membership=m, status=Attendance.Status.PRESENT)
        for m in memberships
    )
    Vote.objects.bulk_create(
        Vote(point=voted, membership=m, sense=Vote.Sense.FOR) for m in memberships if m.has_vote
    )
    Document.objects.bulk_create(
        Document(
            point=voted,
            title=f"Anexo {n}",
            file=f"documents/anexo-{n}.pdf",
            sha256="0" * 64,
            size=10,
            uploaded_by=user,
        )
        for n in range(ROWS)
    )
    agreements = Agreement.objects.bulk_create(
        Agreement(
            committee=cotaprep,
            point=voted,
            number=f"COTAPREP/2023/SO01/A{n:02d}",
            sequence=n,
            text=f"Acuerdo {n}",
            responsible=people[n - 1],
        )
        for n in range(1, ROWS + 1)
    )
    AgreementFollowUp.objects.bulk_create(
        AgreementFollowUp(
            agreement=agreement,
            date=datetime.date(2023, 12, 1),
            note="Avance",
            at_point=voted,
            recorded_by=user,
        )
        for agreement in agreements
    )
    Acta.objects.bulk_create(Acta(session=session, body="Texto") for session in sessions)
    Informe.objects.bulk_create(
        Informe(
            committee=cotaprep,
            kind=Informe.Kind.BIMONTHLY,
            number=n,
            period_start=datetime.date(2023, 1, 1) + datetime.timedelta(days=61 * n),
            period_end=datetime.date(2023, 2, 28) + datetime.timedelta(days=61 * n),
        )
        for n in range(1, ROWS + 1)
    )
    InformeRender.objects.bulk_create(
        InformeRender(informe=informe, requested_by=user, status=InformeRender.Status.DONE)
        for informe in Informe.objects.all()
    )
    Group.objects.create(name="Secretaría técnica")
    acta = Acta.objects.first()
    ActaObservation.objects.create(acta=acta, author=people[0], text="Corregir el punto 3.")
    ActaErratum.objects.create(acta=acta, text="Dice 12:00, debe decir 13:00.", recorded_by=user)
    ActaApproval.objects.bulk_create(
        ActaApproval(
            acta=acta,
            membership=membership,
            decision=ActaApproval.Decision.APPROVE,
            decided_at=timezone.now(),
            recorded_by=user,
        )
        for membership in memberships
        if membership.has_vote
    )
    WorkerHeartbeat.objects.create(
        worker_id="worker-1", started_at=timezone.now(), last_seen=timezone.now()
    )
    RuleOverride.objects.create(
        committee=cotaprep,
        rule=Rule.objects.get(code="SES-01"),
        parameters={"ordinary_hours": 48},
        reason="Acuerdo del comité en su sesión de instalación",
    )
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="demo.tasks.example",
        backend_name="default",
        run_after=timezone.now(),
    )
    NoticeDelivery.objects.bulk_create(
        NoticeDelivery(
            session=first,
            person=person,
            email=f"persona{n:02d}@example.org",
            kind=NoticeDelivery.Kind.CONVOCATION,
            revision=1,
            sent_at=timezone.now(),
            error="" if n % 10 else "SMTPRecipientsRefused",
        )
        for n, person in enumerate(people)
    )
    Reminder.objects.bulk_create(
        Reminder(
            kind=Reminder.Kind.SESSION,
            person=person,
            session=first,
            key=f"session:{first.pk}:{first.date}",
            planned_at=timezone.now(),
        )
        for person in people
    )
    ReminderPreference.objects.bulk_create(
        ReminderPreference(person=person, sessions=False) for person in people
    )
    ConveningConfirmation.objects.bulk_create(
        ConveningConfirmation(
            session=session, confirmed_by=user, confirmed_at=timezone.now(), warnings=["Aviso"]
        )
        for session in sessions
    )
    Folio.objects.create(
        committee=cotaprep,
        year=2024,
        number=1,
        code="IEPC/COTAPREP/901/2024",
        kind=Folio.Kind.CONVOCATORIA,
        session=first,
    )
    TrustRoot.objects.create(
        name="AC de pruebas",
        certificate=b"0",
        subject="CN=AC de pruebas",
        fingerprint="0" * 64,
        not_after=timezone.now(),
    )
    DocumentSignature.objects.create(
        acta=acta,
        sequence=1,
        person=people[0],
        signed_at=timezone.now(),
        pdf="firmas/acta-1-firma-1.pdf",
        pdf_sha256="0" * 64,
        signer_name="PERSONA DE PRUEBA",
        certificate_serial="1",
        certificate_issuer="CN=AC de pruebas",
    )
    # The objects with the most inline rows: their change pages reveal a query per row.
    return {Committee: cotaprep, Session: first, AgendaPoint: voted, Membership: memberships[0]}


@pytest.fixture
def world(admin_user):
    return build_world(admin_user)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_renders(admin_client, world, model, django_assert_max_num_queries):
    assert model._default_manager.exists()
    with django_assert_max_num_queries(MAX_QUERIES):
        response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_add_page_renders(admin_client, admin_user, world, model, django_assert_max_num_queries):
    expected = 403 if model._meta.label in READ_ONLY_IN_THE_ADMIN else 200
    with django_assert_max_num_queries(MAX_QUERIES):
        response = admin_client.get(admin_url(model, "add"))
    assert response.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_change_page_renders(admin_client, world, model, django_assert_max_num_queries):
    obj = world.get(model) or model._default_manager.first()
    with django_assert_max_num_queries(MAX_QUERIES):
        response = admin_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200


def test_every_quorum_model_is_registered():
    ours = {"committees", "committee_sessions", "agendas", "reports", "reminders"}
    models = {
        m
        for m in apps.get_models()
        if m._meta.app_label in ours and not m.__name__.startswith("Historical")
    }
    assert models <= set(admin.site._registry)


@pytest.mark.django_db
def test_session_history_page_renders(admin_client, world, django_assert_max_num_queries):
    session = world[Session]
    for n in range(ROWS):
        session.place = f"Sala {n}"
        session.save()
    session.place = "Sala de sesiones"
    session.save()
    with django_assert_max_num_queries(MAX_QUERIES):
        response = admin_client.get(
            reverse("admin:committee_sessions_session_history", args=[session.pk])
        )
    assert response.status_code == 200
    assert "Sala de sesiones" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("model", HISTORIED, ids=lambda model: model._meta.label)
def test_history_page_renders(admin_client, world, model, django_assert_max_num_queries):
    obj = world.get(model) or model._default_manager.first()
    for _ in range(ROWS):
        obj.save()

    with django_assert_max_num_queries(MAX_QUERIES):
        response = admin_client.get(admin_url(model, "history", obj.pk))

    assert response.status_code == 200
