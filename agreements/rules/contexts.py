"""Is this a transfer under the agreement at all? `check_transfer` decides only REGULAR
handovers to the agreement's receiving organisation, in one of its receiving roles.
Everything else is refused *as an agreement transfer*, with a sentence naming the route
that does apply (what the guide says too):

- an emergency: vital interest (art. 6(1)(d), 9(2)(c) AVG) and 112, never an agreement;
- a worry about a child's safety: the meldcode and Veilig Thuis (meldrecht, no consent
  needed) — a signal is never a consented category;
- an information request under a child-protection order: the gezinsvoogd's rules in the
  Jeugdwet (informatieplicht bij een ondertoezichtstelling);
- a recipient outside the IKC or outside this agreement: a separate legal basis (its own
  consent for that one purpose, or a legal duty);
- a pupil moving to another school: the onderwijskundig rapport is a legal duty of the school
  (art. 42 WPO, basis c), never a matter of consent; the parents get a copy and may give
  their view;
- a request from the police: no duty to hand anything over without a demand under the
  Wetboek van Strafvordering (a vordering, e.g. art. 126nc/126nd Sv); via the director and
  the FG, recorded;
- what a holder of professional secrecy (jeugdarts, maatschappelijk werker) knows, or what
  was said in a care meeting: not an exchange between the organisations of the IKC.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from agreements.models import AgreementVersion

REGULAR = "regular"
EMERGENCY = "emergency"
MELDCODE = "meldcode"
CHILD_PROTECTION = "child_protection"
OUTSIDE_IKC = "outside_ikc"
SCHOOL_CHANGE = "school_change"
POLICE = "police"
PROFESSIONAL_SECRECY = "professional_secrecy"

CONTEXTS = (REGULAR, EMERGENCY, MELDCODE, CHILD_PROTECTION, OUTSIDE_IKC, SCHOOL_CHANGE, POLICE, PROFESSIONAL_SECRECY)
CONTEXT_LABELS = {
    REGULAR: gettext_lazy("Een gewone overdracht onder deze afspraak"),
    EMERGENCY: gettext_lazy("Een noodsituatie (leven of gezondheid van het kind in gevaar)"),
    MELDCODE: gettext_lazy("Zorgen over de veiligheid van het kind (meldcode)"),
    CHILD_PROTECTION: gettext_lazy("Een informatieverzoek van een gezinsvoogd (ondertoezichtstelling)"),
    OUTSIDE_IKC: gettext_lazy("Een ontvanger buiten het IKC"),
    SCHOOL_CHANGE: gettext_lazy("Een leerling gaat naar een andere school (onderwijskundig rapport)"),
    POLICE: gettext_lazy("Een verzoek van de politie"),
    PROFESSIONAL_SECRECY: gettext_lazy("Informatie onder een beroepsgeheim of uit een zorgoverleg"),
}
# The guide's situations that are answered by one of these routes (transfers/guide.py).
GUIDE_CONTEXTS = {
    "emergency": EMERGENCY,
    "meldcode": MELDCODE,
    "family_supervisor": CHILD_PROTECTION,
    "third_party": OUTSIDE_IKC,
    "school_change": SCHOOL_CHANGE,
    "police": POLICE,
    "professional_secrecy": PROFESSIONAL_SECRECY,
}


def route_sentence(context: str) -> str:
    """The route that applies instead of an agreement transfer (empty for a regular one)."""
    if context == EMERGENCY:
        return _(
            "Een noodsituatie is geen overdracht onder een afspraak. Is het leven of de gezondheid van het kind "
            "in acuut gevaar, bel dan 112 en geef hulpverleners wat zij nodig hebben: dat mag op grond van het "
            "vitaal belang van het kind (art. 6 lid 1 sub d en art. 9 lid 2 sub c AVG). Leg daarna vast wat u "
            "deelde en informeer de ouders."
        )
    if context == MELDCODE:
        return _(
            "Zorgen over de veiligheid van een kind zijn geen overdracht onder een afspraak, en nooit iets waar "
            "ouders toestemming voor gaven. Volg de meldcode huiselijk geweld en kindermishandeling van uw eigen "
            "organisatie: Veilig Thuis kunt u zonder toestemming van de ouders raadplegen en daar mag u melden "
            "(meldrecht). Deel zo'n signaal niet met de andere organisatie van het IKC."
        )
    if context == CHILD_PROTECTION:
        return _(
            "Een informatieverzoek van een gezinsvoogd bij een ondertoezichtstelling valt niet onder deze "
            "afspraak. Daarvoor gelden de regels van de Jeugdwet: geef alleen wat nodig is voor de "
            "ondertoezichtstelling, liefst op schrift, en vertel de ouders vooraf dat u informatie geeft. "
            "Overleg met uw directeur."
        )
    if context == OUTSIDE_IKC:
        return _(
            "Een ontvanger buiten het IKC valt niet onder een afspraak in deze app. Daarvoor is een eigen "
            "grondslag nodig: aparte toestemming van de ouders voor dat ene doel, of een wettelijke plicht. Gaat "
            "een leerling naar een andere school, dan is het onderwijskundig rapport zo'n plicht (art. 42 WPO): "
            "daarvoor vraagt de school geen toestemming."
        )
    if context == SCHOOL_CHANGE:
        return _(
            "Het onderwijskundig rapport voor een nieuwe school is geen overdracht onder een afspraak en vraagt "
            "geen toestemming: de wet verplicht de school het op te stellen en aan de nieuwe school te geven "
            "(art. 42 WPO, grondslag c). De ouders krijgen een kopie en mogen er hun mening over geven. Stuur het "
            "via de eigen weg van de school, zoals de Overstapservice Onderwijs (OSO), niet via deze app."
        )
    if context == POLICE:
        return _(
            "Een verzoek van de politie is geen overdracht onder een afspraak. Zonder vordering (een formeel "
            "verzoek op grond van het Wetboek van Strafvordering, bijvoorbeeld art. 126nc of 126nd Sv) hoeft u "
            "niets te geven. Geef het verzoek door aan uw directeur en de FG, geef alleen wat de vordering vraagt "
            "en leg vast wat u gaf. Is het kind in acuut gevaar, bel dan 112."
        )
    if context == PROFESSIONAL_SECRECY:
        return _(
            "Wat onder een beroepsgeheim valt (zoals dat van de jeugdarts of een maatschappelijk werker), of wat "
            "in een zorgoverleg is besproken, is geen uitwisseling tussen de organisaties van het IKC en hoort "
            "niet in een overdracht onder een afspraak. Wie het beroepsgeheim heeft, deelt alleen met toestemming "
            "van de ouders of volgens de eigen beroepsregels."
        )
    return ""


def recipient_reasons(
    *, version: AgreementVersion, context: str, recipient_organisation=None, recipient_role=None
) -> list[tuple[str, str]]:
    """(code, sentence) pairs that refuse the question as an agreement transfer; empty for a
    regular transfer to the agreement's receiving organisation in one of its receiving roles
    (read through `version.receiving_roles`, prefetched by check_transfers)."""
    if context not in CONTEXTS:
        return [("context_unknown", _("Onbekende situatie: kies waarom u gegevens wilt delen."))]
    if context != REGULAR:
        return [(f"route_{context}", route_sentence(context))]
    agreement = version.agreement
    out: list[tuple[str, str]] = []
    if recipient_organisation is not None and recipient_organisation.pk != agreement.receiving_organisation_id:
        if recipient_organisation.pk == agreement.sending_organisation_id:
            out.append(
                (
                    "recipient_is_sender",
                    _(
                        "%(org)s is de verzendende organisatie zelf. Deze afspraak gaat alleen over overdracht aan "
                        "%(receiver)s."
                    )
                    % {"org": recipient_organisation.name, "receiver": agreement.receiving_organisation.name},
                )
            )
        elif getattr(recipient_organisation, "ikc_id", None) == agreement.ikc_id:
            out.append(
                (
                    "recipient_not_in_agreement",
                    _(
                        "Deze afspraak geldt alleen voor overdracht aan %(receiver)s. Voor %(org)s is een eigen "
                        "afspraak nodig, met een eigen doel, grondslag en geïnformeerde ouders."
                    )
                    % {"receiver": agreement.receiving_organisation.name, "org": recipient_organisation.name},
                )
            )
        else:
            out.append(("route_outside_ikc", route_sentence(OUTSIDE_IKC)))
        return out
    if recipient_role is not None:
        roles = list(version.receiving_roles.all())
        if roles and recipient_role.pk not in {r.pk for r in roles}:
            out.append(
                (
                    "recipient_role_not_in_agreement",
                    _(
                        "Onder deze afspraak ontvangen alleen %(roles)s de gegevens; %(role)s hoort daar niet bij. "
                        "Deel alleen met wie de gegevens nodig heeft voor het doel van de afspraak."
                    )
                    % {"roles": ", ".join(r.name for r in roles), "role": recipient_role.name},
                )
            )
    return out
