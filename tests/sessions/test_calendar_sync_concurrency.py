import threading

import pytest
from django.db import connection, connections

from sessions.calendar_import import import_calendar
from tests.factories import make_committee
from tests.sessions.test_calendar_sync import google_calendar, google_event

FIRST = google_calendar(
    google_event("abc123@google.com", "20240130T170000Z", 0, "Tercera sesión ordinaria")
)
MOVED = google_calendar(
    google_event("abc123@google.com", "20240206T170000Z", 1, "Tercera sesión ordinaria"),
    google_event("new789@google.com", "20240228", 0, "Cuarta sesión ordinaria"),
)


# Transactional: the threads need committed rows.
@pytest.mark.django_db(transaction=True)
def test_the_same_calendar_imported_twice_at_once_applies_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race only exists on PostgreSQL.")
    committee = make_committee()
    assert import_calendar(committee, FIRST).written
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run():
        try:
            barrier.wait()
            reports.append(import_calendar(committee, MOVED))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    # The committee's lock orders them: the first moves and creates, the second finds
    # both current (the new event is known by its UID now), and nothing is doubled.
    changes = sorted((len(r.changed), len(r.planned), len(r.current)) for r in reports)
    assert changes == [(0, 0, 2), (1, 1, 0)]
    assert committee.sessions.count() == 2
    moved = committee.sessions.get(source_uid="abc123@google.com")
    assert (str(moved.date), moved.source_sequence, moved.revision) == ("2024-02-06", 1, 1)
