"""
Every PDF of the app goes through ``render_pdf``: a template under ``reports/pdf/``, the
print stylesheet, and a URL fetcher that serves only our own static files and the
institutions' logos. Nothing a document contains can make the renderer read another file
or open a connection.
"""

import contextlib
import dataclasses
import hashlib
import logging
import mimetypes
import os
import tempfile
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.template.loader import render_to_string
from weasyprint import CSS, HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .coalesce import one_at_a_time

logger = logging.getLogger(__name__)

# The documents' base URL. ".invalid" never resolves (RFC 2606), and the fetcher below
# never opens a connection anyway: it only maps this origin's paths onto local files.
BASE_URL = "https://quorum.invalid/"
STYLESHEET = "css/print.css"
# The only media folder a document may show: the institutions' logos.
LOGO_FOLDER = "institutions"
# Rendered PDFs kept by the hash of what was rendered (see cached_pdf).
CACHE_FOLDER = "render-cache"
# Bump to drop every cached render when the rendering itself changes (not its inputs).
CACHE_VERSION = "1"


class RefusedURL(ValueError):
    """A document asked for something other than our static files or a logo."""


def _url_path(prefix_setting: str) -> str:
    """The path part of STATIC_URL or MEDIA_URL ("/static/"), script prefix included."""
    path = urlsplit(getattr(settings, prefix_setting) or "").path
    return path if path.endswith("/") else f"{path}/"


def _within(path: Path, root: Path) -> bool:
    return path.is_relative_to(root) and path.is_file()


class QuorumURLFetcher(URLFetcher):
    """
    Serves ``/static/…`` from the static finders and ``/media/institutions/…`` from
    MEDIA_ROOT; refuses everything else (``file:``, ``http(s):`` elsewhere, ``data:``) by
    raising, which WeasyPrint logs before going on without the resource.
    """

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        origin = urlsplit(BASE_URL)
        if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
            raise RefusedURL(f"URL ajena a la aplicación: {url[:200]}")
        # Decoded once: "%2e%2e" is "..", and then it must still land inside the roots.
        path = unquote(parts.path)
        static_prefix, media_prefix = _url_path("STATIC_URL"), _url_path("MEDIA_URL")
        content = None
        if path.startswith(static_prefix):
            file = self._static_file(path.removeprefix(static_prefix))
            content = file.read_bytes() if file else None
        elif path.startswith(f"{media_prefix}{LOGO_FOLDER}/"):
            content = self._logo(path.removeprefix(media_prefix))
        if content is None:
            raise RefusedURL(f"Recurso no permitido: {url[:200]}")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, content, headers={"Content-Type": content_type}, status=200)

    @staticmethod
    def _static_file(relative: str) -> Path | None:
        if not relative or ".." in Path(relative).parts or relative.startswith("/"):
            return None
        found = finders.find(relative)
        if not found:
            return None
        file = Path(found).resolve()
        roots = [Path(root).resolve() for root in _static_roots()]
        return file if any(_within(file, root) for root in roots) else None

    @staticmethod
    def _logo(relative: str) -> bytes | None:
        """A logo's bytes from the media storage (a folder or a bucket), or None."""
        if ".." in PurePosixPath(relative).parts:
            return None
        try:
            local = Path(default_storage.path(relative))
        except NotImplementedError:
            # Object storage: a name is a key, with no link to follow out of the folder.
            if not default_storage.exists(relative):
                return None
            with default_storage.open(relative, "rb") as file:
                return file.read()
        except SuspiciousFileOperation:
            return None
        root = Path(default_storage.path(LOGO_FOLDER)).resolve()
        file = local.resolve()
        return file.read_bytes() if _within(file, root) else None


def logo_url(logo) -> str:
    """
    The address a document gives an institution's logo (a FieldFile), for the fetcher
    above to read from the media storage; empty without a logo. Never the storage's own
    URL, which for a bucket is signed, short-lived and off this origin.
    """
    return f"{_url_path('MEDIA_URL')}{logo.name}" if logo else ""


def _static_roots() -> list[str]:
    """Every folder the static finders serve from (ours and the apps')."""
    roots = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(location)
    return roots


def render_pdf(
    template_name: str,
    context: dict,
    *,
    pdf_variant: str | None = None,
    attachments: list[tuple[str, bytes]] | None = None,
) -> bytes:
    """
    The PDF of ``template_name`` rendered with ``context``. ``pdf_variant`` as WeasyPrint
    names it (e.g. "pdf/a-3b" for archiving); ``attachments`` as (file name, content).
    """
    return write_pdf(
        render_to_string(template_name, context), pdf_variant=pdf_variant, attachments=attachments
    )


