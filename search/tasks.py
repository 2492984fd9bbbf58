"""Background work of the search: reading the text of an uploaded PDF, once per file."""

from django.tasks import task

from .indexing import extract_text_once


@task
def extract_document_text(document_id: int) -> None:
    extract_text_once(document_id)
