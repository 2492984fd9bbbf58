"""The committee admin: memberships and attributions on the committee page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import (
    Attribution,
    Committee,
    Institution,
    Membership,
    Person,
    PoliticalParty,
)

pytestmark = pytest.mark.django_db


def make_committee(**overrides):
    institution = Institution.objects.create(
        name="Instituto Electoral de Prueba", short_name="IEP", kind=Institution.Kind.OPL
    )
    fields = {
        "institution": institution,
        "name": "Comité Técnico Asesor del PREP",
        "short_name": "COTAPREP",
        "slug": "cotaprep",
        "kind": Committee.Kind.TECHNICAL_ADVISORY,
    }
    return Committee.objects.create(**{**fields, **overrides})


def add_members(committee, count, party=None):
    for n in range(count):
        representative = party is not None and n % 2
        Membership.objects.create(
            committee=committee,
            person=Person.objects.create(name=f"Persona {committee.pk}-{n:02d}"),
            role=(
                Membership.Role.PARTY_REPRESENTATIVE if representative else Membership.Role.MEMBER
            ),
            party=party if representative else None,
            start=datetime.date(2023, 10, 1),
        )


def change_url(committee):
    return reverse("admin:committees_committee_change", args=[committee.pk])


def committee_form_data(committee, memberships=(), new_memberships=()):
    data = {
        "institution": committee.institution_id,
        "process": "",
        "name": committee.name,
        "short_name": committee.short_name,
        "slug": committee.slug,
        "kind": committee.kind,
        "parent": "",
        "subject": "",
        "legal_basis": "",
        "integration_act": "",
        "integrated_on": "",
        "installed_on": "",
        "closed_on": "",
        "agreement_number_pattern": committee.agreement_number_pattern,
        "attributions-TOTAL_FORMS": "0",
        "attributions-INITIAL_FORMS": "0",
        "attributions-MIN_NUM_FORMS": "0",
        "attributions-MAX_NUM_FORMS": "1000",
        "memberships-TOTAL_FORMS": str(len(memberships) + len(new_memberships)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    rows = [
        {
            "id": m.pk,
            "person": m.person_id,
            "role": m.role,
            "party": m.party_id or "",
            "start": m.start.isoformat(),
            "end": "",
            "appointing_act": m.appointing_act,
        }
        for m in memberships
    ] + list(new_memberships)
    for index, row in enumerate(rows):
        data[f"memberships-{index}-committee"] = committee.pk
        for name, value in row.items():
            data[f"memberships-{index}-{name}"] = value
    return data


def test_the_committee_page_shows_attributions_in_order(admin_client):
    committee = make_committee()
    Attribution.objects.create(committee=committee, position=2, label="b", text="Segunda")
    Attribution.objects.create(committee=committee, position=1, label="a", text="Primera")

    response = admin_client.get(change_url(committee))

    assert response.status_code == 200
    assert response.text.index("Primera") < response.text.index("Segunda")


def test_the_committee_page_costs_the_same_queries_for_any_number_of_members(admin_client):
    party = PoliticalParty.objects.create(name="Partido Ejemplo", acronym="PE")
    small = make_committee()
    large = Committee.objects.create(
        institution=small.institution,
        name="Comisión",
        short_name="COE",
        slug="coe",
        kind=Committee.Kind.COMMISSION,
    )
    add_members(small, 2, party)
    add_members(large, 30, party)

    counts = []
    for committee in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(change_url(committee)).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_a_membership_is_added_from_the_committee_page(admin_client):
    committee = make_committee()
    person = Person.objects.create(name="Mtra. Ana Pérez")

    response = admin_client.post(
        change_url(committee),
        committee_form_data(
            committee,
            new_memberships=[
                {
                    "person": person.pk,
                    "role": Membership.Role.MEMBER,
                    "party": "",
                    "start": "2023-10-25",
                    "end": "",
                    "appointing_act": "IEPC-ACG-069/2023",
                }
            ],
        ),
    )

    assert response.status_code == 302
    membership = committee.memberships.get()
    assert membership.person == person
    assert membership.appointing_act == "IEPC-ACG-069/2023"
    assert membership.history.count() == 1


def test_a_party_representative_needs_a_party(admin_client):
    committee = make_committee()
    person = Person.objects.create(name="Lic. Juan López")

    response = admin_client.post(
        change_url(committee),
        committee_form_data(
            committee,
            new_memberships=[
                {
                    "person": person.pk,
                    "role": Membership.Role.PARTY_REPRESENTATIVE,
                    "party": "",
                    "start": "2023-10-25",
                    "end": "",
                    "appointing_act": "",
                }
            ],
        ),
    )

    assert response.status_code == 200
    assert "Indique el partido político que representa." in response.text
    assert not committee.memberships.exists()


def test_an_invalid_row_keeps_the_chosen_person(admin_client):
    committee = make_committee()
    person = Person.objects.create(name="Lic. Juan López")

    response = admin_client.post(
        change_url(committee),
        committee_form_data(
            committee,
            new_memberships=[
                {
                    "person": person.pk,
                    "role": Membership.Role.MEMBER,
                    "party": "",
                    "start": "",
                    "end": "",
                    "appointing_act": "",
                }
            ],
        ),
    )

    assert response.status_code == 200
    assert f'<option value="{person.pk}" selected>Lic. Juan López</option>' in response.text


def test_the_committee_filter_names_the_institution(admin_client):
    committee = make_committee()
    add_members(committee, 1)

    response = admin_client.get(reverse("admin:committees_membership_changelist"))

    assert response.status_code == 200
    assert "COTAPREP — IEP" in response.text


def test_people_are_found_by_autocomplete(admin_client):
    Person.objects.create(name="Mtra. Ana Pérez")
    Person.objects.create(name="Ing. Luis Gómez")

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "committees",
            "model_name": "membership",
            "field_name": "person",
            "term": "Ana",
        },
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Mtra. Ana Pérez"]


def test_the_committee_page_links_to_its_history(admin_client):
    committee = make_committee()

    response = admin_client.get(change_url(committee))

    history = reverse("admin:committees_committee_history", args=[committee.pk])
    assert f'<a href="{history}" class="historylink">Historial</a>' in response.text
    assert admin_client.get(history).status_code == 200
