from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committees.models import Committee


class PeriodNotice(models.Model):
    """
    The committee's reasoned notice for a quarter in which it held no session, as the
    transparency laws require ("no se celebraron sesiones en el periodo porque …").
    """

    committee = models.ForeignKey(
        Committee,
        verbose_name=_("órgano colegiado"),
        on_delete=models.CASCADE,
        related_name="period_notices",
    )
    year = models.PositiveSmallIntegerField(_("ejercicio"))
    quarter = models.PositiveSmallIntegerField(
        _("trimestre"), choices=[(1, "1.º"), (2, "2.º"), (3, "3.º"), (4, "4.º")]
    )
    text = models.TextField(_("leyenda fundada y motivada"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leyenda de periodo sin sesiones")
        verbose_name_plural = _("leyendas de periodos sin sesiones")
        ordering = ["committee", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "year", "quarter"],
                name="period_notice_once_per_quarter",
                violation_error_message=_("Este órgano ya tiene una leyenda para ese trimestre."),
            )
        ]

    def __str__(self):
        return f"{self.committee.short_name} {self.year} T{self.quarter}"

    def clean(self):
        if not self.text.strip():
            raise ValidationError({"text": _("Escriba el motivo por el que no hubo sesiones.")})
