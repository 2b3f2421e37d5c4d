"""Onboarding forms: shape only; the services decide."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikc_share import selectors as core_selectors
from ikc_share.choices import LocationKind, OrganisationKind
from ikc_share.forms import CrispyForm, IdChoiceField
from onboarding import columns as column_defs
from onboarding.reading import MAX_BYTES

if TYPE_CHECKING:
    from ikc_share.models import Organisation

# --- Operator console --------------------------------------------------------------------------


class IkcForm(CrispyForm):
    submit_label = _("IKC aanmaken")
    name = forms.CharField(label=_("Naam van het IKC"), max_length=200)


class LocationForm(CrispyForm):
    submit_label = _("Locatie toevoegen")
    name = forms.CharField(label=_("Naam van de locatie"), max_length=200)
    kind = forms.ChoiceField(label=_("Soort locatie"), choices=LocationKind.choices)
    registry_code = forms.CharField(label=_("LRK-nummer of BRIN-code"), max_length=20, required=False)
    address = forms.CharField(label=_("Adres"), max_length=200, required=False)


_KVK = re.compile(r"^\d{8}$")
_BRIN = re.compile(r"^(\d{2}[A-Z]{2}|\d{5})$")


class OrganisationForm(CrispyForm):
    """A controller with its first location."""

    submit_label = _("Organisatie aanmaken")
    name = forms.CharField(label=_("Naam"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Soort organisatie"),
        choices=OrganisationKind.choices,
        help_text=_("Een BSO valt onder de kinderopvangorganisatie (soort locatie: BSO)."),
    )
    kvk_number = forms.CharField(label=_("KvK-nummer"), max_length=8, required=False, help_text=_("8 cijfers."))
    brin_number = forms.CharField(
        label=_("BRIN-code of bestuursnummer"),
        max_length=10,
        required=False,
        help_text=_("Voor een schoolbestuur: bestuursnummer (5 cijfers) of BRIN (bijv. 12AB)."),
    )
    address = forms.CharField(label=_("Adres"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("Plaats"), max_length=100, required=False)
    privacy_email = forms.EmailField(label=_("E-mailadres voor privacyvragen"))
    privacy_officer_name = forms.CharField(
        label=_("Naam functionaris gegevensbescherming (FG)"), max_length=200, required=False
    )
    privacy_officer_email = forms.EmailField(
        label=_("E-mailadres van de FG"),
        required=False,
        help_text=_("De informatiebrief noemt hoe ouders de FG zelf bereiken (art. 13 lid 1 onder b AVG)."),
    )
    privacy_officer_phone = forms.CharField(label=_("Telefoonnummer van de FG"), max_length=30, required=False)
    privacy_officer_address = forms.CharField(label=_("Postadres van de FG"), max_length=255, required=False)
    location_name = forms.CharField(
        label=_("Naam van de eerste locatie"),
        max_length=200,
        required=False,
        help_text=_("Meer locaties voegt u daarna toe."),
    )
    location_kind = forms.ChoiceField(
        label=_("Soort locatie"), choices=[("", "—"), *LocationKind.choices], required=False
    )
    location_registry_code = forms.CharField(
        label=_("LRK-nummer of BRIN-code van de locatie"), max_length=20, required=False
    )
    location_address = forms.CharField(label=_("Adres van de locatie"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Fieldset(
                _("Organisatie (verwerkingsverantwoordelijke)"),
                "name",
                "kind",
                "kvk_number",
                "brin_number",
                "address",
                "postal_code",
                "city",
                "privacy_email",
                "privacy_officer_name",
                "privacy_officer_email",
                "privacy_officer_phone",
                "privacy_officer_address",
            ),
            Fieldset(
                _("Eerste locatie"), "location_name", "location_kind", "location_registry_code", "location_address"
            ),
        )

    def clean_kvk_number(self):
        value = self.cleaned_data["kvk_number"].replace(" ", "")
        if value and not _KVK.match(value):
            raise ValidationError(_("Een KvK-nummer heeft 8 cijfers."))
        return value

    def clean_brin_number(self):
        value = self.cleaned_data["brin_number"].replace(" ", "").upper()
        if value and not _BRIN.match(value):
            raise ValidationError(
                _("Vul een BRIN-code (2 cijfers en 2 letters, bijv. 12AB) of een bestuursnummer (5 cijfers) in.")
            )
        return value

    def clean(self):
        data = super().clean()
        if not (data.get("kvk_number") or data.get("brin_number")) and not self.errors:
            raise ValidationError(_("Vul een KvK-nummer of een BRIN-/bestuursnummer in."))
        if bool(data.get("location_name")) != bool(data.get("location_kind")):
            raise ValidationError(_("Vul voor de eerste locatie zowel de naam als het soort in (of laat beide leeg)."))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        location = None
        if data.get("location_name"):
            location = {
                "name": data["location_name"],
                "kind": data["location_kind"],
                "registry_code": data["location_registry_code"],
                "address": data["location_address"],
            }
        for key in ("location_name", "location_kind", "location_registry_code", "location_address"):
            data.pop(key, None)
        return {**data, "location": location}


class DirectorInviteForm(CrispyForm):
    submit_label = _("Directeur uitnodigen")
    first_name = forms.CharField(label=_("Voornaam"), max_length=100)
    last_name = forms.CharField(label=_("Achternaam"), max_length=100)
    email = forms.EmailField(label=_("E-mailadres"))


# --- Invitations -------------------------------------------------------------------------------


class AcceptInvitationForm(SetPasswordForm):
    """Django's set-password form (with the password validators)."""


