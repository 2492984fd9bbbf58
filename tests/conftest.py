import importlib

import pytest
from django.apps import apps as django_apps


def load_default_rules() -> None:
    """
    The rules that the data migration loads, loaded again: the flush after a transactional
    test (browser tests, concurrency tests) empties every table, rules included.
    """
    migration = importlib.import_module("committees.migrations.0004_default_rules")
    migration.load_rules(django_apps, None)
    corrections = importlib.import_module(
        "committees.migrations.0006_rules_circulation_and_informe_periods"
    )
    corrections.update_statements(django_apps, None)


@pytest.fixture(autouse=True)
def _media_of_the_test(settings, tmp_path):
    """
    Every test writes files (uploads, the render cache, archived PDFs) to a folder of its
    own, never to the project's media/.
    """
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_feed_left_from_another_test():
    """Rendered feeds are kept in memory under their ETag: each test starts without them."""
    from django.core.cache import caches

    caches["feeds"].clear()


@pytest.fixture
def alice(django_user_model):
    """The technical secretariat's staff account (superuser for the admin site)."""
    return django_user_model.objects.create_superuser("alice", "alice@example.org", "password")


@pytest.fixture
def bob(django_user_model):
    """A committee member's account."""
    return django_user_model.objects.create_user("bob", "bob@example.org", "password")


@pytest.fixture
def charlie(django_user_model):
    """Someone outside every committee."""
    return django_user_model.objects.create_user("charlie", "charlie@example.org", "password")
