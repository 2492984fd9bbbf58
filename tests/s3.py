"""
A real S3-compatible server for the storage tests: the moto server (``moto[server]``,
pinned in requirements-dev.txt), spoken to over HTTP on the loopback by django-storages and
boto3 exactly as a bucket in production is. Nothing is mocked inside the test process.

``.ci/run`` starts one on a free loopback port and names it in ``QUORUM_TEST_S3_ENDPOINT``.
Without that variable, the first test that needs it starts one here (again on a free
loopback port) and stops it after the last test. If neither can be had the tests are
skipped with the reason, except under CI (``CI=true``), where they fail.
"""

import contextlib
import importlib.util
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

ENDPOINT_VARIABLE = "QUORUM_TEST_S3_ENDPOINT"
REGION = "us-east-1"
# moto accepts any credentials; a real server would be given its own.
CREDENTIALS = {"access_key": "quorum-test", "secret_key": "quorum-test-secret"}  # noqa: S105
START_TIMEOUT = 30


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def unavailable(reason: str):
    if in_ci():
        pytest.fail(f"{reason} CI needs the storage tests against a local S3 server.")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}/", timeout=2):  # noqa: S310 - loopback
            return True
    except urllib.error.HTTPError:
        return True  # it answered, even if with an error status
    except OSError:
        return False


def start_moto_server() -> tuple[subprocess.Popen, str]:
    """A moto server on a free loopback port, answering; (process, endpoint)."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if answers(endpoint):
            return process, endpoint
        time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"the moto server did not answer at {endpoint} in {START_TIMEOUT} s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def s3_endpoint():
    """The address of the local S3-compatible server."""
    endpoint = os.environ.get(ENDPOINT_VARIABLE, "").strip().rstrip("/")
    if endpoint:
        if not answers(endpoint):
            unavailable(f"{ENDPOINT_VARIABLE}={endpoint} does not answer.")
        yield endpoint
        return
    if importlib.util.find_spec("moto") is None or importlib.util.find_spec("flask") is None:
        unavailable("moto[server] is not installed (./dev setup installs requirements-dev.txt).")
    try:
        process, endpoint = start_moto_server()
    except RuntimeError as error:
        unavailable(f"No local S3 server: {error}.")
    try:
        yield endpoint
    finally:
        stop(process)


def storage_options(endpoint: str, bucket: str, **overrides) -> dict:
    """The OPTIONS of the S3 storage as config/settings.py builds them, for this server."""
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": REGION,
        "addressing_style": "path",
        "location": "",
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,
        "querystring_expire": 300,
        **CREDENTIALS,
        **overrides,
    }


def client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )


class Bucket:
    """A bucket of the test's own, read directly (not through Django) to check what is in it."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.name = f"quorum-test-{secrets.token_hex(6)}"
        self.client = client(endpoint)

    def keys(self, prefix: str = "") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.name, Prefix=prefix
        )
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def write(self, key: str, content: bytes) -> None:
        self.client.put_object(Bucket=self.name, Key=key, Body=content)

    def remove(self, key: str) -> None:
        self.client.delete_object(Bucket=self.name, Key=key)

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            for key in self.keys():
                self.remove(key)
            self.client.delete_bucket(Bucket=self.name)


@pytest.fixture
def s3_bucket(s3_endpoint, settings):
    """
    The media storage of this test is a new, empty bucket on the local S3 server (as with
    STORAGE_BACKEND=s3); the bucket is emptied and removed afterwards.
    """
    bucket = Bucket(s3_endpoint)
    bucket.client.create_bucket(Bucket=bucket.name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": storage_options(s3_endpoint, bucket.name),
        },
    }
    try:
        yield bucket
    finally:
        bucket.destroy()
