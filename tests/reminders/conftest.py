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
