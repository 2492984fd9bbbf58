"""
A production configuration (DEBUG=0) refuses to start without what it cannot guess, and
`check --deploy` says what it would get wrong.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache

ROOT = Path(__file__).resolve().parents[2]
# Variables of the environment running the tests that would change what is checked here.
OURS = ("DEBUG", "SECRET_KEY", "SITE_URL", "ALLOWED_HOSTS", "PORT", "STORAGE_BACKEND")
# A random-looking key: check --deploy rejects a key of few distinct characters.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3J9-pQ2_zX7vB1nM5wE8rT4yU6iO0aS" * 2,
    "SITE_URL": "https://quorum.example.org",
}


def python(code: str, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    return subprocess.run(  # noqa: S603 - the tests' own code, in a fresh interpreter
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def setting(name: str, env: dict) -> str:
    result = python(f"from django.conf import settings; print(settings.{name})", env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def deploy_check(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": "sqlite://:memory:",
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_site_url():
    result = python("", {"DEBUG": "0", "SECRET_KEY": "s" * 60})
    assert result.returncode != 0
    assert "SITE_URL no está definida" in result.stderr
    assert "SITE_URL=https://quorum.example.org" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = python("", {"DEBUG": "0", "SITE_URL": "https://quorum.example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_a_site_url_with_a_path():
    result = python("", {**PRODUCTION, "SITE_URL": "https://example.org/quorum"})
    assert result.returncode != 0
    assert "lleva una ruta (/quorum)" in result.stderr


def test_production_serves_the_host_of_its_site_url_by_default():
    assert setting("ALLOWED_HOSTS", PRODUCTION) == "['quorum.example.org']"


def test_in_development_the_site_url_follows_the_port_served():
    assert setting("SITE_URL", {"DEBUG": "1"}) == "http://127.0.0.1:8000"
    assert setting("SITE_URL", {"DEBUG": "1", "PORT": "8123"}) == "http://127.0.0.1:8123"


def test_the_deploy_check_passes_a_complete_production_configuration():
    result = deploy_check(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_refuses_a_site_url_the_site_does_not_serve():
    result = deploy_check({**PRODUCTION, "ALLOWED_HOSTS": "otro.example.org"})
    assert result.returncode != 0
    assert "quorum.E001" in result.stderr
    assert "El nombre de SITE_URL (quorum.example.org) no está en ALLOWED_HOSTS" in result.stderr


def test_the_deploy_check_warns_of_a_site_url_without_https():
    result = deploy_check({**PRODUCTION, "SITE_URL": "http://quorum.example.org"})
    assert result.returncode != 0
    assert "quorum.W001" in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STORAGE_BACKEND": "s3"}, "STORAGE_BACKEND=s3 necesita AWS_STORAGE_BUCKET_NAME"),
        ({"STORAGE_BACKEND": "nfs"}, "STORAGE_BACKEND='nfs' no se reconoce"),
    ],
)
def test_an_incomplete_storage_configuration_refuses_to_start(env, message):
    result = python("", {**PRODUCTION, **env})
    assert result.returncode != 0
    assert message in result.stderr


def test_the_s3_storage_keeps_files_private_and_never_overwrites():
    code = (
        "from django.core.files.storage import storages\n"
        "s = storages['default']\n"
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl,"
        " s.file_overwrite, s.querystring_auth, s.querystring_expire)"
    )
    env = {
        **PRODUCTION,
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": "quorum-media",
        "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
    }
    result = python(code, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "S3Storage",
        "quorum-media",
        "https://s3.example.org",
        "None",
        "False",
        "True",
        "300",
    ]


@pytest.mark.django_db
def test_the_cache_is_shared_by_every_process_through_the_database():
    cache = caches["default"]
    assert isinstance(cache, DatabaseCache)
    # Its table is made by the migrations, so a deployment cannot forget it.
    cache.set("quorum-test", "compartido", 30)
    assert cache.get("quorum-test") == "compartido"
