import pytest

from tests.transparency.world import build_demo
from tests.web import committee, member, secretary  # noqa: F401 - fixtures


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks, settings):
    return build_demo(django_capture_on_commit_callbacks, settings)
