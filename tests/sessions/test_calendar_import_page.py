import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sessions.models import Session
from tests.factories import make_committee, make_membership, make_session

pytestmark = pytest.mark.django_db

# One cell per line, rows separated by blank lines: one of the shapes a copy gives.
TABLE = (
    "1\n01 de noviembre de 2023\nSesión de instalación (Primera sesión ordinaria).\n\n"
    "2\n29 de noviembre de 2023\nPrimera reunión formal de trabajo con las "
    "representaciones de partidos políticos y candidaturas independientes.\n"
)
SEED_TABLE = (Path(__file__).parent / "data" / "calendario_plan_de_trabajo.txt").read_text()


@pytest.fixture
def committee():
    return make_committee(short_name="COTAPREP")


@pytest.fixture
def secretary(committee, django_user_model):
    user = django_user_model.objects.create_user("hector", password="x")
    membership = make_membership(committee, role="technical_secretary")
    membership.person.user = user
    membership.person.save()
    return user


def url(committee):
    return reverse("sessions:import", args=[committee.slug])


def test_anonymous_is_sent_to_sign_in(client, committee):
    response = client.get(url(committee))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_members_and_outsiders_get_404(client, committee, django_user_model):
    member = make_membership(committee)
    member.person.user = django_user_model.objects.create_user("claudia", password="x")
    member.person.save()
    for user in (member.person.user, django_user_model.objects.create_user("fuera", password="x")):
        client.force_login(user)
        assert client.get(url(committee)).status_code == 404
        assert client.post(url(committee), {"texto": TABLE}).status_code == 404
    assert not Session.objects.exists()


def test_wrong_method(client, committee, secretary):
    client.force_login(secretary)
    assert client.put(url(committee)).status_code == 405


def test_preview_writes_nothing_and_confirm_imports(client, committee, secretary):
    client.force_login(secretary)
    response = client.post(url(committee), {"texto": TABLE, "vista_previa": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Se crearán 2 sesiones" in page
    assert "Sesión de instalación (Primera sesión ordinaria)" in page
    assert "1 de noviembre de 2023" in page
    assert not Session.objects.exists()
    fingerprint = response.context["form"].initial["huella"]
    response = client.post(url(committee), {"texto": TABLE, "huella": fingerprint, "confirmar": ""})
    assert response.status_code == 302
    sessions = list(committee.sessions.order_by("date"))
    assert [(s.kind, s.number, s.role, s.date) for s in sessions] == [
        ("ordinary", 1, "installation", datetime.date(2023, 11, 1)),
        ("work_meeting", 1, "", datetime.date(2023, 11, 29)),
    ]
    # Imported sessions get their standard agenda like every new session.
    assert sessions[0].points.filter(standard="agenda").exists()


def test_text_changed_after_the_preview_is_previewed_again(client, committee, secretary):
    client.force_login(secretary)
    preview = client.post(url(committee), {"texto": TABLE})
    fingerprint = preview.context["form"].initial["huella"]
    edited = TABLE.replace("29 de noviembre", "30 de noviembre")
    response = client.post(
        url(committee), {"texto": edited, "huella": fingerprint, "confirmar": ""}
    )
    assert response.status_code == 200
    assert "30 de noviembre de 2023" in response.content.decode()
    assert not Session.objects.exists()


def test_an_uploaded_csv_is_previewed_and_kept_for_the_confirmation(client, committee, secretary):
    client.force_login(secretary)
    csv = b"fecha,hora_inicio,tipo\n19/03/2024,11:00,ordinary\n"
    upload = SimpleUploadedFile("calendario.csv", csv, content_type="text/csv")
    response = client.post(url(committee), {"archivo": upload})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["nombre"] == "calendario.csv"
    assert "19/03/2024" in form.initial["texto"]
    response = client.post(
        url(committee),
        {**{k: form.initial[k] for k in ("texto", "nombre", "huella")}, "confirmar": ""},
    )
    assert response.status_code == 302
    session = committee.sessions.get()
    assert session.start_time == datetime.time(11, 0)


def test_bad_rows_are_reported_by_line_and_nothing_is_written(client, committee, secretary):
    client.force_login(secretary)
    bad = TABLE.replace("29 de noviembre de 2023", "31 de febrero de 2024")
    response = client.post(url(committee), {"texto": bad})
    page = response.content.decode()
    assert "no se importará nada" in page
    assert "Línea" in page
    assert "Importar 1 sesión" not in page
    response = client.post(url(committee), {"texto": bad, "confirmar": ""})
    assert not Session.objects.exists()


def test_duplicates_are_skipped(client, committee, secretary):
    make_session(
        committee, kind="ordinary", role="installation", number=1, date=datetime.date(2023, 11, 1)
    )
    client.force_login(secretary)
    response = client.post(url(committee), {"texto": TABLE})
    page = response.content.decode()
    assert "Ya existen y se omitirán" in page
    assert "Se creará 1 sesión" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Elija un archivo o pegue la tabla del calendario."),
        ({"texto": "   "}, "Elija un archivo o pegue la tabla del calendario."),
    ],
)
def test_empty_input_is_refused_in_spanish(client, committee, secretary, data, message):
    client.force_login(secretary)
    response = client.post(url(committee), data)
    assert message in response.content.decode()
    assert not Session.objects.exists()


