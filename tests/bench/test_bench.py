"""
The benchmark (config/benchmark.py, ``manage.py bench``) on its small data set: every row
answers as it should, within its query budget. Times are never asserted here (README,
"Rendimiento"): they are read from the command's table.
"""

import pytest

from config import benchmark
from sessions.models import Session
from tests.conftest import load_default_rules

# The most queries each row may issue. A row whose time must not grow with the data issues a
# fixed number of queries, whatever the size of the data set.
QUERY_BUDGET = {
    "Vista vacía de Django": 0,
    "Plantilla de 50 filas": 0,
    "Inicio": 9,
    "Órgano (16 sesiones)": 38,
    "Órgano (historia larga)": 30,
    "Sesión (9 puntos)": 15,
    "Calendario (mes)": 6,
    "Cumplimiento": 33,
    "Calendario del órgano (.ics)": 2,
    "Calendario del órgano, 304": 2,
    "Calendario largo (.ics)": 2,
    "Calendario largo, 304": 2,
    "Calendario personal (.ics)": 4,
    "Calendario personal, 304": 4,
    "Orden del día PDF (en caché)": 7,
    "Acta archivada PDF": 5,
}


@pytest.fixture
def small_dataset():
    load_default_rules()
    counts = benchmark.build_dataset("small")
    assert counts["sesiones"] == 2 * 2 * 8 + 40
    assert Session.objects.count() == 16 + 72
    assert benchmark.build_dataset("small") == {}  # built once per database


# Transactional: the archive tasks run when the record commits (as in production).
@pytest.mark.django_db(transaction=True)
def test_every_row_answers_within_its_query_budget(small_dataset):
    rows = benchmark.measure(repeat=1)
    assert [row.name for row in rows] == list(QUERY_BUDGET)
    for row in rows:
        expected = 304 if row.name.endswith("304") else 200
        assert row.status == expected, row.name
        assert row.queries <= QUERY_BUDGET[row.name], (row.name, row.queries)
        assert row.median_ms > 0 and row.floor_bare > 0
    documents = [row for row in rows if row.target == "≤ 2× archivo"]
    assert len(documents) == 2 and all(row.vs_file for row in documents)
    table = benchmark.markdown(rows, "prueba")
    assert table.count("\n|") == len(rows) + 2
