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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.choices import GuardianPolicy
from agreements.models import AgreementVersion, DataCategory
from agreements.rules import bases
from agreements.rules.common import format_day, join_names
from agreements.rules.objections import PENDING, UPHELD, objection_status_at
from consent import selectors

if TYPE_CHECKING:
    from ikc_share.models import Child

# Child-level states (coverage page, portal); given, refused and withdrawn are also the
# stored states of a decision (consent.choices.ConsentDecisionState).
GIVEN = "given"
REFUSED = "refused"
WITHDRAWN = "withdrawn"
NO_ANSWER = "no_answer"
CONFLICT = "conflict"
NOT_NEEDED = "not_needed"
STATE_LABELS = {
    GIVEN: gettext_lazy("Toestemming"),
    REFUSED: gettext_lazy("Geweigerd"),
    WITHDRAWN: gettext_lazy("Ingetrokken"),
    NO_ANSWER: gettext_lazy("Nog geen antwoord"),
    CONFLICT: gettext_lazy("Ouders oneens"),
    NOT_NEEDED: gettext_lazy("Niet nodig"),
}

# Per guardian and category.
_NONE = "none"
_NOT_EXPLICIT = "not_explicit"
_EXPIRED = "expired"
_PARTIAL = "partial"


@dataclass(frozen=True)
class CategoryState:
    state: str  # given / not_explicit / expired / refused / withdrawn / none
    decision: selectors.DecisionFact | None = None
    expired_on: datetime.datetime | None = None


@dataclass
class GuardianSummary:
    guardian_id: int
    name: str
    has_authority: bool
    state: str  # given / partial / refused / withdrawn / none
    at: datetime.datetime | None = None
    not_covered: list[str] = field(default_factory=list)  # category names (partial consent)


@dataclass
class ConsentSummary:
    state: str  # given / refused / withdrawn / no_answer / conflict / not_needed
    sentence: str
    allowed: bool  # every category of the version may be shared now (as far as these rules go)
    informed: bool  # every guardian with authority was informed of this version
    guardians: list[GuardianSummary] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # unique sentences, in order

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])


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
    """The consent facts of one child and version at `at` (consent/selectors.py)."""
    return selectors.consent_facts(children=[child], version=version, at=at)[child.pk]


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
    return selectors.consent_facts_for_pairs(pairs=pairs, at=at)


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


# --- The rules over facts ----------------------------------------------------------------------


def reasons_from_facts(
    *,
    facts: selectors.ConsentFacts,
    version: AgreementVersion,
    categories: list[DataCategory],
    at: datetime.datetime,
) -> dict[str, list[str]]:
    shared = _notice_reasons(facts, version, at)
    if bases.allows_objection(version):
        shared += _objection_reasons(facts, at)
    out: dict[str, list[str]] = {}
    for cat in categories:
        reasons = list(shared)
        if bases.asks_consent(version):
            reasons += _category_consent_reasons(facts, version, cat, at)
        out[cat.code] = reasons
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
            reasons.append(
                _("%(name)s heeft op %(date)s bezwaar gemaakt; tot de directeur beslist, wordt er niets gedeeld.")
                % {"name": o.guardian.first_name, "date": format_day(o.created_at)}
            )
        elif status == UPHELD:
            reasons.append(
                _("Het bezwaar van %(name)s is op %(date)s toegewezen: er wordt niets gedeeld.")
                % {"name": o.guardian.first_name, "date": format_day(o.decided_at)}
            )
    return reasons


def category_state(
    decisions: list[selectors.DecisionFact], category: DataCategory, version: AgreementVersion, at: datetime.datetime
) -> CategoryState:
    """The latest decision of ONE guardian that applies to `category` (decisions sorted by
    decided_at, pk; already limited to the covering versions and to <= at)."""
    latest = None
    for d in decisions:
        if d.category_id is None or d.category_id == category.pk:
            latest = d
    if latest is None:
        return CategoryState(_NONE)
    if latest.state != GIVEN:
        return CategoryState(latest.state, latest)
    if category.is_special and not latest.explicit:
        return CategoryState(_NOT_EXPLICIT, latest)
    if version.consent_valid_months:
        expires = latest.decided_at + relativedelta(months=version.consent_valid_months)
        if at > expires:
            return CategoryState(_EXPIRED, latest, expires)
    return CategoryState(GIVEN, latest)


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
    by_guardian = selectors.decisions_by_guardian(facts.decisions)
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
            return [_no_consent_sentence(states, category)]
        return [_waiting_sentence(g, st, category) for g, st in missing]
    if given:
        return []
    return [_no_consent_sentence(states, category)]


def _expired_sentence(g, st: CategoryState) -> str:
    return _("Toestemming van %(name)s is verlopen op %(date)s") % {"name": g.name, "date": format_day(st.expired_on)}


def _no_consent_sentence(states, category: DataCategory) -> str:
    expired = [(g, st) for g, st in states if st.state == _EXPIRED]
    if expired:
        g, st = expired[-1]
        return _expired_sentence(g, st)
    if any(st.state == _NOT_EXPLICIT for _g, st in states):
        return _(
            "Geen uitdrukkelijke toestemming voor de categorie %(name)s (bijzondere persoonsgegevens: een "
            "gewoon ‘ja’ is niet genoeg)"
        ) % {"name": category.name}
    return _("Geen toestemming voor de categorie %(name)s") % {"name": category.name}


def _waiting_sentence(g, st: CategoryState, category: DataCategory) -> str:
    if st.state == _EXPIRED:
        return _expired_sentence(g, st)
    if st.state == _NOT_EXPLICIT:
        return _("Wacht op uitdrukkelijke toestemming van %(name)s voor de categorie %(category)s") % {
            "name": g.name,
            "category": category.name,
        }
    return _("Wacht op toestemming van %(name)s (alle ouders met gezag moeten toestemming geven)") % {"name": g.name}


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
    informed = bool(facts.with_authority) and not _notice_reasons_missing(facts)
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
    if facts.older_decisions and state == NO_ANSWER and not any(g.state != _NONE for g in guardians):
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


def _notice_reasons_missing(facts: selectors.ConsentFacts) -> bool:
    informed = {n.guardian_id for n in facts.notices}
    return any(g.pk not in informed for g in facts.with_authority)


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
    by_guardian = selectors.decisions_by_guardian(facts.decisions)
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
                g.pk, g.name, True, _PARTIAL, not_covered=[c.name for c, st in states if st.state != GIVEN]
            )
        elif refused:
            latest = max((st.decision for st in refused), key=lambda d: (d.decided_at, d.pk))
            summary = GuardianSummary(g.pk, g.name, True, REFUSED, latest.decided_at)
        else:
            summary = GuardianSummary(g.pk, g.name, True, _NONE)
            if _EXPIRED in kinds:
                summary.not_covered = [_("verlopen")]
        out.append(summary)
    return out


def _child_state(guardians: list[GuardianSummary], version: AgreementVersion) -> tuple[str, str]:
    if not guardians:
        return NO_ANSWER, _("Geen ouder met ouderlijk gezag bekend")
    giving = [g for g in guardians if g.state in (GIVEN, _PARTIAL)]
    withdrawn = [g for g in guardians if g.state == WITHDRAWN]
    refused = [g for g in guardians if g.state == REFUSED]
    silent = [g for g in guardians if g.state == _NONE]
    parts: list[str] = []
    if giving:
        full = [g.name for g in giving if g.state == GIVEN]
        if full:
            parts.append(_("toestemming van %(names)s") % {"names": join_names(full)})
        for g in giving:
            if g.state == _PARTIAL:
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