def write_pdf(
    markup: str,
    *,
    pdf_variant: str | None = None,
    attachments: list[tuple[str, bytes]] | None = None,
) -> bytes:
    """WeasyPrint over our markup, our print stylesheet and our locked fetcher."""
    fetcher = QuorumURLFetcher()
    document = HTML(string=markup, base_url=BASE_URL, url_fetcher=fetcher)
    stylesheet = CSS(url=_stylesheet_url(), url_fetcher=fetcher)
    files = [
        Attachment(
            string=content,
            name=name,
            base_url=BASE_URL,
            url_fetcher=fetcher,
            # PDF/A-3 names how an embedded file relates to the document: its source data.
            relationship="Source",
        )
        for name, content in attachments or []
    ]
    return document.write_pdf(
        stylesheets=[stylesheet], pdf_variant=pdf_variant, attachments=files or None
    )


def _stylesheet_url() -> str:
    return f"{BASE_URL}{_url_path('STATIC_URL').lstrip('/')}{STYLESHEET}"


# --- The render cache ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StoredPDF:
    """A PDF in the default storage, as the cache answers it."""

    name: str

    def open(self):
        return default_storage.open(self.name, "rb")

    def read(self) -> bytes:
        with self.open() as file:
            return file.read()

    @property
    def size(self) -> int:
        return default_storage.size(self.name)


def content_key(markup: str, *, pdf_variant: str | None = None) -> str:
    """
    The hash of everything a render depends on: the markup (which holds the record), the
    print stylesheet, the variant and the renderer's version. Equal keys, equal PDFs.
    """
    digest = hashlib.sha256()
    for part in (CACHE_VERSION, weasyprint.__version__, pdf_variant or "", _stylesheet_digest()):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(markup.encode())
    return digest.hexdigest()


def _stylesheet_digest() -> str:
    """The print stylesheet's hash, read again only when the file changes."""
    path = Path(finders.find(STYLESHEET))
    stamp = path.stat().st_mtime_ns
    cached = _STYLESHEET_DIGESTS.get(path)
    if cached is None or cached[0] != stamp:
        cached = (stamp, hashlib.sha256(path.read_bytes()).hexdigest())
        _STYLESHEET_DIGESTS[path] = cached
    return cached[1]


_STYLESHEET_DIGESTS: dict[Path, tuple[int, str]] = {}


def cached_pdf(template_name: str, context: dict) -> StoredPDF:
    """
    The PDF of ``template_name`` with ``context``, rendered at most once for the same
    content: the result is stored under the content's hash and served from there after.
    """
    markup = render_to_string(template_name, context)
    key = content_key(markup)
    name = f"{CACHE_FOLDER}/{key[:2]}/{key}.pdf"
    if default_storage.exists(name):
        return StoredPDF(name=name)
    # Requests for the same content at once: one renders, the others wait for its file.
    with one_at_a_time(f"render:{key}"):
        if not default_storage.exists(name):
            store_file(name, write_pdf(markup), replace=True)
    return StoredPDF(name=name)


def write_atomically(target: Path, content: bytes) -> None:
    """
    Write ``content`` to ``target`` through a temporary file renamed over it: a failure
    leaves the previous file (or none), never part of a new one.
    """
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the file from the web server
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def store_file(name: str, content: bytes, *, replace: bool = False) -> str:
    """
    Write ``content`` to the default storage all at once: readers see the whole file or no
    file, never part of one. Without ``replace``, an existing name gets a free variant, and
    on object storage every name does (archives are never overwritten). Returns the name
    written.
    """
    storage: Storage = default_storage
    try:
        target = Path(storage.path(name))
    except NotImplementedError:
        # Remote storages upload a complete object: nothing partial is ever visible.
        if replace:
            if storage.exists(name):
                storage.delete(name)
            return storage.save(name, ContentFile(content))
        # But an upload never fails because the name is taken: two writers that both found
        # it free would overwrite each other, and the loser's clean-up would delete the
        # winner's archive. A random suffix gives each writer a name of its own.
        root, extension = os.path.splitext(name)
        return storage.save(storage.get_alternative_name(root, extension), ContentFile(content))
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the file from the web server
        if replace:
            os.replace(temporary, target)
            return name
        while True:
            name = storage.get_available_name(name)
            try:
                # A hard link fails if the name was taken meanwhile: nothing is overwritten.
                os.link(temporary, storage.path(name))
                return name
            except FileExistsError:
                continue
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
