"""Decisions about rights requests that must be explained: which status may follow which,
when an extension is still possible, what a parent can do against a refusal (the remedy),
and — for an erasure request — what can be erased and what must be kept, with the reason
in words a parent can read.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from accountability import transfer_facts
from accountability.anonymise import is_anonymised_child, is_anonymised_guardian
from accountability.deadlines import MAX_EXTENSION_MONTHS, request_deadline
from accountability.rights.models import RightsRequest
from agreements.rules import remedies
from consent import selectors as consent_selectors
from consent.choices import ObjectionStatus
from ikc_share import selectors as core_selectors

S = RightsRequest.Status
NEXT: dict[str, tuple[str, ...]] = {
    S.RECEIVED: (S.ACKNOWLEDGED, S.IN_PROGRESS, S.NEEDS_INFO, S.FULFILLED, S.REJECTED),
    S.ACKNOWLEDGED: (S.IN_PROGRESS, S.NEEDS_INFO, S.FULFILLED, S.REJECTED),
    S.IN_PROGRESS: (S.NEEDS_INFO, S.FULFILLED, S.REJECTED),
    S.NEEDS_INFO: (S.IN_PROGRESS, S.FULFILLED, S.REJECTED),
    S.FULFILLED: (),
    S.REJECTED: (),
}
NEEDS_MESSAGE = (S.NEEDS_INFO, S.REJECTED)
EXPORT_KINDS = (RightsRequest.Kind.ACCESS, RightsRequest.Kind.PORTABILITY)


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "j F Y")


def status_problem(*, request: RightsRequest, status: str, message: str) -> str | None:
    """Why `status` may not follow now (None: it may)."""
    if status not in NEXT.get(request.status, ()):
        return _("Een verzoek met de status ‘%(now)s’ kan niet naar ‘%(next)s’.") % {
            "now": request.get_status_display(),
            "next": RightsRequest.Status(status).label if status in S.values else status,
        }
    if status in NEEDS_MESSAGE and not message.strip():
        return _("Schrijf erbij wat u de ouder laat weten: bij afwijzen de reden, bij een vraag wat u nodig heeft.")
    if request.kind == RightsRequest.Kind.OBJECTION:
        objection = request.objection
        if status in (S.FULFILLED, S.REJECTED):
            if objection is None or objection.status == ObjectionStatus.PENDING:
                return _("Beslis eerst over het bezwaar zelf; de uitkomst van het verzoek volgt die beslissing.")
            expected = S.FULFILLED if objection.status == ObjectionStatus.UPHELD else S.REJECTED
            if status != expected:
                return _("Het bezwaar is %(decision)s; het verzoek volgt die beslissing.") % {
                    "decision": objection.get_status_display().lower()
                }
    if status == S.FULFILLED and request.kind in EXPORT_KINDS and request.export_status != "released":
        if request.export_status in ("ready", "releasing"):
            return _(
                "Controleer eerst de vrije teksten in de inzage en geef hem vrij (art. 15 lid 4 AVG); daarna kunt u "
                "het verzoek afhandelen."
            )
        return _("Verzamel eerst de gegevens (de inzage); daarna kunt u het verzoek afhandelen.")
    if status == S.FULFILLED and request.kind == RightsRequest.Kind.ERASURE and not request.erasure_result:
        return _("Voer eerst de verwijdering uit, of wijs het verzoek af met een reden.")
    return None


def review_problem(*, request: RightsRequest) -> str | None:
    """Why the access export cannot be reviewed and released now (None: it can)."""
    if request.kind not in EXPORT_KINDS:
        return _("Alleen bij een verzoek om inzage of om gegevens mee te nemen.")
    if not request.is_open:
        return _("Dit verzoek is al afgehandeld.")
    if request.export_status not in ("ready", "released"):
        return _("Er is nog geen inzage om te controleren. Verzamel eerst de gegevens.")
    return None


def extension_problem(*, request: RightsRequest, months: int, reason: str, today: datetime.date) -> str | None:
    """Art. 12(3): at most two further months, told to the parent within the first month."""
    if not request.is_open:
        return _("Dit verzoek is al afgehandeld.")
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        return _("Verleng met één of twee maanden.")
    if months <= request.extension_months:
        return _("De termijn is al met %(n)s maand(en) verlengd.") % {"n": request.extension_months}
    first_deadline = request_deadline(request.received_on)
    if today > first_deadline:
        return _(
            "Verlengen kan alleen binnen de eerste maand (tot en met %(date)s): de ouder moet het binnen die "
            "maand horen (art. 12 lid 3 AVG)."
        ) % {"date": _date(first_deadline)}
    if not reason.strip():
        return _("Schrijf de reden van de verlenging op: de ouder krijgt die te lezen.")
    return None


# --- Remedy against a refusal -------------------------------------------------------------------

AWB = remedies.AWB  # the controller is an administrative authority: objection, then the administrative court
CIVIL = remedies.CIVIL  # any other controller: a petition to the civil court


def remedy_route(*, organisation) -> str:
    """Art. 34/35 UAVG (the rule: agreements/rules/remedies.py). The organisation records
    which it is (`Organisation.is_public_authority`, kept by its director)."""
    return remedies.remedy_route(public_authority=organisation.is_public_authority)


def refusal_remedy(*, route: str, controller: str) -> str:
    """The sentence every refusal shows (a rejected request, a rejected objection, an access
    export with parts left out); written once, in agreements/rules/remedies.py."""
    return remedies.refusal_remedy(public_authority=route == AWB, controller=controller)


def remedy_for(*, organisation) -> str:
    return remedies.remedy_for(organisation=organisation)


# --- Erasure ------------------------------------------------------------------------------------


@dataclass
class ErasureItem:
    key: str
    label: str
    count: int
    erase: bool
    reason: str


def erasure_plan(*, request: RightsRequest, today: datetime.date) -> list[ErasureItem]:
    """What an erasure request can remove now and what must be kept, and why. Read-only."""
    child, guardian = request.child, request.guardian
    items: list[ErasureItem] = []

    if is_anonymised_child(child):
        items.append(ErasureItem("child", _("Gegevens van het kind"), 0, False, _("Al geanonimiseerd.")))
    elif child.left_on is not None and child.left_on <= today:
        items.append(
            ErasureItem(
                "child",
                _("Gegevens van het kind (naam, geboortedatum, eigen nummer, groep)"),
                1,
                True,
                _("Het kind is vertrokken; de gegevens zijn niet meer nodig en worden geanonimiseerd."),
            )
        )
    else:
        items.append(
            ErasureItem(
                "child",
                _("Gegevens van het kind (naam, geboortedatum, eigen nummer, groep)"),
                1,
                False,
                _(
                    "Het kind staat nog ingeschreven: deze gegevens zijn nodig om de opvang of het onderwijs te "
                    "geven en de wet verplicht ze (art. 17 lid 3 onder b AVG). Na vertrek worden ze volgens de "
                    "bewaartermijn geanonimiseerd."
                ),
            )
        )

    active_children = (
        core_selectors.guardianships()
        .filter(guardian=guardian)
        .filter(Q(child__left_on__isnull=True) | Q(child__left_on__gt=today))
    )
    if is_anonymised_guardian(guardian):
        items.append(ErasureItem("guardian", _("Uw gegevens als ouder"), 0, False, _("Al geanonimiseerd.")))
    elif active_children.exists():
        items.append(
            ErasureItem(
                "guardian",
                _("Uw gegevens als ouder (naam, e-mail, telefoon)"),
                1,
                False,
                _("U bent ouder van een kind dat nog ingeschreven staat: wij hebben uw contactgegevens nodig."),
            )
        )
    else:
        items.append(
            ErasureItem(
                "guardian",
                _("Uw gegevens als ouder (naam, e-mail, telefoon)"),
                1,
                True,
                _("Er staat geen kind van u meer ingeschreven; uw gegevens worden geanonimiseerd."),
            )
        )

    sent = transfer_facts.sent_for_erasure(child=child)
    erasable = [t for t in sent if t.erasable]
    kept = [t for t in sent if not t.erasable]
    if erasable:
        items.append(
            ErasureItem(
                "transfers_sent",
                _("Gedeelde gegevens bij de andere organisatie (op grond van toestemming)"),
                len(erasable),
                True,
                _(
                    "Gedeeld met uw toestemming: de kopie bij de ontvanger wordt gewist en de ontvanger hoort "
                    "ervan (art. 17 en 19 AVG)."
                ),
            )
        )
    if kept:
        items.append(
            ErasureItem(
                "transfers_kept",
                _("Gedeelde gegevens op grond van een wet of een publieke taak"),
                len(kept),
                False,
                _(
                    "Deze gegevens zijn gedeeld omdat een wet dat voorschrijft (zoals bij VVE) of voor een taak van "
                    "algemeen belang; de ontvanger bewaart ze zolang de afspraak bepaalt (art. 17 lid 3 onder b AVG)."
                ),
            )
        )
    received = transfer_facts.received_for_child(child=child)
    on_consent = [r for r in received if transfer_facts.received_on_consent(r)]
    received = [r for r in received if r not in on_consent]
    if on_consent:
        items.append(
            ErasureItem(
                "transfers_received_consent",
                _("Gegevens die wij met uw toestemming van de andere organisatie ontvingen"),
                len(on_consent),
                True,
                _(
                    "Ontvangen op grond van uw toestemming: wij wissen onze kopie (art. 17 lid 1 onder b AVG). Alleen "
                    "een grafsteen zonder inhoud blijft (wanneer, welke soorten gegevens)."
                ),
            )
        )
    if received:
        last = max(r.retention_until for r in received)
        items.append(
            ErasureItem(
                "transfers_received",
                _("Gegevens die wij van de andere organisatie ontvingen"),
                len(received),
                False,
                _("Ze worden verwijderd na de bewaartermijn van de afspraak (uiterlijk %(date)s).")
                % {"date": _date(last)},
            )
        )

    evidence = (
        consent_selectors.consent_decisions().filter(child=child).count()
        + consent_selectors.parent_notices().filter(child=child).count()
    )
    items.append(
        ErasureItem(
            "consent_evidence",
            _("Bewijs van toestemming en van het informeren"),
            evidence,
            False,
            _(
                "Wij moeten kunnen aantonen wat u besliste en dat u geïnformeerd bent (art. 5 lid 2 en art. 7 lid 1 "
                "AVG). Na de anonimisering verwijst dit bewijs alleen nog naar nummers."
            ),
        )
    )
    items.append(
        ErasureItem(
            "rights_requests",
            _("Uw verzoeken en hoe ze zijn afgehandeld"),
            RightsRequest.objects.filter(child=child).count(),
            False,
            _(
                "Bewijs dat uw verzoeken op tijd zijn behandeld (art. 5 lid 2 en art. 12 AVG); bewaard volgens de "
                "bewaartermijn."
            ),
        )
    )
    items.append(
        ErasureItem(
            "audit",
            _("De audittrail"),
            0,
            False,
            _(
                "De audittrail bevat alleen nummers en codes, geen namen. Hij is wettelijk nodig als bewijs van "
                "wat er met gegevens is gebeurd, en blijft controleerbaar: na de anonimisering leidt niets meer naar "
                "uw kind."
            ),
        )
    )
    return items
