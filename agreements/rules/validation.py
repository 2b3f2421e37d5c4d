"""Is an agreement version valid? `validate_version` runs every rule in `RULES` over the
content of a version (`VersionSpec`, saved or not): errors block saving, submitting and
approving; warnings and notices inform. The rules about the shape of an agreement live
here, the rules of each legal basis in basis_rules.py.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from agreements.choices import LegalBasis, Purpose
from agreements.rules.basis_rules import (
    rule_contract,
    rule_inform_parents,
    rule_legal_duty,
    rule_legitimate_interest,
    rule_public_task,
    rule_special_categories,
    rule_vital_interest,
)
from agreements.rules.common import ALLOWED_METHODS, METHOD_EMAIL, join_names
from agreements.rules.purposes import is_childcare_to_school
from agreements.rules.scope import rule_scope
from agreements.rules.specs import RuleMessage, VersionSpec
from agreements.rules.specs import error as _error
from agreements.rules.specs import notice as _notice
from ikc_share.choices import OrganisationKind


def rule_organisations(spec: VersionSpec) -> list[RuleMessage]:
    sender, receiver = spec.sending_organisation, spec.receiving_organisation
    out = []
    if sender.pk == receiver.pk:
        out.append(
            _error(
                "organisations_same",
                _("De verzendende en de ontvangende organisatie moeten twee verschillende organisaties zijn."),
            )
        )
    ikc_id = spec.ikc.pk if spec.ikc is not None else sender.ikc_id
    for org in (sender, receiver):
        if org.ikc_id != ikc_id:
            ikc = spec.ikc or sender.ikc
            out.append(
                _error(
                    "organisations_other_ikc",
                    _("Beide organisaties moeten bij hetzelfde IKC horen; %(org)s hoort niet bij %(ikc)s.")
                    % {"org": org.name, "ikc": ikc.name},
                )
            )
    return out


def rule_purpose(spec: VersionSpec) -> list[RuleMessage]:
    out = []
    sender, receiver = spec.sending_organisation, spec.receiving_organisation
    if is_childcare_to_school(spec.purpose) and not (
        sender.kind == OrganisationKind.CHILDCARE and receiver.kind == OrganisationKind.SCHOOL
    ):
        out.append(
            _error(
                "purpose_direction",
                _(
                    "Het doel ‘%(purpose)s’ hoort bij een overdracht van de kinderopvang naar de school; deze "
                    "afspraak loopt van %(sender)s naar %(receiver)s."
                )
                % {"purpose": Purpose(spec.purpose).label, "sender": sender.name, "receiver": receiver.name},
                "purpose",
            )
        )
    if not spec.purpose_explanation.strip():
        out.append(
            _error(
                "no_explanation",
                _("Leg het doel in gewone taal uit voor ouders: waarom worden deze gegevens gedeeld?"),
                "purpose_explanation",
            )
        )
    return out


def rule_items(spec: VersionSpec) -> list[RuleMessage]:
    if not spec.items:
        return [
            _error(
                "no_items",
                _("Kies ten minste één gegevenscategorie: welke gegevens zijn nodig voor het doel?"),
                "items",
            )
        ]
    out = []
    seen: set[int] = set()
    twice = []
    for item in spec.items:
        if item.category.pk in seen:
            twice.append(item.category)
        seen.add(item.category.pk)
    if twice:
        out.append(
            _error(
                "item_twice", _("%(names)s staat meer dan eens in de afspraak.") % {"names": join_names(twice)}, "items"
            )
        )
    missing = [item.category for item in spec.items if not item.justification.strip()]
    if missing:
        out.append(
            _error(
                "item_without_justification",
                _(
                    "Leg bij elke gegevenscategorie uit waarom die nodig is voor het doel. Dat ontbreekt nog bij: "
                    "%(names)s."
                )
                % {"names": join_names(missing)},
                "items",
            )
        )
    return out


def rule_methods(spec: VersionSpec) -> list[RuleMessage]:
    out = []
    if METHOD_EMAIL in spec.methods:
        out.append(
            _error(
                "email_not_allowed",
                _(
                    "E-mail is geen veilige manier om gegevens over een kind over te dragen en kan niet worden "
                    "gekozen: niet mailen maar delen."
                ),
                "methods",
            )
        )
    if not (set(spec.methods) & set(ALLOWED_METHODS)):
        out.append(
            _error(
                "no_method",
                _("Kies ten minste één manier van overdragen: delen in de app of een driegesprek met de ouders."),
                "methods",
            )
        )
    unknown = set(spec.methods) - set(ALLOWED_METHODS) - {METHOD_EMAIL}
    if unknown:
        out.append(
            _error(
                "method_unknown",
                _("Alleen delen in de app of een driegesprek met de ouders zijn mogelijke manieren van overdragen."),
                "methods",
            )
        )
    return out


def rule_receivers(spec: VersionSpec) -> list[RuleMessage]:
    receiver = spec.receiving_organisation
    out = []
    if not spec.receiving_roles:
        out.append(
            _error(
                "no_receiving_roles",
                _("Kies ten minste één functie bij %(receiver)s die de gegevens mag inzien.")
                % {"receiver": receiver.name},
                "receiving_roles",
            )
        )
    foreign = [r for r in spec.receiving_roles if r.organisation_id != receiver.pk]
    if foreign:
        out.append(
            _error(
                "role_not_at_receiver",
                _(
                    "De functie(s) %(names)s horen niet bij %(receiver)s. Kies functies uit de functielijst van de "
                    "ontvangende organisatie."
                )
                % {"names": join_names(foreign), "receiver": receiver.name},
                "receiving_roles",
            )
        )
    foreign_locations = [loc for loc in spec.receiving_locations if loc.organisation_id != receiver.pk]
    if foreign_locations:
        out.append(
            _error(
                "location_not_at_receiver",
                _("De locatie(s) %(names)s horen niet bij %(receiver)s.")
                % {"names": join_names(foreign_locations), "receiver": receiver.name},
                "receiving_locations",
            )
        )
    return out


def rule_retention_and_validity(spec: VersionSpec) -> list[RuleMessage]:
    out = []
    if not spec.retention_months or spec.retention_months < 1:
        out.append(
            _error(
                "retention_missing",
                _("Geef aan hoe lang de ontvangende organisatie de gegevens bewaart: ten minste één maand."),
                "retention_months",
            )
        )
    if spec.valid_until is not None and spec.valid_until < spec.valid_from:
        out.append(_error("validity_order", _("De einddatum ligt vóór de begindatum."), "valid_until"))
    return out


def rule_english_texts(spec: VersionSpec) -> list[RuleMessage]:
    """Issue 17.3: the English letter quotes the Dutch text where no English one is filled in."""
    missing = (spec.purpose_explanation.strip() and not spec.purpose_explanation_en.strip()) or any(
        item.justification.strip() and not item.justification_en.strip() for item in spec.items
    )
    if spec.legal_basis == LegalBasis.LEGITIMATE_INTEREST and spec.balancing_test.strip():
        missing = missing or not spec.balancing_test_en.strip()
    if not missing:
        return []
    return [
        _notice(
            "english_text_missing",
            _("De Engelse brief toont de Nederlandse tekst waar geen Engelse is ingevuld."),
            "purpose_explanation_en",
        )
    ]


RULES: list[Callable[[VersionSpec], list[RuleMessage]]] = [
    rule_organisations,
    rule_purpose,
    rule_items,
    rule_legal_duty,
    rule_special_categories,
    rule_public_task,
    rule_legitimate_interest,
    rule_vital_interest,
    rule_contract,
    rule_methods,
    rule_receivers,
    rule_scope,
    rule_retention_and_validity,
    rule_inform_parents,
    rule_english_texts,
]


def validate_version(spec: VersionSpec) -> list[RuleMessage]:
    """All messages for this content: errors block saving, submitting and approving."""
    messages: list[RuleMessage] = []
    for rule in RULES:
        messages.extend(rule(spec))
    return messages
