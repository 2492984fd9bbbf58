import dataclasses
import datetime
import hashlib
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committees.models import Committee, Membership, Person
from sessions.models import Session
from sessions.seal import SealedQuerySet, SealedRecordMixin


class AgendaPointQuerySet(SealedQuerySet):
    def for_user(self, user, *, manage: bool = False):
        """Points of the sessions the user may see (or manage): committees.access."""
        from sessions.models import Session

        return self.filter(session__in=Session.objects.for_user(user, manage=manage).values("pk"))

    def undecided(self):
        """Points for approval with neither a vote nor a stated disposition."""
        return self.filter(kind=AgendaPoint.Kind.APPROVAL, disposition="").exclude(
            pk__in=Vote.objects.values("point_id")
        )

    def deferred(self):
        """Points deferred to a later session that no later point has taken up yet."""
        return self.filter(disposition=AgendaPoint.Disposition.DEFERRED, carried_to__isnull=True)


class AgendaPoint(SealedRecordMixin, models.Model):
    """A numbered point of a session's agenda (orden del día)."""

    class Kind(models.TextChoices):
        PROCEDURAL = "procedural", _("Trámite")
        INFORMATIVE = "informative", _("Informativo")
        APPROVAL = "approval", _("Para aprobación")
        GENERAL_MATTERS = "general_matters", _("Asuntos generales")
        CLOSING = "closing", _("Clausura")

    class Standard(models.TextChoices):
        """Which standard point of its kind of session this is (blank: a specific point)."""

        NONE = "", _("Punto específico")
        AGENDA = "agenda", _("Aprobación del orden del día")
        PREVIOUS_ACTA = "previous_acta", _("Aprobación del acta anterior")
        AGREEMENTS_FOLLOW_UP = "agreements_follow_up", _("Seguimiento de acuerdos")
        MONTHLY_PROGRESS = "monthly_progress", _("Avance del mes anterior")
        BIMONTHLY_INFORME = "bimonthly_informe", _("Informe bimestral")
        FINAL_INFORME = "final_informe", _("Informe final")
        INSTALLATION = "installation", _("Instalación del órgano")
        WORK_PLAN = "work_plan", _("Plan de trabajo y calendario")
        GENERAL_MATTERS = "general_matters", _("Asuntos generales")
        SUMMARY_AND_CLOSING = "summary_and_closing", _("Resumen y clausura")
        COMMITTEE_CLOSING = "committee_closing", _("Clausura del órgano")

    class Disposition(models.TextChoices):
        """What became of a point for approval that was not decided by a vote."""

        NONE = "", _("—")
        WITHDRAWN = "withdrawn", _("Retirado del orden del día")
        DEFERRED = "deferred", _("Diferido a una sesión posterior")
        NOT_VOTED = "not_voted", _("No se sometió a votación")

    session = models.ForeignKey(
        Session, verbose_name=_("sesión"), on_delete=models.CASCADE, related_name="points"
    )
    position = models.PositiveSmallIntegerField(_("número de punto"))
    title = models.CharField(_("título"), max_length=1000)
    description = models.TextField(_("descripción"), blank=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    standard = models.CharField(
        _("punto estándar"), max_length=24, choices=Standard.choices, blank=True
    )
    presenter = models.CharField(_("presenta"), max_length=200, blank=True)
    minutes = models.TextField(_("desarrollo del punto"), blank=True)
    approves_acta_of = models.ForeignKey(
        Session,
        verbose_name=_("aprueba el acta de"),
        on_delete=models.PROTECT,
        related_name="acta_approval_points",
        null=True,
        blank=True,
    )
    disposition = models.CharField(
        _("sin votación"),
        max_length=12,
        choices=Disposition.choices,
        blank=True,
        help_text=_("Para un punto para aprobación que no se votó: qué pasó con él."),
    )
    disposition_reason = models.TextField(_("motivo"), blank=True)
    carried_from = models.OneToOneField(
        "self",
        verbose_name=_("retoma el punto diferido"),
        on_delete=models.PROTECT,
        related_name="carried_to",
        null=True,
        blank=True,
    )

    objects = AgendaPointQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("punto del orden del día")
        verbose_name_plural = _("puntos del orden del día")
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "position"],
                name="point_unique_position_per_session",
                violation_error_message=_("Ya hay un punto con ese número en esta sesión."),
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="point_position_positive",
                violation_error_message=_("Los puntos se numeran a partir de 1."),
            ),
            models.CheckConstraint(
                condition=Q(disposition="") | ~Q(disposition_reason=""),
                name="point_disposition_has_reason",
                violation_error_message=_("Indique el motivo por el que el punto no se votó."),
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"

    def clean(self):
        if self.approves_acta_of_id and self.session_id:
            earlier = self.approves_acta_of
            if earlier.committee_id != self.session.committee_id:
                raise ValidationError(
                    {"approves_acta_of": _("El acta debe ser de una sesión del mismo órgano.")}
                )
            if earlier.date >= self.session.date:
                raise ValidationError(
                    {"approves_acta_of": _("Solo se aprueba el acta de una sesión anterior.")}
                )

    @property
    def is_votable(self) -> bool:
        return self.kind == self.Kind.APPROVAL

    @property
    def outcome(self) -> str:
        """What the record says of the point: its vote's result or why it was not voted."""
        if self.disposition:
            return f"{self.get_disposition_display()}: {self.disposition_reason}"
        if self.is_votable:
            return self.result.label
        return ""

    @property
    def result(self) -> "VoteResult":
        """The outcome of the point's vote, computed from the votes (prefetch ``votes``)."""
        return VoteResult.from_senses([vote.sense for vote in self.votes.all()])


@dataclasses.dataclass(frozen=True)
class VoteResult:
    """The count of a roll-call vote and what it means."""

    in_favour: int
    against: int
    abstentions: int

    @classmethod
    def from_senses(cls, senses) -> "VoteResult":
        senses = list(senses)
        return cls(
            in_favour=senses.count(Vote.Sense.FOR),
            against=senses.count(Vote.Sense.AGAINST),
            abstentions=senses.count(Vote.Sense.ABSTAIN),
        )

    @property
    def total(self) -> int:
        return self.in_favour + self.against + self.abstentions

    @property
    def is_tie(self) -> bool:
        return self.total > 0 and self.in_favour == self.against

    @property
    def is_approved(self) -> bool:
        # A majority of the members who voted; a tie is flagged and never decided here.
        return self.in_favour * 2 > self.total

    @property
    def label(self) -> str:
        if self.total == 0:
            return str(_("Sin votación"))
        if self.is_tie:
            return str(_("Empate"))
        if self.in_favour == self.total:
            return str(_("Aprobado por unanimidad"))
        if self.is_approved:
            return str(_("Aprobado por mayoría"))
        return str(_("No aprobado"))


def document_upload_to(document: "Document", filename: str) -> str:
    return (
        f"documents/{document.point.session.committee.slug}/{document.point.session_id}/{filename}"
    )


class PointRecordQuerySet(SealedQuerySet):
    """Rows recorded under an agenda point (documents, votes, agreements)."""

    def for_user(self, user, *, manage: bool = False):
        """Rows under the points of the sessions the user may see (or manage)."""
        from sessions.models import Session

        sessions = Session.objects.for_user(user, manage=manage).values("pk")
        return self.filter(point__session__in=sessions)


def public_version_upload_to(document: "Document", filename: str) -> str:
    return f"{document_upload_to(document, '')}versiones-publicas/{filename}"


class Document(SealedRecordMixin, models.Model):
    """A file presented under an agenda point."""

    class Publication(models.TextChoices):
        # Not public until a person decides: a new document waits for its classification.
        PENDING = "pending", _("Sin clasificar (no se publica)")
        PUBLIC = "public", _("Pública")
        RESERVED = "reserved", _("Reservada")
        CONFIDENTIAL = "confidential", _("Confidencial")

    SEAL_PATH = "point__session__sealed_at"
    # Publishing is a decision about the record, not part of it: transparency obligations
    # (and classification reviews) come after the acta is approved, so a sealed session's
    # documents may still be published, reserved or given a versión pública. The file,
    # its hash and everything presented stay sealed.
    PUBLICATION_FIELDS = (
        "publication",
        "classification_basis",
        "classification_term",
        "public_version",
        "public_version_sha256",
        "publication_decided_at",
        "publication_decided_by",
    )
    SEAL_EXEMPT_FIELDS = PUBLICATION_FIELDS

    point = models.ForeignKey(
        AgendaPoint,
        verbose_name=_("punto"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    title = models.CharField(_("título"), max_length=300)
    file = models.FileField(_("archivo"), upload_to=document_upload_to, max_length=500)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    size = models.PositiveBigIntegerField(_("tamaño (bytes)"), editable=False, default=0)
    uploaded_at = models.DateTimeField(_("cargado el"), auto_now_add=True)
    # PROTECT: the record names who wrote it; an account that did is deactivated, not deleted.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cargado por"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # Not public until a person decides: nothing becomes public by accident.
    publication = models.CharField(
        _("publicación"),
        max_length=12,
        choices=Publication.choices,
        default=Publication.PENDING,
    )
    classification_basis = models.TextField(
        _("fundamento de la clasificación"),
        blank=True,
        help_text=_(
            "Artículos de la ley de transparencia que justifican la reserva o confidencialidad."
        ),
    )
    classification_term = models.DateField(
        _("plazo de la reserva"),
        null=True,
        blank=True,
        help_text=_("Último día en que la información se mantiene reservada."),
    )
    public_version = models.FileField(
        _("versión pública"),
        upload_to=public_version_upload_to,
        max_length=500,
        blank=True,
        help_text=_("Copia testada que el portal de transparencia publica en lugar del original."),
    )
    public_version_sha256 = models.CharField(
        _("SHA-256 de la versión pública"), max_length=64, blank=True, editable=False
    )
    publication_decided_at = models.DateTimeField(
        _("publicación decidida el"), null=True, blank=True, editable=False
    )
    publication_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publicación decidida por"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    objects = PointRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("documento")
        verbose_name_plural = _("documentos")
        ordering = ["point", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A newly assigned file (not yet written to storage) is hashed again.
        if self.file and (not self.sha256 or not self.file._committed):
            digest = hashlib.sha256()
            self.file.open("rb")
            self.file.seek(0)
            for chunk in self.file.chunks():
                digest.update(chunk)
            self.file.seek(0)
            self.sha256 = digest.hexdigest()
            self.size = self.file.size
        super().save(*args, **kwargs)

    @property
    def download_name(self) -> str:
        return PurePosixPath(self.file.name).name

    def clean(self):
        super().clean()
        classified = (self.Publication.RESERVED, self.Publication.CONFIDENTIAL)
        if self.publication in classified and not self.classification_basis.strip():
            raise ValidationError(
                {
                    "classification_basis": _(
                        "Indique el fundamento legal de la clasificación como reservada o "
                        "confidencial."
                    )
                }
            )
        if self.public_version and self.publication == self.Publication.CONFIDENTIAL:
            raise ValidationError(
                {
                    "public_version": _(
                        "Un documento confidencial no se publica; para publicar una versión "
                        "pública márquelo como público."
                    )
                }
            )

    @property
    def published_file(self):
        """What the portal serves: the versión pública when there is one, else the original."""
        return self.public_version or self.file

    @property
    def published_sha256(self) -> str:
        return self.public_version_sha256 if self.public_version else self.sha256

    @property
    def published_name(self) -> str:
        return PurePosixPath(self.published_file.name).name


class Vote(SealedRecordMixin, models.Model):
    """How one member with vote voted on an agenda point."""

    SEAL_PATH = "point__session__sealed_at"

    class Sense(models.TextChoices):
        FOR = "for", _("A favor")
        AGAINST = "against", _("En contra")
        ABSTAIN = "abstain", _("Abstención")

    point = models.ForeignKey(
        AgendaPoint, verbose_name=_("punto"), on_delete=models.CASCADE, related_name="votes"
    )
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("integrante"),
        on_delete=models.PROTECT,
        related_name="votes",
    )
    sense = models.CharField(_("sentido"), max_length=10, choices=Sense.choices)
    cast_at = models.DateTimeField(_("emitido el"), auto_now_add=True)
    # PROTECT: the record names who wrote it; an account that did is deactivated, not deleted.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrado por"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = PointRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voto")
        verbose_name_plural = _("votos")
        ordering = ["point", "membership__person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "membership"],
                name="vote_once_per_point",
                violation_error_message=_("Esta persona ya votó este punto."),
            ),
        ]

    def __str__(self):
        return f"{self.membership.person}: {self.get_sense_display()}"

    def clean(self):
        if not (self.point_id and self.membership_id):
            return
        session = self.point.session
        if not self.point.is_votable:
            raise ValidationError(_("Solo se votan los puntos para aprobación."))
        if self.membership.committee_id != session.committee_id:
            raise ValidationError(
                {"membership": _("Esta persona no forma parte del órgano de la sesión.")}
            )
        if not self.membership.has_vote:
            raise ValidationError(
                {
                    "membership": _(
                        "Solo votan las y los integrantes con voz y voto; esta persona "
                        "participa con voz, sin voto."
                    )
                }
            )
        if not self.membership.is_active_on(session.date):
            raise ValidationError(
                {"membership": _("El cargo de esta persona no estaba vigente el día de la sesión.")}
            )


class AgreementQuerySet(PointRecordQuerySet):
    pass


class Agreement(SealedRecordMixin, models.Model):
    """An agreement (acuerdo) adopted under an agenda point, followed up until it is done."""

    # Sealed as adopted with the session's record; its follow-up (the status) continues.
    SEAL_PATH = "point__session__sealed_at"
    SEAL_EXEMPT_FIELDS = ("status",)

    class Status(models.TextChoices):
        PENDING = "pending", _("Pendiente")
        IN_PROGRESS = "in_progress", _("En proceso")
        DONE = "done", _("Cumplido")
        CANCELLED = "cancelled", _("Cancelado")

    OPEN_STATUSES = (Status.PENDING, Status.IN_PROGRESS)

    # Stored, not derived through the point, so that the database can keep numbers unique
    # per committee.
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("órgano colegiado"),
        on_delete=models.CASCADE,
        related_name="agreements",
    )
    point = models.ForeignKey(
        AgendaPoint,
        verbose_name=_("punto que lo adoptó"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    number = models.CharField(_("número"), max_length=80)
    sequence = models.PositiveIntegerField(_("consecutivo"))
    text = models.TextField(_("texto del acuerdo"))
    responsible = models.ForeignKey(
        Person,
        verbose_name=_("responsable"),
        on_delete=models.PROTECT,
        related_name="agreements",
        null=True,
        blank=True,
    )
    due_date = models.DateField(_("fecha compromiso"), null=True, blank=True)
    status = models.CharField(
        _("estado"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("registrado el"), auto_now_add=True)

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("acuerdo")
        verbose_name_plural = _("acuerdos")
        ordering = ["committee", "point__session__date", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "number"],
                name="agreement_unique_number_per_committee",
                violation_error_message=_("Ya existe un acuerdo con ese número en este órgano."),
            ),
        ]
        indexes = [
            # Follow-up lists and the home page: open agreements of a committee.
            models.Index(fields=["committee", "status"], name="agreement_committee_status"),
        ]

    def __str__(self):
        return self.number

    def clean(self):
        if (
            self.point_id
            and self.committee_id
            and (self.point.session.committee_id != self.committee_id)
        ):
            raise ValidationError(_("El punto que adopta el acuerdo es de otro órgano."))

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.due_date is not None and self.due_date < today


class AgreementFollowUp(models.Model):
    """A dated entry in the follow-up log of an agreement."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("acuerdo"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    date = models.DateField(_("fecha"))
    note = models.TextField(_("seguimiento"))
    new_status = models.CharField(
        _("nuevo estado"), max_length=12, choices=Agreement.Status.choices, blank=True
    )
    at_point = models.ForeignKey(
        AgendaPoint,
        verbose_name=_("informado en el punto"),
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        null=True,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrado por"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(_("registrado el"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("seguimiento de acuerdo")
        verbose_name_plural = _("seguimientos de acuerdos")
        ordering = ["agreement", "date", "recorded_at"]

    def __str__(self):
        return f"{self.agreement} — {self.date:%d/%m/%Y}"
