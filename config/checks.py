"""
System checks of a production configuration (``manage.py check --deploy``): the site's
address must be one the site answers to, and should be served over HTTPS.
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.http.request import validate_host

from .site import host_of, site_url


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    messages = []
    host = host_of(site_url())
    if not validate_host(host, settings.ALLOWED_HOSTS):
        messages.append(
            Error(
                f"El nombre de SITE_URL ({host}) no está en ALLOWED_HOSTS: todos los enlaces "
                "de los correos, calendarios y documentos llevarían a un sitio que responde 400.",
                hint="Agregue ese nombre a ALLOWED_HOSTS, o deje ALLOWED_HOSTS sin definir.",
                id="quorum.E001",
            )
        )
    if not settings.DEBUG and not site_url().startswith("https://"):
        messages.append(
            Warning(
                f"SITE_URL ({site_url()}) no usa https: los enlaces de los correos y de los "
                "calendarios viajarían sin cifrar, y las cookies seguras no llegarían.",
                hint="Sirva Quórum detrás de un proxy con TLS (deploy/Caddyfile) y use https://.",
                id="quorum.W001",
            )
        )
    return messages
