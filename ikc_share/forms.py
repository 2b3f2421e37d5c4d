"""Forms validate shape only; services decide."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from ikc_share import http
from ikc_share.models import FunctionTitle, Location, Membership, Organisation


def _beyond_database(value) -> bool:
    """A whole number the database cannot hold (it would overflow the driver: a 500).
    Anything else goes on to Django's own checks and their messages."""
    if isinstance(value, Model):
        return False
    try:
        return abs(int(str(value).strip())) > http.MAX_ID
    except (TypeError, ValueError):
        return False


class IdChoiceField(forms.ModelChoiceField):
    """A model choice where an id beyond the database's range is an invalid choice, not a
    crash. Every app's forms use these two for ids posted by the browser."""

    def to_python(self, value):
        if value not in self.empty_values and _beyond_database(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple)) else [value]:
            if _beyond_database(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


class CrispyForm(forms.Form):
    """A form with the app's crispy layout and one submit button (`submit_label`)."""

    submit_label = _("Opslaan")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class MembershipForm(CrispyForm):
    """A membership's role, function title and locations; the choices are the organisation's
    own titles and locations."""

    role = forms.ChoiceField(label=_("Rol"), choices=Membership.Role.choices)
    function_title = IdChoiceField(label=_("Functietitel"), queryset=FunctionTitle.objects.none(), required=False)
    locations = IdMultipleChoiceField(
        label=_("Locaties"),
        queryset=Location.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Geen keuze = alle locaties."),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["function_title"].queryset = FunctionTitle.objects.filter(organisation=organisation)
        self.fields["locations"].queryset = Location.objects.filter(organisation=organisation)


class MembershipInviteForm(MembershipForm):
    submit_label = _("Uitnodigen")
    field_order = ["first_name", "last_name", "email"]  # the person first, then the membership
    first_name = forms.CharField(label=_("Voornaam"), max_length=100)
    last_name = forms.CharField(label=_("Achternaam"), max_length=100)
    email = forms.EmailField(label=_("E-mailadres"))


class MembershipEditForm(MembershipForm):
    is_privacy_contact = forms.BooleanField(
        label=_("Privacycontactpersoon (behandelt verzoeken en incidenten)"), required=False
    )


class FunctionTitleForm(CrispyForm):
    submit_label = _("Functietitel toevoegen")
    name = forms.CharField(label=_("Nieuwe functietitel"), max_length=120)


class ChildFilterForm(forms.Form):
    q = forms.CharField(label=_("Zoeken"), required=False, max_length=100)
    location = IdChoiceField(label=_("Locatie"), queryset=Location.objects.none(), required=False)
    group = forms.CharField(label=_("Groep"), required=False, max_length=60)

    def __init__(self, *args, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations


class OtpTokenForm(CrispyForm):
    submit_label = _("Bevestigen")
    token = forms.RegexField(
        label=_("Code uit uw authenticator-app"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("Vul de 6 cijfers uit uw app in.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
