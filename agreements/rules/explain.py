"""The sentences that say WHICH rule decided a verdict, so that a director, a parent and a
privacy officer can follow it (Dutch msgids, English in locale/en). No decisions here:
consent_reasons.py and transfers.py decide and pick the sentence.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from agreements.rules.common import format_day


def parents_decide() -> str:
    """A child of an IKC is under 16: the holders of parental authority decide."""
    return _(
        "Het kind is jonger dan 16 jaar: niet het kind zelf, maar de ouders met ouderlijk gezag (de wettelijke "
        "vertegenwoordigers) beslissen over toestemming (art. 5 UAVG)."
    )


def no_authority(*, name: str, gave: bool) -> str:
    """A decision by a guardian without parental authority does not count."""
    if gave:
        text = _("%(name)s gaf toestemming, maar dat telt niet: %(name)s heeft geen ouderlijk gezag.") % {"name": name}
    else:
        text = _("%(name)s weigerde of trok in, maar dat telt niet: %(name)s heeft geen ouderlijk gezag.") % {
            "name": name
        }
    return (
        text
        + " "
        + _(
            "Voor een kind onder de 16 beslissen alleen de ouders met ouderlijk gezag (art. 5 UAVG, art. 1:245 BW). "
            "Een pleegouder, stiefouder of andere verzorger is geen wettelijk vertegenwoordiger; een voogd wel."
        )
    )


def given_by(*, name: str, at: datetime.datetime) -> str:
    return _("Toestemming van %(name)s (ouder met ouderlijk gezag) op %(date)s.") % {
        "name": name,
        "date": format_day(at),
    }


def explicit_consent(*, category_name: str) -> str:
    return _(
        "%(name)s is een bijzonder persoonsgegeven (art. 9 AVG). Dit mag alleen worden gedeeld omdat de ouders er "
        "uitdrukkelijk toestemming voor gaven (art. 9 lid 2 sub a AVG)."
    ) % {"name": category_name}


def explicit_needed(*, category_name: str) -> str:
    return _(
        "Geen uitdrukkelijke toestemming voor %(name)s. Dit is een bijzonder persoonsgegeven (art. 9 AVG): "
        "alleen uitdrukkelijke toestemming (art. 9 lid 2 sub a AVG), een apart vinkje voor deze categorie, telt; "
        "een gewoon ‘ja’ voor de afspraak is niet genoeg."
    ) % {"name": category_name}


def other_agreement(*, name: str, title: str) -> str:
    return _(
        "%(name)s gaf toestemming voor een andere afspraak (‘%(title)s’). Die telt hier niet: toestemming geldt "
        "alleen voor de afspraak en het doel waarvoor zij werd gegeven."
    ) % {"name": name, "title": title}


def lapsed(*, name: str, old: int, new: int, change: str) -> str:
    text = _(
        "De toestemming van %(name)s gold voor versie %(old)s en is vervallen: versie %(new)s van de afspraak is "
        "wezenlijk gewijzigd"
    ) % {"name": name, "old": old, "new": new}
    if change:
        text += " (" + change.strip().rstrip(".") + ")"
    return text + ". " + _("De ouders beslissen daarom opnieuw.")


def carried_over(*, name: str, old: int, new: int, change: str) -> str:
    text = _(
        "De toestemming van %(name)s voor versie %(old)s geldt ook voor versie %(new)s: die wijziging was niet "
        "wezenlijk"
    ) % {"name": name, "old": old, "new": new}
    if change:
        text += " (" + change.strip().rstrip(".") + ")"
    return text + "."


def restricted(*, category_name: str, since: datetime.datetime) -> str:
    return _(
        "Op verzoek van de ouders is de verwerking van %(name)s sinds %(date)s beperkt (art. 18 AVG). Zolang die "
        "beperking geldt, wordt %(name)s niet gedeeld."
    ) % {"name": category_name, "date": format_day(since)}


def legal_duty_covers(*, category_name: str, provision: str) -> str:
    text = _("De wet verplicht de overdracht van %(name)s (grondslag c, wettelijke verplichting") % {
        "name": category_name
    }
    if provision:
        text += ": " + provision.strip().rstrip(".")
    return (
        text
        + "). "
        + _(
            "Ouders hoeven geen toestemming te geven en hebben geen recht van bezwaar (art. 21 AVG geldt alleen bij "
            "grondslag e en f); zij worden wel vooraf geïnformeerd."
        )
    )


def legal_duty_not_statutory(*, category_name: str) -> str:
    return _(
        "De wettelijke VVE-overdracht (grondslag c) dekt alleen het gevolgde programma voor voor- en "
        "vroegschoolse educatie en de duur ervan. %(name)s valt daarbuiten: daarvoor is toestemming van de ouders "
        "nodig, in een aparte afspraak op die grondslag."
    ) % {"name": category_name}


def legal_duty_special(*, category_name: str) -> str:
    return _(
        "%(name)s is een bijzonder persoonsgegeven (art. 9 AVG). Een wettelijke verplichting (grondslag c) dekt "
        "nooit bijzondere persoonsgegevens: delen kan alleen met uitdrukkelijke toestemming van de ouders (art. 9 "
        "lid 2 sub a AVG), in een aparte afspraak."
    ) % {"name": category_name}


def objection_does_not_stop_duty(*, name: str, at: datetime.datetime) -> str:
    return _(
        "%(name)s maakte op %(date)s bezwaar. Dat houdt deze overdracht niet tegen: tegen een wettelijke "
        "verplichting kunnen ouders geen bezwaar maken. Leg de ouders uit waarom de overdracht toch doorgaat."
    ) % {"name": name, "date": format_day(at)}


def may_object_none() -> str:
    return _(
        "Ouders mogen tegen deze overdracht bezwaar maken (art. 21 AVG, bij grondslag e en f); niemand heeft dat "
        "gedaan."
    )


def objection_rejected(*, name: str, at: datetime.datetime) -> str:
    return _(
        "Ouders mogen bezwaar maken (art. 21 AVG). Het bezwaar van %(name)s is op %(date)s afgewezen en houdt de "
        "overdracht niet meer tegen."
    ) % {"name": name, "date": format_day(at)}


def objection_pending(*, name: str, filed: datetime.datetime) -> str:
    return _(
        "%(name)s heeft op %(date)s bezwaar gemaakt (art. 21 AVG); tot de directeur beslist, wordt er niets gedeeld."
    ) % {"name": name, "date": format_day(filed)}


def objection_upheld(*, name: str, at: datetime.datetime) -> str:
    return _("Het bezwaar van %(name)s (art. 21 AVG) is op %(date)s toegewezen: er wordt niets gedeeld.") % {
        "name": name,
        "date": format_day(at),
    }


def contract_basis() -> str:
    return _(
        "Grondslag b (uitvoering van de overeenkomst met de ouders): alleen wat strikt nodig is om die "
        "overeenkomst uit te voeren mag worden gedeeld."
    )


def contract_warning() -> str:
    return _(
        "Let op: grondslag b (overeenkomst) dekt alleen wat strikt nodig is om de overeenkomst met de ouders uit "
        "te voeren. De andere organisatie is geen partij bij die overeenkomst; is deze overdracht daar niet strikt "
        "voor nodig, dan is toestemming van de ouders de juiste grondslag."
    )


def special_under_contract_warning(*, names: str) -> str:
    return _(
        "Let op: %(names)s zijn bijzondere persoonsgegevens (art. 9 AVG). Een overeenkomst is geen uitzondering "
        "uit art. 9 lid 2 AVG; ga na of de gekozen uitzondering echt geldt, anders is uitdrukkelijke toestemming "
        "nodig."
    ) % {"names": names}


def rests_on(*, label: str, basis: str) -> str:
    return _("Toegestaan: de afspraak ‘%(label)s’ is actief en de grondslag is %(basis)s.") % {
        "label": label,
        "basis": basis,
    }
