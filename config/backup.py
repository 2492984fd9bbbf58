"""
Backups of a whole site in one file, and their restore.

A backup is a gzip'd tar archive holding:

- ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3``
  (SQLite: a copy made with SQLite's backup API), taken from one consistent snapshot;
- ``media/<name>`` for every file of the media storage (a folder or a bucket): uploaded
  documents, archived PDFs, the render cache, logos;
- ``manifest.json``, last: the format, when and from which site it was made, the SHA-256 and
  size of every other member, and the number of rows of every table, counted in the same
  snapshot as the dump.

``restore`` reads the whole archive and checks every member against the manifest before it
writes anything, so a truncated or altered archive is refused with nothing changed. It loads
only into an empty database and an empty storage, then counts the rows again and compares
them with the manifest.
"""

import contextlib
import dataclasses
import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import connections, transaction
from django.utils import timezone

from .health import PROBE_FOLDER
from .site import site_url

FORMAT = "quorum-backup/1"
MANIFEST = "manifest.json"
POSTGRES_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"
MEDIA_PREFIX = "media/"
CHUNK = 1 << 20


class BackupError(Exception):
    """What went wrong, in words an operator can act on (Spanish)."""


# --- What is in the database and the storage ---------------------------------------------


def model_tables() -> dict[str, str]:
    """Every table Django manages, by model label ("reports.Acta"), each table once."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in tables.values():
            continue
        tables[meta.label] = meta.db_table
    return dict(sorted(tables.items()))


def count_rows(cursor, quote) -> dict[str, int]:
    counts = {}
    for label, table in model_tables().items():
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - our table names
        counts[label] = cursor.fetchone()[0]
    return counts


def database_counts(alias: str = "default") -> dict[str, int]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return count_rows(cursor, connection.ops.quote_name)


def storage_files(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in the storage, depth first, in a stable order."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        path = f"{folder}/{sub}" if folder else sub
        if path == PROBE_FOLDER:
            continue  # the health check's probes come and go in a moment
        yield from storage_files(storage, path)


# --- Backup -------------------------------------------------------------------------------


@dataclasses.dataclass
class BackupSummary:
    path: Path
    size: int
    sha256: str
    engine: str
    database_size: int
    files: int
    files_size: int
    counts: dict[str, int]
    skipped: list[str]


def write_backup(target: Path, *, alias: str = "default") -> BackupSummary:
    """
    Write the backup to ``target`` through a temporary file renamed at the end: a failure
    leaves no archive, never half of one.
    """
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[alias]
    members: list[dict] = []
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".quorum-backup-") as work:
        work = Path(work)
        partial = work / "backup.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            if connection.vendor == "postgresql":
                engine, dump_name = "postgresql", POSTGRES_DUMP
                dump = work / dump_name
                counts = _pg_dump(connection, dump)
            elif connection.vendor == "sqlite":
                engine, dump_name = "sqlite", SQLITE_COPY
                dump = work / dump_name
                counts = _sqlite_copy(connection, dump)
            else:
                raise BackupError(
                    f"El respaldo admite PostgreSQL y SQLite; esta base es {connection.vendor}."
                )
            with dump.open("rb") as file:
                members.append(_add(archive, dump_name, file, dump.stat().st_size))
            dump.unlink()
            # After the snapshot: every file the database refers to is already stored.
            skipped = []
            for name in storage_files(default_storage):
                try:
                    size = default_storage.size(name)
                except Exception:
                    if default_storage.exists(name):
                        raise
                    skipped.append(name)  # deleted since it was listed (a pruned cache file)
                    continue
                with default_storage.open(name, "rb") as file:
                    member = _add(archive, MEDIA_PREFIX + name, file, size)
                members.append({**member, "name": name})
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "site_url": site_url(),
                "database": {"engine": engine, **members[0]},
                "media": members[1:],
                "counts": counts,
            }
            payload = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(payload)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(payload))
        digest = _file_sha256(partial)
        size = partial.stat().st_size
        os.chmod(partial, 0o600)  # the whole record, personal data included
        os.replace(partial, target)
    return BackupSummary(
        path=target,
        size=size,
        sha256=digest,
        engine=engine,
        database_size=members[0]["size"],
        files=len(members) - 1,
        files_size=sum(member["size"] for member in members[1:]),
        counts=counts,
        skipped=skipped,
    )


class _HashingReader(io.RawIOBase):
    """Reads a file through, counting and hashing what passes."""

    def __init__(self, file):
        self.file = file
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.file.read(len(buffer))
        self.digest.update(data)
        self.size += len(data)
        buffer[: len(data)] = data
        return len(data)


def _add(archive: tarfile.TarFile, member: str, file, size: int) -> dict:
    reader = _HashingReader(file)
    info = tarfile.TarInfo(member)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BufferedReader(reader, CHUNK))
    if reader.size != size:
        raise BackupError(f"«{member}» cambió de tamaño durante el respaldo; repítalo.")
    return {"file": member, "size": size, "sha256": reader.digest.hexdigest()}


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_environment(connection) -> dict:
    """The libpq variables that point pg_dump and pg_restore at Django's database."""
    settings = connection.settings_dict
    env = {**os.environ, "PGDATABASE": settings["NAME"]}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    if sslmode := settings.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return env


