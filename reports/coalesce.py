"""
One worker at a time per piece of work: the same document is rendered, or archived, by one
process while the others wait for its result (or leave the work to it).

The lock dies with whoever holds it — a killed worker never leaves work locked: on
PostgreSQL it is a transaction-level advisory lock (released at commit, rollback or when
the connection drops), shared by every server on the database; on SQLite, which serves
one machine, an exclusive ``flock`` on a file in the temporary folder (released when the
process exits). Threads of one process conflict too: each takes its own file descriptor.
"""

import contextlib
import fcntl
import hashlib
import os
import tempfile
import time
from pathlib import Path

from django.db import connection, transaction

# How long a waiter waits for the holder before doing the work itself: a render that takes
# longer than this is stuck, and the cache writes the same bytes anyway.
DEFAULT_WAIT_SECONDS = 120.0
_POLL_SECONDS = 0.05


def _lock_id(key: str) -> int:
    """A signed 64-bit number for PostgreSQL's advisory locks, from the key."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


@contextlib.contextmanager
def one_at_a_time(key: str, *, wait: bool = True, timeout: float = DEFAULT_WAIT_SECONDS):
    """
    Hold the lock named ``key`` for the block and yield True. Without ``wait`` (or once
    ``timeout`` passes) yield False at once when another process holds it: the caller then
    leaves the work to that process, or does it anyway.
    """
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            deadline = time.monotonic() + (timeout if wait else 0)
            while True:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_lock_id(key)])
                if cursor.fetchone()[0]:
                    yield True
                    return
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(_POLL_SECONDS)
    folder = Path(tempfile.gettempdir()) / "quorum-locks"
    folder.mkdir(exist_ok=True)
    path = folder / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.lock"
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + (timeout if wait else 0)
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(_POLL_SECONDS)
                continue
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
            return
    finally:
        os.close(handle)
