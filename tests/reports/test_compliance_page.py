"""A committee's compliance page, and the summary badge on the committee's page."""

import contextlib
import datetime
import io
import json
import re
import types

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from committees.models import Committee, Membership, Rule, RuleOverride
from demo.loader import load_demo
from demo.simulation import simulate_season
from reports.compliance import FAIL, PASS, UNDECIDABLE
from sessions.models import Session
from tests.factories import make_committee, make_membership, make_process, make_session
from tests.reports.test_compliance import busy_committee
from tests.web import assert_sign_in_required, make_user_with_seat, page_text, signed_in

pytestmark = pytest.mark.django_db

D = datetime.date
LABELS = {PASS: "Cumple", FAIL: "No cumple", UNDECIDABLE: "No decidible"}


def url(committee, vista: str = "") -> str:
    address = reverse("reports:compliance", args=[committee.slug])
    return f"{address}?vista={vista}" if vista else address


def results_on_page(response) -> dict[str, str]:
    """Rule → result as the page states it, checking the badge says it in words too."""
    found = {}
    content = response.content.decode()
    articles = re.finditer(
        r'<article id="regla-([A-Z0-9-]+)"[^>]*data-result="(\w+)"[^>]*>(.*?)</article>',
        content,
        flags=re.S,
    )
    for article in articles:
        code, result, body = article.groups()
        badge = re.search(r'<span class="badge (text-bg-\w+)">([^<]+)</span>', body)
        assert badge, code
        assert badge.group(2) == LABELS[result], code
        found[code] = result
    return found


def article_text(response, code: str) -> str:
    content = response.content.decode()
    article = re.search(rf'<article id="regla-{code}".*?</article>', content, flags=re.S)
    assert article, code
    return page_text(types.SimpleNamespace(content=article.group(0).encode()))


@pytest.fixture
def cotaprep(committee):
    """The ``committee`` of the view fixtures as a COTAPREP of an OPL, integrated in time."""
    committee.process = make_process(institution=committee.institution)
    committee.integrated_on = D(2023, 10, 25)
    committee.save()
    for _ in range(3):
        make_membership(committee)
    make_membership(committee, role=Membership.Role.TECHNICAL_SECRETARY)
    make_session(committee, date=D(2023, 11, 1), role=Session.Role.INSTALLATION)
    return committee


# --- Who sees it ----------------------------------------------------------------------------


def test_the_url():
    committee = make_committee(slug="cotaprep-iepc-2024")
    assert url(committee) == "/organos/cotaprep-iepc-2024/cumplimiento/"


def test_it_requires_sign_in(client, committee):
    assert_sign_in_required(client.get(url(committee)), url(committee))


def test_someone_without_a_seat_gets_a_404(client, outsider, committee):
    assert signed_in(client, outsider).get(url(committee)).status_code == 404


def test_an_unknown_committee_is_a_404(client, alice):
    assert signed_in(client, alice).get("/organos/no-existe/cumplimiento/").status_code == 404


@pytest.mark.parametrize("who", ["member", "secretary", "guest", "representative", "manager"])
def test_whoever_sees_the_committee_sees_its_compliance(client, request, committee, who):
    response = signed_in(client, request.getfixturevalue(who)).get(url(committee))
    assert response.status_code == 200
    assert "Cumplimiento de las reglas" in page_text(response)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_reads(client, member, committee, method):
    assert getattr(signed_in(client, member), method)(url(committee)).status_code == 405


# --- What it says ---------------------------------------------------------------------------


