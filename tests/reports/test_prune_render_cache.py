"""prune_render_cache: old cached renders go, recent ones and archives stay."""

import os
import time

import pytest
from django.core.management import CommandError, call_command

from reports.pdf import CACHE_FOLDER, store_file

pytestmark = pytest.mark.django_db


def aged(settings, name: str, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(settings.MEDIA_ROOT / name, (then, then))


def test_it_deletes_only_cached_files_older_than_the_limit(settings, capsys):
    old = store_file(f"{CACHE_FOLDER}/ab/viejo.pdf", b"%PDF viejo", replace=True)
    recent = store_file(f"{CACHE_FOLDER}/cd/reciente.pdf", b"%PDF nuevo", replace=True)
    archived = store_file("actas/acta.pdf", b"%PDF archivado")
    aged(settings, old, 40)
    aged(settings, archived, 400)

    call_command("prune_render_cache", "--days", "30")

    assert not (settings.MEDIA_ROOT / old).exists()
    assert (settings.MEDIA_ROOT / recent).exists()
    assert (settings.MEDIA_ROOT / archived).exists()
    assert "Se borraron 1 PDF de la caché" in capsys.readouterr().out


def test_a_dry_run_deletes_nothing(settings, capsys):
    old = store_file(f"{CACHE_FOLDER}/ab/viejo.pdf", b"%PDF viejo", replace=True)
    aged(settings, old, 40)

    call_command("prune_render_cache", "--dry-run")

    assert (settings.MEDIA_ROOT / old).exists()
    assert "Se borrarían 1 PDF" in capsys.readouterr().out


def test_an_empty_or_missing_cache_is_fine(capsys):
    call_command("prune_render_cache")
    assert "Se borraron 0 PDF" in capsys.readouterr().out


def test_negative_days_are_refused():
    with pytest.raises(CommandError, match="no puede ser negativo"):
        call_command("prune_render_cache", "--days", "-1")
