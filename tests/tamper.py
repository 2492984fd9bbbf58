"""
Changing a sealed record behind the application's back, as only someone with direct access
to the database could (and with the seal's triggers lifted): for the tests that show what
the application does when stored data no longer matches what was approved.
"""

from sessions.seal import seal_maintenance


def tamper(queryset, **values) -> int:
    """UPDATE the rows of ``queryset`` past every layer of the seal."""
    model = queryset.model
    with seal_maintenance():
        return model._base_manager.filter(
            pk__in=list(queryset.values_list("pk", flat=True))
        ).update(**values)
