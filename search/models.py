from django.db import models
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from sessions.models import Session


class SearchEntry(models.Model):
    """
    The searchable text of one thing of the record, with what it takes to show and scope it.
    On PostgreSQL the table also has ``vector``, a generated tsvector column (Spanish stems,
    accents removed) with a GIN index, added by migration 0002 and unknown to Django.
    """

    class Kind(models.TextChoices):
        SESSION = "session", _("Sesión")
        POINT = "point", _("Punto del orden del día")
        AGREEMENT = "agreement", _("Acuerdo")
        ACTA = "acta", _("Acta")
        DOCUMENT = "document", _("Documento")

    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("identificador"))
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("órgano colegiado"),
        on_delete=models.CASCADE,
        related_name="search_entries",
    )
    # Who may see the entry is who may see this session.
    session = models.ForeignKey(
        Session,
        verbose_name=_("sesión"),
        on_delete=models.CASCADE,
        related_name="search_entries",
    )
    title = models.CharField(_("título"), max_length=500)
    body = models.TextField(_("texto"), blank=True)
    url = models.CharField(_("dirección"), max_length=300)
    # For a document: the SHA-256 of the file whose text ``body`` holds (extracted once).
    source_sha256 = models.CharField(_("SHA-256 del texto extraído"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("entrada de búsqueda")
        verbose_name_plural = _("entradas de búsqueda")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"
