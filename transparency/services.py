"""The publication decision on a document: taken by a person, locked, recorded in the history."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agendas.models import Document
from sessions.services import as_user


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.open("rb")
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def decide_publication(
    document: Document,
    *,
    publication: str,
    basis: str = "",
    term=None,
    public_version=None,
    remove_public_version: bool = False,
    by,
) -> Document:
    """
    Record whether ``document`` is public, reserved or confidential, on what basis and until
    when, and (optionally) its versión pública. The row is locked first so two decisions at
    once are applied one after the other; simple_history keeps who decided what and when.
    Raises ValidationError (in Spanish) for a decision the model refuses.
    """
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        locked.publication = publication
        locked.classification_basis = basis.strip()
        locked.classification_term = term
        if remove_public_version:
            locked.public_version = ""
            locked.public_version_sha256 = ""
        if public_version is not None:
            locked.public_version = public_version
            locked.public_version_sha256 = _sha256(public_version)
        locked.publication_decided_at = timezone.now()
        locked.publication_decided_by = by
        locked.full_clean(exclude=["file", "point", "title", "uploaded_by"])
        locked._change_reason = f"Publicación: {locked.get_publication_display()}"
        as_user(locked, by).save()
    return locked


__all__ = ["ValidationError", "decide_publication"]
