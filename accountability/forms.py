"""Forms of the accountability pages: shape only (types, lengths, choices); the rules are in
the services. Choices come from the caller, already scoped to the organisation."""

from __future__ import annotations

import datetime
import functools
from html import escape

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accountability import sentences
from accountability.audit_names import action_label
from accountability.countries import country_choices
from accountability.deadlines import breach_delay_needs_reason
from accountability.models import AdviceNote, Incident, NoticeChannel, Processor
from accountability.register import ACTIVITIES
from ikc_share.forms import IdMultipleChoiceField
from ikc_share.http import MAX_ID


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class _QuickSelect(forms.Select):
    """A select rendered in Python, escaped with the standard library: Django renders every
    option through a template (about 40 µs each) and the audit filter has one per child of
    the organisation, which made the form a third of the audit browser's time at 250
    children."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        final_attrs = self.build_attrs(self.attrs, attrs)
        options = []
        for v, label in self.choices:
            v = "" if v is None else str(v)
            mark = " selected" if v in selected else ""
            options.append(f'<option value="{escape(v)}"{mark}>{escape(str(label))}</option>')
        return mark_safe(f'<select name="{escape(name)}"{flatatt(final_attrs)}>{"".join(options)}</select>')


def _helper(submit: str | None = None, *, method: str = "post") -> FormHelper:
    helper = FormHelper()
    helper.form_method = method
    if submit:
        helper.add_input(Submit("submit", submit))
    return helper


def action_choices() -> list[tuple]:
    return list(_action_choices(get_language()))


@functools.lru_cache(maxsize=8)
def _action_choices(language: str) -> tuple[tuple, ...]:
    # Per language: the catalogue of actions is fixed, so the list is built once.
    groups = [("", str(_("Alle gebeurtenissen")))]
    for group, label in sentences.GROUPS.items():
        actions = sentences.actions_in_group(group)
        groups.append((group, str(_("%(group)s (alle)") % {"group": label})))
        groups.extend((a, f"— {action_label(a, label)}") for a in actions)  # words, never the code
    return tuple(groups)


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label=_("Van"), required=False, widget=_DateInput())
    date_to = forms.DateField(label=_("Tot en met"), required=False, widget=_DateInput())
    actor = forms.TypedChoiceField(label=_("Wie"), required=False, coerce=int, empty_value=None, widget=_QuickSelect)
    action = forms.ChoiceField(label=_("Soort gebeurtenis"), required=False, widget=_QuickSelect)
    child = forms.TypedChoiceField(label=_("Kind"), required=False, coerce=int, empty_value=None, widget=_QuickSelect)
    agreement = forms.TypedChoiceField(
        label=_("Afspraak"), required=False, coerce=int, empty_value=None, widget=_QuickSelect
    )
    transfer = forms.IntegerField(label=_("Overdracht (nummer)"), required=False, min_value=1, max_value=MAX_ID)

    def __init__(self, *args, choices: dict[str, list[tuple]], **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("Iedereen"))]
        self.fields["actor"].choices = everyone + choices["actors"]
        self.fields["action"].choices = action_choices()
        self.fields["child"].choices = [("", _("Alle kinderen"))] + choices["children"]
        self.fields["agreement"].choices = [("", _("Alle afspraken"))] + choices["agreements"]
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = f"{css} form-control-sm" if css == "form-control" else f"{css} form-select-sm"
            field.widget.attrs.setdefault("id", f"id_filter_{name}")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("De einddatum ligt voor de begindatum."))
        return data


class ReportForm(forms.Form):
    date_from = forms.DateField(label=_("Van"), widget=_DateInput())
    date_to = forms.DateField(label=_("Tot en met"), widget=_DateInput())

    def __init__(self, *args, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault("initial", {"date_from": today.replace(day=1), "date_to": today})
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Rapport maken"))


class IncidentForm(forms.ModelForm):
    discovered_at = forms.DateTimeField(label=_("Ontdekt op"), widget=_DateTimeInput())
    ap_reported_at = forms.DateTimeField(
        label=_("Gemeld bij de AP op"),
        required=False,
        widget=_DateTimeInput(),
        help_text=_("Leeg: het moment van opslaan."),
    )
    data_categories = forms.MultipleChoiceField(
        label=_("Welke soorten gegevens"), required=False, widget=forms.CheckboxSelectMultiple
    )
    children = IdMultipleChoiceField(
        label=_("Welke kinderen (als bekend)"), queryset=None, required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )  # fmt: skip

    class Meta:
        model = Incident
        fields = [
            "title", "discovered_at", "description", "children", "affected_count", "data_categories", "other_data",
            "touches_exchange", "risk", "risk_assessment", "measures", "ap_reported", "ap_reported_at", "ap_reference",
            "delay_reason",
        ]  # fmt: skip
        help_texts = {
            "delay_reason": _(
                "Verplicht als het datalek meer dan 72 uur na ontdekking wordt gemeld of pas dan wordt vastgelegd "
                "(art. 33 lid 1 AVG). De ouders informeren legt u daarna vast op de pagina van het incident."
            ),
        }
        widgets = {
            "delay_reason": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "risk_assessment": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "other_data": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, children, categories: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].queryset = children
        self.fields["data_categories"].choices = categories
        if not self.instance.pk:
            self.initial.setdefault("discovered_at", timezone.localtime().replace(second=0, microsecond=0))
        self.fields["affected_count"].widget.attrs["min"] = 0
        self.helper = _helper(_("Opslaan"))

    def clean_discovered_at(self):
        value = self.cleaned_data["discovered_at"]
        if value and value > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError(_("Het moment van ontdekken kan niet in de toekomst liggen."))
        return value

    def clean(self):
        """Art. 33(1): the reason for a late report, asked here so the page says which field;
        the service checks the same rule (accountability/deadlines.py)."""
        data = super().clean()
        discovered, now = data.get("discovered_at"), timezone.now()
        if discovered is None:
            return data
        reported = data.get("ap_reported_at") if data.get("ap_reported") else None
        if data.get("ap_reported") and reported is None:
            reported = data["ap_reported_at"] = self.instance.ap_reported_at or now
        if reported is not None and not discovered <= reported <= now + datetime.timedelta(minutes=5):
            self.add_error("ap_reported_at", _("De melding bij de AP ligt tussen het moment van ontdekken en nu."))
        elif not (data.get("delay_reason") or "").strip() and breach_delay_needs_reason(
            discovered_at=discovered,
            recorded_at=self.instance.recorded_at if self.instance.pk else now,
            reported_at=reported,
            risk=data.get("risk") or Incident.Risk.UNKNOWN,
        ):
            self.add_error(
                "delay_reason",
                _(
                    "Meer dan 72 uur na ontdekking: schrijf de reden van de vertraging op; die hoort bij de melding "
                    "aan de Autoriteit Persoonsgegevens (art. 33 lid 1 AVG)."
                ),
            )
        return data


class IncidentParentsNoticeForm(forms.Form):
    """The notice to the parents of a breach (art. 34): text, channel, when sent."""

    text = forms.CharField(
        label=_("Tekst van het bericht"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "In duidelijke taal: wat er is gebeurd, welke gevolgen het waarschijnlijk heeft, welke maatregelen zijn "
            "genomen en bij wie ouders terechtkunnen (art. 34 lid 2 AVG)."
        ),
    )
    channel = forms.ChoiceField(label=_("Verstuurd via"), choices=NoticeChannel.choices)
    sent_at = forms.DateTimeField(label=_("Verstuurd op"), widget=_DateTimeInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("sent_at", timezone.localtime().replace(second=0, microsecond=0))
        self.helper = _helper(_("Bericht vastleggen"))


class AdviceForm(forms.Form):
    subject = forms.ChoiceField(choices=AdviceNote.Subject.choices, widget=forms.HiddenInput)
    subject_id = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)
    text = forms.CharField(
        label=_("Uw advies"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control", "id": "id_advice_text"}),
    )


class SecurityForm(forms.Form):
    text = forms.CharField(
        label=_("Technische en organisatorische beveiligingsmaatregelen"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Verschijnt bij elke verwerking in het register (art. 30 lid 1 onder g AVG)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Opslaan"))


class ProcessorForm(forms.Form):
    """A processor in the register (art. 28, 30(1)(d)); the rules are in register_services."""

    name = forms.CharField(label=_("Naam van de verwerker"), max_length=200)
    role = forms.ChoiceField(label=_("Rol"), choices=Processor.Role.choices)
    service = forms.CharField(
        label=_("Wat de verwerker doet"), max_length=300, required=False,
        help_text=_("Bijvoorbeeld: de servers en de database van de app; het versturen van inloglinks."),
    )  # fmt: skip
    country = forms.ChoiceField(label=_("Land waar de gegevens worden verwerkt"))
    safeguards = forms.CharField(
        label=_("Waarborg bij doorgifte buiten de EER"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Alleen buiten de EER: adequaatheidsbesluit, modelcontractbepalingen … (art. 44-49 AVG)."),
    )  # fmt: skip
    agreement_on = forms.DateField(
        label=_("Verwerkersovereenkomst (art. 28) gesloten op"), required=False, widget=_DateInput(),
        help_text=_("Leeg: er is nog geen verwerkersovereenkomst; het register toont dat als aandachtspunt."),
    )  # fmt: skip
    activities = forms.MultipleChoiceField(
        label=_("Voor welke verwerkingen"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Niets aangevinkt: voor alle verwerkingen (zoals hosting)."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()
        self.fields["activities"].choices = [(k, str(v)) for k, v in ACTIVITIES.items()]
        self.initial.setdefault("country", "NL")
        self.helper = _helper(_("Opslaan"))

    @classmethod
    def for_processor(cls, data, processor: Processor) -> ProcessorForm:
        fields = ["name", "role", "service", "country", "safeguards", "agreement_on", "activities"]
        return cls(data, initial={f: getattr(processor, f) for f in fields})


class ControllerSettingForm(forms.Form):
    public_authority = forms.BooleanField(
        label=_("Wij zijn een bestuursorgaan (het bestuur van openbaar onderwijs)"),
        required=False,
        help_text=_(
            "Bepaalt wat ouders lezen bij een afwijzing: bij een bestuursorgaan bezwaar volgens de Algemene wet "
            "bestuursrecht (art. 34 UAVG), anders een verzoekschrift bij de rechtbank (art. 35 UAVG). Een klacht bij "
            "de Autoriteit Persoonsgegevens kan altijd."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Opslaan"))


class RetentionForm(forms.Form):
    months = forms.IntegerField(label=_("Bewaartermijn (maanden)"), min_value=1, max_value=1200)
    note = forms.CharField(
        label=_("Toelichting (bijvoorbeeld de bron van een afwijkende termijn)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Opslaan"))
