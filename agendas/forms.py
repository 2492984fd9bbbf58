from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from committees.models import Person
from sessions.models import Attendance

from .models import AgendaPoint, Agreement, AgreementFollowUp, Document, Vote
from .uploads import ACCEPTED_EXTENSIONS, content_matches_name, extension_of


class PointForm(forms.ModelForm):
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AgendaPoint
        fields = ["title", "kind", "presenter", "description"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "title": {"required": _("Escriba el título del punto.")},
            "kind": {"required": _("Elija el tipo de punto.")},
        }


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "file"]
        error_messages = {
            "title": {"required": _("Escriba el título del documento.")},
            "file": {
                "required": _("Elija el archivo que desea cargar."),
                "empty": _("El archivo está vacío."),
            },
        }

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
        if uploaded.size > limit:
            raise forms.ValidationError(
                _("El archivo pesa %(size)s; el máximo es %(limit)s.")
                % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)}
            )
        if extension_of(uploaded.name) not in ACCEPTED_EXTENSIONS:
            raise forms.ValidationError(
                _(
                    "No se aceptan archivos .%(extension)s. Formatos aceptados: PDF, Word, "
                    "Excel, PowerPoint e imágenes (PNG, JPG, GIF, WEBP)."
                )
                % {"extension": extension_of(uploaded.name) or "sin extensión"}
            )
        if not content_matches_name(uploaded):
            raise forms.ValidationError(
                _(
                    "El contenido del archivo no corresponde a un archivo .%(extension)s; "
                    "puede estar dañado o tener otra extensión."
                )
                % {"extension": extension_of(uploaded.name)}
            )
        return uploaded


# --- The record of a session: attendance, votes, agreements and their follow-up ------------


def _seat_label(membership) -> str:
    if membership.party_id:
        return f"{membership.person.full_name} ({membership.party.acronym})"
    return membership.person.full_name


