"""
What two people (or two clicks, or two workers) do at once: every request is applied or
refused with a message, nothing is lost, nothing answers 500. Real threads, each with its
own database connection; the reorder race runs on SQLite and on PostgreSQL, the others on
PostgreSQL, where the race exists (SQLite serialises writers).
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from agendas.models import Vote
from agendas.services import CONFLICT_MESSAGE, agenda_version, cast_votes, insert_point
from reports.models import Acta, InformeRender
from reports.printing import request_informe_print
from reports.services import answer_circulation, circulate_acta, draft_acta
from sessions.models import NoticeDelivery
from sessions.notifications import send_notice
from tests.conftest import load_default_rules
from tests.record import held, opened, scheduled, seats
from tests.sealed_record import DAY

# Transactional: the threads need committed rows. The flush after each test empties the
# rules table too: tests that need rules reload them (tests.conftest.load_default_rules).
pytestmark = pytest.mark.django_db(transaction=True)


def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; this race only exists on PostgreSQL.")


def run_at_once(count: int, work) -> list:
    """Run ``work(n)`` in ``count`` threads released together; their results (or errors)."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(n):
        try:
            barrier.wait()
            results[n] = work(n)
        except Exception as error:  # noqa: BLE001 - reported by the caller's assertions
            results[n] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def test_six_moves_on_one_agenda_version_apply_one_and_refuse_the_others(
    committee, secretary, capsys
):
    load_default_rules()
    session = scheduled(committee, DAY)
    for n in range(3):
        insert_point(session, title=f"Punto específico {n}", kind="informative")
    points = list(session.points.order_by("position"))
    assert len(points) >= 7
    version = agenda_version(session)
    before = [point.pk for point in points]

    def move(n):
        client = Client()
        client.force_login(secretary)
        response = client.post(
            reverse("agendas:point-move", args=[points[n].pk]),
            {"direction": "down", "version": version},
        )
        return response.status_code, messages_of(response)

    results = run_at_once(6, move)

    assert all(not isinstance(result, Exception) for result in results), results
    assert all(status in (302, 503) for status, _messages in results), results
    applied = [n for n, (status, msgs) in enumerate(results) if status == 302 and not msgs]
    refused = [n for n, (status, msgs) in enumerate(results) if str(CONFLICT_MESSAGE) in msgs]
    busy = [n for n, (status, _msgs) in enumerate(results) if status == 503]
    lost = 6 - len(applied) - len(refused) - len(busy)
    assert (len(applied), lost) == (1, 0), results
    # The final order is the one the applied move made, and nothing else.
    (n,) = applied
    expected = before[:]
    expected[n], expected[n + 1] = expected[n + 1], expected[n]
    assert list(session.points.order_by("position").values_list("pk", flat=True)) == expected
    with capsys.disabled():
        print(
            f"\n--- Reorder race ({connection.vendor}): 6 requests, {len(applied)} applied, "
            f"{len(refused)} refused as a conflict, {len(busy)} told the database was busy, "
            f"{lost} lost"
        )


def test_two_votes_recorded_at_once_leave_one_consistent_vote(committee):
    postgresql_only()
    load_default_rules()
    voters = seats(committee, "Adela Ruiz", "Beatriz Soto", "Carmen Díaz")
    session = opened(scheduled(committee, DAY))
    point = session.points.get(standard="agenda")

    def vote(n):
        sense = "for" if n % 2 else "against"
        return cast_votes(point, [(voter, sense) for voter in voters])

    results = run_at_once(4, vote)

    assert all(isinstance(result, int) for result in results), results
    votes = list(Vote.objects.filter(point=point).values_list("sense", flat=True))
    assert len(votes) == 3  # one per member: never doubled
    assert len(set(votes)) == 1  # all from the same (the last applied) request


def test_eight_print_requests_at_once_queue_one_print(committee, settings):
    postgresql_only()
    load_default_rules()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from tests.reports.informe_data import draft_informe, first_bimester

    first_bimester(committee)
    informe = draft_informe(committee, narrative="Texto.")

    results = run_at_once(8, lambda n: request_informe_print(informe).pk)

    assert all(isinstance(result, int) for result in results), results
    assert len(set(results)) == 1
    assert InformeRender.objects.filter(informe=informe).count() == 1
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path__endswith="render_informe_task").count() == 1


def test_the_majority_answering_at_once_approves_the_acta_once(committee, secretary):
    postgresql_only()
    load_default_rules()
    voters = seats(committee, "Adela Ruiz", "Beatriz Soto", "Carmen Díaz")
    acta = draft_acta(held(opened(scheduled(committee, DAY, role="closing"))))
    circulate_acta(acta, by=secretary)

    results = run_at_once(
        3, lambda n: answer_circulation(acta, membership=voters[n], decision="approve")
    )

    errors = [result for result in results if isinstance(result, Exception)]
    # Whoever comes after the majority is told the acta is already approved.
    assert all("ya fue aprobada" in " ".join(error.messages) for error in errors), errors
    acta.refresh_from_db()
    assert acta.status == Acta.Status.APPROVED
    assert acta.session.sealed_at is not None
    assert len(acta.snapshot["approval"]["approvals"]) in (2, 3)


def test_a_notice_sent_twice_at_once_reaches_each_person_once(committee, mailoutbox):
    postgresql_only()
    load_default_rules()
    from tests.factories import make_membership, make_person

    people = [make_person(name=f"P{n}", email=f"p{n}@example.org") for n in range(3)]
    for person in people:
        make_membership(committee, person=person)
    session = scheduled(committee, DAY)

    run_at_once(
        2, lambda n: send_notice(session.pk, "convocation", [person.pk for person in people])
    )

    assert len(mailoutbox) == 3
    assert NoticeDelivery.objects.filter(session=session).count() == 3
