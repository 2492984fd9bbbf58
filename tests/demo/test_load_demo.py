import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from agendas.models import AgendaPoint
from committees.models import Committee, Membership
from sessions.models import Session

pytestmark = pytest.mark.django_db

SLUG = "cotaprep-iepc-jalisco-2023-2024"


@pytest.fixture
def output(settings):
    # The demo account is a development convenience: it is only created with DEBUG on.
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_it_builds_the_committee_of_the_work_plan(output):
    committee = Committee.objects.select_related("institution", "process", "parent").get(slug=SLUG)
    assert committee.short_name == "COTAPREP"
    assert committee.institution.short_name == "IEPC Jalisco"
    assert committee.process.name == "Proceso Electoral Local Concurrente 2023-2024"
    assert committee.process.election_day == datetime.date(2024, 6, 2)
    assert committee.parent.name == "Comisión de Informática y Uso de Tecnologías"
    assert committee.integration_act == "IEPC-ACG-069/2023"
    assert committee.integrated_on == datetime.date(2023, 10, 25)
    labels = list(committee.attributions.values_list("label", flat=True))
    assert labels == list("abcdefghijkl")
    assert (
        committee.attributions.get(label="g").text
        == "Realizar al menos una sesión ordinaria mensual"
    )


def test_three_members_with_vote_and_one_technical_secretary(output):
    memberships = Membership.objects.filter(committee__slug=SLUG).select_related("person")
    voting = {m.person.name for m in memberships.with_vote()}
    assert voting == {
        "César Ledesma Ugalde",
        "Claudia Carolina Olivares Álvarez",
        "Ignacio Alberto Alarcón Alonzo",
    }
    secretary = memberships.get(role="technical_secretary")
    assert secretary.person.name == "Héctor Gallego Ávila"
    assert {m.appointing_act for m in memberships} == {"IEPC-ACG-069/2023"}
    claudia = memberships.get(person__name="Claudia Carolina Olivares Álvarez").person
    assert "Integrante del Comité Técnico Asesor del PREP (Noviembre 2020 – Julio 2021)" in (
        claudia.cv_extract
    )


def test_sixteen_sessions_and_eighty_two_points(output):
    sessions = Session.objects.filter(committee__slug=SLUG)
    assert sessions.count() == 16
    assert AgendaPoint.objects.filter(session__committee__slug=SLUG).count() == 82
    counts = {kind: sessions.filter(kind=kind).count() for kind in Session.Kind.values}
    assert counts == {"ordinary": 8, "extraordinary": 1, "work_meeting": 7, "working_group": 0}
    assert "16 sesiones y reuniones, 82 puntos" in output


def test_the_calendar_table_dates_and_titles(output):
    calendar = [
        (s.date, s.title)
        for s in Session.objects.filter(committee__slug=SLUG).select_related("committee")
    ]
    assert calendar[0] == (
        datetime.date(2023, 11, 1),
        "Sesión de instalación (Primera sesión ordinaria)",
    )
    assert calendar[-1] == (datetime.date(2024, 6, 30), "Sesión de cierre y clausura")
    assert (datetime.date(2024, 6, 1), "Primera sesión extraordinaria") in calendar
    assert (
        datetime.date(2024, 5, 31),
        "Séptima reunión formal de trabajo con las representaciones de partidos políticos y "
        "candidaturas independientes",
    ) in calendar


def test_the_fifth_ordinary_session(output):
    session = Session.objects.get(committee__slug=SLUG, kind="ordinary", number=5)
    assert session.date == datetime.date(2024, 3, 19)
    points = list(session.points.order_by("position"))
    assert len(points) == 9
    assert points[0].title.startswith("Lectura y aprobación del orden del día")
    assert points[1].title == "Aprobación del acta de la cuarta sesión ordinaria del COTAPREP"
    assert points[1].approves_acta_of.number == 4
    assert points[4].standard == "bimonthly_informe"
    assert points[5].title == "Aprobación del Plan de Seguridad y Plan de Continuidad del PREP"
    assert points[5].kind == "approval"
    assert points[-1].title == "Resumen y clausura de la sesión"


def test_the_third_ordinary_session_keeps_the_other_date_in_its_notes(output):
    session = Session.objects.get(committee__slug=SLUG, kind="ordinary", number=3)
    assert session.date == datetime.date(2024, 1, 30)
    assert "26 de enero de 2024" in session.notes


def test_running_it_twice_changes_nothing(output):
    history_before = Session.history.count() + AgendaPoint.history.count()
    call_command("load_demo", stdout=io.StringIO())
    assert Session.objects.filter(committee__slug=SLUG).count() == 16
    assert AgendaPoint.objects.filter(session__committee__slug=SLUG).count() == 82
    # The season, its commission and the current demo committee.
    assert Committee.objects.count() == 3
    assert Session.history.count() + AgendaPoint.history.count() == history_before


def test_it_creates_the_demo_superuser_and_says_how_to_sign_in(output):
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser
    assert user.check_password("quorum-demo")
    assert "http://127.0.0.1:8000/cuenta/login/" in output
    assert "quorum-demo" in output


def test_it_keeps_an_existing_password(output):
    user = get_user_model().objects.get(username="admin")
    user.set_password("otra-contraseña-larga")
    user.save()
    call_command("load_demo", stdout=io.StringIO())
    user.refresh_from_db()
    assert user.check_password("otra-contraseña-larga")


def test_outside_development_it_needs_an_explicit_password(settings):
    settings.DEBUG = False
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert not get_user_model().objects.exists()
    assert "--password" in out.getvalue()


def test_the_demo_matches_the_standard_agendas():
    """Where the plan follows the standard agenda, our generator gives the same titles."""
    from agendas.services import standard_agenda

    call_command("load_demo", stdout=io.StringIO())
    second = Session.objects.get(committee__slug=SLUG, kind="ordinary", number=2)
    generated = [spec.title for spec in standard_agenda(second)]
    assert generated[1] == "Aprobación del acta de la sesión de instalación del COTAPREP"
    planned = list(second.points.order_by("position").values_list("title", flat=True))
    assert generated[:4] == planned[:4]
    seventh = Session.objects.get(committee__slug=SLUG, kind="ordinary", number=7)
    informe = [s.title for s in standard_agenda(seventh) if s.standard == "bimonthly_informe"]
    assert informe == [
        "Presentación del tercer informe de actividades correspondientes a los meses de marzo "
        "y abril de este Comité"
    ]
    assert informe[0] in list(seventh.points.values_list("title", flat=True))


def test_it_gives_the_secretary_and_a_member_an_account(output):
    secretary = Membership.objects.get(committee__slug=SLUG, role="technical_secretary")
    assert secretary.person.user.username == "hector"
    assert secretary.person.user.check_password("quorum-demo")
    assert not secretary.person.user.is_staff
    claudia = Membership.objects.get(
        committee__slug=SLUG, person__name="Claudia Carolina Olivares Álvarez"
    )
    assert claudia.person.user.username == "claudia"
    assert "«hector»" in output
    call_command("load_demo", stdout=io.StringIO())
    assert get_user_model().objects.count() == 3
