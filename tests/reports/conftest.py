import pytest
from weasyprint import HTML

# The people of a committee, shared by the view tests (see tests/web.py).
from tests.web import (  # noqa: F401
    committee,
    guest,
    manager,
    media,
    member,
    outsider,
    representative,
    secretary,
)


@pytest.fixture
def renders(monkeypatch):
    """Counts the calls into WeasyPrint."""
    calls = []
    write_pdf = HTML.write_pdf

    def counted(self, *args, **kwargs):
        calls.append(self)
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "write_pdf", counted)
    return calls
