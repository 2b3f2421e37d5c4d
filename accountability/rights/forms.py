"""Forms for rights requests: shape only; the rules are in accountability/rights/rules.py and the
services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountability.rights.models import RightsRequest

KIND_HELP = {
    "access": _("U krijgt alles wat de organisatie over uw kind en over u vastlegt, als bestand en als PDF."),
    "rectification": _("Er staat iets onjuists of onvolledigs: schrijf op wat er moet veranderen."),
    "erasure": _("U vraagt gegevens te verwijderen. U hoort wat kan en wat moet blijven, en waarom."),
    "restriction": _(
        "U vraagt de organisatie gegevens tijdelijk niet te gebruiken, bijvoorbeeld terwijl iets wordt uitgezocht."
    ),
    "objection": _(
        "Bezwaar tegen een uitwisseling op grond van een taak van algemeen belang of gerechtvaardigd belang."
    ),
    "portability": _("U krijgt de gegevens die u zelf gaf in een bestand dat een ander programma kan lezen."),
}


def _helper(submit: str) -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    helper.add_input(Submit("submit", submit))
    return helper


class PortalRequestForm(forms.Form):
    child = forms.TypedChoiceField(label=_("Over welk kind"), coerce=int)
    kind = forms.ChoiceField(label=_("Wat wilt u vragen"), choices=RightsRequest.Kind.choices, widget=forms.RadioSelect)
    version = forms.TypedChoiceField(
        label=_("Bij bezwaar: tegen welke afspraak"), coerce=int, required=False, empty_value=None
    )
    description = forms.CharField(
        label=_("Toelichting (niet verplicht)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, children: list[tuple], versions: list[tuple], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = children
        self.fields["version"].choices = [("", _("(alleen bij bezwaar)"))] + versions
        if not versions:
            del self.fields["version"]
        self.helper = _helper(_("Verzoek versturen"))

    def clean(self):
        data = super().clean()
        if data.get("kind") == RightsRequest.Kind.OBJECTION and not data.get("version"):
            self.add_error("version", _("Kies de afspraak waartegen u bezwaar maakt."))
        return data


class RecordRequestForm(forms.Form):
    guardian = forms.TypedChoiceField(label=_("Van welke ouder of verzorger"), coerce=int)
    kind = forms.ChoiceField(label=_("Soort verzoek"), choices=RightsRequest.Kind.choices)
    channel = forms.ChoiceField(
        label=_("Ontvangen via"),
        choices=[c for c in RightsRequest.Channel.choices if c[0] != RightsRequest.Channel.PORTAL],
    )
    received_on = forms.DateField(label=_("Ontvangen op"), widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.TypedChoiceField(
        label=_("Bij bezwaar: tegen welke afspraak"), coerce=int, required=False, empty_value=None
    )
    description = forms.CharField(
        label=_("Wat vraagt de ouder"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, guardians: list[tuple], versions: list[tuple], **kwargs):
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["guardian"].choices = guardians
        self.fields["version"].choices = [("", _("(alleen bij bezwaar)"))] + versions
        self.helper = _helper(_("Verzoek vastleggen"))

    def clean(self):
        data = super().clean()
        if data.get("kind") == RightsRequest.Kind.OBJECTION and not data.get("version"):
            self.add_error("version", _("Kies de afspraak waartegen bezwaar wordt gemaakt."))
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nieuwe status"))
    message = forms.CharField(
        label=_("Bericht aan de ouder"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht bij afwijzen (de reden) en bij een vraag om informatie."),
    )

    def __init__(self, *args, statuses: list[tuple], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = statuses
        self.helper = _helper(_("Status wijzigen"))


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Verlengen met"), coerce=int, choices=[(1, _("één maand")), (2, _("twee maanden"))]
    )
    reason = forms.CharField(
        label=_("Reden (de ouder krijgt die te lezen)"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Termijn verlengen"))


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Behandelaar"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, handlers: list[tuple], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("(niemand)"))] + handlers
        self.helper = _helper(_("Toewijzen"))
