"""Person.calendar_token: the secret of the personal feed, and the migration that adds it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import make_person


@pytest.mark.django_db
def test_every_person_gets_an_unguessable_token():
    first, second = make_person(), make_person()
    assert len(first.calendar_token) == 43
    assert first.calendar_token != second.calendar_token


@pytest.mark.django_db
def test_regenerating_the_token_saves_a_new_one():
    person = make_person()
    old = person.calendar_token

    new = person.regenerate_calendar_token()

    person.refresh_from_db()
    assert person.calendar_token == new != old


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_people_distinct_tokens():
    before = [("committees", "0001_initial")]
    after = [("committees", "0002_person_calendar_token")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    Person = old_apps.get_model("committees", "Person")
    Person.objects.bulk_create([Person(name=f"Persona {n}") for n in range(3)])

    executor = MigrationExecutor(connection)
    try:
        executor.migrate(after)
        Person = executor.loader.project_state(after).apps.get_model("committees", "Person")
        tokens = list(Person.objects.values_list("calendar_token", flat=True))
    finally:
        # Leave the schema as the rest of the suite expects it.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert len(tokens) == 3
    assert len(set(tokens)) == 3
    assert all(len(token) == 43 for token in tokens)
