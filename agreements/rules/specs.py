"""What the version rules read and what they answer: the content of an agreement version
(`VersionSpec`, saved or not) and a `RuleMessage`.

Every rule returns RuleMessages with a stable `code` (for tests and for the form to attach
it to a field), a severity (error blocks, warning and notice inform) and a Dutch sentence a
director understands (gettext: the msgid is the Dutch text).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agreements.choices import GuardianPolicy
from agreements.models import AgreementItem, AgreementVersion, DataCategory
from agreements.rules.common import METHOD_IN_APP, METHOD_MEETING

if TYPE_CHECKING:
    from ikc_share.models import FunctionTitle, Ikc, Location, Organisation

ERROR = "error"
WARNING = "warning"
NOTICE = "notice"


@dataclass
class ItemSpec:
    category: DataCategory
    justification: str = ""
    justification_en: str = ""  # for the English letter; never a material change


@dataclass
class VersionSpec:
    """The content of an agreement version, saved or not (a form's cleaned data)."""

    sending_organisation: Organisation
    receiving_organisation: Organisation
    purpose: str
    purpose_explanation: str
    legal_basis: str
    items: list[ItemSpec]
    methods: frozenset[str]
    receiving_roles: list[FunctionTitle]
    retention_months: int
    valid_from: datetime.date
    valid_until: datetime.date | None = None
    art9_condition: str = ""
    statutory_provision: str = ""
    balancing_test: str = ""
    receiving_locations: list[Location] = field(default_factory=list)
    consent_per_category: bool = False
    guardian_policy: str = GuardianPolicy.ONE_MAY_CONSENT
    parents_read_first: bool = False
    parents_read_days: int = 10
    objection_wait_days: int = 14
    consent_valid_months: int | None = None
    ikc: Ikc | None = None  # the agreement's IKC; None = the sending organisation's
    # The scope (agreements/rules/scope.py): which children of the sender it concerns.
    scope_locations: list[Location] = field(default_factory=list)  # none = every location
    scope_min_age: int | None = None
    scope_max_age: int | None = None
    scope_vve_only: bool = False
    # Issue 17.3: English versions of the free texts, for the English letter only.
    purpose_explanation_en: str = ""
    balancing_test_en: str = ""

    @property
    def categories(self) -> list[DataCategory]:
        """In catalogue order, so messages name them in a stable order."""
        return sorted((item.category for item in self.items), key=lambda c: (c.order, c.code))

    @property
    def special_categories(self) -> list[DataCategory]:
        return [c for c in self.categories if c.is_special]


def prefetched(version: AgreementVersion, name: str) -> list | None:
    """The related rows `check_transfers` loaded for many versions at once, or None."""
    cache = getattr(version, "_prefetched_objects_cache", {})
    return list(cache[name]) if name in cache else None


def version_items(version: AgreementVersion) -> list[AgreementItem]:
    """The version's items with their categories (from the prefetch when there is one)."""
    items = prefetched(version, "items")
    return items if items is not None else list(version.items.select_related("category"))


def version_scope_locations(version: AgreementVersion) -> list[Location]:
    """The version's scope locations (from the prefetch when there is one), by name."""
    locations = prefetched(version, "scope_locations")
    if locations is None:
        locations = list(version.scope_locations.all())
    return sorted(locations, key=lambda loc: (loc.name, loc.pk))


def spec_from_version(version: AgreementVersion) -> VersionSpec:
    """The content of a saved version, for `validate_version` and `classify_change`."""
    agreement = version.agreement
    methods = set()
    if version.method_in_app:
        methods.add(METHOD_IN_APP)
    if version.method_meeting:
        methods.add(METHOD_MEETING)
    return VersionSpec(
        ikc=agreement.ikc,
        sending_organisation=agreement.sending_organisation,
        receiving_organisation=agreement.receiving_organisation,
        purpose=version.purpose,
        purpose_explanation=version.purpose_explanation,
        legal_basis=version.legal_basis,
        art9_condition=version.art9_condition,
        statutory_provision=version.statutory_provision,
        balancing_test=version.balancing_test,
        items=[ItemSpec(i.category, i.justification, i.justification_en) for i in version_items(version)],
        methods=frozenset(methods),
        receiving_roles=list(version.receiving_roles.all()),
        receiving_locations=list(version.receiving_locations.all()),
        retention_months=version.retention_months,
        valid_from=version.valid_from,
        valid_until=version.valid_until,
        consent_per_category=version.consent_per_category,
        guardian_policy=version.guardian_policy,
        parents_read_first=version.parents_read_first,
        parents_read_days=version.parents_read_days,
        objection_wait_days=version.objection_wait_days,
        consent_valid_months=version.consent_valid_months,
        scope_locations=version_scope_locations(version),
        scope_min_age=version.scope_min_age,
        scope_max_age=version.scope_max_age,
        scope_vve_only=version.scope_vve_only,
        purpose_explanation_en=version.purpose_explanation_en,
        balancing_test_en=version.balancing_test_en,
    )


@dataclass(frozen=True)
class RuleMessage:
    code: str
    severity: str
    text: str
    field: str = ""  # the form field it belongs to; "" = the agreement as a whole

    def __str__(self) -> str:
        return self.text

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def error(code: str, text: str, field_name: str = "") -> RuleMessage:
    """A message that blocks saving, submitting and approving."""
    return RuleMessage(code, ERROR, text, field_name)


def warning(code: str, text: str, field_name: str = "") -> RuleMessage:
    """A message that informs a director of a risk."""
    return RuleMessage(code, WARNING, text, field_name)


def notice(code: str, text: str, field_name: str = "") -> RuleMessage:
    """A message that only informs."""
    return RuleMessage(code, NOTICE, text, field_name)


def errors(messages: Iterable[RuleMessage]) -> list[RuleMessage]:
    """Only the messages that block."""
    return [m for m in messages if m.severity == ERROR]
