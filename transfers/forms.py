"""Forms of the transfers pages. Shape only: the rules (may this be shared?) live in
agreements/rules.py and are applied by the services.

One structured form per DataCategory code (CATEGORY_FORMS). Each keeps what a receiver
needs in short texts and choices, never a BSN (a nine-digit number that passes the
"elfproef" is refused in every text field). A form turns its cleaned data into JSON
content (`content()`), can be filled again from that content (`initial_from()`) and
describes it for reading (`rows()`).
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ikc_share import http
from ikc_share import selectors as core_selectors
from ikc_share.choices import ChildVveProgramme
from transfers.choices import TransferState

if TYPE_CHECKING:
    from ikc_share.models import Child, Location

SHORT = 600
BSN_CANDIDATE = re.compile(r"(?<!\d)(\d[ .]?){8}\d(?!\d)")


def _passes_elfproef(digits: str) -> bool:
    if len(digits) != 9:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0 and digits != "000000000"


def contains_bsn(text: str) -> bool:
    for match in BSN_CANDIDATE.finditer(text or ""):
        if _passes_elfproef(re.sub(r"\D", "", match.group(0))):
            return True
    return False


def _text(label, *, max_length: int = SHORT, required: bool = False, help_text: str = "", rows: int = 3):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": max_length}),
    )


class CategoryForm(forms.Form):
    """Base of the per-category forms."""

    code = ""
    # Fields whose value is shown as a list / choice label in rows().
    multi_choice_fields: tuple[str, ...] = ()

    def __init__(self, *args, child: Child | None = None, **kwargs):
        self.child = child
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_for(cls, child: Child) -> dict[str, Any]:
        """Prefill from the sender's own record of the child."""
        return {}

    @classmethod
    def initial_from(cls, content: dict[str, Any]) -> dict[str, Any]:
        return dict(content)

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and contains_bsn(value):
                self.add_error(name, _("Dit lijkt op een burgerservicenummer (BSN). Een BSN wordt nooit gedeeld."))
        return cleaned

    def content(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if isinstance(value, datetime.date | datetime.time):
                value = value.isoformat(timespec="minutes") if isinstance(value, datetime.time) else value.isoformat()
            elif isinstance(value, str):
                value = value.strip()
            out[name] = value
        return out

    @classmethod
    def rows(cls, content: dict[str, Any]) -> list[tuple[str, str]]:
        """(label, text) pairs for reading, in field order, empty values left out."""
        form = cls()
        out = []
        for name, field in form.fields.items():
            value = content.get(name)
            if value in (None, "", [], False):
                continue
            if isinstance(field, forms.MultipleChoiceField):
                labels = dict(field.choices)
                text = ", ".join(str(labels.get(v, v)) for v in value)
            elif isinstance(field, forms.ChoiceField):
                text = str(dict(field.choices).get(value, value))
            elif isinstance(field, forms.DateField):
                try:
                    text = date_format(datetime.date.fromisoformat(value), "j F Y")
                except (TypeError, ValueError):
                    text = str(value)
            else:
                text = str(value)
            out.append((str(field.label), text))
        out.extend(cls.extra_rows(content))
        return out

    @classmethod
    def extra_rows(cls, content: dict[str, Any]) -> list[tuple[str, str]]:
        return []


class IdentificationForm(CategoryForm):
    code = "identification"
    first_name = forms.CharField(label=_("Voornaam"), max_length=100)
    name_prefix = forms.CharField(label=_("Tussenvoegsel"), max_length=20, required=False)
    last_name = forms.CharField(label=_("Achternaam"), max_length=100)
    date_of_birth = forms.DateField(
        label=_("Geboortedatum"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    external_id = forms.CharField(
        label=_("Nummer in de eigen administratie"), max_length=40, required=False, help_text=_("Nooit een BSN.")
    )

    @classmethod
    def initial_for(cls, child: Child) -> dict[str, Any]:
        return {
            "first_name": child.first_name,
            "name_prefix": child.name_prefix,
            "last_name": child.last_name,
            "date_of_birth": child.date_of_birth,
            "external_id": child.external_id,
        }


class DevelopmentForm(CategoryForm):
    """Observations for ONE development domain, in short texts."""

    going_well = _text(_("Wat gaat goed"), required=True, help_text=_("Kort en feitelijk: wat ziet u het kind doen?"))
    needs_support = _text(_("Waarbij heeft het kind nog hulp nodig"))
    tips = _text(_("Tip voor de leerkracht"), max_length=400, rows=2)
    observed_with = forms.CharField(
        label=_("Hoe is dit waargenomen"),
        max_length=120,
        required=False,
        help_text=_("Bijvoorbeeld: observatie in de groep, kindvolgsysteem."),
    )


def _development(code: str) -> type[DevelopmentForm]:
    return type(f"DevelopmentForm_{code}", (DevelopmentForm,), {"code": code, "__module__": __name__})


VVE_CHOICES = [(value, label) for value, label in ChildVveProgramme.choices if value]


class VveProgrammeForm(CategoryForm):
    code = "vve_programme"
    programme = forms.ChoiceField(label=_("VVE-programma"), choices=VVE_CHOICES)
    other_name = forms.CharField(
        label=_("Naam van het andere programma"),
        max_length=120,
        required=False,
        help_text=_("Alleen bij ‘Ander programma’."),
    )

    @classmethod
    def initial_for(cls, child: Child) -> dict[str, Any]:
        return {"programme": child.vve_programme} if child.vve_programme else {}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("programme") == ChildVveProgramme.OTHER and not (cleaned.get("other_name") or "").strip():
            self.add_error("other_name", _("Noem het programma."))
        if cleaned.get("programme") != ChildVveProgramme.OTHER:
            cleaned["other_name"] = ""
        return cleaned


class VveDurationForm(CategoryForm):
    code = "vve_duration"
    months = forms.IntegerField(label=_("Duur (maanden)"), min_value=1, max_value=60)
    hours_per_week = forms.IntegerField(label=_("Uren per week"), min_value=1, max_value=40, required=False)

    @classmethod
    def initial_for(cls, child: Child) -> dict[str, Any]:
        return {"months": child.vve_months} if child.vve_months else {}


PROFESSIONALS = [
    ("", "—"),
    ("speech_therapist", _("Logopedist")),
    ("physiotherapist", _("Fysiotherapeut")),
    ("youth_doctor", _("Jeugdarts of jeugdverpleegkundige (JGZ)")),
    ("neighbourhood_team", _("Wijkteam of jeugdhulp")),
    ("remedial", _("Ambulant begeleider of orthopedagoog")),
    ("other", _("Anders")),
]


class CareNeedsForm(CategoryForm):
    code = "care_needs"
    support = _text(_("Welke extra ondersteuning heeft het kind nodig"), required=True, max_length=800, rows=4)
    professional_1 = forms.ChoiceField(label=_("Betrokken hulpverlener 1"), choices=PROFESSIONALS, required=False)
    professional_1_organisation = forms.CharField(label=_("Organisatie 1"), max_length=120, required=False)
    professional_2 = forms.ChoiceField(label=_("Betrokken hulpverlener 2"), choices=PROFESSIONALS, required=False)
    professional_2_organisation = forms.CharField(label=_("Organisatie 2"), max_length=120, required=False)
    professional_3 = forms.ChoiceField(label=_("Betrokken hulpverlener 3"), choices=PROFESSIONALS, required=False)
    professional_3_organisation = forms.CharField(label=_("Organisatie 3"), max_length=120, required=False)


class HealthForm(CategoryForm):
    code = "health"
    allergies = _text(_("Allergieën"), max_length=400, rows=2)
    medication = _text(_("Medicijnen (naam, wanneer, hoeveel)"), max_length=400, rows=2)
    emergency = _text(_("Wat te doen bij een reactie of aanval"), max_length=SHORT)
    diet = forms.CharField(label=_("Dieet"), max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        if not any((cleaned.get(f) or "").strip() for f in ("allergies", "medication", "emergency", "diet")):
            raise ValidationError(_("Vul ten minste één onderdeel in."))
        return cleaned


class HomeSituationForm(CategoryForm):
    code = "home_situation"
    situation = _text(
        _("Wat is belangrijk om te weten voor de begeleiding"),
        required=True,
        help_text=_("Alleen wat nodig is, bijvoorbeeld een verhuizing of de geboorte van een broertje of zusje."),
    )


WEEKDAYS = [
    ("mon", _("maandag")),
    ("tue", _("dinsdag")),
    ("wed", _("woensdag")),
    ("thu", _("donderdag")),
    ("fri", _("vrijdag")),
]


class BsoPracticalForm(CategoryForm):
    code = "bso_practical"
    days = forms.MultipleChoiceField(label=_("Dagen op de BSO"), choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple)
    collected_at = forms.TimeField(
        label=_("BSO haalt het kind op school op om"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    pickup_place = forms.CharField(label=_("Waar het kind wordt opgehaald"), max_length=200, required=False)
    home_by = forms.TimeField(
        label=_("Ouders halen uiterlijk op om"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    picked_up_by = _text(_("Wie mag het kind ophalen"), max_length=300, rows=2)


class GuardianContactForm(CategoryForm):
    """Which guardians' contact details go along; the details themselves come from the
    sender's own records at the moment of preparing."""

    code = "guardian_contact"
    guardians = forms.MultipleChoiceField(
        label=_("Contactgegevens van"), choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, child: Child | None = None, **kwargs):
        super().__init__(*args, child=child, **kwargs)
        ships = self._guardianships()
        self.fields["guardians"].choices = [(str(s.guardian_id), s.guardian.full_name) for s in ships]

    def _guardianships(self):
        if self.child is None:
            return []
        return list(
            core_selectors.guardianships(children=[self.child])
            .filter(guardian__organisation_id=self.child.organisation_id)
            .select_related("guardian")
            .order_by("-has_parental_authority", "pk")
        )

    @classmethod
    def initial_for(cls, child: Child) -> dict[str, Any]:
        ids = core_selectors.guardianships(children=[child], with_authority=True).values_list("guardian_id", flat=True)
        return {"guardians": [str(i) for i in ids]}

    @classmethod
    def initial_from(cls, content: dict[str, Any]) -> dict[str, Any]:
        return {"guardians": [str(g.get("id")) for g in content.get("contacts", [])]}

    def content(self) -> dict[str, Any]:
        chosen = set(self.cleaned_data["guardians"])
        contacts = []
        for s in self._guardianships():
            if str(s.guardian_id) in chosen:
                g = s.guardian
                contacts.append(
                    {
                        "id": g.pk,
                        "name": g.full_name,
                        "phone": g.phone,
                        "email": g.email,
                        "authority": s.has_parental_authority,
                    }
                )
        return {"contacts": contacts}

    @classmethod
    def rows(cls, content: dict[str, Any]) -> list[tuple[str, str]]:
        out = []
        for c in content.get("contacts", []):
            details = ", ".join(p for p in [c.get("phone", ""), c.get("email", "")] if p) or "–"
            out.append((c.get("name", ""), details))
        return out


class GenericForm(CategoryForm):
    """For a category without its own form (a catalogue item added later)."""

    text = _text(_("Toelichting"), required=True, max_length=1000, rows=4)


CATEGORY_FORMS: dict[str, type[CategoryForm]] = {
    "identification": IdentificationForm,
    "development_social_emotional": _development("development_social_emotional"),
    "development_language": _development("development_language"),
    "development_motor": _development("development_motor"),
    "development_play_learning": _development("development_play_learning"),
    "development_self_reliance": _development("development_self_reliance"),
    "vve_programme": VveProgrammeForm,
    "vve_duration": VveDurationForm,
    "care_needs": CareNeedsForm,
    "health": HealthForm,
    "home_situation": HomeSituationForm,
    "bso_practical": BsoPracticalForm,
    "guardian_contact": GuardianContactForm,
}


def form_class(code: str) -> type[CategoryForm]:
    return CATEGORY_FORMS.get(code, GenericForm)


# --- The page forms ---------------------------------------------------------------------------------


class SafeModelChoiceField(forms.ModelChoiceField):
    """A primary key outside the database's range is an invalid choice, not a 500."""

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, self.queryset.model):
            try:
                number = int(str(value))
            except (TypeError, ValueError):
                number = 0
            if not 0 < number <= http.MAX_ID:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class LocationChoiceField(SafeModelChoiceField):
    widget = forms.Select(attrs={"class": "form-select"})

    def label_from_instance(self, obj: Location) -> str:
        return obj.name


class ComposeForm(forms.Form):
    """The receiving location and which categories go along (only allowed ones can be
    chosen; the page shows the others with the reason why not)."""

    location = LocationChoiceField(label=_("Naar welke locatie"), queryset=None, empty_label=None)
    categories = forms.MultipleChoiceField(
        label=_("Welke gegevens"), choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, locations, allowed_codes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations
        self.fields["categories"].choices = allowed_codes

    def clean_categories(self):
        codes = self.cleaned_data["categories"]
        if not codes:
            raise ValidationError(_("Kies ten minste één gegevenscategorie om te delen."))
        return codes


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Bijlage (PDF, JPEG of PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class MeetingForm(forms.Form):
    location = LocationChoiceField(label=_("Ontvangende locatie"), queryset=None, empty_label=None)
    meeting_date = forms.DateField(
        label=_("Datum van het driegesprek"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    parents_present = forms.TypedChoiceField(
        label=_("Waren de ouders erbij?"),
        choices=[("yes", _("Ja")), ("no", _("Nee"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    categories = forms.MultipleChoiceField(
        label=_("Welke gegevens zijn besproken"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    summary = _text(_("Korte samenvatting"), required=True, max_length=1000, rows=4)

    def __init__(self, *args, locations, allowed_codes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations
        self.fields["categories"].choices = allowed_codes

    def clean_summary(self):
        summary = self.cleaned_data["summary"].strip()
        if contains_bsn(summary):
            raise ValidationError(_("Dit lijkt op een burgerservicenummer (BSN). Een BSN wordt nooit gedeeld."))
        return summary


class RemarkAnswerForm(forms.Form):
    answer = _text(_("Uw antwoord aan de ouder"), required=True, max_length=1000)
    corrected = forms.BooleanField(label=_("Ik heb de tekst aangepast"), required=False)


class EraseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Waarom wissen"),
        choices=[
            ("erasure_request", _("Verzoek van de ouders om gegevens te wissen (art. 17 AVG)")),
            ("wrongly_shared", _("Per vergissing gedeeld")),
            ("other", _("Anders")),
        ],
    )
    confirm = forms.BooleanField(label=_("Ik begrijp dat de ontvanger de inhoud niet meer kan lezen"))


class LinkChildForm(forms.Form):
    child = SafeModelChoiceField(label=_("Ons eigen dossier van dit kind"), queryset=None)

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields["child"].label_from_instance = lambda c: f"{c.full_name} ({date_format(c.date_of_birth, 'j F Y')})"


# --- Parents ----------------------------------------------------------------------------------------


class ParentsViewForm(forms.Form):
    view = _text(
        _("Uw zienswijze"),
        max_length=2000,
        rows=5,
        help_text=_("Dit gaat mee met de overdracht. Laat het leeg om uw zienswijze weg te halen."),
    )


class ParentsRemarkForm(forms.Form):
    text = _text(_("Wat klopt er niet?"), required=True, max_length=1000, rows=3)


class ParentsRefuseForm(forms.Form):
    want_pdf = forms.BooleanField(
        label=_("Ik wil de voorbereide tekst zelf ontvangen als PDF"),
        required=False,
        help_text=_("Anders wordt de tekst vernietigd. Alleen u kunt de PDF downloaden."),
    )


STATE_LABELS = dict(TransferState.choices)
