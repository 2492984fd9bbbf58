"""
Keep the search entries in step with the record. Indexing is bookkeeping, not a rule of
the record, so it lives in signals rather than in every service that saves these rows.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from agendas.models import AgendaPoint, Agreement, Document
from reports.models import Acta
from sessions.models import Session

from . import indexing

INDEXED = (Session, AgendaPoint, Agreement, Acta, Document)


@receiver(post_save)
def index_saved(sender, instance, raw=False, **kwargs):
    if raw or sender not in INDEXED:
        return
    indexing.index(instance)


@receiver(post_delete)
def forget_deleted(sender, instance, **kwargs):
    if sender in INDEXED:
        indexing.forget(instance)
