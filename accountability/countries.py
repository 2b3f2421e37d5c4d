"""Countries a processor may process data in, by ISO 3166-1 alpha-2 code, and which of them
are in the European Economic Area. Outside the EEA a transfer needs a ground of chapter V
GDPR (art. 44-49: an adequacy decision, standard contractual clauses …), which the
processor's record names; the register shows it as a transfer to a third country
(art. 30(1)(e)). The list is data, not a rule about any one processor.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The 27 member states of the EU and Iceland, Liechtenstein and Norway.
EEA: dict[str, str] = {
    "NL": _("Nederland"),
    "BE": _("België"),
    "BG": _("Bulgarije"),
    "CY": _("Cyprus"),
    "DK": _("Denemarken"),
    "DE": _("Duitsland"),
    "EE": _("Estland"),
    "FI": _("Finland"),
    "FR": _("Frankrijk"),
    "GR": _("Griekenland"),
    "HU": _("Hongarije"),
    "IE": _("Ierland"),
    "IT": _("Italië"),
    "HR": _("Kroatië"),
    "LV": _("Letland"),
    "LT": _("Litouwen"),
    "LU": _("Luxemburg"),
    "MT": _("Malta"),
    "AT": _("Oostenrijk"),
    "PL": _("Polen"),
    "PT": _("Portugal"),
    "RO": _("Roemenië"),
    "SI": _("Slovenië"),
    "SK": _("Slowakije"),
    "ES": _("Spanje"),
    "CZ": _("Tsjechië"),
    "SE": _("Zweden"),
    "IS": _("IJsland"),
    "LI": _("Liechtenstein"),
    "NO": _("Noorwegen"),
}

# Countries outside the EEA where cloud services commonly process data.
THIRD: dict[str, str] = {
    "AU": _("Australië"),
    "CA": _("Canada"),
    "IN": _("India"),
    "IL": _("Israël"),
    "JP": _("Japan"),
    "NZ": _("Nieuw-Zeeland"),
    "SG": _("Singapore"),
    "US": _("Verenigde Staten"),
    "GB": _("Verenigd Koninkrijk"),
    "KR": _("Zuid-Korea"),
    "CH": _("Zwitserland"),
}

COUNTRIES: dict[str, str] = {**EEA, **THIRD}


def in_eea(code: str) -> bool:
    return code in EEA


def country_name(code: str) -> str:
    return str(COUNTRIES.get(code, code))


def country_choices() -> list[tuple[str, str]]:
    """The EEA first (the Netherlands on top), then the rest, each by name."""
    eea = [("NL", str(EEA["NL"]))] + sorted(((c, str(n)) for c, n in EEA.items() if c != "NL"), key=lambda x: x[1])
    third = sorted(((c, str(n)) for c, n in THIRD.items()), key=lambda x: x[1])
    return [(str(_("Europese Economische Ruimte")), eea), (str(_("Buiten de EER")), third)]