# --- Importing --------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Bestand (CSV of Excel .xlsx)"),
        widget=forms.FileInput(attrs={"accept": ".csv,.txt,.xlsx,text/csv"}),
        help_text=_("Een export uit uw administratie. Een kolom met BSN wordt nooit ingelezen."),
    )
    preset = forms.ChoiceField(label=_("Soort export"), choices=column_defs.PRESET_CHOICES)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(_("Het bestand is groter dan %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
        return upload


class MappingForm(forms.Form):
    """One choice per field: which column of the file fills it."""

    default_location = IdChoiceField(
        label=_("Locatie voor rijen zonder locatie"),
        queryset=core_selectors.locations_of(organisation_id=0).none(),
        required=False,
        empty_label=_("— uit de kolom 'locatie' —"),
        help_text=_("Nodig als het bestand geen kolom 'locatie' heeft en de organisatie meer locaties heeft."),
    )

    def __init__(self, *args, headers: list[str], organisation: Organisation, samples: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— niet gebruiken —"))] + [(h, h) for h in headers]
        self.field_rows = []
        for f in column_defs.FIELDS:
            name = f"col_{f.key}"
            self.fields[name] = forms.ChoiceField(label=f.label, choices=choices, required=False, help_text=f.help)
            self.field_rows.append((f, name))
        self.fields["default_location"].queryset = organisation.locations.order_by("name")
        self.samples = samples

    def rows(self):
        for f, name in self.field_rows:
            bound = self[name]
            value = bound.value() or ""
            yield {
                "field": f,
                "bound": bound,
                "sample": self.samples.get(value, ""),
                "required": f.key in column_defs.REQUIRED,
            }

    def clean(self):
        data = super().clean()
        chosen: dict[str, str] = {}
        for f, name in self.field_rows:
            header = data.get(name)
            if not header:
                continue
            if header in chosen.values():
                self.add_error(name, _("Deze kolom is al aan een ander veld gekoppeld."))
            chosen[f.key] = header
        for key in column_defs.REQUIRED:
            if key not in chosen:
                self.add_error(f"col_{key}", _("Dit veld is verplicht: kies de kolom."))
        data["columns"] = chosen
        return data


class LeaversForm(forms.Form):
    children = forms.MultipleChoiceField(
        label=_("Kinderen"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies minstens één kind.")},
    )
    left_on = forms.DateField(
        label=_("Vertrekdatum"), widget=forms.DateInput(attrs={"type": "date"}), input_formats=["%Y-%m-%d", "%d-%m-%Y"]
    )

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].choices = [(str(c.pk), c.full_name) for c in children]
        self.fields["left_on"].initial = timezone.localdate()


class ImportPermissionForm(forms.Form):
    membership = IdChoiceField(label=_("Medewerker"), queryset=core_selectors.memberships().none())

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = memberships
        self.fields["membership"].label_from_instance = lambda m: m.user.get_full_name() or m.user.username