def test_rules_are_grouped_with_article_result_certainty_parameters_and_evidence(
    client, member, cotaprep
):
    response = signed_in(client, member).get(url(cotaprep, "plan"))

    text = page_text(response)
    headings = re.findall(
        r'<h2 id="familia-\w+" class="h4">([^<]+)</h2>', response.content.decode()
    )
    assert headings == [
        "Comité Técnico Asesor del PREP (Reglamento de Elecciones)",
        "Sesiones de todo órgano colegiado",
        "Calendario",
    ]
    assert "¿Cumpliría este calendario?" in text
    prep_03 = article_text(response, "PREP-03")
    assert prep_03.startswith(
        "PREP-03 · El COTAPREP se integra a más tardar siete meses antes de la jornada "
        "electoral. Cumple"
    )
    assert "Fundamento RE 340(1)" in prep_03
    assert "Nivel Error" in prep_03
    assert "Certeza Tomada del plan de trabajo (cita el Reglamento)" in prep_03
    assert "aún sin cotejar con el texto vigente" in prep_03
    assert "Meses antes de la jornada electoral: 7" in prep_03
    assert "Evidencia Fecha de integración del comité: 25 de octubre de 2023; límite: " in prep_03
    ses_01 = article_text(response, "SES-01")
    assert "Fundamento Sin artículo citado" in ses_01
    assert "Certeza Valor por omisión, sin texto vinculante" in ses_01
    assert "Horas de anticipación (sesión ordinaria): 72" in ses_01
    # Undecidable rules say why.
    assert "Por qué no se puede decidir Falta el dato: fecha de designación" in article_text(
        response, "PREP-01"
    )


def test_the_results_have_colour_and_words(client, member, cotaprep):
    cotaprep.integrated_on = D(2023, 11, 3)  # one day late
    cotaprep.save()
    response = signed_in(client, member).get(url(cotaprep, "plan"))
    content = response.content.decode()
    article = re.search(r'<article id="regla-PREP-03".*?</article>', content, flags=re.S)
    assert '<span class="badge text-bg-danger">No cumple</span>' in article.group(0)
    article = re.search(r'<article id="regla-PREP-01".*?</article>', content, flags=re.S)
    assert '<span class="badge text-bg-secondary">No decidible</span>' in article.group(0)
    article = re.search(r'<article id="regla-PREP-05".*?</article>', content, flags=re.S)
    assert '<span class="badge text-bg-success">Cumple</span>' in article.group(0)


def test_failing_rules_are_listed_first_with_a_link_to_each(client, member, cotaprep):
    cotaprep.integrated_on = D(2023, 11, 3)
    cotaprep.save()
    response = signed_in(client, member).get(url(cotaprep, "plan"))

    text = page_text(response)
    failing = text[text.index("No se cumplen:") : text.index("Calendario de sesiones (PDF)")]
    assert "PREP-03 — El COTAPREP se integra a más tardar siete meses" in failing
    assert '<a href="#regla-PREP-03">PREP-03</a>' in response.content.decode()


def test_the_evidence_links_to_the_sessions_it_names(client, member, cotaprep):
    late = make_session(cotaprep, kind=Session.Kind.EXTRAORDINARY, date=D(2024, 7, 2))
    response = signed_in(client, member).get(url(cotaprep, "plan"))
    content = response.content.decode()
    article = re.search(r'<article id="regla-CAL-01".*?</article>', content, flags=re.S).group(0)
    assert f'<a href="/sesiones/{late.pk}/">{late.title} (2 de julio de 2024)</a>' in article


def test_a_guest_reads_the_evidence_without_links_to_sessions_they_cannot_open(
    client, guest, cotaprep
):
    late = make_session(cotaprep, kind=Session.Kind.EXTRAORDINARY, date=D(2024, 7, 2))
    response = signed_in(client, guest).get(url(cotaprep, "plan"))
    content = response.content.decode()
    article = re.search(r'<article id="regla-CAL-01".*?</article>', content, flags=re.S).group(0)
    assert f"{late.title} (2 de julio de 2024)" in article
    assert f'href="/sesiones/{late.pk}/"' not in article


def test_the_default_is_the_plan_until_a_session_is_held(client, member, cotaprep):
    signed_in(client, member)
    response = client.get(url(cotaprep))
    assert response.context["on"] == "plan"
    assert 'aria-current="page" href="?vista=plan"' in response.content.decode()

    cotaprep.sessions.update(status=Session.Status.HELD, quorum_present=3)
    response = client.get(url(cotaprep))
    assert response.context["on"] == "record"
    assert 'aria-current="page" href="?vista=registro"' in response.content.decode()
    assert "Lo celebrado: se revisan solo las sesiones" in page_text(response)
    # Either view on request; an unknown one is the default.
    assert client.get(url(cotaprep, "plan")).context["on"] == "plan"
    assert client.get(url(cotaprep, "otra")).context["on"] == "record"


