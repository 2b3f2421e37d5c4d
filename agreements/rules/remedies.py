"""The remedy against a refusal (issue 17.4): what a parent can do when a controller refuses
a request under art. 15-22 GDPR or rejects an objection (art. 21). The one place it is
written; the rights requests (accountability) and the objections (consent) both show it.

- Art. 34 UAVG: a decision of an administrative authority (bestuursorgaan: the board of a
  public school, openbaar onderwijs) is a decision under the Awb, contested by an objection
  (bezwaar) and then at the administrative court.
- Art. 35 UAVG: against any other controller (a childcare organisation, the board of a
  special school) the parent petitions the civil court.
- Art. 77 GDPR: a complaint to the Autoriteit Persoonsgegevens is always open.

Pure: the caller passes the organisation's `is_public_authority` and name.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

AWB = "awb"  # the controller is an administrative authority: objection, then the administrative court
CIVIL = "civil"  # any other controller: a petition to the civil court


def remedy_route(*, public_authority: bool) -> str:
    """AWB for an administrative authority (art. 34 UAVG), else CIVIL (art. 35 UAVG)."""
    return AWB if public_authority else CIVIL


def refusal_remedy(*, public_authority: bool, controller: str) -> str:
    """The sentences every refusal shows, in the active language: how to contest it within
    six weeks, and that a complaint to the Autoriteit Persoonsgegevens is always open."""
    if public_authority:
        first = _(
            "Bent u het niet eens met deze beslissing? Dan kunt u binnen zes weken na de dag waarop zij aan u is "
            "verstuurd bezwaar maken bij %(controller)s (Algemene wet bestuursrecht; art. 34 UAVG). Na de "
            "beslissing op uw bezwaar kunt u in beroep gaan bij de bestuursrechter."
        )
    else:
        first = _(
            "Bent u het niet eens met deze beslissing? Dan kunt u binnen zes weken na ontvangst ervan de rechtbank "
            "met een verzoekschrift vragen %(controller)s op te dragen uw verzoek alsnog toe te wijzen (art. 35 "
            "UAVG); daarvoor heeft u geen advocaat nodig."
        )
    always = _(
        "U kunt ook altijd een klacht indienen bij de Autoriteit Persoonsgegevens (autoriteitpersoonsgegevens.nl, "
        "art. 77 AVG)."
    )
    return f"{first % {'controller': controller}} {always}"


def remedy_for(*, organisation) -> str:
    """`refusal_remedy` for an organisation (anything with `is_public_authority` and `name`)."""
    return refusal_remedy(public_authority=bool(organisation.is_public_authority), controller=organisation.name)
