from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agendas.models import AgendaPoint
from committees import access
from committees.models import Committee, Membership, Person, manages_every_committee
from committees.spanish import capitalize_first, ordinal
from sessions.models import Session
from sessions.seal import SealedQuerySet, SealedRecordError, SealedRecordMixin

# What archiving writes once into an approved acta: the PDF/A and its hash.
ARCHIVE_FIELDS = ("pdf", "pdf_sha256")


class ActaQuerySet(SealedQuerySet):
    def for_user(self, user, *, manage: bool = False):
        """
        Actas of the sessions the user may see (or manage); an acta in preparation only
        for the secretariat and the members who review it (committees.access).
        """
        sessions = Session.objects.for_user(user, manage=manage)
        if manage:
            return self.filter(session__in=sessions.values("pk"))
        return self.filter(session__in=sessions.values("pk")).filter(
            ~Q(status=Acta.Status.DRAFT)
            | Q(session__in=Session.objects.drafts_readable_by(user).values("pk"))
        )


class ActaRecordQuerySet(SealedQuerySet):
    """Rows about an acta (observations, answers to its circulation)."""


class Acta(SealedRecordMixin, models.Model):
    """The minutes of a held session: drafted, approved (at a later session or by circulation)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Proyecto")
        APPROVED = "approved", _("Aprobada")
        PUBLISHED = "published", _("Publicada")

    # Approval seals the acta with its session (sessions.seal). After it, only publishing
    # (approved → published) and archiving (the PDF and its hash, written once) change it.
    SEAL_PATH = "session__sealed_at"

    session = models.OneToOneField(
        Session, verbose_name=_("sesión"), on_delete=models.PROTECT, related_name="acta"
    )
    status = models.CharField(
        _("estado"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    body = models.TextField(_("texto del acta"), blank=True)
    approved_at_point = models.ForeignKey(
        AgendaPoint,
        verbose_name=_("aprobada en el punto"),
        on_delete=models.PROTECT,
        related_name="approved_actas",
        null=True,
        blank=True,
    )
    approved_on = models.DateField(_("aprobada el"), null=True, blank=True)
    circulated_at = models.DateTimeField(
        _("en circulación desde"),
        null=True,
        blank=True,
        help_text=_(
            "El acta de una sesión sin sesión posterior se circula entre las y los "
            "integrantes con voto, que la aprueban desde su cuenta."
        ),
    )
    snapshot = models.JSONField(_("contenido congelado"), null=True, blank=True, editable=False)
    pdf = models.FileField(_("PDF aprobado"), upload_to="actas/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 del PDF"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("creada el"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modificada el"), auto_now=True)

    objects = ActaQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("acta")
        verbose_name_plural = _("actas")
        ordering = ["session__date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(approved_on__isnull=False, approved_at_point__isnull=False)
                | Q(approved_on__isnull=False, circulated_at__isnull=False),
                name="acta_approval_recorded",
                violation_error_message=_(
                    "Un acta aprobada indica la fecha de su aprobación y el punto de la sesión "
                    "que la aprobó, o que se aprobó por circulación."
                ),
            ),
        ]

    def __str__(self):
        return f"Acta de la {self.session.reference}"

    def save(self, *args, **kwargs):
        if self.pk is not None and self.status == self.Status.DRAFT:
            stored = Acta._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored not in (None, self.Status.DRAFT):
                raise SealedRecordError()
        super().save(*args, **kwargs)

    @classmethod
    def seal_allows_update(cls, queryset, values: dict) -> bool:
        fields = set(values)
        if fields <= {*ARCHIVE_FIELDS, "updated_at"}:
            # Archiving writes the file once: never over an archived one.
            return not queryset.sealed().exclude(pdf="").exists()
        publishing = values.get("status") == cls.Status.PUBLISHED
        return fields <= {"status", "updated_at"} and publishing

    def seal_allows_change(self, stored: dict) -> bool:
        for field in self._meta.concrete_fields:
            old, new = stored[field.attname], getattr(self, field.attname)
            if field.name == "pdf":
                new = new.name if new else ""
            if old == new or field.name == "updated_at":
                continue
            if field.name == "status" and (old, new) == (
                self.Status.APPROVED,
                self.Status.PUBLISHED,
            ):
                continue
            if field.name in ARCHIVE_FIELDS and not old:
                continue
            return False
        return True

    def clean(self):
        if self.session_id and not self.session.has_acta:
            raise ValidationError(
                _("Las reuniones formales de trabajo no levantan acta de sesión.")
            )
        if self.approved_at_point_id and self.session_id:
            approving_session = self.approved_at_point.session
            if approving_session.committee_id != self.session.committee_id or (
                approving_session.date <= self.session.date
            ):
                raise ValidationError(
                    {
                        "approved_at_point": _(
                            "El acta se aprueba en una sesión posterior del mismo órgano."
                        )
                    }
                )

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def approved_by_circulation(self) -> bool:
        return self.is_frozen and self.approved_at_point_id is None

    @property
    def in_circulation(self) -> bool:
        return self.circulated_at is not None and not self.is_frozen


class ActaApproval(SealedRecordMixin, models.Model):
    """A member's answer to an acta circulated for approval: approves it, or objects."""

    SEAL_PATH = "acta__session__sealed_at"

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Aprueba")
        OBJECT = "object", _("Formula objeción")

    acta = models.ForeignKey(
        Acta, verbose_name=_("acta"), on_delete=models.PROTECT, related_name="circulation_answers"
    )
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("integrante"),
        on_delete=models.PROTECT,
        related_name="acta_answers",
    )
    decision = models.CharField(_("respuesta"), max_length=10, choices=Decision.choices)
    text = models.TextField(_("objeción"), blank=True)
    decided_at = models.DateTimeField(_("fecha de la respuesta"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrada por"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    withdrawn_at = models.DateTimeField(
        _("circulación retirada el"),
        null=True,
        blank=True,
        help_text=_("La circulación en que se dio se retiró: la respuesta ya no cuenta."),
    )

    objects = ActaRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("respuesta a la circulación del acta")
        verbose_name_plural = _("respuestas a la circulación de actas")
        ordering = ["acta", "decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["acta", "membership"],
                condition=Q(withdrawn_at__isnull=True),
                name="acta_answer_once_per_circulation",
                violation_error_message=_("Esta persona ya respondió a la circulación del acta."),
            ),
            models.CheckConstraint(
                condition=Q(decision="approve") | ~Q(text=""),
                name="acta_objection_has_text",
                violation_error_message=_("Escriba la objeción."),
            ),
        ]

    def __str__(self):
        return f"{self.membership.person} — {self.get_decision_display()}"


