"""Forms validate shape only; the rules (agreements/rules/) and the services decide.

Drafting is a two-step form without JavaScript: first the direction (which other
organisation, who sends), carried in the query string; then the agreement itself, whose
receiving roles and locations come from the RECEIVING organisation's own catalogue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements import rules
from agreements.models import AgreementVersion, Art9Condition, DataCategory, GuardianPolicy, LegalBasis, Purpose
from ikc_share import http
from ikc_share import selectors as core_selectors

if TYPE_CHECKING:
    from ikc_share.models import Organisation

METHOD_CHOICES = [  # e-mail is never offered
    (rules.METHOD_IN_APP, _("Delen in de app (veilig, met vastlegging wie het opent)")),
    (rules.METHOD_MEETING, _("Driegesprek: ouders, overdrager en ontvanger samen")),
]

YES_NO = [("1", _("Ja, per categorie")), ("0", _("Nee, alleen voor de afspraak als geheel"))]


def _pk_values(values, field) -> None:
    """Refuse primary keys that cannot exist before they reach the database (a huge
    number would overflow the driver: a 500 instead of a clear message)."""
    for value in values:
        if isinstance(value, Model):
            continue
        text = str(value).strip()
        if text and not http.is_id(text):
            raise forms.ValidationError(
                field.error_messages.get("invalid_choice", field.error_messages.get("invalid_pk_value")),
                code="invalid_choice",
                params={"value": value, "pk": value},
            )


class SafeModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values:
            _pk_values([value], self)
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        try:
            values = list(value)
        except TypeError:
            values = [value]
        _pk_values(values, self)
        return super()._check_values(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DirectionForm(forms.Form):
    SEND, RECEIVE = "send", "receive"

    counterpart = SafeModelChoiceField(
        label=_("Andere organisatie"),
        queryset=None,  # the organisation's IKC, set in __init__
        empty_label=None,
        widget=forms.RadioSelect,
    )
    direction = forms.ChoiceField(label=_("Richting"), widget=forms.RadioSelect)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["counterpart"].queryset = core_selectors.organisations_in_ikc(
            ikc_id=organisation.ikc_id, exclude_id=organisation.pk
        )
        self.fields["direction"].choices = [
            (self.SEND, _("%(org)s verzendt, de andere organisatie ontvangt") % {"org": organisation.name}),
            (self.RECEIVE, _("De andere organisatie verzendt, %(org)s ontvangt") % {"org": organisation.name}),
        ]

    def parties(self) -> tuple[Organisation, Organisation]:
        other = self.cleaned_data["counterpart"]
        if self.cleaned_data["direction"] == self.SEND:
            return self.organisation, other
        return other, self.organisation


class VersionForm(forms.Form):
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        required=False,
        help_text=_("Leeg laten: de titel wordt gemaakt uit het doel en de richting."),
    )
    purpose = forms.ChoiceField(label=_("Doel"), choices=Purpose.choices, widget=forms.RadioSelect)
    purpose_explanation = forms.CharField(
        label=_("Uitleg voor ouders"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In gewone taal: waarom wisselen jullie deze gegevens uit, en wat heeft het kind eraan?"),
    )
    purpose_explanation_en = forms.CharField(
        label=_("Uitleg voor ouders (Engels)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Voor de Engelse brief. Leeg laten: de Engelse brief toont de Nederlandse tekst."),
    )
    legal_basis = forms.ChoiceField(
        label=_("Grondslag (art. 6 lid 1 AVG)"),
        choices=LegalBasis.choices,
        widget=forms.RadioSelect,
        help_text=_("In principe toestemming van de ouders. Uitzondering: de wettelijke VVE-overdracht (c)."),
    )
    art9_condition = forms.ChoiceField(
        label=_("Uitzondering voor bijzondere persoonsgegevens (art. 9 lid 2 AVG)"),
        choices=Art9Condition.choices,
        required=False,
        help_text=_("Alleen nodig als u gezondheidsgegevens opneemt."),
    )
    statutory_provision = forms.CharField(
        label=_("Wettelijke bepaling"),
        max_length=255,
        required=False,
        help_text=_("Bij een wettelijke verplichting (c) of een wettelijke taak (e): noem de wet en het artikel."),
    )
    balancing_test = forms.CharField(
        label=_("Belangenafweging"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "Alleen bij gerechtvaardigd belang (f): waarom weegt het belang zwaarder dan de privacy van het kind?"
        ),
    )
    balancing_test_en = forms.CharField(
        label=_("Belangenafweging (Engels)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Voor de Engelse brief. Leeg laten: de Engelse brief toont de Nederlandse tekst."),
    )
    methods = forms.MultipleChoiceField(
        label=_("Manier van overdragen"),
        choices=METHOD_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Niet mailen maar delen: e-mail is geen mogelijkheid."),
    )
    receiving_roles = SafeModelMultipleChoiceField(
        label=_("Functies die de gegevens mogen inzien"),
        queryset=None,  # the receiver's, set in __init__
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Uit de functielijst van de ontvangende organisatie."),
    )
    receiving_locations = SafeModelMultipleChoiceField(
        label=_("Locaties van de ontvangende organisatie"),
        queryset=None,  # the receiver's, set in __init__
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Geen keuze = alle locaties. Alleen wie op die locatie werkt én een gekozen functie heeft, "
            "kan het gedeelde openen."
        ),
    )
    scope_locations = SafeModelMultipleChoiceField(
        label=_("Voor kinderen op deze locaties"),
        queryset=None,  # the sender's, set in __init__
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    scope_min_age = forms.IntegerField(
        label=_("Vanaf leeftijd (jaar)"),
        min_value=rules.scope.MIN_AGE,
        max_value=rules.scope.MAX_AGE,
        required=False,
        help_text=_("Leeg laten: geen ondergrens."),
    )
    scope_max_age = forms.IntegerField(
        label=_("Tot en met leeftijd (jaar)"),
        min_value=rules.scope.MIN_AGE,
        max_value=rules.scope.MAX_AGE,
        required=False,
        help_text=_(
            "Leeg laten: geen bovengrens. De leeftijd telt in hele jaren, op de dag dat ouders worden benaderd "
            "of er wordt gedeeld."
        ),
    )
    scope_vve_only = forms.BooleanField(
        label=_("Alleen voor kinderen met een VVE-programma"),
        required=False,
        help_text=_("Zoals vastgelegd bij het kind (‘VVE-programma gevolgd’)."),
    )
    retention_months = forms.IntegerField(
        label=_("Bewaartermijn bij de ontvanger (maanden)"),
        min_value=1,
        max_value=600,
        initial=12,
    )
    valid_from = forms.DateField(label=_("Geldig vanaf"), widget=DateInput())
    valid_until = forms.DateField(
        label=_("Geldig tot en met"),
        widget=DateInput(),
        required=False,
        help_text=_("Leeg laten: geen einddatum. Beide dagen tellen mee (tijdzone Nederland)."),
    )
    consent_per_category = forms.TypedChoiceField(
        label=_("Mogen ouders per categorie toestemming geven?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        coerce=lambda v: v == "1",
        initial="0",
        empty_value=False,
    )
    guardian_policy = forms.ChoiceField(
        label=_("Toestemming bij meer ouders met gezag"),
        choices=GuardianPolicy.choices,
        widget=forms.RadioSelect,
        initial=GuardianPolicy.ONE_MAY_CONSENT,
    )
    parents_read_first = forms.BooleanField(
        label=_("Ouders lezen een overdracht eerst mee voordat die wordt verstuurd"),
        required=False,
    )
    parents_read_days = forms.IntegerField(
        label=_("Dagen om mee te lezen"),
        min_value=1,
        max_value=60,
        initial=10,
    )
    objection_wait_days = forms.IntegerField(
        label=_("Wachttijd voor bezwaar (dagen, bij grondslag e of f)"),
        min_value=0,
        max_value=90,
        initial=14,
    )
    consent_valid_months = forms.IntegerField(
        label=_("Toestemming geldt (maanden)"),
        min_value=1,
        max_value=120,
        required=False,
        help_text=_("Leeg laten: zolang de afspraak geldt."),
    )

    def __init__(self, *args, sender: Organisation, receiver: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.sender = sender
        self.receiver = receiver
        self.fields["receiving_roles"].queryset = core_selectors.function_titles_of(organisation_id=receiver.pk)
        self.fields["receiving_locations"].queryset = core_selectors.locations_of(organisation_id=receiver.pk)
        self.fields["scope_locations"].queryset = core_selectors.locations_of(organisation_id=sender.pk)
        self.fields["scope_locations"].help_text = _("Locaties van %(sender)s. Geen keuze = alle locaties.") % {
            "sender": sender.name
        }
        if not self.is_bound and not self.initial:  # a new agreement: sensible defaults
            self.initial.update(
                {
                    "valid_from": timezone.localdate(),
                    "legal_basis": LegalBasis.CONSENT,
                    "methods": [rules.METHOD_IN_APP],
                }
            )


class ItemForm(forms.Form):
    category = SafeModelChoiceField(queryset=DataCategory.objects.all(), widget=forms.HiddenInput)
    include = forms.BooleanField(label=_("Opnemen"), required=False)
    justification = forms.CharField(
        label=_("Waarom is dit nodig voor het doel?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    justification_en = forms.CharField(
        label=_("Waarom is dit nodig? (Engels)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class BaseItemFormSet(forms.BaseFormSet):
    def __init__(self, *args, categories: list[DataCategory], **kwargs):
        self.categories = categories
        kwargs.setdefault("prefix", "items")
        super().__init__(*args, **kwargs)
        by_pk = {c.pk: c for c in categories}
        for index, form in enumerate(self.forms):
            initial = form.initial.get("category")
            form.category_obj = by_pk.get(initial) or (categories[index] if index < len(categories) else None)


ItemFormSet = forms.formset_factory(
    ItemForm, formset=BaseItemFormSet, extra=0, max_num=100, validate_max=True, absolute_max=100
)


def item_initial(categories: list[DataCategory], version: AgreementVersion | None = None) -> list[dict]:
    chosen = {}
    if version is not None:
        chosen = {i.category_id: (i.justification, i.justification_en) for i in version.items.all()}
    return [
        {
            "category": c.pk,
            "include": c.pk in chosen,
            "justification": chosen.get(c.pk, ("", ""))[0],
            "justification_en": chosen.get(c.pk, ("", ""))[1],
        }
        for c in categories
    ]


def version_initial(version: AgreementVersion) -> dict:
    methods = []
    if version.method_in_app:
        methods.append(rules.METHOD_IN_APP)
    if version.method_meeting:
        methods.append(rules.METHOD_MEETING)
    return {
        "title": version.agreement.title,
        "purpose": version.purpose,
        "purpose_explanation": version.purpose_explanation,
        "purpose_explanation_en": version.purpose_explanation_en,
        "legal_basis": version.legal_basis,
        "art9_condition": version.art9_condition,
        "statutory_provision": version.statutory_provision,
        "balancing_test": version.balancing_test,
        "balancing_test_en": version.balancing_test_en,
        "methods": methods,
        "receiving_roles": list(version.receiving_roles.all()),
        "receiving_locations": list(version.receiving_locations.all()),
        "scope_locations": list(version.scope_locations.all()),
        "scope_min_age": version.scope_min_age,
        "scope_max_age": version.scope_max_age,
        "scope_vve_only": version.scope_vve_only,
        "retention_months": version.retention_months,
        "valid_from": version.valid_from,
        "valid_until": version.valid_until,
        "consent_per_category": "1" if version.consent_per_category else "0",
        "guardian_policy": version.guardian_policy,
        "parents_read_first": version.parents_read_first,
        "parents_read_days": version.parents_read_days,
        "objection_wait_days": version.objection_wait_days,
        "consent_valid_months": version.consent_valid_months,
    }


def version_spec(
    form: VersionForm, items: BaseItemFormSet, *, sending: Organisation, receiving: Organisation
) -> rules.VersionSpec:
    """Map the cleaned data to the rules' input (no decisions here)."""
    data = form.cleaned_data
    chosen = [
        rules.ItemSpec(
            f.cleaned_data["category"],
            f.cleaned_data.get("justification", ""),
            f.cleaned_data.get("justification_en") or "",
        )
        for f in items.forms
        if f.cleaned_data.get("include") and f.cleaned_data.get("category") is not None
    ]
    return rules.VersionSpec(
        sending_organisation=sending,
        receiving_organisation=receiving,
        ikc=sending.ikc,
        purpose=data["purpose"],
        purpose_explanation=data["purpose_explanation"],
        legal_basis=data["legal_basis"],
        art9_condition=data.get("art9_condition") or "",
        statutory_provision=data.get("statutory_provision") or "",
        balancing_test=data.get("balancing_test") or "",
        items=chosen,
        methods=frozenset(data.get("methods") or []),
        receiving_roles=list(data.get("receiving_roles") or []),
        receiving_locations=list(data.get("receiving_locations") or []),
        retention_months=data["retention_months"],
        valid_from=data["valid_from"],
        valid_until=data.get("valid_until"),
        consent_per_category=bool(data.get("consent_per_category")),
        guardian_policy=data["guardian_policy"],
        parents_read_first=bool(data.get("parents_read_first")),
        parents_read_days=data["parents_read_days"],
        objection_wait_days=data["objection_wait_days"],
        consent_valid_months=data.get("consent_valid_months"),
        scope_locations=list(data.get("scope_locations") or []),
        scope_min_age=data.get("scope_min_age"),
        scope_max_age=data.get("scope_max_age"),
        scope_vve_only=bool(data.get("scope_vve_only")),
        purpose_explanation_en=data.get("purpose_explanation_en") or "",
        balancing_test_en=data.get("balancing_test_en") or "",
    )


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Opmerking"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text=_("Verplicht als u de versie terugstuurt: wat moet er veranderen?"),
    )
    organisation = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EndForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("Waarom stopt deze afspraak? De reden wordt bewaard in de geschiedenis van de afspraak."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Afspraak beëindigen"), css_class="btn-danger"))
