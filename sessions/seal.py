"""
The seal on the record of a session.

When a session's acta is approved, ``reports.services`` stamps ``Session.sealed_at`` in the
same transaction. From then on the session and its whole record (attendance, agenda points,
votes, documents, agreements as adopted, the acta and what was said about it) are refused
change at four layers:

1. the services (``sessions``, ``agendas`` and ``reports``) check ``sealed_at`` under a row
   lock and answer with ``SealedRecordError``, a Spanish message the pages show;
2. the models (``SealedRecordMixin.save()`` and ``delete()``) and their querysets
   (``SealedQuerySet.update()`` and ``delete()``) refuse what a service would;
3. the admin hides the controls and refuses change and deletion (``committees.admin``);
4. the database itself: triggers (migration ``reports.0005_seal_triggers``) refuse UPDATE,
   INSERT and DELETE of sealed rows on PostgreSQL and on SQLite, raw SQL included.

Each sealed model names the path to its session's ``sealed_at`` (``SEAL_PATH``) and the
fields that may still change after the seal (``SEAL_EXEMPT_FIELDS``: an agreement's status,
whose follow-up continues; a session's publication flag). ``seal_maintenance()`` lifts the
database triggers inside one transaction, for the commands that erase or restore a whole
database (``flush``); nothing in the application's own workflows uses it.
"""

import contextlib

from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.utils.translation import gettext_lazy as _

SEALED_MESSAGE = _(
    "El acta de esta sesión ya fue aprobada: su registro quedó sellado y ya no se modifica. "
    "Las correcciones se registran como fe de erratas del acta."
)

# The table the SQLite triggers look at to know that a maintenance command is running
# (PostgreSQL reads a transaction-local setting instead). Created by the trigger migration.
SQLITE_MAINTENANCE_TABLE = "quorum_seal_maintenance"
POSTGRES_MAINTENANCE_SETTING = "quorum.seal_maintenance"


class SealedRecordError(ValidationError):
    """A change to the sealed record of a session (its acta is approved)."""

    def __init__(self, message=SEALED_MESSAGE, code="sealed"):
        super().__init__(message, code=code)


def _sealed_lookup(path: str) -> dict:
    return {f"{path}__isnull": False}


class SealedQuerySet(models.QuerySet):
    """
    A queryset that refuses ``update()`` and ``delete()`` of rows whose session is sealed,
    except an update that only touches the model's SEAL_EXEMPT_FIELDS.
    """

    def sealed(self):
        return self.filter(**_sealed_lookup(self.model.SEAL_PATH))

    def unsealed(self):
        return self.exclude(**_sealed_lookup(self.model.SEAL_PATH))

    def update(self, **kwargs):
        if not self.model.seal_allows_update(self, kwargs) and self.sealed().exists():
            raise SealedRecordError()
        return super().update(**kwargs)

    update.alters_data = True

    def delete(self):
        if self.sealed().exists():
            raise SealedRecordError()
        return super().delete()

    delete.alters_data = True


class SealedRecordMixin:
    """
    For the models of a session's record: ``save()`` and ``delete()`` refuse to change a
    row whose session is sealed, or to add one to a sealed session.
    """

    # The lookup path from the model to Session.sealed_at ("session__sealed_at").
    SEAL_PATH: str = "session__sealed_at"
    # Fields that may still change once the record is sealed.
    SEAL_EXEMPT_FIELDS: tuple[str, ...] = ()

    @classmethod
    def seal_allows_update(cls, queryset, values: dict) -> bool:
        """Whether a queryset update of ``values`` may touch sealed rows."""
        return set(values) <= set(cls.SEAL_EXEMPT_FIELDS)

    def seal_allows_change(self, stored: dict) -> bool:
        """Whether saving this instance over the ``stored`` values of a sealed row is allowed."""
        exempt = {self._meta.get_field(name).attname for name in self.SEAL_EXEMPT_FIELDS}
        return all(
            stored[field.attname] == getattr(self, field.attname)
            for field in self._meta.concrete_fields
            if field.attname not in exempt
        )

    @property
    def is_sealed(self) -> bool:
        """Whether the stored row belongs to a sealed session (asks the database)."""
        if self.pk is None:
            return False
        return (
            type(self)._base_manager.filter(pk=self.pk, **_sealed_lookup(self.SEAL_PATH)).exists()
        )

    def _parent_is_sealed(self) -> bool:
        """Whether the session this instance points to (as it is now) is sealed."""
        first, _sep, rest = self.SEAL_PATH.partition("__")
        if not rest:
            return False
        field = self._meta.get_field(first)
        parent_id = getattr(self, field.attname)
        if parent_id is None:
            return False
        return field.related_model._base_manager.filter(
            pk=parent_id, **_sealed_lookup(rest)
        ).exists()

    def save(self, *args, **kwargs):
        stored = None
        if self.pk is not None and not self._state.adding:
            stored = (
                type(self)
                ._base_manager.filter(pk=self.pk, **_sealed_lookup(self.SEAL_PATH))
                .values(*(field.attname for field in self._meta.concrete_fields))
                .first()
            )
        if stored is not None:
            # A sealed row: only its exempt fields may change (and it cannot move away).
            if not self.seal_allows_change(stored):
                raise SealedRecordError()
        elif self._parent_is_sealed():
            # A new row, or one moved, into a sealed session.
            raise SealedRecordError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_sealed:
            raise SealedRecordError()
        return super().delete(*args, **kwargs)


@contextlib.contextmanager
def seal_maintenance(using: str = "default"):
    """
    Lift the database's seal triggers for the rest of one transaction: only for commands
    that erase or load a whole database (flush, restore). Leaving the block ends it, and a
    crash rolls it back with the transaction.
    """
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'on', true)", [POSTGRES_MAINTENANCE_SETTING])
            yield
            # Transaction-local, not savepoint-local: inside an outer transaction the setting
            # would outlive the block. (On an error the savepoint's rollback undoes it.)
            cursor.execute("SELECT set_config(%s, 'off', true)", [POSTGRES_MAINTENANCE_SETTING])
        elif connection.vendor == "sqlite" and _sqlite_has_maintenance_table(cursor):
            cursor.execute(f"INSERT INTO {SQLITE_MAINTENANCE_TABLE} (active) VALUES (1)")  # noqa: S608
            try:
                yield
            finally:
                cursor.execute(f"DELETE FROM {SQLITE_MAINTENANCE_TABLE}")  # noqa: S608
        else:
            yield


def _sqlite_has_maintenance_table(cursor) -> bool:
    cursor.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s",
        [SQLITE_MAINTENANCE_TABLE],
    )
    return cursor.fetchone() is not None