class ActaObservation(SealedRecordMixin, models.Model):
    """A member's observation on a draft acta, general or on one point."""

    SEAL_PATH = "acta__session__sealed_at"

    acta = models.ForeignKey(
        Acta, verbose_name=_("acta"), on_delete=models.CASCADE, related_name="observations"
    )
    point = models.ForeignKey(
        AgendaPoint,
        verbose_name=_("punto"),
        on_delete=models.CASCADE,
        related_name="acta_observations",
        null=True,
        blank=True,
    )
    author = models.ForeignKey(
        Person, verbose_name=_("autor"), on_delete=models.PROTECT, related_name="acta_observations"
    )
    text = models.TextField(_("observación"))
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True)

    objects = ActaRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("observación al acta")
        verbose_name_plural = _("observaciones al acta")
        ordering = ["acta", "created_at"]

    def __str__(self):
        return f"{self.author} — {self.created_at:%d/%m/%Y}"


class ErratumQuerySet(models.QuerySet):
    """Errata are never changed nor deleted: a wrong correction is corrected by another."""

    def update(self, **kwargs):
        raise ValidationError(ERRATUM_IMMUTABLE)

    update.alters_data = True

    def delete(self):
        raise ValidationError(ERRATUM_IMMUTABLE)

    delete.alters_data = True


ERRATUM_IMMUTABLE = _(
    "Una fe de erratas registrada ya no se modifica ni se elimina; para corregirla, registre otra."
)


