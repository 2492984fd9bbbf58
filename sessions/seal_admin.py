"""The admin's share of the seal (sessions.seal, layer 3), for every app's record models."""

from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import BooleanField, Case, Value, When

from .seal import SEALED_MESSAGE


def is_sealed(obj) -> bool:
    """Whether ``obj`` is sealed, from the flag loaded with it when there is one."""
    if obj is None or obj.pk is None:
        return False
    flag = getattr(obj, "seal_flag", None)
    return flag if flag is not None else obj.is_sealed


class SealedRecordAdminMixin:
    """
    The admin of a model of a session's record (sessions.seal, layer 3): a sealed row is
    shown, never changed nor deleted — only its SEAL_EXEMPT_FIELDS stay editable — and the
    bulk delete treats sealed rows as protected, so the page explains instead of failing.
    """

    def get_queryset(self, request):
        # Whether each row is sealed, loaded with it: lists and change pages ask per row.
        path = f"{self.model.SEAL_PATH}__isnull"
        return (
            super()
            .get_queryset(request)
            .annotate(
                seal_flag=Case(
                    When(**{path: False}, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
        )

    def _sealed(self, obj) -> bool:
        return is_sealed(obj)

    def has_change_permission(self, request, obj=None):
        if self._sealed(obj) and not self.model.SEAL_EXEMPT_FIELDS:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._sealed(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self._sealed(obj):
            exempt = set(self.model.SEAL_EXEMPT_FIELDS)
            if self.fieldsets:
                names = flatten_fieldsets(self.fieldsets)
            else:
                names = self.fields or [
                    field.name
                    for field in self.model._meta.get_fields()
                    if field.concrete and not field.auto_created
                ]
            readonly += [name for name in names if name not in exempt and name not in readonly]
        return readonly

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        sealed = [obj for obj in objs if self._sealed(obj)]
        if sealed:
            protected = [*protected, *(f"{obj} — {SEALED_MESSAGE}" for obj in sealed)]
        return deleted, counts, perms_needed, protected


class SealedInlineMixin:
    """An inline of a session's record: read only once the parent's record is sealed."""

    def _parent_sealed(self, obj) -> bool:
        return is_sealed(obj)

    def has_add_permission(self, request, obj=None):
        return not self._parent_sealed(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._parent_sealed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._parent_sealed(obj) and super().has_delete_permission(request, obj)
