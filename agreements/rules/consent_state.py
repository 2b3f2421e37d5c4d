"""The consent state words the rules share: the child-level states (coverage page, portal),
the state of one guardian's decisions for one category, and the summary records.
Lower than consent_reasons.py and consent.py, which both use them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy

from agreements.models import AgreementVersion, DataCategory

if TYPE_CHECKING:
    from consent import selectors

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
NONE = "none"
NOT_EXPLICIT = "not_explicit"
EXPIRED = "expired"
PARTIAL = "partial"


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
        return CategoryState(NONE)
    if latest.state != GIVEN:
        return CategoryState(latest.state, latest)
    if category.is_special and not latest.explicit:
        return CategoryState(NOT_EXPLICIT, latest)
    if version.consent_valid_months:
        expires = latest.decided_at + relativedelta(months=version.consent_valid_months)
        if at > expires:
            return CategoryState(EXPIRED, latest, expires)
    return CategoryState(GIVEN, latest)
