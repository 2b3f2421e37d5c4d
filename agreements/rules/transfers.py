"""May this transfer go ahead? `check_transfer()` is the stable interface the transfers
app calls (and `check_transfers()` the same for several versions at once). It re-checks
everything at the moment it is asked and never trusts a stored status on its own: the
version is active and valid, the agreement still passes `validate_version`, the child is
the sender's and within the version's scope, the requester may send, the method is allowed, and consent, notices and
objections (agreements/rules/consent.py) do not block.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from agreements.models import AgreementItem, AgreementVersion, DataCategory
from agreements.rules import bases, contexts, explain
from agreements.rules import consent as consent_rules
from agreements.rules import transfer_checks as checks
from agreements.rules.objections import objection_upheld_at
from agreements.rules.specs import errors, spec_from_version, version_items
from agreements.rules.validation import validate_version

if TYPE_CHECKING:
    from consent.selectors import ConsentFacts
    from ikc_share.models import Child, FunctionTitle, Organisation


@dataclass
class Verdict:
    """allowed: the whole transfer may go ahead. per_category: code → (allowed, sentences).
    reasons: when refused, every sentence saying why; when allowed, one sentence saying on
    what it rests, then the sentences that say which rule allows it (under c: no objection
    possible, and an objection on file does not stop the duty; under a: the parents with
    authority decide; under e/f: whether anyone objected). codes: the stable codes of what
    refused (for tests and statistics). warnings: what the sender must know though it
    does not refuse (e.g. a contract basis used for more than the contract needs)."""

    allowed: bool
    per_category: dict[str, tuple[bool, list[str]]]
    reasons: list[str]
    codes: list[str] = field(default_factory=list)  # stable codes of the reasons that refused
    # Not a refusal, but what the sender must know (shown on the pages, kept in the transfer).
    warnings: list[str] = field(default_factory=list)


def check_transfer(
    *,
    child: Child,
    agreement_version: AgreementVersion,
    categories: Iterable,
    at: datetime.datetime,
    requester,
    method: str,
    recipient_organisation: Organisation | None = None,
    recipient_role: FunctionTitle | None = None,
    context: str = contexts.REGULAR,
) -> Verdict:
    """May `requester` hand over these categories of `child` under this version, by this
    method, at `at`, to `recipient_organisation` (default: the agreement's receiving
    organisation) for `recipient_role` (default: the agreement's receiving roles), in this
    `context` (agreements.rules.contexts: regular, emergency, meldcode, child_protection,
    outside_ikc)? Everything is re-checked now; a stored status is not trusted alone.
    `categories` holds DataCategory objects or their codes."""
    return _check_transfer(
        child=child,
        version=agreement_version,
        categories=categories,
        at=at,
        requester=requester,
        method=method,
        question=TransferQuestion(
            version=agreement_version,
            categories=list(categories),
            method=method,
            context=context,
            recipient_organisation=recipient_organisation,
            recipient_role=recipient_role,
        ),
    )


def may_proceed_on_silence(
    *, version: AgreementVersion, read_until: datetime.datetime | None, at: datetime.datetime
) -> bool:
    """When parents read first: silence until `read_until` lets the sender proceed, but never
    when the basis is consent (silence is not a yes)."""
    return not bases.asks_consent(version) and read_until is not None and at >= read_until


# Why prepared content must be destroyed (`parents_said_no`).
STOPPED_BY_CONSENT = "consent"
STOPPED_BY_OBJECTION = "objection"


def parents_said_no(*, child: Child, version: AgreementVersion, at: datetime.datetime) -> str:
    """Why content prepared for this child under this version must be destroyed now, or "":
    consent refused or withdrawn (or parents disagree) under basis a (`STOPPED_BY_CONSENT`),
    an objection upheld by `at` under e or f (`STOPPED_BY_OBJECTION`). A consent that is
    merely not given yet, or a pending objection, keeps the content (it is not sent)."""
    summary = consent_rules.consent_state_summary(child=child, version=version, at=at)
    if bases.asks_consent(version) and summary.state in (
        consent_rules.REFUSED,
        consent_rules.WITHDRAWN,
        consent_rules.CONFLICT,
    ):
        return STOPPED_BY_CONSENT
    if bases.allows_objection(version):
        facts = consent_rules.consent_facts(child=child, version=version, at=at)
        if any(objection_upheld_at(o, at) for o in facts.objections):
            return STOPPED_BY_OBJECTION
    return ""


@dataclass
class TransferQuestion:
    version: AgreementVersion
    categories: list  # DataCategory objects or codes
    method: str
    context: str = contexts.REGULAR
    recipient_organisation: Organisation | None = None
    recipient_role: FunctionTitle | None = None


def check_transfers(
    *,
    child: Child,
    questions: list[TransferQuestion],
    at: datetime.datetime,
    requester,
    consent_facts: dict[tuple[int, int], ConsentFacts] | None = None,
) -> list[Verdict]:
    """check_transfer for several versions at once (the staff child page asks it for every
    active agreement): the same function per question, with what it reads loaded once for
    all of them, so the number of queries does not grow with the number of agreements.

    Loading only, never deciding: relations the caller already loaded (select_related /
    prefetch_related on the versions) are not read again, and `consent_facts` may hold the
    facts of (child id, version id) pairs that the caller read AT THIS SAME `at` (the staff
    child page reads them once for its consent section and for this check); pairs missing
    from it are read here. Every rule is still applied now, to what is on file now."""
    if not questions:
        return []
    versions = list({q.version.pk: q.version for q in questions}.values())
    prefetch_related_objects(
        versions,
        "agreement__ikc",
        "agreement__sending_organisation",
        "agreement__receiving_organisation",
        Prefetch("items", queryset=AgreementItem.objects.select_related("category")),
        "receiving_roles",
        "receiving_locations",
        "scope_locations",
        "approvals",
    )
    memberships = None
    if requester is not None and getattr(requester, "is_authenticated", False) and requester.is_active:
        memberships = checks.requester_memberships(requester)
    facts = dict(consent_facts or {})
    missing = [
        (child, v)
        for v in versions
        if child.organisation_id == v.agreement.sending_organisation_id and (child.pk, v.pk) not in facts
    ]
    if missing:
        facts.update(consent_rules.consent_facts_for_pairs(pairs=missing, at=at))
    # The version rules depend on the version alone: run once per version, not per question.
    invalid = {v.pk: errors(validate_version(spec_from_version(v))) for v in versions}
    return [
        _check_transfer(
            child=child,
            version=q.version,
            categories=q.categories,
            at=at,
            requester=requester,
            method=q.method,
            question=q,
            memberships=memberships,
            consent_facts=facts.get((child.pk, q.version.pk)),
            version_errors=invalid[q.version.pk],
        )
        for q in questions
    ]


def _check_transfer(
    *,
    child: Child,
    version: AgreementVersion,
    categories: Iterable,
    at: datetime.datetime,
    requester,
    method: str,
    question: TransferQuestion,
    memberships: dict[int, checks.RequesterMembership] | None = None,
    consent_facts=None,
    version_errors: list | None = None,
) -> Verdict:
    if at.tzinfo is None:
        raise ValueError("check_transfer needs an aware datetime")
    agreement = version.agreement
    sender = agreement.sending_organisation
    codes = [c.code if isinstance(c, DataCategory) else str(c) for c in categories]
    in_agreement = {i.category.code: i for i in version_items(version)}
    known = {code: in_agreement[code].category for code in codes if code in in_agreement}
    if len(known) < len(set(codes)):
        known.update({c.code: c for c in DataCategory.objects.filter(code__in=[c for c in codes if c not in known])})

    general: list[tuple[str, str]] = []
    if not codes:
        general.append(("no_categories", _("Kies ten minste één gegevenscategorie om te delen.")))
    route = contexts.recipient_reasons(
        version=version,
        context=question.context,
        recipient_organisation=question.recipient_organisation,
        recipient_role=question.recipient_role,
    )
    general += route
    general += checks.version_active_reasons(version, at)
    if version_errors is None:
        version_errors = errors(validate_version(spec_from_version(version)))
    for message in version_errors:
        general.append(
            ("agreement_invalid", _("De afspraak voldoet niet (meer) aan de regels: %(text)s") % {"text": message.text})
        )
    own_child = child.organisation_id == sender.pk
    if not own_child:
        general.append(
            (
                "child_not_of_sender",
                _(
                    "Dit kind staat niet ingeschreven bij %(sender)s, de verzendende organisatie van deze "
                    "afspraak. Een organisatie deelt alleen gegevens uit haar eigen administratie."
                )
                % {"sender": sender.name},
            )
        )
    if own_child:
        general += checks.scope_reasons(version=version, child=child, at=at)
    general += checks.requester_reasons(requester=requester, child=child, version=version, memberships=memberships)
    general += checks.method_reasons(method=method, version=version)
    if bases.is_legal_duty(version) and not child.vve_programme:
        general.append(
            (
                "no_vve_programme",
                _(
                    "Dit kind heeft geen VVE-programma gevolgd. De wettelijke overdracht geldt alleen voor "
                    "kinderen die voorschoolse educatie kregen."
                ),
            )
        )

    covered = [known[c] for c in codes if c in in_agreement and c in known]
    # Consent, notices, objections and restrictions count for every basis; for a child of
    # another organisation the sender has no guardians to ask (already refused above).
    facts = None
    refusals: dict[str, list[str]] = {}
    explained: dict[str, list[str]] = {}
    restricted: dict = {}
    if own_child and covered:
        if consent_facts is None:
            consent_facts = consent_rules.consent_facts(child=child, version=version, at=at)
        facts = consent_facts
        refusals = consent_rules.reasons_from_facts(facts=facts, version=version, categories=covered, at=at)
        explained = consent_rules.explanations_from_facts(facts=facts, version=version, categories=covered, at=at)
        restricted = consent_rules.restricted_since(facts, at)

    per_category: dict[str, tuple[bool, list[str]]] = {}
    category_codes: list[str] = []
    for code in codes:
        ok, sentences, refused_by = _category_verdict(
            code=code,
            version=version,
            item=in_agreement.get(code),
            category=known.get(code),
            route=route if question.context != contexts.REGULAR else [],
            refusals=refusals.get(code, []),
            explained=explained.get(code, []),
            restricted=restricted,
        )
        per_category[code] = (ok, sentences)
        if refused_by:
            category_codes.append(refused_by)

    allowed = not general and bool(codes) and all(ok for ok, _reasons in per_category.values())
    if allowed:
        reasons = [
            explain.rests_on(label=version.label, basis=version.get_legal_basis_display()),
            *consent_rules.verdict_explanations(facts=facts, version=version, at=at),
        ]
    else:
        reasons = [text for _code, text in general]
        if not general:
            reasons.append(_("Niet alle gekozen gegevens mogen worden gedeeld; zie per categorie."))
    return Verdict(
        allowed=allowed,
        per_category=per_category,
        reasons=reasons,
        codes=[code for code, _text in general] + sorted(set(category_codes)),
        warnings=_warnings(version=version, categories=covered) if question.context == contexts.REGULAR else [],
    )


def _category_verdict(
    *, code: str, version: AgreementVersion, item, category, route, refusals, explained, restricted
) -> tuple[bool, list[str], str]:
    """One category: (allowed, sentences, the code of what refused it or "")."""
    if route:  # not a transfer under the agreement at all: no category passes, consented or not
        return False, [text for _code, text in route], "not_agreement_transfer"
    if item is None:
        name = category.name if category is not None else code
        return (
            False,
            [_("%(name)s staat niet in deze afspraak en mag niet worden gedeeld.") % {"name": name}],
            ("category_not_in_agreement"),
        )
    category = item.category
    if bases.is_legal_duty(version):
        if category.is_special:
            return False, [explain.legal_duty_special(category_name=category.name)], "legal_duty_special"
        if not category.statutory:
            return False, [explain.legal_duty_not_statutory(category_name=category.name)], "legal_duty_not_covered"
    if refusals:
        return False, refusals, "restricted" if category.pk in restricted else "parents"
    return True, [_("%(name)s staat in de afspraak.") % {"name": category.name}, *explained], ""


def _warnings(*, version: AgreementVersion, categories: list[DataCategory]) -> list[str]:
    """What the sender must know though it does not refuse the transfer."""
    out = []
    if bases.is_contract(version):
        out.append(explain.contract_warning())
        special = [c.name for c in categories if c.is_special]
        if special:
            out.append(explain.special_under_contract_warning(names=", ".join(special)))
    return out