def test_a_committee_s_own_value_is_marked_with_the_general_one_and_its_reason(
    client, member, cotaprep
):
    RuleOverride.objects.create(
        committee=cotaprep,
        rule=Rule.objects.get(code="SES-01"),
        parameters={"ordinary_hours": 48},
        reason="Acuerdo COTAPREP/2023/SO01/A01.",
    )
    response = signed_in(client, member).get(url(cotaprep, "plan"))
    ses_01 = article_text(response, "SES-01")
    assert (
        "Horas de anticipación (sesión ordinaria): 48 valor propio del órgano (general: 72)"
        in ses_01
    )
    assert "Horas de anticipación (sesión extraordinaria): 24 Horas" in ses_01
    assert "Motivo o acuerdo: Acuerdo COTAPREP/2023/SO01/A01." in ses_01
    # A member is not an administrator: no link to the admin site.
    assert "administración" not in ses_01


def test_staff_without_the_permission_get_no_admin_link(client, manager, cotaprep):
    RuleOverride.objects.create(
        committee=cotaprep, rule=Rule.objects.get(code="SES-01"), parameters={"ordinary_hours": 48}
    )
    response = signed_in(client, manager).get(url(cotaprep, "plan"))
    assert "(administración)" not in page_text(response)


def test_managers_get_the_history_of_an_override_and_a_way_to_add_one(client, manager, cotaprep):
    manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_ruleoverride", "add_ruleoverride"])
    )
    override = RuleOverride.objects.create(
        committee=cotaprep, rule=Rule.objects.get(code="SES-01"), parameters={"ordinary_hours": 48}
    )
    response = signed_in(client, manager).get(url(cotaprep, "plan"))
    content = response.content.decode()
    history = reverse("admin:committees_ruleoverride_history", args=[override.pk])
    assert f'<a href="{history}">Historial del valor propio (administración)</a>' in content
    rule = Rule.objects.get(code="PREP-03")
    add = (
        f"{reverse('admin:committees_ruleoverride_add')}?committee={cotaprep.pk}&amp;rule={rule.pk}"
    )
    assert f'<a href="{add}">Ajustar para este órgano (administración)</a>' in content


def test_the_date_a_rule_was_verified_is_shown(client, member, cotaprep):
    Rule.objects.filter(code="PREP-03").update(verified_on=D(2025, 1, 15))
    response = signed_in(client, member).get(url(cotaprep, "plan"))
    assert "cotejada con el texto vigente el 15 de enero de 2025" in article_text(
        response, "PREP-03"
    )


def test_a_working_group_gets_no_prep_section(client, working_group):
    user = working_group.memberships.get().person.user
    response = signed_in(client, user).get(url(working_group))
    results = results_on_page(response)
    assert results
    assert not [code for code in results if code.startswith("PREP-")]
    assert "Reglamento de Elecciones" not in page_text(response)


def test_a_rule_statement_with_markup_is_shown_as_text(client, member, cotaprep):
    Rule.objects.filter(code="CAL-01").update(statement="<script>alert('x')</script> Coherencia.")
    response = signed_in(client, member).get(url(cotaprep, "plan"))
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Coherencia." in content


# --- The page and the command agree on the demo ------------------------------------------


def command_results(committee, on: str) -> dict[str, str]:
    out = io.StringIO()
    # The demo fails error-level rules: the command says so and exits non-zero.
    with contextlib.suppress(CommandError):
        call_command(
            "check_compliance", "--committee", committee.slug, "--on", on, "--format", "json",
            stdout=out,
        )  # fmt: skip
    return {row["rule"]: row["result"] for row in json.loads(out.getvalue())}


def test_the_demo_page_and_check_compliance_agree(client, alice):
    committee = load_demo().committee
    signed_in(client, alice)

    plan = results_on_page(client.get(url(committee, "plan")))
    assert plan == command_results(committee, "plan")
    assert len(plan) == Rule.objects.count()
    assert {code for code, result in plan.items() if result == FAIL} == {"PREP-10", "SES-08"}

    simulate_season(committee)
    record = results_on_page(client.get(url(committee, "registro")))
    assert record == command_results(committee, "record")
    assert {code for code, result in record.items() if result == FAIL} == {"PREP-10"}


