"""The search box: what it finds, for whom, and how it shows it."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from agendas.services import add_document, adopt_agreement, record_minutes
from search.indexing import extract_text_once, rebuild
from search.models import SearchEntry
from search.query import search
from sessions.models import Session
from tests.factories import make_committee, make_point, make_session
from tests.web import assert_sign_in_required, page_text, seat, signed_in

pytestmark = pytest.mark.django_db

URL = reverse("search:search")
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Spanish stemming and unaccent: PostgreSQL only"
)


def pdf_with_text(text: str) -> bytes:
    """A real one-page PDF whose text layer says ``text`` (WeasyPrint, already a dependency)."""
    import weasyprint

    return weasyprint.HTML(string=f"<p>{text}</p>").write_pdf()


@pytest.fixture
def drills(committee):
    session = make_session(
        committee,
        date=datetime.date(2024, 5, 28),
        place="Sala del Consejo",
        status=Session.Status.HELD,
        opened_at=datetime.datetime(2024, 5, 28, 17, tzinfo=datetime.UTC),
    )
    point = make_point(
        session, title="Aprobación del informe general del desempeño en todos los simulacros"
    )
    return session, point


def titles(hits) -> list[str]:
    return [hit.entry.title for hit in hits]


def test_the_url():
    assert URL == "/buscar/"


def test_it_requires_sign_in(client):
    assert_sign_in_required(client.get(URL, {"q": "simulacro"}), f"{URL}?q=simulacro")


@pytest.mark.parametrize("user", ["secretary", "member", "manager"])
def test_the_secretariat_and_members_find_a_point_by_a_word_of_its_title(
    request, client, drills, user
):
    response = signed_in(client, request.getfixturevalue(user)).get(URL, {"q": "simulacro"})

    assert response.status_code == 200
    text = page_text(response)
    assert "1 resultado para «simulacro»." in text
    assert "Aprobación del informe general del desempeño en todos los simulacros" in text
    assert "<mark>simulacro" in response.text


def test_a_member_of_another_committee_finds_nothing_of_this_one(client, drills, outsider):
    response = signed_in(client, outsider).get(URL, {"q": "simulacro"})

    assert "0 resultados para «simulacro»." in page_text(response)
    assert "No se encontró nada que usted pueda ver" in page_text(response)


def test_a_guest_finds_only_the_sessions_they_are_invited_to(client, committee, drills, guest):
    session, _point = drills
    assert search(guest, "simulacro") == []

    other = make_session(committee, date=datetime.date(2024, 6, 1))
    make_point(other, title="Informe de los simulacros del PREP")
    other.invitations.add(seat(guest))

    assert titles(search(guest, "simulacro")) == ["1. Informe de los simulacros del PREP"]


def test_a_party_representative_finds_the_work_meetings_only(client, committee, representative):
    ordinary = make_session(committee, date=datetime.date(2024, 5, 28))
    make_point(ordinary, title="Simulacro en sesión ordinaria")
    meeting = make_session(
        committee, kind=Session.Kind.WORK_MEETING, date=datetime.date(2024, 5, 31)
    )
    make_point(meeting, title="Simulacro en reunión de trabajo")

    assert titles(search(representative, "simulacro")) == ["1. Simulacro en reunión de trabajo"]


def test_minutes_agreements_and_actas_are_found(committee, secretary, drills):
    session, point = drills
    record_minutes(point, minutes="Se revisó el calendario de los simulacros estatales.")
    adopt_agreement(point, text="Se aprueba el informe de los simulacros.")

    kinds = {hit.entry.kind for hit in search(secretary, "simulacro")}

    assert kinds == {SearchEntry.Kind.POINT, SearchEntry.Kind.AGREEMENT}
    assert titles(search(secretary, "calendario estatales")) == [
        "1. Aprobación del informe general del desempeño en todos los simulacros"
    ]


def test_open_agreements_answer_acuerdos_pendientes(committee, secretary, drills):
    _session, point = drills
    adopt_agreement(point, text="Se instruye remitir el calendario.")

    hits = search(secretary, "acuerdos pendientes")

    assert [hit.entry.kind for hit in hits] == [SearchEntry.Kind.AGREEMENT]


def test_the_text_of_an_uploaded_pdf_is_extracted_once_in_the_background(
    committee, secretary, drills, django_capture_on_commit_callbacks
):
    _session, point = drills
    content = pdf_with_text("Plan de continuidad ante contingencias del centro de captura")

    with django_capture_on_commit_callbacks(execute=True):
        document = add_document(
            point,
            title="Anexo técnico",
            file=SimpleUploadedFile("anexo.pdf", content, content_type="application/pdf"),
        )

    entry = SearchEntry.objects.get(kind=SearchEntry.Kind.DOCUMENT, object_id=document.pk)
    assert "contingencias" in entry.body
    assert entry.source_sha256 == document.sha256
    assert titles(search(secretary, "contingencias")) == ["Anexo técnico"]
    # Already extracted for this file: the worker does not read it again.
    assert extract_text_once(document.pk) is False


def test_user_content_is_escaped_in_results(client, committee, secretary):
    session = make_session(committee, date=datetime.date(2024, 5, 28))
    make_point(session, title="Simulacro <img src=x onerror=alert(1)>", description="<b>x</b>")

    response = signed_in(client, secretary).get(URL, {"q": "simulacro"})

    assert "<img src=x" not in response.text
    assert "<b>x" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text


def test_results_are_grouped_by_committee_newest_first(client, django_user_model, secretary):
    committee = secretary.person.memberships.get().committee
    other = make_committee(short_name="GTPREP")
    from tests.web import make_user_with_seat

    both = make_user_with_seat(django_user_model, other, "member", "ambos")
    from tests.factories import make_membership

    make_membership(committee, person=both.person, end=None)
    for day in (1, 20):
        make_point(
            make_session(committee, date=datetime.date(2024, 3, day)), title=f"Simulacro {day}"
        )
    make_point(make_session(other, date=datetime.date(2024, 3, 5)), title="Simulacro del GT")

    response = signed_in(client, both).get(URL, {"q": "simulacro"})

    groups = response.context["groups"]
    assert sorted(group[0].short_name for group in groups) == ["COTAPREP", "GTPREP"]
    cotaprep = next(hits for c, hits in groups if c.short_name == "COTAPREP")
    assert [hit.entry.session.date.day for hit in cotaprep] == [20, 1]


def test_query_count_does_not_grow_with_the_results(
    client, committee, secretary, django_assert_max_num_queries
):
    for day in range(1, 29):
        make_point(make_session(committee, date=datetime.date(2024, 2, day)), title="Simulacro")
    signed_in(client, secretary)

    # Session, user, the user's and groups' permissions (does the user manage every
    # committee?), then the visible entries with their committee and session: one query.
    with django_assert_max_num_queries(5):
        response = client.get(URL, {"q": "simulacro"})
    assert response.context["count"] == 28


def test_an_empty_or_odd_query_is_harmless(client, secretary, drills):
    signed_in(client, secretary)
    for q in ["", "   ", "&&&", "!!", "'", '"simulacro', "a" * 5000]:
        assert client.get(URL, {"q": q}).status_code == 200


def test_rebuild_indexes_what_exists(secretary, drills):
    SearchEntry.objects.all().delete()
    assert rebuild() >= 2
    assert titles(search(secretary, "simulacro"))


@on_postgres
def test_accents_and_plurals_match_on_postgres(secretary, committee):
    session = make_session(committee, date=datetime.date(2024, 5, 28))
    make_point(session, title="Revisión de la instalación de los CATD")
    make_point(session, title="Informe del simulacro")

    assert titles(search(secretary, "revision instalacion")) == [
        "1. Revisión de la instalación de los CATD"
    ]
    assert titles(search(secretary, "simulacros")) == ["2. Informe del simulacro"]
    assert titles(search(secretary, "instalaciones")) == [
        "1. Revisión de la instalación de los CATD"
    ]


def test_plurals_match_with_the_simple_fallback_too(secretary, committee):
    session = make_session(committee, date=datetime.date(2024, 5, 28))
    make_point(session, title="Informe del simulacro")

    assert titles(search(secretary, "simulacros")) == ["1. Informe del simulacro"]