class RollCallForm(forms.Form):
    """
    The roll call: for each seat active on the session's date, how the person attends
    and, optionally, when they arrived. A row left without an answer is not recorded.
    """

    def __init__(self, *args, memberships, attendances, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = memberships
        # What is recorded already, by seat: unchanged answers are not recorded again.
        self.recorded = attendances
        for membership in memberships:
            recorded = attendances.get(membership.pk)
            self.fields[self.status_name(membership)] = forms.ChoiceField(
                label=_seat_label(membership),
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                required=False,
                initial=recorded.status if recorded else None,
            )
            self.fields[self.arrival_name(membership)] = forms.TimeField(
                label=_("Hora de llegada"),
                required=False,
                initial=recorded.arrival_time if recorded else None,
                widget=forms.TimeInput(
                    attrs={"type": "time", "class": "form-control form-control-sm"},
                    format="%H:%M",
                ),
            )

    @staticmethod
    def status_name(membership) -> str:
        return f"asistencia_{membership.pk}"

    @staticmethod
    def arrival_name(membership) -> str:
        return f"llegada_{membership.pk}"

    def rows(self):
        for membership in self.memberships:
            yield (
                membership,
                self[self.status_name(membership)],
                self[self.arrival_name(membership)],
            )

    def clean(self):
        cleaned = super().clean()
        for membership in self.memberships:
            status = cleaned.get(self.status_name(membership))
            arrival = cleaned.get(self.arrival_name(membership))
            if arrival is None:
                continue
            if not status:
                self.add_error(
                    self.arrival_name(membership),
                    _("Indique también la asistencia de %(name)s.")
                    % {"name": membership.person.full_name},
                )
            elif status not in Attendance.PRESENT_STATUSES:
                self.add_error(
                    self.arrival_name(membership),
                    _("Una persona ausente no tiene hora de llegada."),
                )
        return cleaned

    def answers(self) -> list[tuple]:
        """(membership, status, arrival time) for every row answered."""
        return [
            (
                membership,
                self.cleaned_data[self.status_name(membership)],
                self.cleaned_data[self.arrival_name(membership)],
            )
            for membership in self.memberships
            if self.cleaned_data.get(self.status_name(membership))
        ]

    def statuses_as_typed(self) -> dict[int, str]:
        """What the form says now, valid or not: the live quorum counts it before saving."""
        valid = set(Attendance.Status.values)
        statuses = {}
        for membership in self.memberships:
            status = self[self.status_name(membership)].value()
            if status in valid:
                statuses[membership.pk] = status
        return statuses


class VoteForm(forms.Form):
    """A roll-call vote on a point: one row per member with vote present at the session."""

    def __init__(self, *args, memberships, votes, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = memberships
        for membership in memberships:
            cast = votes.get(membership.pk)
            self.fields[self.sense_name(membership)] = forms.ChoiceField(
                label=_seat_label(membership),
                choices=Vote.Sense.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                required=False,
                initial=cast.sense if cast else None,
            )

    @staticmethod
    def sense_name(membership) -> str:
        return f"voto_{membership.pk}"

    def rows(self):
        for membership in self.memberships:
            yield membership, self[self.sense_name(membership)]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.values()):
            raise forms.ValidationError(
                _("Registre el sentido del voto de al menos una persona."), code="empty"
            )
        return cleaned

    def answers(self) -> list[tuple]:
        """(membership, sense) for every row answered."""
        return [
            (membership, self.cleaned_data[self.sense_name(membership)])
            for membership in self.memberships
            if self.cleaned_data.get(self.sense_name(membership))
        ]


class AgreementForm(forms.ModelForm):
    """An agreement adopted under a point; the responsible person sits on the committee."""

    class Meta:
        model = Agreement
        fields = ["text", "responsible", "due_date"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {"text": {"required": _("Escriba el texto del acuerdo.")}}

    def __init__(self, *args, point, **kwargs):
        super().__init__(*args, **kwargs)
        self.point = point
        responsible = self.fields["responsible"]
        responsible.queryset = Person.objects.filter(
            memberships__committee_id=point.session.committee_id
        ).distinct()
        responsible.empty_label = _("— Sin responsable —")
        responsible.error_messages["invalid_choice"] = _(
            "Elija a una persona que forme parte del órgano."
        )

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        session_date = self.point.session.date
        if due_date and due_date < session_date:
            raise forms.ValidationError(
                _("La fecha compromiso no puede ser anterior a la sesión (%(date)s).")
                % {"date": f"{session_date:%d/%m/%Y}"}
            )
        return due_date


class FollowUpForm(forms.ModelForm):
    """An entry of an agreement's follow-up log, perhaps reported at a session's point."""

    class Meta:
        model = AgreementFollowUp
        fields = ["date", "note", "new_status", "at_point"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
            "at_point": forms.HiddenInput,
        }
        error_messages = {
            "date": {"required": _("Indique la fecha del seguimiento.")},
            "note": {"required": _("Escriba el seguimiento.")},
        }

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        self.fields["new_status"].choices = [
            ("", _("— Sin cambio de estado —")),
            *Agreement.Status.choices,
        ]
        at_point = self.fields["at_point"]
        at_point.queryset = AgendaPoint.objects.filter(
            session__committee_id=agreement.committee_id,
            standard=AgendaPoint.Standard.AGREEMENTS_FOLLOW_UP,
        ).select_related("session__committee")
        at_point.error_messages["invalid_choice"] = _(
            "El punto de seguimiento no es de una sesión de este órgano."
        )

    def clean_date(self):
        date = self.cleaned_data["date"]
        adopted = self.agreement.point.session.date
        if date < adopted:
            raise forms.ValidationError(
                _("El seguimiento no puede ser anterior a la adopción del acuerdo (%(date)s).")
                % {"date": f"{adopted:%d/%m/%Y}"}
            )
        return date

    def clean_at_point(self):
        at_point = self.cleaned_data["at_point"]
        if at_point and at_point.session.date <= self.agreement.point.session.date:
            raise forms.ValidationError(
                _("El acuerdo se informa en una sesión posterior a la que lo adoptó.")
            )
        return at_point


class AgreementFilterForm(forms.Form):
    OVERDUE = "vencidos"

    estado = forms.ChoiceField(
        label=_("Estado"),
        required=False,
        choices=[
            ("", _("Todos")),
            *Agreement.Status.choices,
            (OVERDUE, _("Vencidos")),
        ],
    )


class DispositionForm(forms.Form):
    """Why a point for approval was not voted: withdrawn, deferred, or not put to a vote."""

    disposition = forms.ChoiceField(
        label=_("Qué pasó con el punto"),
        choices=[("", _("Se votará (quitar la indicación)"))]
        + [choice for choice in AgendaPoint.Disposition.choices if choice[0]],
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motivo"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=_(
            "Queda en el acta. Un punto diferido se ofrece al orden del día de la siguiente sesión."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("disposition") and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Indique el motivo."))
        return cleaned
