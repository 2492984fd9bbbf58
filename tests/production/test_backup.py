"""
manage.py backup and restore: the demo season (every acta and informe archived) backed up,
restored by another process into a fresh database and storage, with equal counts, equal
files and a clean verify_documents; damaged archives refused with nothing written.
"""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from agendas.models import Document
from config.backup import count_rows, database_counts, storage_files
from demo.loader import load_demo
from demo.simulation import simulate_season
from reports.models import Acta, Informe
from tests.conftest import load_default_rules
from tests.s3 import CREDENTIALS, REGION, Bucket

ROOT = Path(__file__).resolve().parents[2]
# Our variables that must not leak from the environment running the tests.
OURS = ("DATABASE_URL", "MEDIA_ROOT", "STORAGE_BACKEND", "SITE_URL", "DEBUG", "SECRET_KEY")

# Transactional: the backup reads committed rows (pg_dump runs in another process).
pytestmark = pytest.mark.django_db(transaction=True)


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    """manage.py in a process of its own, configured only by ``env`` (as in production)."""
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    return subprocess.run(  # noqa: S603 - our interpreter, our command
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def season():
    """The demo committee's season played through: 8 actas and 4 informes archived."""
    load_default_rules()
    simulate_season(load_demo().committee)
    assert Acta.objects.exclude(pdf="").count() == 9  # the last by circulation
    assert Informe.objects.exclude(pdf="").count() == 4


@pytest.fixture
def small_site():
    """The demo committee's plan and one document under a point (no season played)."""
    load_default_rules()
    committee = load_demo().committee
    point = committee.sessions.order_by("date").first().points.order_by("position").first()
    Document.objects.create(
        point=point, title="Anexo", file=SimpleUploadedFile("anexo.pdf", b"%PDF-1.4 anexo\n")
    )


def backup(tmp_path) -> Path:
    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "respaldo.tar.gz"), stdout=out)
    assert "Respaldo escrito:" in out.getvalue()
    return tmp_path / "respaldo.tar.gz"


def stored_files() -> dict[str, str]:
    """Every file of the media storage with its SHA-256."""
    files = {}
    for name in storage_files(default_storage):
        with default_storage.open(name, "rb") as file:
            files[name] = hashlib.sha256(file.read()).hexdigest()
    return files


