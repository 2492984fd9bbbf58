import pytest

from tests.transparency.world import build_demo


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks, settings):
    return build_demo(django_capture_on_commit_callbacks, settings)