# --- Queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("sessions", [2, 30], ids=["small", "large"])
@pytest.mark.parametrize("vista", ["plan", "registro"])
def test_the_number_of_queries_does_not_grow_with_the_data(
    client, django_user_model, sessions, vista, django_assert_max_num_queries
):
    committee = busy_committee(sessions)
    RuleOverride.objects.create(
        committee=committee, rule=Rule.objects.get(code="SES-01"), parameters={"ordinary_hours": 48}
    )
    user = make_user_with_seat(django_user_model, committee, Membership.Role.MEMBER, "lectora")
    signed_in(client, user)

    # 1 the session, 2 the user, 3 the committee with institution, process and parent,
    # 4-23 the checker (at most 20, see tests/reports/test_compliance.py), 24 the rules,
    # 25 the committee's own values, 26 the sessions the reader may open (evidence links).
    with django_assert_max_num_queries(26):
        response = client.get(url(committee, vista))

    assert response.status_code == 200
    assert len(results_on_page(response)) == Rule.objects.count()


# --- The badge on the committee's page ------------------------------------------------------


def committee_page(client, user, committee):
    return signed_in(client, user).get(reverse("committees:detail", args=[committee.slug]))


def badge(response) -> tuple[str, str, str]:
    """The badge's colour, link and words."""
    found = re.search(
        r'<a href="([^"]+)" class="badge [^"]*(text-bg-\w+)">([^<]+)</a>',
        response.content.decode(),
    )
    assert found, "no compliance badge on the page"
    return found.group(2), found.group(1), found.group(3)


def test_the_committee_page_sums_up_the_plan_and_links_to_the_page(client, member, cotaprep):
    cotaprep.integrated_on = D(2023, 11, 3)  # PREP-03, an error, fails
    cotaprep.save()
    results = list(results_on_page(signed_in(client, member).get(url(cotaprep))).values())

    colour, link, words = badge(committee_page(client, member, cotaprep))

    assert link == url(cotaprep)
    assert colour == "text-bg-danger"
    assert words == (
        f"Cumplimiento del calendario: {results.count(FAIL)} reglas no se cumplen "
        f"({results.count(UNDECIDABLE)} no decidibles)"
    )


@pytest.fixture
def working_group(django_user_model):
    """A working group (SES and CAL rules only) and a member's account on it."""
    group = make_committee(kind=Committee.Kind.WORKING_GROUP, parent=make_committee())
    make_user_with_seat(django_user_model, group, Membership.Role.MEMBER, "grupo")
    return group


def test_warnings_alone_colour_the_badge_as_a_warning(client, working_group):
    user = working_group.memberships.get().person.user
    # Before the installation: CAL-01, a warning, fails.
    make_session(working_group, kind=Session.Kind.WORKING_GROUP, date=D(2023, 10, 1))
    colour, _link, words = badge(committee_page(client, user, working_group))
    assert colour == "text-bg-warning"
    assert words == "Cumplimiento del calendario: 1 regla no se cumple (3 no decidibles)"


def test_with_nothing_failing_the_badge_is_green(client, working_group):
    user = working_group.memberships.get().person.user
    Rule.objects.exclude(code__in=["SES-07", "SES-13"]).delete()
    make_session(working_group, kind=Session.Kind.WORKING_GROUP, date=D(2023, 12, 18))
    colour, _link, words = badge(committee_page(client, user, working_group))
    assert (colour, words) == (
        "text-bg-success",
        "Cumplimiento del calendario: ninguna regla incumplida",
    )


def test_once_a_session_is_held_the_badge_sums_up_the_record(client, working_group):
    user = working_group.memberships.get().person.user
    make_session(
        working_group,
        kind=Session.Kind.WORKING_GROUP,
        date=D(2023, 12, 18),
        status=Session.Status.HELD,
        quorum_present=1,
    )
    _colour, _link, words = badge(committee_page(client, user, working_group))
    assert words.startswith("Cumplimiento de lo celebrado: ")
