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
