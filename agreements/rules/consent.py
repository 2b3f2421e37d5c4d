"""The consent, notice and objection part of the legal-basis rules.

check_transfer (agreements/rules/transfers.py) calls `consent_reasons` for EVERY legal basis: it
returns, per category code, the sentences that say why that category may NOT be shared
now (an empty list: nothing here blocks it). The coverage page and the parent portal call
`consent_state_summary` for the state in words ("Toestemming van Sanne; wacht op Mark").

Consent state is read ONLY through consent/selectors.py. The rules:

1. Informing (every basis): every guardian with parental authority must have been
   informed of THIS version (a ParentNotice at or before `at`).
2. Bases e and f: after the last guardian was informed, wait `objection_wait_days` so that
   parents can object first; an objection blocks while pending and when upheld; a rejected
   objection does not block.
3. Consent (basis a), per category, under the version's guardian policy:
   - "one": one guardian with authority may consent; a refusal or withdrawal by ANY
     guardian with authority blocks;
   - "all": every guardian with authority must consent;
   - guardians without parental authority never count;
   - a decision counts only when decided at or before `at`; the latest one per guardian
     and category wins (a whole-agreement decision applies to every category);
   - a special category (GDPR art. 9) needs explicit consent (its own tick): a plain yes
     never covers it;
   - consent for version N covers a later version M only if no version in (N, M] was a
     material change;
   - with `consent_valid_months`, consent older than that no longer counts.
Legal duty (c) needs no consent, but does need the notice.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from agreements.choices import GuardianPolicy
from agreements.models import AgreementVersion, DataCategory
from agreements.rules import bases
from agreements.rules.common import format_day, join_names
from agreements.rules.objections import PENDING, UPHELD, objection_status_at
from consent import selectors

if TYPE_CHECKING:
    from ikc_share.models import Child

from agreements.rules.consent_reasons import (  # noqa: F401  (check_transfer asks them through this module)
    explanations_from_facts,
    notice_reasons_missing,
    reasons_from_facts,
    restricted_since,
    verdict_explanations,
)
from agreements.rules.consent_state import (  # noqa: F401  (the states are part of this module's API)
    CONFLICT,
    EXPIRED,
    GIVEN,
    NO_ANSWER,
    NONE,
    NOT_NEEDED,
    PARTIAL,
    REFUSED,
    STATE_LABELS,
    WITHDRAWN,
    CategoryState,
    ConsentSummary,
    GuardianSummary,
    category_state,
)

# --- Entry points -------------------------------------------------------------------------


def consent_reasons(
    *, child: Child, version: AgreementVersion, categories: Iterable, at: datetime.datetime
) -> dict[str, list[str]]:
    """Per category code: the sentences saying why it may NOT be shared at `at` (empty
    list = allowed as far as consent, notices and objections go). `categories` holds
    DataCategory objects or codes."""
    cats = _resolve_categories(categories)
    facts = consent_facts(child=child, version=version, at=at)
    return reasons_from_facts(facts=facts, version=version, categories=cats, at=at)


def consent_facts(*, child: Child, version: AgreementVersion, at: datetime.datetime) -> selectors.ConsentFacts:
    """The consent facts of one child and version at `at` (consent/selectors.py), with the
    consent on file for other agreements when the basis is consent."""
    facts = selectors.consent_facts(children=[child], version=version, at=at)[child.pk]
    _add_other_consents({(child.pk, version.pk): facts}, {version.pk: version}, at)
    return facts


def consent_state_summary(*, child: Child, version: AgreementVersion, at: datetime.datetime) -> ConsentSummary:
    facts = consent_facts(child=child, version=version, at=at)
    return summary_from_facts(facts=facts, version=version, categories=selectors.version_categories(version), at=at)


def consent_state_summaries(
    *, children: Iterable[Child], version: AgreementVersion, at: datetime.datetime
) -> dict[int, ConsentSummary]:
    """The same for many children in a fixed number of queries (coverage page)."""
    children = list(children)
    all_facts = selectors.consent_facts(children=children, version=version, at=at)
    categories = selectors.version_categories(version)
    return {
        c.pk: summary_from_facts(facts=all_facts[c.pk], version=version, categories=categories, at=at) for c in children
    }


def consent_facts_for_pairs(
    *, pairs: Iterable[tuple[Child, AgreementVersion]], at: datetime.datetime
) -> dict[tuple[int, int], selectors.ConsentFacts]:
    """The facts for many (child, version) pairs at once, for `reasons_from_facts` (what
    check_transfers reads once for every active agreement of a child)."""
    pairs = list(pairs)
    facts = selectors.consent_facts_for_pairs(pairs=pairs, at=at)
    _add_other_consents(facts, {v.pk: v for _c, v in pairs}, at)
    return facts


def _add_other_consents(
    facts: dict[tuple[int, int], selectors.ConsentFacts], versions: dict[int, AgreementVersion], at: datetime.datetime
) -> None:
    """Consent given for another agreement does not count: the facts name it, so that the
    sentences can say so (one query per child, only where the basis is consent)."""
    asking = [(cid, vid) for cid, vid in facts if bases.asks_consent(versions[vid])]
    for child_id in sorted({cid for cid, _vid in asking}):
        others = selectors.other_agreement_consents(child_id=child_id, at=at)
        for cid, vid in asking:
            if cid == child_id:
                facts[cid, vid].other_consents = [
                    (guardian_id, title)
                    for guardian_id, agreement_id, title in others
                    if agreement_id != versions[vid].agreement_id
                ]


def consent_state_summaries_for_pairs(
    *, pairs: Iterable[tuple[Child, AgreementVersion]], at: datetime.datetime
) -> dict[tuple[int, int], ConsentSummary]:
    """The same for many (child, version) pairs in a fixed number of queries (the parent
    portal and the staff child page, with every active agreement at once)."""
    return _over_pairs(pairs=pairs, at=at, answer=summary_from_facts)


def _over_pairs(*, pairs: Iterable[tuple[Child, AgreementVersion]], at: datetime.datetime, answer) -> dict:
    """`answer(facts=, version=, categories=, at=)` for each (child, version) pair, with the
    facts and the categories read once for all of them."""
    pairs = list(pairs)
    all_facts = selectors.consent_facts_for_pairs(pairs=pairs, at=at)
    categories = selectors.categories_of_versions({v.pk: v for _c, v in pairs}.values())
    return {
        (c.pk, v.pk): answer(facts=all_facts[c.pk, v.pk], version=v, categories=categories[v.pk], at=at)
        for c, v in pairs
    }


def _resolve_categories(categories: Iterable) -> list[DataCategory]:
    items = list(categories)
    codes = [c for c in items if not isinstance(c, DataCategory)]
    known = selectors.categories_by_code(codes) if codes else {}
    out = []
    for c in items:
        if isinstance(c, DataCategory):
            out.append(c)
        elif c in known:
            out.append(known[c])
        else:  # unknown code: check_transfer reports it; here it is an ordinary category
            out.append(DataCategory(code=str(c), name_nl=str(c), name_en=str(c)))
    return out


# --- Summary in words ---------------------------------------------------------------------------


def summary_from_facts(
    *,
    facts: selectors.ConsentFacts,
    version: AgreementVersion,
    categories: list[DataCategory],
    at: datetime.datetime,
) -> ConsentSummary:
    per_category = reasons_from_facts(facts=facts, version=version, categories=categories, at=at)
    reasons: list[str] = []
    for texts in per_category.values():
        for t in texts:
            if t not in reasons:
                reasons.append(t)
    allowed = bool(categories) and not reasons
    informed = bool(facts.with_authority) and not notice_reasons_missing(facts)
    if not bases.asks_consent(version):
        return ConsentSummary(
            state=NOT_NEEDED,
            sentence=_not_needed_sentence(version, facts, at),
            allowed=allowed,
            informed=informed,
            reasons=reasons,
        )
    guardians = _guardian_summaries(facts, version, categories, at)
    state, sentence = _child_state(guardians, version)
    if facts.older_decisions and state == NO_ANSWER and not any(g.state != NONE for g in guardians):
        sentence += "; " + _("eerdere toestemming geldt niet voor deze gewijzigde afspraak")
    return ConsentSummary(
        state=state, sentence=sentence, allowed=allowed, informed=informed, guardians=guardians, reasons=reasons
    )


def state_from_facts(
    *, facts: selectors.ConsentFacts, version: AgreementVersion, categories: list[DataCategory], at: datetime.datetime
) -> str:
    """Only the child-level state of `summary_from_facts` (the same rules, without the
    sentences and the per-category reasons): for counting many children at once."""
    if not bases.asks_consent(version):
        return NOT_NEEDED
    state, _sentence = _child_state(_guardian_summaries(facts, version, categories, at), version)
    return state


def consent_states_for_pairs(
    *, pairs: Iterable[tuple[Child, AgreementVersion]], at: datetime.datetime
) -> dict[tuple[int, int], str]:
    """The child-level state for many (child, version) pairs: the privacy officer's coverage
    bar counts them for every child of the organisation."""
    return _over_pairs(pairs=pairs, at=at, answer=state_from_facts)


def _not_needed_sentence(version: AgreementVersion, facts: selectors.ConsentFacts, at: datetime.datetime) -> str:
    if bases.is_legal_duty(version):
        text = _("Geen toestemming nodig: de wet regelt deze overdracht; ouders worden wel geïnformeerd")
    elif bases.allows_objection(version):
        text = _("Geen toestemming nodig; ouders worden geïnformeerd en mogen bezwaar maken")
        for o in facts.objections:
            status = objection_status_at(o, at)
            if status == PENDING:
                text += "; " + _("bezwaar van %(name)s in behandeling") % {"name": o.guardian.first_name}
            elif status == UPHELD:
                text += "; " + _("bezwaar van %(name)s toegewezen") % {"name": o.guardian.first_name}
            else:
                text += "; " + _("bezwaar van %(name)s afgewezen") % {"name": o.guardian.first_name}
    else:
        text = _("Geen toestemming nodig voor deze grondslag")
    return text


def _guardian_summaries(
    facts: selectors.ConsentFacts, version: AgreementVersion, categories: list[DataCategory], at: datetime.datetime
) -> list[GuardianSummary]:
    by_guardian = facts.decisions_by_guardian
    out = []
    for g in facts.with_authority:
        decisions = by_guardian.get(g.pk, [])
        states = [(c, category_state(decisions, c, version, at)) for c in categories]
        kinds = [st.state for _c, st in states]
        withdrawn = [st for _c, st in states if st.state == WITHDRAWN]
        refused = [st for _c, st in states if st.state == REFUSED]
        given = [c for c, st in states if st.state == GIVEN]
        if withdrawn:
            latest = max((st.decision for st in withdrawn), key=lambda d: (d.decided_at, d.pk))
            summary = GuardianSummary(g.pk, g.name, True, WITHDRAWN, latest.decided_at)
        elif given and len(given) == len(categories):
            summary = GuardianSummary(g.pk, g.name, True, GIVEN)
        elif given:
            summary = GuardianSummary(
                g.pk, g.name, True, PARTIAL, not_covered=[c.name for c, st in states if st.state != GIVEN]
            )
        elif refused:
            latest = max((st.decision for st in refused), key=lambda d: (d.decided_at, d.pk))
            summary = GuardianSummary(g.pk, g.name, True, REFUSED, latest.decided_at)
        else:
            summary = GuardianSummary(g.pk, g.name, True, NONE)
            if EXPIRED in kinds:
                summary.not_covered = [_("verlopen")]
        out.append(summary)
    return out


def _child_state(guardians: list[GuardianSummary], version: AgreementVersion) -> tuple[str, str]:
    if not guardians:
        return NO_ANSWER, _("Geen ouder met ouderlijk gezag bekend")
    giving = [g for g in guardians if g.state in (GIVEN, PARTIAL)]
    withdrawn = [g for g in guardians if g.state == WITHDRAWN]
    refused = [g for g in guardians if g.state == REFUSED]
    silent = [g for g in guardians if g.state == NONE]
    parts: list[str] = []
    if giving:
        full = [g.name for g in giving if g.state == GIVEN]
        if full:
            parts.append(_("toestemming van %(names)s") % {"names": join_names(full)})
        for g in giving:
            if g.state == PARTIAL:
                parts.append(
                    _("toestemming van %(name)s, niet voor: %(categories)s")
                    % {"name": g.name, "categories": ", ".join(g.not_covered)}
                )
    for g in refused:
        parts.append(_("geweigerd door %(name)s") % {"name": g.name})
    for g in withdrawn:
        parts.append(_("ingetrokken door %(name)s op %(date)s") % {"name": g.name, "date": format_day(g.at)})
    if silent:
        names = join_names([g.name for g in silent])
        expired = [g for g in silent if g.not_covered]
        if expired:
            parts.append(_("toestemming van %(names)s verlopen") % {"names": join_names([g.name for g in expired])})
        if giving and version.guardian_policy == GuardianPolicy.ALL_MUST_CONSENT:
            parts.append(_("wacht op %(names)s") % {"names": names})
        elif not giving and not refused and not withdrawn:
            parts.append(_("nog geen antwoord van %(names)s") % {"names": names})
    if giving and (refused or withdrawn):
        state = CONFLICT
    elif withdrawn:
        state = WITHDRAWN
    elif refused:
        state = REFUSED
    elif giving and (version.guardian_policy != GuardianPolicy.ALL_MUST_CONSENT or not silent):
        state = GIVEN
    else:
        state = NO_ANSWER
    sentence = "; ".join(parts)
    return state, sentence[:1].upper() + sentence[1:]
