"""Forms validate shape only; services decide."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from ikc_share.models import FunctionTitle, Location, Membership, Organisation

DB_INT_MAX = 2**63 - 1


def _in_db_range(value) -> bool:
    try:
        return -DB_INT_MAX <= int(str(value)) <= DB_INT_MAX
    except (TypeError, ValueError):
        return True  # not a number: Django's own validation reports it


class BoundedModelChoiceField(forms.ModelChoiceField):
    """An id beyond the database's integer range is an invalid choice, not a crash."""

    def to_python(self, value):
        if not _in_db_range(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple)) else [value]:
            if not _in_db_range(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


class _CrispyForm(forms.Form):
    submit_label = _("Opslaan")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class MembershipFieldsMixin:
    def _scope(self, organisation: Organisation) -> None:
        self.fields["function_title"].queryset = FunctionTitle.objects.filter(organisation=organisation)
        self.fields["locations"].queryset = Location.objects.filter(organisation=organisation)


class MembershipInviteForm(MembershipFieldsMixin, _CrispyForm):
    submit_label = _("Uitnodigen")
    first_name = forms.CharField(label=_("Voornaam"), max_length=100)
    last_name = forms.CharField(label=_("Achternaam"), max_length=100)
    email = forms.EmailField(label=_("E-mailadres"))
    role = forms.ChoiceField(label=_("Rol"), choices=Membership.Role.choices)
    function_title = BoundedModelChoiceField(
        label=_("Functietitel"), queryset=FunctionTitle.objects.none(), required=False
    )
    locations = BoundedModelMultipleChoiceField(
        label=_("Locaties"),
        queryset=Location.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Geen keuze = alle locaties."),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self._scope(organisation)


class MembershipEditForm(MembershipFieldsMixin, _CrispyForm):
    role = forms.ChoiceField(label=_("Rol"), choices=Membership.Role.choices)
    function_title = BoundedModelChoiceField(
        label=_("Functietitel"), queryset=FunctionTitle.objects.none(), required=False
    )
    locations = BoundedModelMultipleChoiceField(
        label=_("Locaties"),
        queryset=Location.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Geen keuze = alle locaties."),
    )
    is_privacy_contact = forms.BooleanField(
        label=_("Privacycontactpersoon (behandelt verzoeken en incidenten)"), required=False
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self._scope(organisation)


class FunctionTitleForm(_CrispyForm):
    submit_label = _("Functietitel toevoegen")
    name = forms.CharField(label=_("Nieuwe functietitel"), max_length=120)


class ChildFilterForm(forms.Form):
    q = forms.CharField(label=_("Zoeken"), required=False, max_length=100)
    location = BoundedModelChoiceField(label=_("Locatie"), queryset=Location.objects.none(), required=False)
    group = forms.CharField(label=_("Groep"), required=False, max_length=60)

    def __init__(self, *args, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations


class OtpTokenForm(_CrispyForm):
    submit_label = _("Bevestigen")
    token = forms.RegexField(
        label=_("Code uit uw authenticator-app"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("Vul de 6 cijfers uit uw app in.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
