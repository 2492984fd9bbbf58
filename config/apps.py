from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuorumConfig(AppConfig):
    """
    The project itself as an app: what belongs to the whole site rather than to one part of
    the record — its address (site.py), the health check (health.py), the production system
    checks (checks.py) and the backup and restore commands.
    """

    name = "config"
    verbose_name = _("Sitio")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
