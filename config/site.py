"""
The site's own address, ``settings.SITE_URL`` (e.g. ``https://quorum.iepcjalisco.org.mx``).

Every absolute link Quórum writes — notices by e-mail, calendar feeds and the UIDs of their
events, the address printed on documents, the address of a personal feed, the password
reset link — is built here from that setting: never from the Host header of a request (a
client chooses it) and never from a default host. The UIDs take the address's host, so two
deployments never emit the same UID.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def parse_site_url(value: str) -> str:
    """
    SITE_URL as Quórum uses it: ``scheme://host[:port]`` in lower case, without a trailing
    slash; anything else (another scheme, a path, a query, a user) is refused with the reason.
    """
    text = value.strip()
    example = "https://quorum.example.org"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(
            f"SITE_URL={text!r} no es una dirección válida: escriba el esquema y el nombre del "
            f"sitio, por ejemplo {example}."
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"SITE_URL={text!r} no puede llevar usuario, consulta ni fragmento: solo el "
            f"esquema, el nombre del sitio y, si hace falta, el puerto (por ejemplo {example})."
        )
    if parts.path not in ("", "/"):
        raise ImproperlyConfigured(
            f"SITE_URL={text!r} lleva una ruta ({parts.path}): Quórum se sirve desde la raíz "
            f"de su dominio; escriba solo el esquema y el nombre del sitio (por ejemplo {example})."
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def host_of(url: str) -> str:
    """The host of ``url`` as ALLOWED_HOSTS names it: no port, an IPv6 address in brackets."""
    host = urlsplit(url).hostname or ""
    return f"[{host}]" if ":" in host else host


def site_url() -> str:
    """The site's address, without a trailing slash: ``https://quorum.example.org``."""
    return settings.SITE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """The absolute address of ``path`` (as ``reverse()`` gives it) on this site."""
    if not path.startswith("/"):
        raise ValueError(f"An absolute URL is built from a path that starts with '/': {path!r}")
    return site_url() + path


def uid_domain() -> str:
    """
    The right-hand side of every iCalendar UID: the site's host, with its port when it has
    one (``quorum.example.org``, ``127.0.0.1:8000``), so two deployments never share a UID.
    """
    return urlsplit(site_url()).netloc
