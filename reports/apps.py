from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Actas e informes")

    def ready(self):
        # Notices about a session carry its convocatoria (a PDF of this app); sessions,
        # below reports, learns of it here instead of importing it.
        from sessions.notifications import register_notice_attachments

        from .notices import convocatoria_attachment

        register_notice_attachments(convocatoria_attachment)
