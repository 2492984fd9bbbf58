"""Project-wide checks: URLs, migrations, settings."""

import datetime
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROOT = Path(__file__).resolve().parent.parent


def iter_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from iter_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def test_every_url_name_reverses():
    names = list(iter_url_names())
    assert "admin:index" in [name for name, _ in names]
    for name, pattern in names:
        kwargs = {key: 1 for key in pattern.pattern.regex.groupindex}
        if "app_label" in kwargs:
            # The admin's app_list pattern lists the registered labels: take the first.
            labels = re.search(r"\(\?P<app_label>([^|)]+)", pattern.pattern.regex.pattern)
            kwargs["app_label"] = labels.group(1)
        if "content_type_id" in kwargs:
            kwargs["object_id"] = "1"
        regex = pattern.pattern.regex
        args = ["1"] * (regex.groups - len(regex.groupindex)) if not kwargs else None
        try:
            reverse(name, args=args or None, kwargs=kwargs or None)
        except Exception as error:  # noqa: BLE001 - the assertion names the URL
            pytest.fail(f"{name} does not reverse with {kwargs}: {error}")


@pytest.mark.django_db
def test_no_missing_migrations():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"Models and migrations disagree:\n{out.getvalue()}")


def run_settings(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "SITE_URL")}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_starts_with_a_secret_key():
    result = run_settings({"DEBUG": "0", "SECRET_KEY": "x" * 60, "SITE_URL": "https://example.org"})
    assert result.returncode == 0, result.stderr


def test_spanish_and_the_institution_time_zone(client):
    # A moment stored in UTC is shown in the institution's time zone, in Spanish.
    from django.template import Context, Template
    from django.utils import timezone, translation

    moment = datetime.datetime(2024, 1, 1, 5, 30, tzinfo=datetime.UTC)
    with translation.override("es-mx"):
        shown = Template("{% load quorum %}{{ moment|fecha }} {{ moment|hora }}").render(
            Context({"moment": timezone.localtime(moment)})
        )
    assert shown == "31 de diciembre de 2023 23:30 h"
    assert 'lang="es-MX"' in client.get("/cuenta/login/").text


def test_the_time_zone_comes_from_the_environment():
    result = run_settings({"TIME_ZONE": "America/Tijuana", "SECRET_KEY": "x" * 60, "DEBUG": "1"})
    assert result.returncode == 0, result.stderr
