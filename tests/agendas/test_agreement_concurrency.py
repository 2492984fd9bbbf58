import datetime
import threading

import pytest
from django.db import connection, connections

from agendas.services import adopt_agreement
from tests.factories import make_committee, make_open_session, make_point


# Transactional: the threads need committed rows. Its flush also empties the rules table;
# tests that need rules after a flush reload them (tests.conftest.load_default_rules).
@pytest.mark.django_db(transaction=True)
def test_two_agreements_adopted_at_once_get_consecutive_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race only exists on PostgreSQL.")
    committee = make_committee(short_name="COTAPREP")
    point = make_point(make_open_session(committee, number=3, date=datetime.date(2024, 1, 30)))
    barrier = threading.Barrier(4)
    errors = []

    def adopt(n):
        try:
            barrier.wait()
            adopt_agreement(point, text=f"Acuerdo {n}")
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=adopt, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(committee.agreements.values_list("number", flat=True))
    assert numbers == [f"COTAPREP/2024/SO03/A0{n}" for n in range(1, 5)]
