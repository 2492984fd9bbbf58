"""
Every PDF of the app goes through ``render_pdf``: a template under ``reports/pdf/``, the
print stylesheet, and a URL fetcher that serves only our own static files and the
institutions' logos. Nothing a document contains can make the renderer read another file
or open a connection.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# The documents' base URL. ".invalid" never resolves (RFC 2606), and the fetcher below
# never opens a connection anyway: it only maps this origin's paths onto local files.
BASE_URL = "https://quorum.invalid/"
STYLESHEET = "css/print.css"
# The only media folder a document may show: the institutions' logos.
LOGO_FOLDER = "institutions"


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
        if path.startswith(static_prefix):
            file = self._static_file(path.removeprefix(static_prefix))
        elif path.startswith(f"{media_prefix}{LOGO_FOLDER}/"):
            file = self._logo_file(path.removeprefix(media_prefix))
        else:
            file = None
        if file is None:
            raise RefusedURL(f"Recurso no permitido: {url[:200]}")
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, file.read_bytes(), headers={"Content-Type": content_type}, status=200
        )

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
    def _logo_file(relative: str) -> Path | None:
        if ".." in Path(relative).parts:
            return None
        root = (Path(settings.MEDIA_ROOT) / LOGO_FOLDER).resolve()
        file = (Path(settings.MEDIA_ROOT) / relative).resolve()
        return file if _within(file, root) else None


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
    fetcher = QuorumURLFetcher()
    markup = render_to_string(template_name, context)
    document = HTML(string=markup, base_url=BASE_URL, url_fetcher=fetcher)
    stylesheet = CSS(
        url=f"{BASE_URL}{_url_path('STATIC_URL').lstrip('/')}{STYLESHEET}", url_fetcher=fetcher
    )
    files = [
        Attachment(string=content, name=name, base_url=BASE_URL, url_fetcher=fetcher)
        for name, content in attachments or []
    ]
    return document.write_pdf(
        stylesheets=[stylesheet], pdf_variant=pdf_variant, attachments=files or None
    )
