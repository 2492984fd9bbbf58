"""The render cache: an unchanged document is rendered once; a changed one again."""

import pytest
from django.urls import reverse

from reports import pdf
from reports.documents import acta_context
from reports.pdf import CACHE_FOLDER, cached_pdf, content_key, store_file
from reports.services import draft_acta
from tests.reports.test_pdf_documents import held_session, text
from tests.web import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def acta(committee):
    return draft_acta(held_session(committee))


def cached_files(settings) -> list:
    folder = settings.MEDIA_ROOT / CACHE_FOLDER
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def test_a_second_render_of_an_unchanged_acta_does_not_call_weasyprint(acta, renders):
    first = cached_pdf("reports/pdf/acta.html", acta_context(acta))
    second = cached_pdf("reports/pdf/acta.html", acta_context(acta))

    assert len(renders) == 1
    assert first == second
    assert "Proyecto de acta" in text(second.read())


def test_a_change_in_the_record_renders_again(acta, renders):
    first = cached_pdf("reports/pdf/acta.html", acta_context(acta))
    acta.session.points.filter(position=1).update(minutes="Una intervención nueva.")

    second = cached_pdf("reports/pdf/acta.html", acta_context(acta))

    assert len(renders) == 2
    assert first != second
    assert "Una intervención nueva." in text(second.read())


def test_the_key_covers_the_stylesheet_and_the_variant(tmp_path, monkeypatch):
    markup = "<p>hola</p>"
    plain = content_key(markup)
    assert content_key(markup, pdf_variant="pdf/a-3b") != plain
    assert content_key("<p>hola.</p>") != plain
    monkeypatch.setattr(pdf, "_stylesheet_digest", lambda: "otra hoja")
    assert content_key(markup) != plain


def test_repeated_downloads_render_once(client, member, acta, renders, settings):
    signed_in(client, member)
    url = reverse("reports:acta-pdf", args=[acta.pk])

    first = client.get(url).getvalue()
    second = client.get(url).getvalue()

    assert first == second
    assert len(renders) == 1
    assert len(cached_files(settings)) == 1


def test_a_failed_render_leaves_nothing_in_the_cache(acta, monkeypatch, settings):
    monkeypatch.setattr(pdf, "write_pdf", lambda markup, **kwargs: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        cached_pdf("reports/pdf/acta.html", acta_context(acta))

    assert cached_files(settings) == []


def test_a_failed_write_leaves_no_temporary_file(settings, monkeypatch):
    def broken_replace(source, target):
        raise OSError("disco lleno")

    monkeypatch.setattr(pdf.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disco lleno"):
        store_file(f"{CACHE_FOLDER}/ab/x.pdf", b"%PDF-1.7", replace=True)

    assert cached_files(settings) == []


def test_an_archive_name_in_use_gets_a_new_name_and_nothing_is_overwritten(settings):
    first = store_file("actas/acta.pdf", b"uno")
    second = store_file("actas/acta.pdf", b"dos")

    assert first == "actas/acta.pdf"
    assert second != first
    assert (settings.MEDIA_ROOT / first).read_bytes() == b"uno"
    assert (settings.MEDIA_ROOT / second).read_bytes() == b"dos"
    assert sorted(p.name for p in (settings.MEDIA_ROOT / "actas").iterdir()) == sorted(
        [first.split("/")[1], second.split("/")[1]]
    )