def _run(command: list[str], env: dict, what: str) -> None:
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(
            f"No se encontró {command[0]}: instale el cliente de PostgreSQL de la misma versión "
            "mayor que el servidor (en Debian, el paquete postgresql-client)."
        )
    result = subprocess.run(  # noqa: S603 - a fixed program, arguments we build
        [program, *command[1:]], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{what} falló: {result.stderr.strip() or result.stdout.strip()}")


def _pg_dump(connection, dump: Path) -> dict[str, int]:
    """
    Dump the database from one snapshot and count its rows in the same snapshot: the counts
    in the manifest are exactly those of the dump, however busy the site is meanwhile.
    """
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = count_rows(cursor, connection.ops.quote_name)
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={dump}",
            ],
            _pg_environment(connection),
            "pg_dump",
        )
    return counts


def _sqlite_copy(connection, copy: Path) -> dict[str, int]:
    """A copy made with SQLite's backup API (consistent while the site runs), counted."""
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)
        counts = count_rows(target.cursor(), connection.ops.quote_name)
    finally:
        target.close()
    return counts


# --- Reading an archive --------------------------------------------------------------------


DAMAGED = "El respaldo está dañado o incompleto"


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts


def read_manifest(path: Path) -> dict:
    """
    Read the whole archive once: every member hashed and compared with the manifest. Any
    fault — truncation, a changed byte, a missing or extra member, an unsafe name — raises
    BackupError before anything is restored. Returns the manifest.
    """
    seen: dict[str, tuple[int, str]] = {}
    manifest = None
    try:
        with tarfile.open(path, "r:gz") as archive:
            for info in archive:
                if not info.isfile() or not _safe_member(info.name):
                    raise BackupError(f"{DAMAGED}: contiene «{info.name}», que no es un archivo.")
                if info.name in seen or (info.name == MANIFEST and manifest is not None):
                    raise BackupError(f"{DAMAGED}: «{info.name}» aparece dos veces.")
                file = archive.extractfile(info)
                if info.name == MANIFEST:
                    manifest = _parse_manifest(file.read())
                    continue
                digest = hashlib.sha256()
                size = 0
                for chunk in iter(lambda f=file: f.read(CHUNK), b""):
                    digest.update(chunk)
                    size += len(chunk)
                seen[info.name] = (size, digest.hexdigest())
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(f"{DAMAGED}: {error}.") from error
    if manifest is None:
        raise BackupError(f"{DAMAGED}: no tiene manifiesto (¿se cortó al copiarlo?).")
    expected = {
        entry["file"]: (entry["size"], entry["sha256"])
        for entry in [manifest["database"], *manifest["media"]]
    }
    for name, (size, sha256) in expected.items():
        if name not in seen:
            raise BackupError(f"{DAMAGED}: falta «{name}».")
        if seen[name] != (size, sha256):
            raise BackupError(
                f"{DAMAGED}: «{name}» no coincide con su SHA-256 del manifiesto "
                f"(esperado {sha256}, calculado {seen[name][1]})."
            )
    if extra := sorted(set(seen) - set(expected)):
        raise BackupError(f"{DAMAGED}: «{extra[0]}» no está en el manifiesto.")
    return manifest