class ActaErratum(models.Model):
    """A correction to an approved acta (fe de erratas): the acta itself never changes."""

    acta = models.ForeignKey(
        Acta, verbose_name=_("acta"), on_delete=models.PROTECT, related_name="errata"
    )
    text = models.TextField(_("corrección"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrada por"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(_("registrada el"), auto_now_add=True)

    objects = ErratumQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fe de erratas")
        verbose_name_plural = _("fes de erratas")
        ordering = ["acta", "recorded_at"]

    def __str__(self):
        return f"{self.acta} — {self.recorded_at:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(ERRATUM_IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(ERRATUM_IMMUTABLE)


class InformeQuerySet(models.QuerySet):
    def for_user(self, user, *, manage: bool = False):
        """
        Informes the user may read (or, with ``manage``, work on). Drafts only for the
        secretariat; a presented informe for the secretariat and the members whose term
        had not ended when its period began. Guests and representatives read informes
        on the public portal once published, not here.
        """
        if not access.can_see_anything(user):
            return self.none()
        if manages_every_committee(user):
            return self
        who = access.holder(user=user)
        if manage:
            return self.filter(access.secretary_seat(who))
        return self.filter(
            access.secretary_seat(who)
            | (
                ~Q(status=Informe.Status.DRAFT)
                & Q(access.draft_readers(who, date_ref="period_start"))
            )
        )


class Informe(models.Model):
    """An activity report of a committee: bimonthly or final."""

    class Kind(models.TextChoices):
        BIMONTHLY = "bimonthly", _("Informe bimestral")
        FINAL = "final", _("Informe final")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Proyecto")
        PRESENTED = "presented", _("Presentado")
        PUBLISHED = "published", _("Publicado")

    committee = models.ForeignKey(
        Committee,
        verbose_name=_("órgano colegiado"),
        on_delete=models.PROTECT,
        related_name="informes",
    )
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("número"), null=True, blank=True)
    period_start = models.DateField(_("inicio del periodo"))
    period_end = models.DateField(_("fin del periodo"))
    narrative = models.TextField(_("narrativa"), blank=True)
    plans = models.TextField(_("actividades previstas para el siguiente periodo"), blank=True)
    recommendations = models.TextField(_("recomendaciones"), blank=True)
    status = models.CharField(
        _("estado"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    presented_at_point = models.ForeignKey(
        AgendaPoint,
        verbose_name=_("presentado en el punto"),
        on_delete=models.PROTECT,
        related_name="presented_informes",
        null=True,
        blank=True,
    )
    presented_on = models.DateField(_("presentado el"), null=True, blank=True)
    pdf = models.FileField(_("PDF presentado"), upload_to="informes/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 del PDF"), max_length=64, blank=True)

    history = HistoricalRecords()

    objects = InformeQuerySet.as_manager()

    class Meta:
        verbose_name = _("informe")
        verbose_name_plural = _("informes")
        ordering = ["committee", "period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="informe_period_end_after_start",
                violation_error_message=_("El fin del periodo no puede ser anterior a su inicio."),
            ),
            models.CheckConstraint(
                condition=Q(kind="final") | Q(number__isnull=False, number__gte=1),
                name="informe_bimonthly_numbered",
                violation_error_message=_("Un informe bimestral lleva número (1, 2, 3…)."),
            ),
            models.UniqueConstraint(
                fields=["committee", "kind", "number"],
                name="informe_unique_number",
                violation_error_message=_("Ya existe un informe con ese número en este órgano."),
            ),
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(kind="final"),
                name="informe_one_final",
                violation_error_message=_("Este órgano ya tiene su informe final."),
            ),
        ]

    def __str__(self):
        return f"{self.title} — {self.committee.short_name}"

    @property
    def title(self) -> str:
        if self.kind == self.Kind.FINAL:
            return "Informe final de actividades"
        nth = ordinal(self.number or 1, feminine=False, apocope=True)
        return capitalize_first(f"{nth} informe de actividades")


