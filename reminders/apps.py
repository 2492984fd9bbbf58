from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    """
    E-mail reminders: before each convened session, and a daily digest of the agreements
    due soon or overdue for the person responsible. Sent by the task worker's scheduled job
    (``manage.py run_worker``), each exactly once, and never to someone who turned them off.
    """

    name = "reminders"
    verbose_name = _("Recordatorios")
