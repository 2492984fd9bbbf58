import datetime
import re
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .logos import validate_logo

DEFAULT_AGREEMENT_PATTERN = "{COMMITTEE}/{YEAR}/{SESSION}/{SEQ}"
# An oficio number: "IEPC/COTAPREP/007/2024".
DEFAULT_FOLIO_PATTERN = "{INSTITUTION}/{COMMITTEE}/{SEQ}/{YEAR}"
FOLIO_MARKERS = {"INSTITUTION", "COMMITTEE", "SEQ", "YEAR"}


class Institution(models.Model):
    """An electoral authority: the INE or a state OPL."""

    class Kind(models.TextChoices):
        INE = "ine", _("Instituto Nacional Electoral")
        OPL = "opl", _("Organismo Público Local")

    name = models.CharField(_("nombre"), max_length=200, unique=True)
    short_name = models.CharField(_("siglas"), max_length=40, unique=True)
    kind = models.CharField(_("tipo"), max_length=3, choices=Kind.choices)
    state = models.CharField(_("entidad federativa"), max_length=60, blank=True)
    time_zone = models.CharField(_("zona horaria"), max_length=60, default="America/Mexico_City")
    full_name = models.CharField(
        _("nombre oficial completo"),
        max_length=300,
        blank=True,
        help_text=_("Como se imprime en el membrete; si se deja vacío se usa el nombre."),
    )
    address = models.TextField(_("domicilio"), blank=True)
    city = models.CharField(
        _("ciudad sede"),
        max_length=120,
        blank=True,
        help_text=_("Para la línea de lugar y fecha, p. ej. «Guadalajara, Jalisco»."),
    )
    logo = models.FileField(
        _("logotipo"),
        upload_to="institutions/",
        blank=True,
        validators=[validate_logo],
        help_text=_("PNG o SVG autocontenido, de hasta 512 KiB."),
    )

    class Meta:
        verbose_name = _("institución")
        verbose_name_plural = _("instituciones")
        ordering = ["short_name"]

    def __str__(self):
        return self.short_name

    def clean(self):
        if self.time_zone not in zoneinfo.available_timezones():
            raise ValidationError(
                {
                    "time_zone": _(
                        "«%(zone)s» no es una zona horaria válida (p. ej. America/Mexico_City)."
                    )
                    % {"zone": self.time_zone}
                }
            )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class ElectoralProcess(models.Model):
    """An electoral process of an institution, ending in its election day."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institución"),
        on_delete=models.PROTECT,
        related_name="processes",
    )
    name = models.CharField(_("nombre"), max_length=200)
    election_day = models.DateField(_("jornada electoral"))
    start = models.DateField(_("inicio"), null=True, blank=True)
    end = models.DateField(_("conclusión"), null=True, blank=True)

    class Meta:
        verbose_name = _("proceso electoral")
        verbose_name_plural = _("procesos electorales")
        ordering = ["-election_day"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "name"],
                name="process_unique_name_per_institution",
                violation_error_message=_(
                    "Esta institución ya tiene un proceso electoral con ese nombre."
                ),
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="process_end_after_start",
                violation_error_message=_(
                    "La conclusión del proceso no puede ser anterior a su inicio."
                ),
            ),
        ]

    def __str__(self):
        return self.name


class PoliticalParty(models.Model):
    """A political party (or independent candidacy) with a representation before a body."""

    name = models.CharField(_("nombre"), max_length=200, unique=True)
    acronym = models.CharField(_("siglas"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("partido político")
        verbose_name_plural = _("partidos políticos")
        ordering = ["name"]

    def __str__(self):
        return self.acronym


def manages_every_committee(user) -> bool:
    """Staff with the right permission manage every committee, not only their own."""
    return user.is_active and (user.is_superuser or user.has_perm("committees.change_committee"))


class CommitteeQuerySet(models.QuerySet):
    def for_user(self, user, *, manage: bool = False):
        """
        Committees the user sits on in any role and any term (a former member keeps the
        page, which then lists only the sessions of their term), or, with ``manage``,
        those whose technical secretary they are or were: the secretariat keeps the
        records after the committee closes. Managers of every committee see them all.
        """
        from . import access

        if not access.can_see_anything(user):
            return self.none()
        if manages_every_committee(user):
            return self
        who = access.holder(user=user)
        if manage:
            return self.filter(access.secretary_seat(who, committee_ref="pk"))
        return self.filter(access.any_seat(who, committee_ref="pk"))


class Committee(models.Model):
    """A collegiate body: a technical advisory committee, a working group or a commission."""

    class Kind(models.TextChoices):
        TECHNICAL_ADVISORY = "technical_advisory", _("Comité técnico asesor")
        WORKING_GROUP = "working_group", _("Grupo de trabajo de una comisión")
        COMMISSION = "commission", _("Comisión")
        OTHER = "other", _("Otro órgano colegiado")

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institución"),
        on_delete=models.PROTECT,
        related_name="committees",
    )
    process = models.ForeignKey(
        ElectoralProcess,
        verbose_name=_("proceso electoral"),
        on_delete=models.PROTECT,
        related_name="committees",
        null=True,
        blank=True,
    )
    name = models.CharField(_("nombre"), max_length=300)
    short_name = models.CharField(_("nombre corto"), max_length=40)
    slug = models.SlugField(_("identificador"), max_length=80, unique=True)
    kind = models.CharField(_("tipo de órgano"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("órgano del que depende"),
        help_text=_("Para un grupo de trabajo, la comisión a la que pertenece."),
        on_delete=models.PROTECT,
        related_name="subsidiaries",
        null=True,
        blank=True,
    )
    subject = models.CharField(
        _("materia"),
        max_length=300,
        blank=True,
        help_text=_(
            "Completa el punto de avance mensual: «…relacionadas con <materia>». "
            "P. ej. «la implementación y operación del Programa de Resultados "
            "Electorales Preliminares»."
        ),
    )
    legal_basis = models.TextField(_("fundamento legal"), blank=True)
    integration_act = models.CharField(_("acuerdo de integración"), max_length=80, blank=True)
    integrated_on = models.DateField(_("fecha de integración"), null=True, blank=True)
    installed_on = models.DateField(_("fecha de instalación"), null=True, blank=True)
    closed_on = models.DateField(_("fecha de conclusión"), null=True, blank=True)
    agreement_number_pattern = models.CharField(
        _("formato del número de acuerdo"),
        max_length=80,
        default=DEFAULT_AGREEMENT_PATTERN,
        help_text=_(
            "Marcadores: {COMMITTEE} nombre corto, {YEAR} año, {SESSION} sesión "
            "(p. ej. SO03), {SEQ} consecutivo (p. ej. A02)."
        ),
    )

    folio_pattern = models.CharField(
        _("formato del número de oficio"),
        max_length=80,
        default=DEFAULT_FOLIO_PATTERN,
        help_text=_(
            "Marcadores: {INSTITUTION} siglas de la institución, {COMMITTEE} nombre corto, "
            "{SEQ} consecutivo anual de tres cifras, {YEAR} año. P. ej. IEPC/COTAPREP/007/2024."
        ),
    )
    logo = models.FileField(
        _("logotipo del órgano"),
        upload_to="institutions/committees/",
        blank=True,
        validators=[validate_logo],
        help_text=_("Opcional: se imprime a la derecha del membrete. PNG o SVG."),
    )

    objects = CommitteeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("órgano colegiado")
        verbose_name_plural = _("órganos colegiados")
        ordering = ["institution__short_name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(installed_on__isnull=True)
                | Q(closed_on__isnull=True)
                | Q(closed_on__gte=F("installed_on")),
                name="committee_closed_after_installed",
                violation_error_message=_(
                    "La fecha de conclusión no puede ser anterior a la de instalación."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.short_name} — {self.institution.short_name}"

    def clean(self):
        errors = {}
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = _("Un órgano no puede depender de sí mismo.")
        if self.kind == self.Kind.WORKING_GROUP and not self.parent_id:
            errors["parent"] = _("Un grupo de trabajo debe indicar la comisión a la que pertenece.")
        if (
            self.process_id
            and self.institution_id
            and (self.process.institution_id != self.institution_id)
        ):
            errors["process"] = _("El proceso electoral es de otra institución.")
        unknown = _unknown_pattern_markers(self.agreement_number_pattern)
        if unknown:
            errors["agreement_number_pattern"] = _(
                "Marcadores desconocidos: %(markers)s. Use {COMMITTEE}, {YEAR}, {SESSION} y {SEQ}."
            ) % {"markers": ", ".join(unknown)}
        elif "{SEQ}" not in self.agreement_number_pattern:
            errors["agreement_number_pattern"] = _(
                "El formato debe incluir {SEQ} para que cada acuerdo tenga un número único."
            )
        unknown = sorted(set(re.findall(r"{(\w*)}", self.folio_pattern)) - FOLIO_MARKERS)
        if unknown:
            errors["folio_pattern"] = _(
                "Marcadores desconocidos: %(markers)s. Use {INSTITUTION}, {COMMITTEE}, {SEQ} "
                "y {YEAR}."
            ) % {"markers": ", ".join(unknown)}
        elif "{SEQ}" not in self.folio_pattern or "{YEAR}" not in self.folio_pattern:
            errors["folio_pattern"] = _(
                "El formato debe incluir {SEQ} y {YEAR}: el consecutivo se reinicia cada año."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return self.institution.zone

    @property
    def election_day(self) -> datetime.date | None:
        return self.process.election_day if self.process_id else None

    def format_folio(self, number: int, year: int) -> str:
        """The oficio number ``number`` of ``year`` in this committee's pattern."""
        return (
            self.folio_pattern.replace("{INSTITUTION}", self.institution.short_name)
            .replace("{COMMITTEE}", self.short_name)
            .replace("{SEQ}", f"{number:03d}")
            .replace("{YEAR}", str(year))
        )


