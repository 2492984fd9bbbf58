from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """
    One search box over the record: sessions, agenda points with their minutes, agreements,
    actas and the text of uploaded PDFs. It composes the other apps (it reads them all and
    none reads it), keeping one row per searchable thing in ``SearchEntry``.
    """

    name = "search"
    verbose_name = _("Búsqueda")

    def ready(self):
        from . import signals  # noqa: F401 - keeps the search entries in step with the record
