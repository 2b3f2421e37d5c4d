"""Why consent, notices, objections or a restriction stop a category (the refusal
sentences of check_transfer and of the consent summaries). The rules are listed in
consent.py's docstring; explain.py holds the sentences that say which rule decided.
Consent state is read ONLY through consent/selectors.py."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from agreements.choices import GuardianPolicy
from agreements.models import AgreementVersion, DataCategory
from agreements.rules import bases, explain
from agreements.rules.common import format_day
from agreements.rules.consent_state import (
    EXPIRED,
    GIVEN,
    NONE,
    NOT_EXPLICIT,
    REFUSED,
    WITHDRAWN,
    CategoryState,
    category_state,
)
from agreements.rules.objections import PENDING, REJECTED, UPHELD, objection_status_at
from consent import selectors


def reasons_from_facts(
    *,
    facts: selectors.ConsentFacts,
    version: AgreementVersion,
    categories: list[DataCategory],
    at: datetime.datetime,
) -> dict[str, list[str]]:
    """Per category code, the sentences saying why it may NOT be shared at `at` (empty:
    nothing in consent, notices, objections or restrictions blocks it)."""
    shared = _notice_reasons(facts, version, at)
    if bases.allows_objection(version):
        shared += _objection_reasons(facts, at)
    restricted = restricted_since(facts, at)
    out: dict[str, list[str]] = {}
    for cat in categories:
        reasons = list(shared)
        if cat.pk in restricted:
            reasons.append(explain.restricted(category_name=cat.name, since=restricted[cat.pk]))
        if bases.asks_consent(version):
            reasons += _category_consent_reasons(facts, version, cat, at)
        out[cat.code] = reasons
    return out


def restricted_since(facts: selectors.ConsentFacts, at: datetime.datetime) -> dict[int, datetime.datetime]:
    """Category id → since when its processing is restricted (art. 18), for restrictions in
    force at `at`."""
    out: dict[int, datetime.datetime] = {}
    for r in facts.restrictions:
        if r.since <= at:
            out[r.category_id] = min(out.get(r.category_id, r.since), r.since)
    return out


def explanations_from_facts(
    *,
    facts: selectors.ConsentFacts,
    version: AgreementVersion,
    categories: list[DataCategory],
    at: datetime.datetime,
) -> dict[str, list[str]]:
    """Per category code, the sentences saying on which rule sharing it rests (for the
    categories that `reasons_from_facts` does not refuse)."""
    out: dict[str, list[str]] = {}
    for cat in categories:
        if bases.asks_consent(version):
            out[cat.code] = _consent_explanation(facts, version, cat, at)
        elif bases.is_legal_duty(version):
            out[cat.code] = [explain.legal_duty_covers(category_name=cat.name, provision=version.statutory_provision)]
        else:
            out[cat.code] = []
    return out


def verdict_explanations(
    *, facts: selectors.ConsentFacts | None, version: AgreementVersion, at: datetime.datetime
) -> list[str]:
    """The sentences that say on which rule an allowed transfer rests, once per verdict."""
    if bases.asks_consent(version):
        return [explain.parents_decide()]
    if bases.is_legal_duty(version):
        return objections_on_file(facts) if facts is not None else []
    if bases.allows_objection(version):
        return [_objection_explanation(facts, at)] if facts is not None else [explain.may_object_none()]
    if bases.is_contract(version):
        return [explain.contract_basis()]
    return []


def objections_on_file(facts: selectors.ConsentFacts) -> list[str]:
    """Under a legal duty (c): the sentence for each objection on file, which does not stop
    the duty."""
    return [explain.objection_does_not_stop_duty(name=o.guardian.first_name, at=o.created_at) for o in facts.objections]


def _objection_explanation(facts: selectors.ConsentFacts, at: datetime.datetime) -> str:
    rejected = [o for o in facts.objections if objection_status_at(o, at) == REJECTED]
    if rejected:
        o = rejected[-1]
        return explain.objection_rejected(name=o.guardian.first_name, at=o.decided_at)
    return explain.may_object_none()


def _consent_explanation(
    facts: selectors.ConsentFacts, version: AgreementVersion, category: DataCategory, at: datetime.datetime
) -> list[str]:
    by_guardian = facts.decisions_by_guardian
    out: list[str] = []
    numbers = facts.version_numbers
    for g in facts.with_authority:
        st = category_state(by_guardian.get(g.pk, []), category, version, at)
        if st.state != GIVEN:
            continue
        out.append(explain.given_by(name=g.name, at=st.decision.decided_at))
        if st.decision.version_id != version.pk and st.decision.version_id in numbers:
            out.append(
                explain.carried_over(
                    name=g.name,
                    old=numbers[st.decision.version_id],
                    new=version.number,
                    change=facts.change_summaries.get(version.number, ""),
                )
            )
    if category.is_special:
        out.append(explain.explicit_consent(category_name=category.name))
    out += _no_authority_notes(facts, version, category, at)
    return out


def _no_authority_notes(
    facts: selectors.ConsentFacts, version: AgreementVersion, category: DataCategory, at: datetime.datetime
) -> list[str]:
    """A decision by a guardian without parental authority does not count: say so."""
    by_guardian = facts.decisions_by_guardian
    out = []
    for g in facts.guardians:
        if g.has_authority or g.pk not in by_guardian:
            continue
        st = category_state(by_guardian[g.pk], category, version, at)
        if st.state == NONE:
            continue
        out.append(explain.no_authority(name=g.name, gave=st.state in (GIVEN, NOT_EXPLICIT, EXPIRED)))
    return out


def _earlier_consent_notes(facts: selectors.ConsentFacts) -> list[str]:
    """Consent on file elsewhere that does not count here: for another agreement, or for a
    version before a material change."""
    names = {g.pk: g.name for g in facts.with_authority}
    out = []
    for guardian_id, old in facts.lapsed:
        if guardian_id in names and facts.material_break:
            new, change = facts.material_break
            out.append(explain.lapsed(name=names[guardian_id], old=old, new=new, change=change))
    for guardian_id, title in facts.other_consents:
        if guardian_id in names:
            out.append(explain.other_agreement(name=names[guardian_id], title=title))
    return out


def _notice_reasons(facts: selectors.ConsentFacts, version: AgreementVersion, at: datetime.datetime) -> list[str]:
    guardians = facts.with_authority
    if not guardians:
        return [
            _(
                "Bij dit kind is geen ouder met ouderlijk gezag bekend, dus niemand kan worden geïnformeerd of "
                "beslissen."
            )
        ]
    first_notice: dict[int, datetime.datetime] = {}
    for n in facts.notices:
        first_notice.setdefault(n.guardian_id, n.at)
    missing = [g.name for g in guardians if g.pk not in first_notice]
    if missing:
        return [
            _("%(name)s is nog niet geïnformeerd over versie %(number)s van deze afspraak.")
            % {"name": name, "number": version.number}
            for name in missing
        ]
    if bases.allows_objection(version) and version.objection_wait_days:
        informed_at = max(first_notice[g.pk] for g in guardians)
        allowed_from = informed_at + datetime.timedelta(days=version.objection_wait_days)
        if at < allowed_from:
            return [
                _("Ouders mogen eerst bezwaar maken: de wachttijd na het informeren loopt tot %(date)s.")
                % {"date": format_day(allowed_from)}
            ]
    return []


def _objection_reasons(facts: selectors.ConsentFacts, at: datetime.datetime) -> list[str]:
    reasons = []
    for o in facts.objections:
        status = objection_status_at(o, at)
        if status == PENDING:
            reasons.append(explain.objection_pending(name=o.guardian.first_name, filed=o.created_at))
        elif status == UPHELD:
            reasons.append(explain.objection_upheld(name=o.guardian.first_name, at=o.decided_at))
    return reasons


def _category_suffix(decision: selectors.DecisionFact, category: DataCategory) -> str:
    if decision.category_id is None:
        return ""
    return " " + _("voor de categorie %(name)s") % {"name": category.name}


def _category_consent_reasons(
    facts: selectors.ConsentFacts, version: AgreementVersion, category: DataCategory, at: datetime.datetime
) -> list[str]:
    guardians = facts.with_authority
    if not guardians:
        return []  # already said by the notice rule
    by_guardian = facts.decisions_by_guardian
    states = [(g, category_state(by_guardian.get(g.pk, []), category, version, at)) for g in guardians]
    reasons: list[str] = []
    for g, st in states:
        if st.state == WITHDRAWN:
            reasons.append(
                _("Toestemming ingetrokken door %(name)s op %(date)s")
                % {"name": g.name, "date": format_day(st.decision.decided_at)}
                + _category_suffix(st.decision, category)
            )
        elif st.state == REFUSED:
            reasons.append(
                _("Toestemming geweigerd door %(name)s op %(date)s")
                % {"name": g.name, "date": format_day(st.decision.decided_at)}
                + _category_suffix(st.decision, category)
            )
    if reasons:
        return reasons
    given = [g for g, st in states if st.state == GIVEN]
    if version.guardian_policy == GuardianPolicy.ALL_MUST_CONSENT:
        missing = [(g, st) for g, st in states if st.state != GIVEN]
        if not missing:
            return []
        if not given:
            return [_no_consent_sentence(states, category), *_refusal_notes(facts, version, category, at)]
        return [_waiting_sentence(g, st, category) for g, st in missing] + _refusal_notes(facts, version, category, at)
    if given:
        return []
    return [_no_consent_sentence(states, category), *_refusal_notes(facts, version, category, at)]


def _refusal_notes(
    facts: selectors.ConsentFacts, version: AgreementVersion, category: DataCategory, at: datetime.datetime
) -> list[str]:
    return _no_authority_notes(facts, version, category, at) + _earlier_consent_notes(facts)


def _expired_sentence(g, st: CategoryState) -> str:
    return _("Toestemming van %(name)s is verlopen op %(date)s") % {"name": g.name, "date": format_day(st.expired_on)}


def _no_consent_sentence(states, category: DataCategory) -> str:
    expired = [(g, st) for g, st in states if st.state == EXPIRED]
    if expired:
        g, st = expired[-1]
        return _expired_sentence(g, st)
    if any(st.state == NOT_EXPLICIT for _g, st in states) or category.is_special:
        return explain.explicit_needed(category_name=category.name)
    return _(
        "Geen toestemming voor de categorie %(name)s. De grondslag is toestemming: zonder een ‘ja’ van een ouder "
        "met ouderlijk gezag wordt niets gedeeld (stilte is geen ja)."
    ) % {"name": category.name}


def _waiting_sentence(g, st: CategoryState, category: DataCategory) -> str:
    if st.state == EXPIRED:
        return _expired_sentence(g, st)
    if st.state == NOT_EXPLICIT:
        return _("Wacht op uitdrukkelijke toestemming van %(name)s voor de categorie %(category)s") % {
            "name": g.name,
            "category": category.name,
        }
    return _("Wacht op toestemming van %(name)s (alle ouders met gezag moeten toestemming geven)") % {"name": g.name}


def notice_reasons_missing(facts: selectors.ConsentFacts) -> bool:
    """Some guardian with parental authority was not informed of this version."""
    informed = {n.guardian_id for n in facts.notices}
    return any(g.pk not in informed for g in facts.with_authority)