def _unknown_pattern_markers(pattern: str) -> list[str]:
    known = {"COMMITTEE", "YEAR", "SESSION", "SEQ"}
    return sorted({m for m in re.findall(r"{(\w*)}", pattern)} - known)


class Attribution(models.Model):
    """One of a committee's attributions, as its legal basis lists them (a), b), …)."""

    committee = models.ForeignKey(
        Committee,
        verbose_name=_("órgano colegiado"),
        on_delete=models.CASCADE,
        related_name="attributions",
    )
    position = models.PositiveSmallIntegerField(_("orden"))
    label = models.CharField(_("inciso"), max_length=10, blank=True)
    text = models.TextField(_("texto"))

    class Meta:
        verbose_name = _("atribución")
        verbose_name_plural = _("atribuciones")
        ordering = ["committee", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "position"],
                name="attribution_unique_position",
                violation_error_message=_("Ya hay una atribución en esa posición."),
            ),
        ]

    def __str__(self):
        return f"{self.label}) {self.text[:60]}" if self.label else self.text[:60]


def new_calendar_token() -> str:
    """An unguessable token for a personal calendar URL (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


class Person(models.Model):
    """A person who takes part in committees: member, secretary, guest or representative."""

    name = models.CharField(_("nombre completo"), max_length=200)
    honorific = models.CharField(
        _("tratamiento"), max_length=30, blank=True, help_text=_("P. ej. Mtra., Ing., Dr.")
    )
    job_title = models.CharField(_("cargo"), max_length=200, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    cv_extract = models.TextField(_("extracto curricular"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.SET_NULL,
        related_name="person",
        null=True,
        blank=True,
    )
    # The secret in the URL of the personal calendar feed; regenerating it revokes the old URL.
    calendar_token = models.CharField(
        _("clave del calendario personal"),
        max_length=43,
        unique=True,
        default=new_calendar_token,
        editable=False,
    )

    # The calendar token is a secret: its history would keep every revoked one readable.
    history = HistoricalRecords(excluded_fields=["calendar_token"])

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("personas")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def full_name(self) -> str:
        return f"{self.honorific} {self.name}" if self.honorific else self.name

    def regenerate_calendar_token(self) -> str:
        """Give the person a new calendar URL; the old one stops working at once."""
        self.calendar_token = new_calendar_token()
        self.save(update_fields=["calendar_token"])
        return self.calendar_token


class MembershipQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        """Memberships whose term covers ``day`` (the end date is the last day served)."""
        return self.filter(Q(end__isnull=True) | Q(end__gte=day), start__lte=day)

    def with_vote(self):
        return self.filter(role__in=Membership.VOTING_ROLES)


class Membership(models.Model):
    """A person's seat on a committee, in one role, for a term."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Integrante (voz y voto)")
        TECHNICAL_SECRETARY = "technical_secretary", _("Secretaría técnica (voz)")
        GUEST = "guest", _("Persona invitada (voz)")
        PARTY_REPRESENTATIVE = "party_representative", _("Representación de partido político (voz)")

    VOTING_ROLES = (Role.MEMBER,)
    # Headings over a group of seats of one role ("Integrantes (voz y voto)").
    ROLE_GROUP_HEADINGS = {
        Role.MEMBER: _("Integrantes (voz y voto)"),
        Role.TECHNICAL_SECRETARY: _("Secretaría técnica (voz)"),
        Role.GUEST: _("Personas invitadas (voz)"),
        Role.PARTY_REPRESENTATIVE: _("Representaciones de partidos políticos (voz)"),
    }

    committee = models.ForeignKey(
        Committee,
        verbose_name=_("órgano colegiado"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("persona"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("calidad"), max_length=24, choices=Role.choices)
    party = models.ForeignKey(
        PoliticalParty,
        verbose_name=_("partido político"),
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
    )
    start = models.DateField(_("inicio del cargo"))
    end = models.DateField(_("fin del cargo"), null=True, blank=True)
    appointing_act = models.CharField(
        _("acuerdo de designación"),
        max_length=80,
        blank=True,
        help_text=_("P. ej. IEPC-ACG-069/2023"),
    )

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("integración")
        verbose_name_plural = _("integraciones")
        ordering = ["committee", "role", "person__name"]
        # committees.access looks seats up by person and committee for every page.
        indexes = [
            models.Index(
                fields=["person", "committee", "role"], name="membership_person_committee"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="membership_end_after_start",
                violation_error_message=_("El fin del cargo no puede ser anterior a su inicio."),
            ),
            models.CheckConstraint(
                condition=Q(role="party_representative", party__isnull=False)
                | (~Q(role="party_representative") & Q(party__isnull=True)),
                name="membership_party_only_for_representatives",
                violation_error_message=_(
                    "Solo una representación de partido político indica partido, y debe indicarlo."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.get_role_display()} ({self.committee.short_name})"

    def clean(self):
        if self.role == self.Role.PARTY_REPRESENTATIVE and not self.party_id:
            raise ValidationError({"party": _("Indique el partido político que representa.")})
        if self.role != self.Role.PARTY_REPRESENTATIVE and self.party_id:
            raise ValidationError(
                {"party": _("Solo las representaciones de partido político indican partido.")}
            )
        if self.committee_id and self.person_id and self.start:
            overlapping = Membership.objects.filter(
                committee_id=self.committee_id, person_id=self.person_id
            ).exclude(pk=self.pk)
            if self.end:
                overlapping = overlapping.filter(start__lte=self.end)
            overlapping = overlapping.filter(Q(end__isnull=True) | Q(end__gte=self.start))
            if overlapping.exists():
                raise ValidationError(
                    _("Esta persona ya forma parte del órgano en parte de ese periodo.")
                )

    @property
    def has_vote(self) -> bool:
        return self.role in self.VOTING_ROLES

    @classmethod
    def group_heading(cls, role_label: str, count: int) -> str:
        """The heading over ``count`` seats whose role reads ``role_label``."""
        if count < 2:
            return role_label
        by_label = {str(role.label): role for role in cls.Role}
        role = by_label.get(str(role_label))
        return str(cls.ROLE_GROUP_HEADINGS[role]) if role else role_label

    def is_active_on(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


class Rule(models.Model):
    """A rule a committee's calendar and records are checked against, kept as data."""

    class Level(models.TextChoices):
        ERROR = "error", _("Error")
        WARNING = "warning", _("Advertencia")
        INFO = "info", _("Información")

    class Certainty(models.TextChoices):
        SEED = "seed", _("Tomada del plan de trabajo (cita el Reglamento)")
        INFERRED = "inferred", _("Inferida de la práctica")
        DEFAULT = "default", _("Valor por omisión, sin texto vinculante")

    code = models.CharField(_("identificador"), max_length=20, unique=True)
    cites = models.CharField(_("fundamento"), max_length=100, blank=True)
    statement = models.TextField(_("regla"))
    level = models.CharField(_("nivel"), max_length=10, choices=Level.choices)
    certainty = models.CharField(_("certeza"), max_length=10, choices=Certainty.choices)
    applies_to = models.JSONField(
        _("tipos de órgano"),
        default=list,
        blank=True,
        help_text=_("Tipos de órgano a los que aplica; vacío: a todos."),
    )
    parameters = models.JSONField(_("parámetros"), default=dict, blank=True)
    verified_on = models.DateField(
        _("verificada el"),
        null=True,
        blank=True,
        help_text=_("Fecha en que una persona cotejó la regla con el texto vigente."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("regla")
        verbose_name_plural = _("reglas")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} — {self.statement[:60]}"

    def applies_to_committee(self, committee: Committee) -> bool:
        return not self.applies_to or committee.kind in self.applies_to


class RuleOverride(models.Model):
    """A committee's own value for some parameters of a rule (e.g. a 48-hour notice)."""

    committee = models.ForeignKey(
        Committee,
        verbose_name=_("órgano colegiado"),
        on_delete=models.CASCADE,
        related_name="rule_overrides",
    )
    rule = models.ForeignKey(
        Rule, verbose_name=_("regla"), on_delete=models.CASCADE, related_name="overrides"
    )
    parameters = models.JSONField(_("parámetros propios"), default=dict)
    reason = models.TextField(_("motivo o acuerdo"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("parámetro propio de una regla")
        verbose_name_plural = _("parámetros propios de las reglas")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "rule"],
                name="rule_override_once_per_committee",
                violation_error_message=_("Este órgano ya ajustó esta regla."),
            ),
        ]

    def __str__(self):
        return f"{self.rule.code} ({self.committee.short_name})"

    def clean(self):
        if not self.rule_id:
            return
        unknown = sorted(set(self.parameters) - set(self.rule.parameters))
        if unknown:
            raise ValidationError(
                {
                    "parameters": _(
                        "La regla %(code)s no tiene los parámetros %(unknown)s; tiene: %(known)s."
                    )
                    % {
                        "code": self.rule.code,
                        "unknown": ", ".join(unknown),
                        "known": ", ".join(sorted(self.rule.parameters)) or "ninguno",
                    }
                }
            )


def rule_parameters(committee: Committee, code: str) -> dict:
    """The parameters of a rule for a committee: the defaults with its own values on top."""
    rule = Rule.objects.get(code=code)
    override = rule.overrides.filter(committee=committee).first()
    return {**rule.parameters, **(override.parameters if override else {})}
