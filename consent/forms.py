"""Forms of the consent app: shape only (the services decide what is allowed)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements import selectors as agreement_selectors
from consent.models import ConsentDecision, ParentNotice
from ikc_share import selectors as core_selectors
from ikc_share.forms import IdChoiceField, IdMultipleChoiceField

if TYPE_CHECKING:
    from agreements.models import AgreementVersion, DataCategory
    from ikc_share.models import Guardian

YES, NO = "yes", "no"


class LinkRequestForm(forms.Form):
    email = forms.EmailField(label=_("Uw e-mailadres"), max_length=254)


class MagicLinkForm(forms.Form):
    sesame = forms.CharField(widget=forms.HiddenInput, max_length=400)
    next = forms.CharField(widget=forms.HiddenInput, max_length=400, required=False)


def special_names(categories: list[DataCategory]) -> str:
    names = [c.name[:1].lower() + c.name[1:] for c in categories if c.is_special]
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s en %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


class DecisionForm(forms.Form):
    """The parent's answer. Which button was pressed ("choice": yes / no / save) is read
    from the POST data; the fields hold the explicit ticks and, where the agreement allows
    consent per category, the answer per category (no default: nothing is pre-ticked)."""

    letter = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, version: AgreementVersion, categories: list[DataCategory], **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.categories = categories
        self.specials = [c for c in categories if c.is_special]
        if version.consent_per_category:
            for c in categories:
                yes_label = (
                    _("Ja, ook voor de gegevens over %(name)s") % {"name": c.name.lower()} if c.is_special else _("Ja")
                )
                self.fields[f"cat_{c.code}"] = forms.ChoiceField(
                    label=c.name,
                    required=False,
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                    choices=[(YES, yes_label), (NO, _("Nee"))],
                )
        elif self.specials:
            self.fields["explicit"] = forms.BooleanField(
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                label=_("Ja, ook voor de gegevens over %(names)s") % {"names": special_names(categories)},
            )

    def category_fields(self):
        return [(c, self[f"cat_{c.code}"]) for c in self.categories if f"cat_{c.code}" in self.fields]

    def answers(self, choice: str) -> list[tuple[DataCategory | None, bool, bool]]:
        """(category or None, yes, explicit) for the service; [] when nothing was chosen."""
        data = self.cleaned_data
        if choice == NO:
            return [(None, False, False)]
        if not self.version.consent_per_category:
            if choice != YES:
                return []
            return [(None, True, bool(data.get("explicit")))]
        out = []
        for c in self.categories:
            answer = data.get(f"cat_{c.code}") or ""
            if not answer and choice == YES and not c.is_special:
                answer = YES  # the big "yes" button: yes to everything not answered, except special categories
            if answer:
                out.append((c, answer == YES, answer == YES and c.is_special))
        return out


def _guardian_field(guardians: list[Guardian]) -> IdChoiceField:
    field = IdChoiceField(
        label=_("Welke ouder"),
        queryset=core_selectors.guardians(ids=[g.pk for g in guardians]),
        empty_label=None if len(guardians) == 1 else "—",
    )
    field.label_from_instance = lambda g: g.full_name
    return field


def _not_in_future(day: datetime.date) -> datetime.date:
    if day > timezone.localdate():
        raise forms.ValidationError(_("Deze datum ligt in de toekomst."))
    return day


class PaperDecisionForm(forms.Form):
    guardian = IdChoiceField(queryset=None)  # set in __init__
    state = forms.ChoiceField(
        label=_("Wat staat er op het formulier?"),
        widget=forms.RadioSelect,
        choices=[
            (ConsentDecision.State.GIVEN, _("Toestemming gegeven")),
            (ConsentDecision.State.REFUSED, _("Geen toestemming")),
        ],
    )
    explicit = forms.BooleanField(
        label=_("Ook het vakje voor bijzondere gegevens (gezondheid) is aangekruist"), required=False
    )
    categories = IdMultipleChoiceField(
        label=_("Alleen voor deze onderdelen (leeg: de hele afspraak)"),
        queryset=None,  # set in __init__
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    decided_on = forms.DateField(label=_("Datum op het formulier"), widget=forms.DateInput(attrs={"type": "date"}))
    scan = forms.FileField(label=_("Scan van het ondertekende formulier (PDF, JPEG of PNG, max. 10 MB)"))

    def __init__(self, *args, guardians: list[Guardian], version: AgreementVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardian"] = _guardian_field(guardians)
        if version.consent_per_category:
            self.fields["categories"].queryset = agreement_selectors.categories_of_version(version=version)
        else:
            del self.fields["categories"]

    def clean_decided_on(self):
        return _not_in_future(self.cleaned_data["decided_on"])


class StaffWithdrawForm(forms.Form):
    guardian = IdChoiceField(queryset=None)  # set in __init__
    told_via = forms.ChoiceField(
        label=_("Hoe heeft de ouder het gezegd?"),
        widget=forms.RadioSelect,
        choices=[
            (ConsentDecision.ToldVia.IN_PERSON, _("Persoonlijk")),
            (ConsentDecision.ToldVia.PHONE, _("Telefonisch")),
        ],
    )

    def __init__(self, *args, guardians: list[Guardian], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardian"] = _guardian_field(guardians)


class NoticeForm(forms.Form):
    guardian = IdChoiceField(queryset=None)  # set in __init__
    how = forms.ChoiceField(
        label=_("Hoe is de ouder geïnformeerd?"),
        widget=forms.RadioSelect,
        choices=[
            (ParentNotice.How.PAPER, _("Papieren brief overhandigd")),
            (ParentNotice.How.MEETING, _("In een driegesprek")),
        ],
    )
    on = forms.DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, guardians: list[Guardian], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardian"] = _guardian_field(guardians)
        self.fields["on"].initial = timezone.localdate()

    def clean_on(self):
        return _not_in_future(self.cleaned_data["on"])


class RoundForm(forms.Form):
    location = IdChoiceField(label=_("Locatie"), queryset=None, required=False, empty_label=_("Alle locaties"))
    group_name = forms.ChoiceField(label=_("Groep"), required=False)

    def __init__(self, *args, locations, groups: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations
        self.fields["group_name"].choices = [("", _("Alle groepen"))] + [(g, g) for g in groups]


class CoverageFilterForm(forms.Form):
    group = forms.ChoiceField(label=_("Groep"), required=False, widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, groups: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("Alle groepen"))] + [(g, g) for g in groups]


class ObjectionForm(forms.Form):
    explanation = forms.CharField(
        label=_("Uitleg (mag leeg blijven)"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ObjectionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Beslissing"),
        widget=forms.RadioSelect,
        choices=[
            ("uphold", _("Bezwaar toewijzen: er wordt niets gedeeld")),
            ("reject", _("Bezwaar afwijzen: delen blijft mogelijk")),
        ],
    )
    reason = forms.CharField(label=_("Uitleg voor de ouder"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class RestrictionForm(forms.Form):
    """Restrict the processing of data categories of a child (art. 18): which categories
    (those of the agreements under which the organisation shares the child's data), who
    asked, and why. The service decides whether it is allowed."""

    categories = forms.MultipleChoiceField(
        label=_("Welke gegevens"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies minstens één gegevenscategorie om te beperken.")},
    )
    requested_by = IdChoiceField(queryset=None)  # set in __init__
    reason = forms.CharField(
        label=_("Waarom (mag leeg blijven)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bijvoorbeeld: de ouder vraagt een correctie en die wordt nog beoordeeld."),
    )

    def __init__(self, *args, categories: list[DataCategory], guardians: list[Guardian], **kwargs):
        super().__init__(*args, **kwargs)
        self._categories = {str(c.pk): c for c in categories}
        self.fields["categories"].choices = [(str(c.pk), c.name) for c in categories]
        field = _guardian_field(guardians)
        field.label = _("Welke ouder vroeg erom")
        field.error_messages["required"] = _("Kies de ouder of verzorger die om de beperking vroeg.")
        self.fields["requested_by"] = field

    def clean_categories(self) -> list[DataCategory]:
        return [self._categories[pk] for pk in self.cleaned_data["categories"]]


class RestrictionLiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Uitleg voor de ouder"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Schrijf op waarom de beperking wordt opgeheven: de ouder krijgt deze uitleg te zien.")
        },
    )