def _parse_manifest(content: bytes) -> dict:
    try:
        manifest = json.loads(content)
        if manifest.get("format") != FORMAT:
            raise BackupError(
                f"Este archivo no es un respaldo de Quórum en formato {FORMAT} "
                f"(dice {manifest.get('format')!r})."
            )
        database = manifest["database"]
        if database["engine"] not in ("postgresql", "sqlite"):
            raise BackupError(f"{DAMAGED}: motor de base de datos desconocido.")
        for entry in [database, *manifest["media"]]:
            entry["file"], entry["size"], entry["sha256"]  # noqa: B018 - each must be present
            if entry is not database and not (
                entry["file"] == MEDIA_PREFIX + entry["name"] and _safe_member(entry["name"])
            ):
                raise BackupError(f"{DAMAGED}: nombre de archivo no válido «{entry['file']}».")
        if not isinstance(manifest["counts"], dict):
            raise BackupError(f"{DAMAGED}: el manifiesto no trae los conteos.")
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{DAMAGED}: el manifiesto no se puede leer ({error}).") from error
    return manifest


# --- Restore ------------------------------------------------------------------------------


@dataclasses.dataclass
class RestoreSummary:
    manifest: dict
    counts: dict[str, int]
    files: int


def restore_backup(path: Path, *, alias: str = "default") -> RestoreSummary:
    """Check the archive whole, check the targets are empty, then load both and recount."""
    manifest = read_manifest(path)
    connection = connections[alias]
    engine = manifest["database"]["engine"]
    if engine != connection.vendor:
        raise BackupError(
            f"El respaldo es de una base {engine} y la configurada es {connection.vendor}: "
            "restaure en el mismo motor."
        )
    if tables := connection.introspection.table_names():
        raise BackupError(
            f"La base de datos de destino no está vacía (tiene {len(tables)} tablas, p. ej. "
            f"«{sorted(tables)[0]}»). Restaure en una base recién creada."
        )
    if existing := next(storage_files(default_storage), None):
        raise BackupError(
            f"El almacenamiento de archivos de destino no está vacío (tiene «{existing}»). "
            "Restaure en una carpeta o un bucket vacíos."
        )
    with tarfile.open(path, "r:gz") as archive, tempfile.TemporaryDirectory() as work:
        files = 0
        for info in archive:
            if info.name == MANIFEST:
                continue
            source = archive.extractfile(info)
            if info.name == manifest["database"]["file"]:
                dump = Path(work) / info.name
                with dump.open("wb") as out:
                    shutil.copyfileobj(source, out, CHUNK)
                _load_database(connection, engine, dump)
                continue
            name = info.name.removeprefix(MEDIA_PREFIX)
            saved = default_storage.save(name, File(source, name=name))
            if saved != name:
                raise BackupError(f"«{name}» se guardó como «{saved}»: el destino no estaba vacío.")
            files += 1
    counts = database_counts(alias)
    if counts != manifest["counts"]:
        differences = [
            f"{label}: {manifest['counts'].get(label, '—')} en el respaldo, "
            f"{counts.get(label, '—')} restauradas"
            for label in sorted(set(counts) | set(manifest["counts"]))
            if counts.get(label) != manifest["counts"].get(label)
        ]
        raise BackupError(
            "Los conteos no coinciden con el manifiesto:\n  " + "\n  ".join(differences)
        )
    return RestoreSummary(manifest=manifest, counts=counts, files=files)


def _load_database(connection, engine: str, dump: Path) -> None:
    if engine == "postgresql":
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(dump),
            ],
            _pg_environment(connection),
            "pg_restore",
        )
        return
    target = Path(connection.settings_dict["NAME"])
    if str(target) == ":memory:" or "mode=memory" in str(target):
        raise BackupError("No se restaura en una base SQLite en memoria: indique un archivo.")
    connection.close()
    # Copied beside the target and renamed over it: the database appears whole or not at all.
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out, dump.open("rb") as source:
            shutil.copyfileobj(source, out, CHUNK)
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)


def describe_size(size: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


def backup_name(now: datetime.datetime | None = None) -> str:
    now = timezone.localtime(now)
    return f"quorum-respaldo-{now:%Y%m%d-%H%M%S}.tar.gz"