def test_a_file_and_text_together_are_refused(client, committee, secretary):
    client.force_login(secretary)
    upload = SimpleUploadedFile("calendario.txt", TABLE.encode())
    response = client.post(url(committee), {"archivo": upload, "texto": TABLE})
    assert "no ambos" in response.content.decode()
    assert response.context["form"]["texto"].value().strip() == TABLE.strip()


def test_a_file_over_the_limit_is_refused(client, committee, secretary, settings):
    settings.CALENDAR_IMPORT_MAX_BYTES = 1000
    client.force_login(secretary)
    upload = SimpleUploadedFile("calendario.txt", b"x" * 5000)
    response = client.post(url(committee), {"archivo": upload})
    assert "el máximo es" in response.content.decode()
    assert not Session.objects.exists()


def test_query_count_of_a_preview_is_bounded(
    client, committee, secretary, django_assert_max_num_queries
):
    client.force_login(secretary)
    rows = "\n".join(f"{n}\t{n} de marzo de 2024\tReunión formal de trabajo" for n in range(1, 29))
    # Session and CSRF, user, committee, lock, existing sessions, numbering, savepoints.
    with django_assert_max_num_queries(12):
        response = client.post(url(committee), {"texto": rows, "tipo": "work_meeting"})
    assert response.status_code == 200


def test_the_seed_table_pasted_as_it_stands(client, committee, secretary):
    """Word keeps tabs before each cell and a blank line after it; nothing must be lost."""
    client.force_login(secretary)
    response = client.post(url(committee), {"texto": SEED_TABLE})
    assert "Se crearán 16 sesiones" in response.content.decode()
    fingerprint = response.context["form"].initial["huella"]
    response = client.post(
        url(committee), {"texto": SEED_TABLE, "huella": fingerprint, "confirmar": ""}
    )
    assert response.status_code == 302
    assert committee.sessions.count() == 16


# A real working group's calendar as a word processor copies it: a bold caption, rows that
# say only their number and date, a bulleted remark under the table.
WORKING_GROUP_TABLE = (
    "**Tabla 1. Calendario de reuniones del Grupo de Trabajo de Cómputos Distritales**\n"
    "\n"
    "Núm.\tFecha\n"
    "1\t15 de enero de 2024\n"
    "2\t12 de febrero de 2024\n"
    "3\t11 de marzo de 2024\n"
    "\n"
    "• _Las fechas pueden ajustarse por acuerdo del Grupo._\n"
)


def working_group_and_secretary(django_user_model):
    commission = make_committee(kind="commission", short_name="CCOE")
    group = make_committee(
        kind="working_group",
        parent=commission,
        name="Grupo de Trabajo de Cómputos Distritales",
        short_name="GTCD",
    )
    user = django_user_model.objects.create_user("gtcd", password="x")
    membership = make_membership(group, role="technical_secretary")
    membership.person.user = user
    membership.person.save()
    return group, user