class InformeRender(models.Model):
    """
    One request to print an informe, run in the background by the task worker: the page
    polls it, shows the error if the render failed, and offers the file once it is ready.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("En cola")
        RUNNING = "running", _("Generándose")
        DONE = "done", _("Listo")
        FAILED = "failed", _("Falló")

    informe = models.ForeignKey(
        Informe, verbose_name=_("informe"), on_delete=models.CASCADE, related_name="renders"
    )
    status = models.CharField(
        _("estado"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # The rendered file, in the render cache (reports.pdf): named by its content's hash.
    file = models.CharField(_("archivo"), max_length=200, blank=True)
    pages = models.PositiveIntegerField(_("páginas"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("solicitado por"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    requested_at = models.DateTimeField(_("solicitado el"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminado el"), null=True, blank=True)

    class Meta:
        verbose_name = _("generación de informe")
        verbose_name_plural = _("generaciones de informes")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.informe} — {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class WorkerHeartbeat(models.Model):
    """
    A task worker (``manage.py run_worker``) that says it is alive: a task it left running
    after its last beat is a task whose worker died, and the recovery sweep takes it again.
    """

    worker_id = models.CharField(_("proceso"), max_length=64, unique=True)
    started_at = models.DateTimeField(_("iniciado el"))
    last_seen = models.DateTimeField(_("última señal"))

    class Meta:
        verbose_name = _("proceso de tareas")
        verbose_name_plural = _("procesos de tareas")
        ordering = ["-last_seen"]

    def __str__(self):
        return self.worker_id


SIGNATURE_IMMUTABLE = _(
    "Una firma registrada no se modifica ni se borra: cada firma es una revisión nueva del PDF."
)


class DocumentSignature(models.Model):
    """
    One electronic signature (e.firma) of an archived document, kept as the signed revision
    it produced: the previous revision plus an incremental update (PAdES B-B). Append-only:
    the archived original (``Acta.pdf``, sealed with the acta) is never rewritten, and each
    revision keeps its own SHA-256 for ``verify_documents``. The signer's key and password
    are never stored anywhere; only the certificate's public facts are.
    """

    acta = models.ForeignKey(
        Acta,
        verbose_name=_("acta"),
        on_delete=models.PROTECT,
        related_name="signatures",
        null=True,
        blank=True,
    )
    informe = models.ForeignKey(
        Informe,
        verbose_name=_("informe"),
        on_delete=models.PROTECT,
        related_name="signatures",
        null=True,
        blank=True,
    )
    sequence = models.PositiveSmallIntegerField(_("número de firma"))
    person = models.ForeignKey(
        Person, verbose_name=_("firmante"), on_delete=models.PROTECT, related_name="signatures"
    )
    signed_at = models.DateTimeField(_("firmado"))
    pdf = models.FileField(_("revisión firmada"), upload_to="firmas/")
    pdf_sha256 = models.CharField(_("SHA-256 de la revisión firmada"), max_length=64)
    signer_name = models.CharField(_("nombre en el certificado"), max_length=300)
    rfc = models.CharField(_("RFC"), max_length=13, blank=True)
    curp = models.CharField(_("CURP"), max_length=18, blank=True)
    certificate_serial = models.CharField(_("número de serie del certificado"), max_length=80)
    certificate_issuer = models.CharField(_("emisor del certificado"), max_length=500)

    class Meta:
        verbose_name = _("firma electrónica")
        verbose_name_plural = _("firmas electrónicas")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(acta__isnull=False, informe__isnull=True)
                | Q(acta__isnull=True, informe__isnull=False),
                name="signature_of_one_document",
            ),
            models.UniqueConstraint(
                fields=["acta", "sequence"],
                condition=Q(acta__isnull=False),
                name="signature_sequence_per_acta",
            ),
            models.UniqueConstraint(
                fields=["informe", "sequence"],
                condition=Q(informe__isnull=False),
                name="signature_sequence_per_informe",
            ),
            models.UniqueConstraint(
                fields=["acta", "person"],
                condition=Q(acta__isnull=False),
                name="signature_once_per_person_acta",
            ),
            models.UniqueConstraint(
                fields=["informe", "person"],
                condition=Q(informe__isnull=False),
                name="signature_once_per_person_informe",
            ),
        ]

    def __str__(self):
        return f"{self.signer_name} ({self.signed_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(SIGNATURE_IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(SIGNATURE_IMMUTABLE)


class TrustRoot(models.Model):
    """
    A certificate authority whose certificates the verification page accepts as a trust
    root (the SAT's, the institute's own CA). A signature that chains to none of them is
    shown as "no verificada".
    """

    name = models.CharField(_("nombre"), max_length=200)
    certificate = models.BinaryField(_("certificado (DER)"), editable=False)
    subject = models.CharField(_("sujeto"), max_length=500, editable=False)
    fingerprint = models.CharField(_("huella SHA-256"), max_length=64, unique=True, editable=False)
    not_after = models.DateTimeField(_("vigente hasta"), editable=False)
    active = models.BooleanField(_("activa"), default=True)

    class Meta:
        verbose_name = _("autoridad certificadora de confianza")
        verbose_name_plural = _("autoridades certificadoras de confianza")
        ordering = ["name"]

    def __str__(self):
        return self.name
