from django.db import models
from django.utils.translation import gettext_lazy as _

from committees.models import Person
from sessions.models import Session


class ReminderPreference(models.Model):
    """What reminders a person wants by e-mail (both, unless they turn them off)."""

    person = models.OneToOneField(
        Person,
        verbose_name=_("persona"),
        on_delete=models.CASCADE,
        related_name="reminder_preference",
    )
    sessions = models.BooleanField(
        _("recordatorio antes de cada sesión"),
        default=True,
        help_text=_("Un correo antes de cada sesión convocada en la que usted participa."),
    )
    agreements = models.BooleanField(
        _("resumen de acuerdos por vencer o vencidos"),
        default=True,
        help_text=_(
            "Un correo al día, solo cuando algún acuerdo a su cargo vence pronto o ya venció."
        ),
    )

    class Meta:
        verbose_name = _("preferencia de recordatorios")
        verbose_name_plural = _("preferencias de recordatorios")

    def __str__(self):
        return str(self.person)


class Reminder(models.Model):
    """
    One reminder to one person: planned (a row, unique by its key), claimed by a worker
    under a row lock, then sent. The unique key keeps it once-only across workers and
    restarts; a claim left by a worker that died is taken again after a while.
    """

    class Kind(models.TextChoices):
        SESSION = "session", _("Recordatorio de sesión")
        AGREEMENTS = "agreements", _("Resumen de acuerdos")

    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("persona"), on_delete=models.CASCADE, related_name="reminders"
    )
    # "session:<pk>:<date>" (a new date is a new reminder) or "agreements:<day>".
    key = models.CharField(_("clave"), max_length=80)
    session = models.ForeignKey(
        Session,
        verbose_name=_("sesión"),
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
    )
    planned_at = models.DateTimeField(_("programado el"))
    claimed_at = models.DateTimeField(_("tomado el"), null=True, blank=True)
    claimed_by = models.CharField(_("tomado por"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("enviado el"), null=True, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("recordatorio")
        verbose_name_plural = _("recordatorios")
        ordering = ["-planned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "person", "key"], name="reminder_once_per_person_and_key"
            ),
        ]
        indexes = [
            # The worker's claim: rows not sent yet.
            models.Index(
                fields=["planned_at"],
                name="reminder_unsent",
                condition=models.Q(sent_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.person}"
