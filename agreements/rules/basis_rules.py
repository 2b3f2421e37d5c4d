"""The version rules of each legal basis (GDPR art. 6(1)) and of special categories
(art. 9): what a legal duty (c), a public task (e), a legitimate interest (f), a vital
interest (d) or a contract (b) requires of an agreement, and that parents are informed
whatever the basis. validation.py runs them with the other rules.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from agreements.choices import Art9Condition, LegalBasis
from agreements.rules.common import join_names
from agreements.rules.specs import RuleMessage, VersionSpec
from agreements.rules.specs import error as _error
from agreements.rules.specs import notice as _notice
from agreements.rules.specs import warning as _warning
from ikc_share.choices import OrganisationKind

DEFAULT_VVE_REFERENCE = (
    "Besluit basisvoorwaarden kwaliteit voorschoolse educatie (op grond van art. 1.50b Wet kinderopvang) "
    "en Wet op het primair onderwijs (doorgaande lijn van voorschoolse naar vroegschoolse educatie)"
)


def rule_legal_duty(spec: VersionSpec) -> list[RuleMessage]:
    """c: only childcare → school, only statutory items (VVE programme and duration),
    and the statutory provision must be named."""
    if spec.legal_basis != LegalBasis.LEGAL_DUTY:
        return []
    out = []
    sender, receiver = spec.sending_organisation, spec.receiving_organisation
    if not (sender.kind == OrganisationKind.CHILDCARE and receiver.kind == OrganisationKind.SCHOOL):
        out.append(
            _error(
                "legal_duty_direction",
                _(
                    "Een wettelijke verplichting (grondslag c) geldt alleen voor de overdracht van voorschoolse "
                    "educatie (VVE) van de kinderopvang naar de school. Deze afspraak loopt van %(sender)s naar "
                    "%(receiver)s: vraag de ouders om toestemming."
                )
                % {"sender": sender.name, "receiver": receiver.name},
                "legal_basis",
            )
        )
    non_statutory = [c for c in spec.categories if not c.statutory]
    if non_statutory:
        out.append(
            _error(
                "legal_duty_items",
                _(
                    "Een wettelijke verplichting (grondslag c) dekt alleen wat de wet voorschrijft: het gevolgde "
                    "VVE-programma en de duur ervan. Voor %(names)s is toestemming van de ouders nodig. Haal deze "
                    "gegevens uit deze afspraak en leg ze vast in een aparte afspraak op basis van toestemming."
                )
                % {"names": join_names(non_statutory)},
                "items",
            )
        )
    if not spec.statutory_provision.strip():
        reference = next(
            (c.statutory_reference for c in spec.categories if c.statutory_reference), DEFAULT_VVE_REFERENCE
        )
        out.append(
            _error(
                "legal_duty_provision",
                _("Noem de wettelijke bepaling waarop de verplichting berust, bijvoorbeeld: %(reference)s.")
                % {"reference": reference},
                "statutory_provision",
            )
        )
    return out


def rule_special_categories(spec: VersionSpec) -> list[RuleMessage]:
    """Art. 9: a special category needs a 9(2) condition; with consent that is explicit
    consent; c and d never cover special categories."""
    special = spec.special_categories
    condition = spec.art9_condition or ""
    out = []
    if not special:
        if condition:
            out.append(
                _warning(
                    "art9_without_special",
                    _(
                        "U koos een uitzondering voor bijzondere persoonsgegevens (art. 9 lid 2 AVG), maar deze "
                        "afspraak bevat geen bijzondere persoonsgegevens. Laat dat veld leeg."
                    ),
                    "art9_condition",
                )
            )
        return out
    names = join_names(special)
    if spec.legal_basis in (LegalBasis.LEGAL_DUTY, LegalBasis.VITAL_INTEREST):
        out.append(
            _error(
                "special_basis_excluded",
                _(
                    "Een wettelijke verplichting (c) of een vitaal belang (d) dekt geen bijzondere persoonsgegevens. "
                    "Haal %(names)s uit deze afspraak; wilt u ze toch delen, maak dan een afspraak op basis van "
                    "uitdrukkelijke toestemming van de ouders."
                )
                % {"names": names},
                "items",
            )
        )
        return out
    if not condition:
        out.append(
            _error(
                "special_needs_art9",
                _(
                    "%(names)s zijn bijzondere persoonsgegevens (gezondheid, art. 9 AVG). Die mogen alleen worden "
                    "uitgewisseld met een uitzondering uit art. 9 lid 2 AVG. Kies die uitzondering."
                )
                % {"names": names},
                "art9_condition",
            )
        )
    elif spec.legal_basis == LegalBasis.CONSENT and condition != Art9Condition.EXPLICIT_CONSENT:
        out.append(
            _error(
                "special_consent_not_explicit",
                _(
                    "Met toestemming als grondslag moet de toestemming voor %(names)s uitdrukkelijk zijn (art. 9 lid 2 "
                    "onder a AVG): ouders zeggen apart en met zoveel woorden ja tegen deze gegevens. Kies "
                    "‘uitdrukkelijke toestemming’."
                )
                % {"names": names},
                "art9_condition",
            )
        )
    elif condition == Art9Condition.VITAL_INTEREST:
        out.append(
            _error(
                "art9_vital_interest",
                _(
                    "Vitaal belang (art. 9 lid 2 onder c AVG) geldt alleen als een kind in nood is en niemand "
                    "toestemming kan geven. Dat past bij een noodsituatie, niet bij een vaste afspraak."
                ),
                "art9_condition",
            )
        )
    elif condition == Art9Condition.SUBSTANTIAL_PUBLIC_INTEREST:
        out.append(
            _warning(
                "art9_public_interest_rare",
                _(
                    "Zwaarwegend algemeen belang (art. 9 lid 2 onder g AVG) vraagt een wet die deze uitwisseling "
                    "specifiek regelt. Voor kinderopvang en school is die er meestal niet; uitdrukkelijke toestemming "
                    "van de ouders is dan de weg."
                ),
                "art9_condition",
            )
        )
    elif condition == Art9Condition.HEALTH_CARE:
        out.append(
            _warning(
                "art9_health_care_rare",
                _(
                    "Gezondheidszorg (art. 9 lid 2 onder h AVG) geldt voor zorgverleners met een beroepsgeheim, "
                    "zoals een jeugdarts. Een pedagogisch medewerker of leerkracht valt daar niet onder; "
                    "uitdrukkelijke toestemming van de ouders is dan de weg."
                ),
                "art9_condition",
            )
        )
    return out


def _objection_notice() -> str:
    return _(
        "Bij deze grondslag mogen ouders bezwaar maken (art. 21 AVG). De informatiebrief vertelt hun dat; "
        "zolang een bezwaar loopt of is toegekend, worden de gegevens van hun kind niet gedeeld."
    )


def rule_public_task(spec: VersionSpec) -> list[RuleMessage]:
    """e: only an organisation with a public task by law (a school); parents may object."""
    if spec.legal_basis != LegalBasis.PUBLIC_TASK:
        return []
    sender = spec.sending_organisation
    out = []
    if not sender.has_public_task:
        out.append(
            _error(
                "public_task_not_available",
                _(
                    "Een taak van algemeen belang (grondslag e) kan alleen een organisatie die zo’n taak bij wet "
                    "heeft, zoals een school. %(sender)s is een kinderopvangorganisatie en heeft die taak niet. Vraag "
                    "de ouders om toestemming."
                )
                % {"sender": sender.name},
                "legal_basis",
            )
        )
    elif not spec.statutory_provision.strip():
        out.append(
            _warning(
                "public_task_provision",
                _(
                    "Noem de wettelijke taak waarop de school zich beroept (art. 6 lid 3 AVG), zodat ouders kunnen "
                    "nagaan waarop de uitwisseling berust."
                ),
                "statutory_provision",
            )
        )
    out.append(_notice("public_task_objection", _objection_notice(), "legal_basis"))
    return out


def rule_legitimate_interest(spec: VersionSpec) -> list[RuleMessage]:
    """f: not for a school (a public authority in its public task, art. 6(1) last
    sentence), and only with a recorded balancing test; parents may object."""
    if spec.legal_basis != LegalBasis.LEGITIMATE_INTEREST:
        return []
    sender = spec.sending_organisation
    out = []
    if sender.has_public_task:
        out.append(
            _error(
                "legitimate_interest_public_authority",
                _(
                    "%(sender)s is als school een overheidsinstantie en verwerkt deze gegevens voor haar publieke "
                    "taak. Daarvoor kan zij zich niet op gerechtvaardigd belang (grondslag f) beroepen (art. 6 lid 1, "
                    "laatste zin AVG). Vraag de ouders om toestemming."
                )
                % {"sender": sender.name},
                "legal_basis",
            )
        )
    if not spec.balancing_test.strip():
        out.append(
            _error(
                "legitimate_interest_balancing_test",
                _(
                    "Bij gerechtvaardigd belang (grondslag f) legt u vast waarom het belang van de uitwisseling "
                    "zwaarder weegt dan de privacy van het kind: de belangenafweging. Vul die in."
                ),
                "balancing_test",
            )
        )
    out.append(_notice("legitimate_interest_objection", _objection_notice(), "legal_basis"))
    return out


def rule_vital_interest(spec: VersionSpec) -> list[RuleMessage]:
    if spec.legal_basis != LegalBasis.VITAL_INTEREST:
        return []
    return [
        _error(
            "vital_interest_refused",
            _(
                "Vitaal belang (grondslag d) is bedoeld voor een noodsituatie waarin de gezondheid of het leven "
                "van een kind op het spel staat, niet voor een vaste afspraak. Volg in een noodsituatie de "
                "handleiding bij overdrachten en kies voor deze afspraak een andere grondslag, meestal "
                "toestemming van de ouders."
            ),
            "legal_basis",
        )
    ]


def rule_contract(spec: VersionSpec) -> list[RuleMessage]:
    if spec.legal_basis != LegalBasis.CONTRACT:
        return []
    return [
        _warning(
            "contract_rarely_fits",
            _(
                "Uitvoering van een overeenkomst (grondslag b) past zelden. De overeenkomst met de ouders gaat over de "
                "opvang of het onderwijs zelf; gegevens doorgeven aan een andere organisatie is daar bijna nooit voor "
                "nodig. Kinderopvang en school zijn twee aparte verantwoordelijken, elk met een eigen overeenkomst. "
                "Kies bij voorkeur toestemming van de ouders."
            ),
            "legal_basis",
        )
    ]


def rule_inform_parents(spec: VersionSpec) -> list[RuleMessage]:
    if spec.legal_basis == LegalBasis.CONSENT:
        return []
    return [
        _notice(
            "inform_parents",
            _(
                "Ook zonder toestemming als grondslag informeert u de ouders vooraf: waarom, welke gegevens, hoe, wie "
                "ze ontvangt, de grondslag en hun rechten."
            ),
        )
    ]