def test_a_working_group_imports_a_pasted_table_without_choosing_a_kind(client, django_user_model):
    group, user = working_group_and_secretary(django_user_model)
    client.force_login(user)
    page = client.get(url(group))
    # The committee's own kind is the default of the rows that do not say theirs.
    assert page.context["form"]["tipo"].value() == "working_group"

    preview = client.post(url(group), {"texto": WORKING_GROUP_TABLE, "vista_previa": ""})
    report = preview.context["report"]
    assert report.ok
    assert report.warnings == []  # the bold caption and the bullet are no footnotes
    assert report.summary == "Se crearán 3 sesiones."
    assert "--kind" not in preview.content.decode()

    fingerprint = preview.context["form"].initial["huella"]
    response = client.post(
        url(group), {"texto": WORKING_GROUP_TABLE, "huella": fingerprint, "confirmar": ""}
    )
    assert response.status_code == 302
    sessions = list(group.sessions.order_by("date"))
    assert [(s.kind, s.number, s.date) for s in sessions] == [
        ("working_group", 1, datetime.date(2024, 1, 15)),
        ("working_group", 2, datetime.date(2024, 2, 12)),
        ("working_group", 3, datetime.date(2024, 3, 11)),
    ]
    assert sessions[0].title == "Primera reunión del Grupo de Trabajo de Cómputos Distritales"


def test_a_confirmation_posted_back_with_crlf_imports_in_one_click(client, committee, secretary):
    """A browser sends a textarea back with CRLF line ends: the same content all the same."""
    client.force_login(secretary)
    upload = SimpleUploadedFile("calendario.txt", TABLE.encode())
    preview = client.post(url(committee), {"archivo": upload, "vista_previa": ""})
    form = preview.context["form"]
    response = client.post(
        url(committee),
        {
            "texto": form.initial["texto"].replace("\n", "\r\n"),
            "nombre": form.initial["nombre"],
            "tipo": form.initial["tipo"],
            "huella": form.initial["huella"],
            "confirmar": "",
        },
    )
    assert response.status_code == 302
    assert committee.sessions.count() == 2


def test_a_confirmation_of_changed_text_says_so_and_imports_nothing(client, committee, secretary):
    client.force_login(secretary)
    preview = client.post(url(committee), {"texto": TABLE})
    edited = TABLE.replace("29 de noviembre", "30 de noviembre")
    response = client.post(
        url(committee),
        {"texto": edited, "huella": preview.context["form"].initial["huella"], "confirmar": ""},
    )
    assert response.status_code == 200
    assert "El calendario cambió desde la vista previa" in response.content.decode()
    assert not Session.objects.exists()


def test_the_preview_shows_every_field_that_will_be_written(client, committee, secretary):
    client.force_login(secretary)
    csv = (
        "fecha,hora_inicio,hora_fin,tipo,lugar,enlace,notas\n"
        "19/03/2024,11:00,13:30,ordinary,Sala del Pleno,https://meet.example.org/so5,"
        "Con transmisión\n"
    )
    response = client.post(url(committee), {"texto": csv})
    text = " ".join(response.content.decode().split())
    for expected in (
        "19 de marzo de 2024",
        "11:00",
        "13:30",
        "Sesión ordinaria, núm. 1",
        "Sala del Pleno",
        "https://meet.example.org/so5",
        "Con transmisión",
    ):
        assert expected in text, expected
    assert response.context["report"].summary == "Se creará 1 sesión."


def test_errors_and_summary_agree(client, committee, secretary):
    client.force_login(secretary)
    bad = TABLE + "\n3\n31 de febrero de 2024\nSegunda sesión ordinaria\n"
    response = client.post(url(committee), {"texto": bad})
    report = response.context["report"]
    assert report.summary == "Hay 1 problema: no se importará nada hasta corregirlo."
    assert "Se crearán" not in response.content.decode()
