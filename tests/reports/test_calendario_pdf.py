"""The calendar of sessions as a PDF: the work plan's table, in date order."""

import datetime
import io
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from pypdf import PdfReader

from committees.models import Membership
from demo.loader import load_demo
from reports.documents import calendario_context
from reports.pdf import render_pdf
from sessions.models import Session
from tests.factories import make_committee, make_process, make_session
from tests.web import assert_sign_in_required, make_user_with_seat, seat, signed_in

pytestmark = pytest.mark.django_db

D = datetime.date


def pages(content: bytes) -> list[str]:
    """Each page's text, spaces collapsed."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def text(content: bytes) -> str:
    return " ".join(pages(content))


def url(committee) -> str:
    return reverse("reports:calendario-pdf", args=[committee.slug])


def calendar_pdf(committee, **kwargs) -> bytes:
    return render_pdf("reports/pdf/calendario.html", calendario_context(committee, **kwargs))


# --- The document ---------------------------------------------------------------------------


def test_the_demo_calendar_is_the_work_plan_s_table_in_date_order():
    committee = load_demo().committee

    content = text(calendar_pdf(committee))

    assert "Calendario de sesiones" in content
    assert "Instituto Electoral y de Participación Ciudadana del Estado de Jalisco" in content
    assert (
        "Sesiones y reuniones formales de trabajo del Comité Técnico Asesor del Programa de "
        "Resultados Electorales Preliminares" in content
    )
    assert "Proceso Electoral Local Concurrente 2023-2024" in content
    assert "Núm. Fecha Número y tipo de sesión / reunión" in content
    assert re.search(r"Página 1 de \d", content)
    # The seed lists the sixth work meeting (29 April) before the sixth ordinary session
    # (25 April): the document goes by date.
    rows = [
        ("1", "miércoles 1 de noviembre de 2023", "Sesión de instalación (Primera sesión"),
        ("2", "miércoles 29 de noviembre de 2023", "Primera reunión formal de trabajo con las"),
        ("3", "jueves 14 de diciembre de 2023", "Segunda reunión formal de trabajo"),
        ("4", "lunes 18 de diciembre de 2023", "Segunda sesión ordinaria"),
        ("5", "jueves 25 de enero de 2024", "Tercera reunión formal de trabajo"),
        ("6", "martes 30 de enero de 2024", "Tercera sesión ordinaria"),
        ("7", "miércoles 28 de febrero de 2024", "Cuarta sesión ordinaria"),
        ("8", "jueves 29 de febrero de 2024", "Cuarta reunión formal de trabajo"),
        ("9", "viernes 15 de marzo de 2024", "Quinta reunión formal de trabajo"),
        ("10", "martes 19 de marzo de 2024", "Quinta sesión ordinaria"),
        ("11", "jueves 25 de abril de 2024", "Sexta sesión ordinaria"),
        ("12", "lunes 29 de abril de 2024", "Sexta reunión formal de trabajo"),
        ("13", "martes 28 de mayo de 2024", "Séptima sesión ordinaria"),
        ("14", "viernes 31 de mayo de 2024", "Séptima reunión formal de trabajo"),
        ("15", "sábado 1 de junio de 2024", "Primera sesión extraordinaria"),
        ("16", "domingo 30 de junio de 2024", "Sesión de cierre y clausura"),
    ]  # fmt: skip
    assert (
        "Primera reunión formal de trabajo con las representaciones de partidos políticos y "
        "candidaturas independientes" in content
    )
    positions = []
    for number, day, title in rows:
        found = re.search(rf"\b{number} {day}( \d\d:\d\d horas)? {re.escape(title)}", content)
        assert found, (number, day, title)
        positions.append(found.start())
    assert positions == sorted(positions)
    assert "17 " not in content.split("domingo 30 de junio de 2024")[1][:40]


def test_cancelled_and_postponed_sessions_say_so_with_their_reason_and_notes():
    committee = make_committee()
    make_session(committee, date=D(2024, 1, 10), start_time=datetime.time(11))
    make_session(
        committee,
        date=D(2024, 2, 12),
        status=Session.Status.POSTPONED,
        rescheduled_from=D(2024, 2, 8),
        status_reason="Coincide con una sesión del Consejo General.",
    )
    make_session(
        committee,
        kind=Session.Kind.EXTRAORDINARY,
        date=D(2024, 3, 1),
        status=Session.Status.CANCELLED,
        status_reason="Se atendió el asunto en la sesión ordinaria.",
        notes="Aviso enviado por correo.",
    )

    content = text(calendar_pdf(committee))

    assert "1 miércoles 10 de enero de 2024 11:00 horas Primera sesión ordinaria" in content
    assert (
        "2 lunes 12 de febrero de 2024 Segunda sesión ordinaria Pospuesta (fecha original: "
        "8 de febrero de 2024). Motivo: Coincide con una sesión del Consejo General." in content
    )
    assert (
        "3 viernes 1 de marzo de 2024 Primera sesión extraordinaria Cancelada. Motivo: Se "
        "atendió el asunto en la sesión ordinaria. Notas: Aviso enviado por correo." in content
    )
    # Without formal work meetings the lead does not announce them.
    assert "Sesiones del Comité Técnico Asesor" in content
    assert "reuniones formales" not in content


def test_a_committee_without_sessions_says_so():
    content = text(calendar_pdf(make_committee(process=make_process())))
    assert "El órgano aún no tiene sesiones en su calendario." in content


def test_hostile_names_are_printed_as_text():
    committee = make_committee(
        name="<script>alert('comité')</script> Comité de Prueba",
        short_name="<b>CP</b>",
    )
    make_session(committee, notes="<img src=x onerror=alert(1)> Nota.")
    context = calendario_context(committee)

    markup = render_to_string("reports/pdf/calendario.html", context)
    content = text(render_pdf("reports/pdf/calendario.html", context))

    assert "<script>" not in markup
    assert "<img src=x" not in markup
    assert "&lt;script&gt;alert(&#x27;comité&#x27;)&lt;/script&gt; Comité de Prueba" in markup
    assert "<script>alert('comité')</script> Comité de Prueba" in content
    assert "Notas: <img src=x onerror=alert(1)> Nota." in content


def test_the_context_is_read_in_a_bounded_number_of_queries(django_assert_max_num_queries):
    committee = make_committee(process=make_process())
    for n in range(40):
        make_session(
            committee,
            kind=(Session.Kind.ORDINARY, Session.Kind.WORK_MEETING)[n % 2],
            date=D(2023, 11, 1) + datetime.timedelta(days=5 * n),
        )
    committee.refresh_from_db()
    # 1 the institution, 2 the process, 3 the sessions.
    with django_assert_max_num_queries(3):
        context = calendario_context(committee)
    assert len(context["rows"]) == 40


# --- The download ---------------------------------------------------------------------------


def test_the_url():
    assert url(make_committee(slug="cotaprep-iepc")) == "/organos/cotaprep-iepc/calendario.pdf"


def test_it_requires_sign_in(client, committee):
    assert_sign_in_required(client.get(url(committee)), url(committee))


def test_someone_without_a_seat_gets_a_404(client, outsider, committee):
    assert signed_in(client, outsider).get(url(committee)).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_reads(client, member, committee, method):
    assert getattr(signed_in(client, member), method)(url(committee)).status_code == 405


@pytest.mark.parametrize("who", ["member", "secretary", "manager", "alice"])
def test_those_who_see_the_committee_download_it(client, request, committee, who):
    make_session(committee, date=D(2024, 3, 19))
    response = signed_in(client, request.getfixturevalue(who)).get(url(committee))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="calendario-{committee.slug}.pdf"'
    assert "martes 19 de marzo de 2024 Primera sesión ordinaria" in text(response.getvalue())


def test_a_party_representative_gets_the_sessions_they_may_see(client, representative, committee):
    make_session(committee, date=D(2024, 3, 19))
    make_session(committee, kind=Session.Kind.WORK_MEETING, date=D(2024, 3, 15))
    invited = make_session(committee, kind=Session.Kind.EXTRAORDINARY, date=D(2024, 3, 20))
    invited.invitations.add(seat(representative))

    content = text(signed_in(client, representative).get(url(committee)).getvalue())

    assert "1 viernes 15 de marzo de 2024 Primera reunión formal de trabajo" in content
    assert "2 miércoles 20 de marzo de 2024 Primera sesión extraordinaria" in content
    assert "Primera sesión ordinaria" not in content


def test_the_committee_page_links_to_it(client, django_user_model, committee):
    user = make_user_with_seat(django_user_model, committee, Membership.Role.MEMBER, "lector")
    response = signed_in(client, user).get(reverse("committees:detail", args=[committee.slug]))
    assert f'<a class="small ms-2" href="{url(committee)}">' in response.content.decode()
