import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committees import access
from committees.models import Committee, Membership, Person, manages_every_committee
from committees.spanish import capitalize_first, ordinal

from .seal import SealedQuerySet, SealedRecordMixin

WORK_MEETING_PARTIES = (
    "con las representaciones de partidos políticos y candidaturas independientes"
)


class SessionQuerySet(SealedQuerySet):
    def in_calendar(self):
        """Sessions that still take (or took) place: not cancelled."""
        return self.exclude(status=Session.Status.CANCELLED)

    def upcoming(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.in_calendar().filter(date__gte=today).order_by("date", "start_time")

    def with_acta(self):
        """The kinds of session that produce an acta (work meetings do not)."""
        return self.filter(kind__in=Session.KINDS_WITH_ACTA)

    def for_user(self, user, *, manage: bool = False):
        """
        The sessions ``user`` may see (or, with ``manage``, manage): the rule of
        committees.access, by role and by the dates of each membership.
        """
        if not access.can_see_anything(user):
            return self.none()
        if manages_every_committee(user):
            return self
        who = access.holder(user=user)
        if manage:
            return self.filter(committee__in=access.managed_committees(who).values("pk"))
        return self._readable_by(who)

    def for_person(self, person):
        """What ``person`` sees through their seats (their personal calendar feed)."""
        if person.user_id is not None and not person.user.is_active:
            return self.none()
        return self._readable_by(access.holder(person=person))

    def _readable_by(self, who):
        reached = access.reached_committees(who).values("pk")
        return self.filter(committee__in=reached).filter(
            access.session_readers(who) | access.invited(who)
        )

    def drafts_readable_by(self, user):
        """Sessions whose drafts (the acta in preparation) ``user`` may read."""
        if not access.can_see_anything(user):
            return self.none()
        if manages_every_committee(user):
            return self
        who = access.holder(user=user)
        reached = access.reached_committees(who).values("pk")
        return self.filter(committee__in=reached).filter(access.draft_readers(who))


class Session(SealedRecordMixin, models.Model):
    """A session or formal work meeting of a committee."""

    # Sealed when its acta is approved (sessions.seal); whether it shows in the public
    # calendar is a publication decision, not part of the record, and the calendar
    # freshness counters follow it (their triggers bump them on any change of the row).
    SEAL_PATH = "sealed_at"
    SEAL_EXEMPT_FIELDS = ("is_public", "calendar_version", "calendar_changed_at")

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Sesión ordinaria")
        EXTRAORDINARY = "extraordinary", _("Sesión extraordinaria")
        WORK_MEETING = (
            "work_meeting",
            _("Reunión formal de trabajo con representaciones de partidos políticos"),
        )
        WORKING_GROUP = "working_group", _("Reunión de grupo de trabajo")

    class Role(models.TextChoices):
        NONE = "", _("—")
        INSTALLATION = "installation", _("Instalación")
        CLOSING = "closing", _("Cierre y clausura")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Programada")
        CONVENED = "convened", _("Convocada")
        HELD = "held", _("Celebrada")
        CANCELLED = "cancelled", _("Cancelada")
        POSTPONED = "postponed", _("Pospuesta")

    KINDS_WITH_ACTA = (Kind.ORDINARY, Kind.EXTRAORDINARY, Kind.WORKING_GROUP)
    # A change to any of these reaches subscribed calendars: it grows the revision.
    SCHEDULE_FIELDS = ("date", "start_time", "end_time", "place", "video_link", "status")

    committee = models.ForeignKey(
        Committee,
        verbose_name=_("órgano colegiado"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    role = models.CharField(_("carácter"), max_length=20, choices=Role.choices, blank=True)
    number = models.PositiveSmallIntegerField(
        _("número"), help_text=_("Consecutivo dentro de su tipo: 1 para la primera.")
    )
    date = models.DateField(_("fecha"))
    start_time = models.TimeField(_("hora de inicio"), null=True, blank=True)
    end_time = models.TimeField(_("hora de término"), null=True, blank=True)
    place = models.CharField(_("lugar"), max_length=300, blank=True)
    video_link = models.URLField(_("enlace de videoconferencia"), max_length=500, blank=True)
    status = models.CharField(
        _("estado"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    notes = models.TextField(_("notas"), blank=True)
    is_public = models.BooleanField(
        _("pública"), default=True, help_text=_("Aparece en el calendario público.")
    )
    invitations = models.ManyToManyField(
        Membership,
        verbose_name=_("personas invitadas"),
        help_text=_(
            "Invitadas y representaciones que pueden ver esta sesión aunque no sea una "
            "reunión de trabajo."
        ),
        related_name="invited_sessions",
        blank=True,
    )
    convened_at = models.DateTimeField(_("convocada el"), null=True, blank=True)
    opened_at = models.DateTimeField(
        _("inicio con quórum"),
        null=True,
        blank=True,
        help_text=_("Cuándo se declaró el quórum y comenzó la sesión."),
    )
    closed_at = models.DateTimeField(_("clausura"), null=True, blank=True)
    quorum_present = models.PositiveSmallIntegerField(
        _("integrantes con voto presentes al declarar el quórum"), null=True, blank=True
    )
    quorum_required = models.PositiveSmallIntegerField(_("quórum requerido"), null=True, blank=True)
    status_reason = models.TextField(
        _("motivo del cambio de estado"),
        blank=True,
        help_text=_("Por qué se pospuso o canceló."),
    )
    status_changed_at = models.DateTimeField(_("aviso del cambio de estado"), null=True, blank=True)
    rescheduled_from = models.DateField(_("fecha original"), null=True, blank=True)
    revision = models.PositiveIntegerField(
        _("revisión"),
        default=0,
        editable=False,
        help_text=_("Crece con cada cambio de fecha, hora, lugar o estado."),
    )
    sealed_at = models.DateTimeField(
        _("registro sellado el"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Cuándo se aprobó el acta: desde entonces la sesión y su registro ya no cambian."
        ),
    )
    # A session that came from another calendar (an .ics import) keeps that event's UID and
    # the SEQUENCE last applied, so that importing the calendar again updates it.
    source_uid = models.CharField(
        _("UID en el calendario de origen"), max_length=255, blank=True, editable=False
    )
    source_sequence = models.PositiveIntegerField(
        _("versión aplicada del calendario de origen"), null=True, blank=True, editable=False
    )
    # Freshness of the session's iCalendar event: database triggers (migrations
    # committee_sessions 0006 and agendas 0002) bump the version and stamp the time on
    # every change of the session row, of its agenda points or of their documents, bulk
    # updates included. Feeds derive their ETag and Last-Modified from these.
    calendar_version = models.PositiveBigIntegerField(default=0, editable=False)
    calendar_changed_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SessionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["calendar_version", "calendar_changed_at"])

    class Meta:
        verbose_name = _("sesión")
        verbose_name_plural = _("sesiones")
        ordering = ["date", "start_time", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "kind", "number"],
                name="session_unique_number_per_kind",
                violation_error_message=_(
                    "Ya existe una sesión de ese tipo con ese número en este órgano."
                ),
            ),
            models.UniqueConstraint(
                fields=["committee", "role"],
                condition=~Q(role=""),
                name="session_one_installation_and_closing",
                violation_error_message=_(
                    "Este órgano ya tiene una sesión de instalación o de cierre."
                ),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="session_number_positive",
                violation_error_message=_("El número de la sesión empieza en 1."),
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | (Q(start_time__isnull=False) & Q(end_time__gt=F("start_time"))),
                name="session_end_after_start",
                violation_error_message=_(
                    "La hora de término debe ser posterior a la de inicio (y requiere hora "
                    "de inicio)."
                ),
            ),
            models.UniqueConstraint(
                fields=["committee", "source_uid"],
                condition=~Q(source_uid=""),
                name="session_unique_source_uid",
                violation_error_message=_(
                    "Ya hay una sesión de este órgano importada de ese evento (UID)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(role="") | Q(kind="ordinary"),
                name="session_role_only_for_ordinary",
                violation_error_message=_(
                    "Solo una sesión ordinaria puede ser de instalación o de cierre."
                ),
            ),
        ]
        indexes = [
            # The calendar: a committee's sessions in a date range.
            models.Index(fields=["committee", "date"], name="session_committee_date"),
            # The month view across committees.
            models.Index(fields=["date"], name="session_date"),
        ]

    def __str__(self):
        return f"{self.title} ({self.committee.short_name}, {self.date:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded_schedule", {})
        if any(getattr(self, name) != value for name, value in loaded.items()):
            self.revision += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "revision"}
        super().save(*args, **kwargs)
        self._loaded_schedule = self._schedule_values()

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance._loaded_schedule = instance._schedule_values()
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._loaded_schedule = self._schedule_values()

    def clean(self):
        errors = {}
        if self.committee_id:
            is_group = self.committee.kind == Committee.Kind.WORKING_GROUP
            if self.kind == self.Kind.WORKING_GROUP and not is_group:
                errors["kind"] = _(
                    "Las reuniones de grupo de trabajo son solo de órganos de tipo grupo de "
                    "trabajo."
                )
        if self.role and self.kind != self.Kind.ORDINARY:
            errors["role"] = _("Solo una sesión ordinaria puede ser de instalación o de cierre.")
        if self.end_time and not self.start_time:
            errors["end_time"] = _("Indique también la hora de inicio.")
        elif self.end_time and self.start_time and self.end_time <= self.start_time:
            errors["end_time"] = _("La hora de término debe ser posterior a la de inicio.")
        if self.status in (self.Status.POSTPONED, self.Status.CANCELLED) and not (
            self.status_reason.strip()
        ):
            errors["status_reason"] = _("Indique el motivo de la posposición o cancelación.")
        if errors:
            raise ValidationError(errors)

    def _schedule_values(self) -> dict:
        # Only the fields actually loaded: a deferred field must not cost a query here.
        return {name: self.__dict__[name] for name in self.SCHEDULE_FIELDS if name in self.__dict__}

    @property
    def title(self) -> str:
        """The Spanish title, derived: "Segunda sesión ordinaria"."""
        return capitalize_first(self._title_words())

    @property
    def reference(self) -> str:
        """The title as it reads inside a sentence: "la sesión de instalación"."""
        if self.role == self.Role.INSTALLATION:
            return "sesión de instalación"
        return self._title_words()

    def _title_words(self) -> str:
        nth = ordinal(self.number)
        if self.role == self.Role.INSTALLATION:
            return f"sesión de instalación ({capitalize_first(nth)} sesión ordinaria)"
        if self.role == self.Role.CLOSING:
            return "sesión de cierre y clausura"
        if self.kind == self.Kind.ORDINARY:
            return f"{nth} sesión ordinaria"
        if self.kind == self.Kind.EXTRAORDINARY:
            return f"{nth} sesión extraordinaria"
        if self.kind == self.Kind.WORK_MEETING:
            return f"{nth} reunión formal de trabajo {WORK_MEETING_PARTIES}"
        return f"{nth} reunión {of_body(self.committee.name)}"

    @property
    def has_acta(self) -> bool:
        return self.kind in self.KINDS_WITH_ACTA

    @property
    def sealed(self) -> bool:
        """Its acta is approved: the session and its record no longer change."""
        return self.sealed_at is not None

    @property
    def in_progress(self) -> bool:
        """Opened with quorum and not yet closed."""
        return self.opened_at is not None and self.closed_at is None

    @property
    def starts_at(self) -> datetime.datetime | None:
        """Start as an aware datetime in the institution's time zone, when the time is known."""
        if self.start_time is None:
            return None
        return datetime.datetime.combine(self.date, self.start_time, tzinfo=self.committee.zone)

    @property
    def ends_at(self) -> datetime.datetime | None:
        if self.end_time is None:
            return None
        return datetime.datetime.combine(self.date, self.end_time, tzinfo=self.committee.zone)


def of_body(name: str) -> str:
    """ "del Grupo de Trabajo…", "de la Comisión…": the contraction Spanish needs."""
    lowered = name.lower()
    if lowered.startswith(("comisión", "junta", "unidad", "dirección", "secretaría")):
        return f"de la {name}"
    if lowered.startswith(("grupo", "comité", "consejo", "órgano")):
        return f"del {name}"
    return f"de {name}"


def of_short_name(committee: Committee) -> str:
    """ "del COTAPREP", "de la CTAI": the contraction the full name takes, on the short name."""
    preposition = of_body(committee.name).removesuffix(committee.name)
    return f"{preposition}{committee.short_name}"


class AttendanceQuerySet(SealedQuerySet):
    pass


class Attendance(SealedRecordMixin, models.Model):
    """Whether a committee member was at a session, and how."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Presente")
        REMOTE = "remote", _("A distancia")
        ABSENT = "absent", _("Ausente")
        EXCUSED = "excused", _("Ausencia justificada")

    PRESENT_STATUSES = (Status.PRESENT, Status.REMOTE)

    session = models.ForeignKey(
        Session, verbose_name=_("sesión"), on_delete=models.CASCADE, related_name="attendances"
    )
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("integración"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    status = models.CharField(_("asistencia"), max_length=10, choices=Status.choices)
    arrival_time = models.TimeField(_("hora de llegada"), null=True, blank=True)
    # PROTECT: the record names who wrote it; an account that did is deactivated, not deleted.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrada por"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = AttendanceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("asistencia")
        verbose_name_plural = _("asistencias")
        ordering = ["session", "membership__role", "membership__person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "membership"],
                name="attendance_once_per_session",
                violation_error_message=_(
                    "La asistencia de esta persona ya está registrada en la sesión."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.membership.person} — {self.get_status_display()}"

    def clean(self):
        if not (self.session_id and self.membership_id):
            return
        if self.membership.committee_id != self.session.committee_id:
            raise ValidationError(
                {"membership": _("Esta persona no forma parte del órgano de la sesión.")}
            )
        if not self.membership.is_active_on(self.session.date):
            raise ValidationError(
                {
                    "membership": _(
                        "El cargo de esta persona no estaba vigente en la fecha de la sesión."
                    )
                }
            )

    @property
    def is_present(self) -> bool:
        return self.status in self.PRESENT_STATUSES


class NoticeDelivery(models.Model):
    """A notice about a session (convocation, new date, cancellation) e-mailed to one person."""

    class Kind(models.TextChoices):
        CONVOCATION = "convocation", _("Convocatoria")
        RESCHEDULING = "rescheduling", _("Convocatoria a la nueva fecha")
        CANCELLATION = "cancellation", _("Cancelación")

    session = models.ForeignKey(
        Session,
        verbose_name=_("sesión"),
        on_delete=models.CASCADE,
        related_name="notice_deliveries",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("persona"),
        on_delete=models.PROTECT,
        related_name="notice_deliveries",
    )
    email = models.EmailField(_("correo electrónico"))
    kind = models.CharField(_("aviso"), max_length=12, choices=Kind.choices)
    revision = models.PositiveIntegerField(
        _("revisión de la sesión"),
        help_text=_("La versión de la sesión que se avisó (la SEQUENCE del .ics adjunto)."),
    )
    sent_at = models.DateTimeField(_("entregado al servidor de correo"))
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("envío de aviso")
        verbose_name_plural = _("envíos de avisos")
        ordering = ["session", "sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person", "kind", "revision"],
                name="notice_once_per_person_and_revision",
                violation_error_message=_("Este aviso ya se envió a esta persona."),
            ),
        ]
        indexes = [
            # The session page's log: one session's deliveries in the order they were sent.
            models.Index(fields=["session", "sent_at"], name="notice_session_sent"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.person} ({self.email})"

    @property
    def delivered(self) -> bool:
        return not self.error


class Folio(models.Model):
    """
    An oficio number (folio) issued to a document of a committee: sequential per committee
    and year, never reused. Issued by ``sessions.folios.issue_folio`` under a lock on the
    committee, so two documents issued at once get consecutive numbers with no gap; a
    folio once issued is never changed or deleted (the model refuses, and so does
    PostgreSQL: the unique constraint keeps the number taken).
    """

    class Kind(models.TextChoices):
        CONVOCATORIA = "convocatoria", _("Convocatoria")
        INFORME = "informe", _("Informe")

    committee = models.ForeignKey(
        Committee,
        verbose_name=_("órgano colegiado"),
        on_delete=models.PROTECT,
        related_name="folios",
    )
    year = models.PositiveSmallIntegerField(_("año"))
    number = models.PositiveIntegerField(_("consecutivo"))
    code = models.CharField(_("número de oficio"), max_length=120, unique=True)
    kind = models.CharField(_("documento"), max_length=20, choices=Kind.choices)
    session = models.ForeignKey(
        Session,
        verbose_name=_("sesión"),
        on_delete=models.PROTECT,
        related_name="folios",
        null=True,
        blank=True,
    )
    informe = models.ForeignKey(
        "reports.Informe",
        verbose_name=_("informe"),
        on_delete=models.PROTECT,
        related_name="folios",
        null=True,
        blank=True,
    )
    issued_at = models.DateTimeField(_("emitido"), default=timezone.now)

    class Meta:
        verbose_name = _("folio")
        verbose_name_plural = _("folios")
        ordering = ["committee", "year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "year", "number"],
                name="folio_once_per_committee_and_year",
                violation_error_message=_("Ese consecutivo ya se emitió en ese año."),
            ),
            models.UniqueConstraint(
                fields=["session", "kind"],
                condition=Q(session__isnull=False),
                name="folio_once_per_session_document",
            ),
            models.UniqueConstraint(
                fields=["informe"],
                condition=Q(informe__isnull=False),
                name="folio_once_per_informe",
            ),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("Un folio emitido no se modifica."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Un folio emitido no se borra: su número no se reutiliza."))


class ConveningConfirmation(models.Model):
    """The secretary's explicit confirmation of the warnings shown before convening."""

    session = models.ForeignKey(
        Session,
        verbose_name=_("sesión"),
        on_delete=models.CASCADE,
        related_name="convening_confirmations",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmó"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    confirmed_at = models.DateTimeField(_("fecha de confirmación"))
    warnings = models.JSONField(
        _("advertencias confirmadas"),
        help_text=_("El texto de cada advertencia tal como se mostró al convocar."),
    )

    class Meta:
        verbose_name = _("confirmación de convocatoria con advertencias")
        verbose_name_plural = _("confirmaciones de convocatoria con advertencias")
        ordering = ["session", "confirmed_at", "pk"]

    def __str__(self):
        return f"{self.session} · {len(self.warnings)}"
