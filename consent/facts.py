"""The consent facts as plain data: what the legal-basis rules read about one child and one
agreement version at one moment (filled by consent/selectors.py, which offers these names
too). No model instances where the rules read many rows: the coverage page reads thousands."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from consent.models import Objection


@dataclass(slots=True)
class GuardianFact:
    """A guardian of the child at the sending organisation, as the rules see them: the id,
    the first name (the rules' sentences name parents by first name) and the authority."""

    pk: int
    name: str
    has_authority: bool


@dataclass(slots=True)
class DecisionFact:
    """The columns of a ConsentDecision the rules read (no model instance: the coverage
    page reads thousands of them)."""

    pk: int
    guardian_id: int
    version_id: int
    category_id: int | None
    state: str
    explicit: bool
    decided_at: datetime.datetime


@dataclass(slots=True)
class NoticeFact:
    """The columns of a ParentNotice the rules read."""

    pk: int
    guardian_id: int
    at: datetime.datetime


@dataclass(slots=True)
class RestrictionFact:
    """A restriction of processing (art. 18) in force at the moment asked: the data
    category it covers and since when."""

    pk: int
    category_id: int
    since: datetime.datetime


@dataclass
class ConsentFacts:
    """Everything the rules need about one child and one agreement version at one moment."""

    child_id: int
    guardians: list[GuardianFact] = field(default_factory=list)
    decisions: list[DecisionFact] = field(default_factory=list)  # covering versions, decided <= at
    older_decisions: int = 0  # decisions on versions that no longer cover (before a material change)
    notices: list[NoticeFact] = field(default_factory=list)  # this version, at <= at
    objections: list[Objection] = field(default_factory=list)  # this agreement up to this version, filed <= at
    restrictions: list[RestrictionFact] = field(default_factory=list)  # the child's, in force at `at` (any category)
    # For the sentences that explain: the numbers of the covering versions (id → number),
    # the version whose material change made earlier consent lapse (number, change summary),
    # guardians whose consent lapsed with it (guardian id, version number consented), the
    # change summaries of the covering versions (number → text), and consent given for
    # OTHER agreements (guardian id, agreement title; filled by `other_agreement_consents`).
    version_numbers: dict[int, int] = field(default_factory=dict)
    material_break: tuple[int, str] | None = None
    lapsed: list[tuple[int, int]] = field(default_factory=list)
    change_summaries: dict[int, str] = field(default_factory=dict)
    other_consents: list[tuple[int, str]] = field(default_factory=list)

    @cached_property
    def decisions_by_guardian(self) -> dict[int, list[DecisionFact]]:
        """The decisions grouped per guardian, in their order: grouped once, read by the rules
        for every category (read it only after the facts are complete)."""
        out: dict[int, list[DecisionFact]] = defaultdict(list)
        for d in self.decisions:
            out[d.guardian_id].append(d)
        return out

    @property
    def with_authority(self) -> list[GuardianFact]:
        return [g for g in self.guardians if g.has_authority]
