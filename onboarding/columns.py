"""The fields an import can fill, the presets for common exports and automatic matching
of a file's headers to fields.

A mapping is a dict {field key: header in the file}. Presets:
- "generic": ikc-share's own documented headers (the template CSV);
- "pupil_administration": a typical pupil administration export (leerlingnummer,
  roepnaam, tussenvoegsel, achternaam, geboortedatum, groep, verzorger 1/2 naam, e-mail,
  gezag).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onboarding.reading import is_bsn_header, normalise_header


@dataclass(frozen=True)
class Field:
    key: str
    label: str | Promise
    help: str | Promise
    example: str = ""
    group: str = "child"  # "child", "guardian1", "guardian2"


CHILD_FIELDS = [
    Field(
        "external_id",
        _("Nummer (leerling- of kindnummer)"),
        _(
            "Het eigen nummer van het kind in uw administratie. Verplicht; hiermee herkennen we het kind bij "
            "een volgende import. Nooit een BSN."
        ),
        "1001",
    ),
    Field("first_name", _("Roepnaam"), _("Verplicht."), "Sam"),
    Field("name_prefix", _("Tussenvoegsel"), _("Bijvoorbeeld 'van', 'de', 'van der'."), "van"),
    Field("last_name", _("Achternaam"), _("Verplicht, zonder tussenvoegsel."), "Dijk"),
    Field(
        "date_of_birth",
        _("Geboortedatum"),
        _("Verplicht. dd-mm-jjjj (05-03-2021), d-m-jjjj (5-3-2021) of jjjj-mm-dd (2021-03-05)."),
        "05-03-2021",
    ),
    Field(
        "location",
        _("Locatie"),
        _("Naam of LRK-/BRIN-code van de locatie. Zonder deze kolom kiest u één locatie voor het hele bestand."),
        "",
    ),
    Field("group_name", _("Groep"), _("Bijvoorbeeld 'Vlinders' of 'Groep 1-2'."), "Vlinders"),
    Field(
        "started_on",
        _("Startdatum"),
        _("Datum waarop het kind begon; zelfde notatie als de geboortedatum."),
        "01-09-2023",
    ),
    Field(
        "vve_programme",
        _("VVE-programma"),
        _("Uk & Puk, Piramide, Startblokken, Kaleidoscoop, ander of leeg (geen VVE)."),
        "",
    ),
    Field("vve_months", _("VVE-duur (maanden)"), _("Aantal maanden VVE, een heel getal."), ""),
]

GUARDIAN_PARTS = [
    (
        "name",
        _("naam (volledig)"),
        _("Voornaam, tussenvoegsel en achternaam in één kolom, bijv. 'Sanne de Boer'."),
        "Sanne de Boer",
    ),
    ("first_name", _("voornaam"), _("Als de naam in aparte kolommen staat."), "Sanne"),
    ("name_prefix", _("tussenvoegsel"), _("Als de naam in aparte kolommen staat."), "de"),
    ("last_name", _("achternaam"), _("Als de naam in aparte kolommen staat."), "Boer"),
    (
        "email",
        _("e-mailadres"),
        _("Nodig om de ouder uit te nodigen; één account per e-mailadres."),
        "sanne.deboer@example.nl",
    ),
    ("phone", _("telefoon"), "", "06-12345678"),
    ("authority", _("gezag"), _("Heeft deze ouder/verzorger ouderlijk gezag? ja of nee."), "ja"),
]


def _guardian_fields(slot: int) -> list[Field]:
    return [
        Field(
            f"g{slot}_{part}",
            f"{_('Verzorger')} {slot}: {label}",
            help,
            example if slot == 1 else "",
            f"guardian{slot}",
        )
        for part, label, help, example in GUARDIAN_PARTS
    ]


FIELDS: list[Field] = CHILD_FIELDS + _guardian_fields(1) + _guardian_fields(2)
FIELD_KEYS = [f.key for f in FIELDS]
FIELDS_BY_KEY = {f.key: f for f in FIELDS}
REQUIRED = ("external_id", "first_name", "last_name", "date_of_birth")


@dataclass(frozen=True)
class Preset:
    key: str
    label: str | Promise
    headers: dict[str, str]  # field key → header


def _generic_headers() -> dict[str, str]:
    headers = {
        "external_id": "nummer",
        "first_name": "voornaam",
        "name_prefix": "tussenvoegsel",
        "last_name": "achternaam",
        "date_of_birth": "geboortedatum",
        "location": "locatie",
        "group_name": "groep",
        "started_on": "startdatum",
        "vve_programme": "vve_programma",
        "vve_months": "vve_maanden",
    }
    for slot in (1, 2):
        for part, header in [
            ("first_name", "voornaam"),
            ("name_prefix", "tussenvoegsel"),
            ("last_name", "achternaam"),
            ("email", "email"),
            ("phone", "telefoon"),
            ("authority", "gezag"),
        ]:
            headers[f"g{slot}_{part}"] = f"verzorger{slot}_{header}"
    return headers


def _pupil_headers() -> dict[str, str]:
    headers = {
        "external_id": "leerlingnummer",
        "first_name": "roepnaam",
        "name_prefix": "tussenvoegsel",
        "last_name": "achternaam",
        "date_of_birth": "geboortedatum",
        "group_name": "groep",
    }
    for slot in (1, 2):
        headers.update(
            {
                f"g{slot}_name": f"verzorger {slot} naam",
                f"g{slot}_email": f"verzorger {slot} e-mail",
                f"g{slot}_phone": f"verzorger {slot} telefoon",
                f"g{slot}_authority": f"verzorger {slot} gezag",
            }
        )
    return headers


PRESETS = {
    "generic": Preset("generic", _("Algemeen (de kolomnamen van ikc-share)"), _generic_headers()),
    "pupil_administration": Preset(
        "pupil_administration",
        _("Leerlingadministratie (leerlingnummer, roepnaam, verzorger 1 naam, …)"),
        _pupil_headers(),
    ),
}
PRESET_CHOICES = [(p.key, p.label) for p in PRESETS.values()]

# More header spellings seen in exports (compared after normalise_header).
_ALIASES: dict[str, list[str]] = {
    "external_id": [
        "nummer",
        "kindnummer",
        "leerlingnummer",
        "leerlingnr",
        "llnr",
        "klantnummer",
        "kindnr",
        "relatienummer",
        "id",
        "kindid",
        "leerlingid",
    ],
    "first_name": ["roepnaam", "voornaam", "roepnaamkind", "voornaamkind", "voornamen"],
    "name_prefix": ["tussenvoegsel", "tussenvoegsels", "voorvoegsel", "voorvoegsels", "tussenvoegselkind"],
    "last_name": ["achternaam", "geslachtsnaam", "achternaamkind", "familienaam"],
    "date_of_birth": ["geboortedatum", "gebdatum", "geboren", "geboortedatumkind", "datumgeboorte"],
    "location": ["locatie", "vestiging", "opvanglocatie", "locatienaam", "school", "schoolnaam"],
    "group_name": ["groep", "stamgroep", "klas", "jaargroep", "groepnaam", "basisgroep"],
    "started_on": [
        "startdatum",
        "begindatum",
        "inschrijfdatum",
        "datuminschrijving",
        "datuminstroom",
        "instroomdatum",
        "plaatsingsdatum",
    ],
    "vve_programme": ["vve", "vveprogramma", "vveprogram"],
    "vve_months": ["vvemaanden", "vveduur", "vveduurmaanden", "maandenvve"],
}
for _slot in (1, 2):
    for _part, _words in {
        "name": ["naam", "volledigenaam"],
        "first_name": ["voornaam", "roepnaam"],
        "name_prefix": ["tussenvoegsel", "voorvoegsel"],
        "last_name": ["achternaam"],
        "email": ["email", "emailadres", "mail"],
        "phone": ["telefoon", "telefoonnummer", "tel", "mobiel", "mobielnummer"],
        "authority": ["gezag", "ouderlijkgezag", "heeftgezag"],
    }.items():
        _ALIASES[f"g{_slot}_{_part}"] = [
            form
            for word in _words
            for form in (
                f"verzorger{_slot}{word}",
                f"{word}verzorger{_slot}",
                f"ouder{_slot}{word}",
                f"{word}ouder{_slot}",
                f"verz{_slot}{word}",
            )
        ]


def auto_map(headers: list[str], *, preset: str, remembered: dict[str, str] | None = None) -> dict[str, str]:
    """Suggest a mapping: the organisation's remembered mapping when the file has all its
    columns; otherwise what fits of it, then the preset's headers, then known spellings."""
    usable = [h for h in headers if not is_bsn_header(h)]
    by_norm: dict[str, str] = {}
    for header in usable:
        by_norm.setdefault(normalise_header(header), header)
    mapping: dict[str, str] = {}
    used: set[str] = set()

    def take(key: str, header: str | None) -> None:
        if header and key not in mapping and header not in used:
            mapping[key] = header
            used.add(header)

    remembered = {k: v for k, v in (remembered or {}).items() if k in FIELDS_BY_KEY}
    if remembered and all(header in usable for header in remembered.values()):
        # The same export as last time: exactly last time's choices (also what was left out).
        return {k: remembered[k] for k in FIELD_KEYS if k in remembered}
    for key, header in remembered.items():
        if header in usable:
            take(key, header)
    chosen = PRESETS.get(preset, PRESETS["generic"])
    for key, header in chosen.headers.items():
        take(key, by_norm.get(normalise_header(header)))
    for other in PRESETS.values():
        for key, header in other.headers.items():
            take(key, by_norm.get(normalise_header(header)))
    for key, words in _ALIASES.items():
        for word in words:
            take(key, by_norm.get(word))
    return {k: mapping[k] for k in FIELD_KEYS if k in mapping}


def template_csv(preset: str) -> bytes:
    """A template for the preset: its headers and one fictitious example row.
    Semicolons and a BOM, so Dutch Excel opens it in columns."""
    chosen = PRESETS.get(preset, PRESETS["generic"])
    keys = [k for k in FIELD_KEYS if k in chosen.headers]
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([chosen.headers[k] for k in keys])
    writer.writerow([str(FIELDS_BY_KEY[k].example) for k in keys])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