def folder_files(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as restored:
        return count_rows(restored.cursor(), connection.ops.quote_name)


def sqlite_tables(path: Path) -> list[str]:
    if not path.exists():
        return []
    with sqlite3.connect(path) as database:
        return [row[0] for row in database.execute("SELECT name FROM sqlite_master")]


def assert_restored_and_verified(result) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert "13 documentos aprobados revisados." in result.stdout
    assert result.stdout.count("íntegro ") == 13
    assert "NO COINCIDE" not in result.stdout
    assert "FALTA" not in result.stdout


def repack(source: Path, target: Path, change) -> None:
    """The same archive with one member's bytes changed by ``change(name, data)``."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for info in old:
            data = change(info.name, old.extractfile(info).read())
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


# --- SQLite and a folder --------------------------------------------------------------------


def test_a_backup_restores_into_a_fresh_database_with_equal_counts_and_files(
    season, tmp_path, settings
):
    if connection.vendor != "sqlite":
        pytest.skip("The PostgreSQL round trip is the test below.")
    archive = backup(tmp_path)
    database, media = tmp_path / "restaurada.sqlite3", tmp_path / "restaurada-media"

    result = manage(
        "restore",
        str(archive),
        env={"DATABASE_URL": f"sqlite:///{database}", "MEDIA_ROOT": str(media)},
    )

    assert_restored_and_verified(result)
    counts = database_counts()
    assert sqlite_counts(database) == counts
    assert counts["reports.Acta"] == 9
    assert counts["agendas.AgendaPoint"] > 80
    assert folder_files(media) == folder_files(Path(settings.MEDIA_ROOT))
    assert len(folder_files(media)) >= 13
    # The archive's own manifest says the same.
    with tarfile.open(archive, "r:gz") as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    assert manifest["counts"] == counts
    assert manifest["database"]["engine"] == "sqlite"
    assert {entry["name"] for entry in manifest["media"]} == set(folder_files(media))

    verified = manage(
        "verify_documents", env={"DATABASE_URL": f"sqlite:///{database}", "MEDIA_ROOT": str(media)}
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_truncated_archive_is_refused_and_nothing_is_written(small_site, tmp_path):
    archive = backup(tmp_path)
    truncated = tmp_path / "cortado.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    database, media = tmp_path / "destino.sqlite3", tmp_path / "destino-media"

    result = manage(
        "restore",
        str(truncated),
        env={"DATABASE_URL": f"sqlite:///{database}", "MEDIA_ROOT": str(media)},
    )

    assert result.returncode != 0
    assert "El respaldo está dañado o incompleto" in result.stderr
    assert sqlite_tables(database) == []
    assert folder_files(media) == {}


def test_a_changed_file_in_the_archive_is_refused_by_name(small_site, tmp_path):
    archive = backup(tmp_path)
    altered = tmp_path / "alterado.tar.gz"
    name = Document.objects.get().file.name
    repack(
        archive,
        altered,
        lambda member, data: data + b"%" if member == f"media/{name}" else data,
    )
    database, media = tmp_path / "destino.sqlite3", tmp_path / "destino-media"

    result = manage(
        "restore",
        str(altered),
        env={"DATABASE_URL": f"sqlite:///{database}", "MEDIA_ROOT": str(media)},
    )

    assert result.returncode != 0
    assert f"«media/{name}» no coincide con su SHA-256 del manifiesto" in result.stderr
    assert sqlite_tables(database) == []
    assert folder_files(media) == {}


def test_an_archive_without_its_manifest_is_refused(tmp_path):
    archive = tmp_path / "sin-manifiesto.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("database.sqlite3")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    with pytest.raises(CommandError, match="no tiene manifiesto"):
        call_command("restore", str(archive), "--check")


def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    archive = tmp_path / "respaldo.tar.gz"
    archive.write_text("esto no es un respaldo")
    with pytest.raises(CommandError, match="El respaldo está dañado o incompleto"):
        call_command("restore", str(archive))


def test_check_reads_the_whole_archive_without_restoring(small_site, tmp_path):
    archive = backup(tmp_path)
    out = io.StringIO()
    call_command("restore", str(archive), "--check", stdout=out)
    assert out.getvalue().startswith(f"Respaldo íntegro: {archive}")


def test_a_restore_into_a_database_in_use_is_refused(small_site, tmp_path):
    archive = backup(tmp_path)
    with pytest.raises(CommandError, match="La base de datos de destino no está vacía"):
        call_command("restore", str(archive))
    assert Document.objects.count() == 1


# --- A bucket -------------------------------------------------------------------------------


def test_a_backup_of_a_bucket_restores_into_another_bucket(season_in_a_bucket, tmp_path):
    source, endpoint = season_in_a_bucket
    if connection.vendor != "sqlite":
        pytest.skip("The bucket round trip runs once, on SQLite.")
    archive = backup(tmp_path)
    target = Bucket(endpoint)
    target.client.create_bucket(Bucket=target.name)
    database = tmp_path / "restaurada.sqlite3"
    try:
        result = manage(
            "restore",
            str(archive),
            env={
                "DATABASE_URL": f"sqlite:///{database}",
                "STORAGE_BACKEND": "s3",
                "AWS_STORAGE_BUCKET_NAME": target.name,
                "AWS_S3_ENDPOINT_URL": endpoint,
                "AWS_S3_REGION_NAME": REGION,
                "AWS_S3_ADDRESSING_STYLE": "path",
                "AWS_ACCESS_KEY_ID": CREDENTIALS["access_key"],
                "AWS_SECRET_ACCESS_KEY": CREDENTIALS["secret_key"],
            },
        )
        assert_restored_and_verified(result)
        assert target.keys() == source.keys()
        assert all(target.read(key) == source.read(key) for key in source.keys("actas/"))
        assert sqlite_counts(database) == database_counts()
    finally:
        target.destroy()


@pytest.fixture
def season_in_a_bucket(s3_bucket, s3_endpoint):
    load_default_rules()
    simulate_season(load_demo().committee)
    assert len(s3_bucket.keys("actas/")) == 9
    return s3_bucket, s3_endpoint


# --- PostgreSQL ----------------------------------------------------------------------------


def test_a_postgresql_backup_restores_into_a_fresh_database(season, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore need PostgreSQL (the CI's second run).")
    archive = backup(tmp_path)
    source = connection.settings_dict
    fresh = f"{source['NAME']}_restaurada"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    user = source["USER"] + (f":{source['PASSWORD']}" if source["PASSWORD"] else "")
    url = f"postgres://{user}@{source['HOST'] or '127.0.0.1'}:{source['PORT'] or 5432}/{fresh}"
    media = tmp_path / "restaurada-media"
    try:
        env = {"DATABASE_URL": url, "MEDIA_ROOT": str(media)}
        result = manage("restore", str(archive), env=env)
        assert_restored_and_verified(result)
        counted = manage(
            "shell",
            "-c",
            "import json; from config.backup import database_counts; "
            "print(json.dumps(database_counts()))",
            env=env,
        )
        assert counted.returncode == 0, counted.stderr
        assert json.loads(counted.stdout.strip().splitlines()[-1]) == database_counts(), (
            counted.stdout
        )
        assert folder_files(media) == folder_files(Path(settings.MEDIA_ROOT))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
