"""Forms for rights requests: shape only; the rules are in accountability/rights/rules.py and the
services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountability.rights import redaction
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


class ExportReviewForm(forms.Form):
    """One text area per free text of the prepared export (prefilled with the text) and a
    box to leave it out; shape only. `answers()` gives the service what it takes."""

    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, texts: list, sha256: str, review: redaction.Review | None = None, **kwargs):
        """`review`: an earlier review of the same export, shown again."""
        super().__init__(*args, initial={"sha256": sha256}, **kwargs)
        self.texts = texts
        self.rows = []
        for i, t in enumerate(texts):
            self.fields[f"text_{i}"] = forms.CharField(
                label=t.label,
                required=False,
                max_length=redaction.MAX_TEXT,
                initial=review.edited.get(t.pointer, t.text) if review else t.text,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"omit_{i}"] = forms.BooleanField(
                label=_("Helemaal weglaten (art. 15 lid 4 AVG)"),
                required=False,
                initial=bool(review and t.pointer in review.redacted),
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.rows.append((t, self[f"text_{i}"], self[f"omit_{i}"]))

    def answers(self) -> dict[str, str | None]:
        data = self.cleaned_data
        return {
            t.pointer: None if data.get(f"omit_{i}") else (data.get(f"text_{i}") or "")
            for i, t in enumerate(self.texts)
        }
