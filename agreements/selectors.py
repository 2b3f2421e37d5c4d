"""Read queries that agreement pages share. Callers fetch the agreement or version
through agreements/permissions.py first; these functions then shape what the page shows.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from agreements import permissions, rules
from agreements.models import (
    Agreement,
    AgreementItem,
    AgreementVersion,
    Approval,
    Art9Condition,
    DataCategory,
    GuardianPolicy,
    LegalBasis,
    Purpose,
)
from ikc_share.models import Child, Organisation
from transfers import selectors as transfer_selectors

Status = AgreementVersion.Status
OPEN_STATUSES = (Status.DRAFT, Status.AWAITING_APPROVAL)


def catalogue() -> list[DataCategory]:
    return list(DataCategory.objects.all())


def _version_queryset():
    return AgreementVersion.objects.select_related(
        "agreement__sending_organisation", "agreement__receiving_organisation", "created_by"
    ).prefetch_related(
        Prefetch("items", queryset=AgreementItem.objects.select_related("category")),
        "receiving_roles",
        "receiving_locations",
    )


# --- Lists ------------------------------------------------------------------------------


@dataclass
class AgreementRow:
    agreement: Agreement
    active: AgreementVersion | None
    open_version: AgreementVersion | None  # a draft or one awaiting approval (directors, privacy officers)
    latest: AgreementVersion | None

    @property
    def status_version(self) -> AgreementVersion | None:
        return self.active or self.open_version or self.latest


def agreement_rows(*, user, organisation: Organisation) -> list[AgreementRow]:
    """The agreements of this organisation the user may see, with the versions they may see."""
    agreements = (
        permissions.agreements_for(user)
        .filter(permissions.party_filter(Organisation.objects.filter(pk=organisation.pk)))
        .select_related("sending_organisation", "receiving_organisation")
        .order_by("ended_at", "title")
    )
    visible = permissions.versions_for(user).filter(agreement__in=agreements).order_by("-number")
    by_agreement: dict[int, list[AgreementVersion]] = {}
    for version in visible:
        by_agreement.setdefault(version.agreement_id, []).append(version)
    rows = []
    for agreement in agreements:
        versions = by_agreement.get(agreement.pk, [])
        rows.append(
            AgreementRow(
                agreement=agreement,
                active=next((v for v in versions if v.status == Status.ACTIVE), None),
                open_version=next((v for v in versions if v.status in OPEN_STATUSES), None),
                latest=versions[0] if versions else None,
            )
        )
    return rows


# --- Approvals --------------------------------------------------------------------------


@dataclass
class SideState:
    organisation: Organisation
    role: str  # "sending" / "receiving"
    decision: Approval | None
    may_decide: bool = False

    @property
    def approved(self) -> bool:
        return self.decision is not None and self.decision.decision == Approval.Decision.APPROVED


def approval_state(*, version: AgreementVersion, user=None) -> list[SideState]:
    agreement = version.agreement
    decisions = rules.current_decisions(version)
    sides = permissions.approval_sides(user, agreement) if user is not None else []
    side_ids = {o.pk for o in sides}
    out = []
    for org, role in ((agreement.sending_organisation, "sending"), (agreement.receiving_organisation, "receiving")):
        decision = decisions.get(org.pk)
        out.append(
            SideState(
                organisation=org,
                role=role,
                decision=decision,
                may_decide=(
                    org.pk in side_ids
                    and version.status == Status.AWAITING_APPROVAL
                    and not (decision and decision.decision == Approval.Decision.APPROVED)
                ),
            )
        )
    return out


def decision_history(version: AgreementVersion) -> list[Approval]:
    return list(version.approvals.select_related("organisation", "decided_by").order_by("decided_at", "pk"))


# --- One agreement ----------------------------------------------------------------------


@dataclass
class VersionView:
    version: AgreementVersion
    messages: list[rules.RuleMessage]
    sides: list[SideState]
    decisions: list[Approval]
    valid_today: bool

    @property
    def warnings(self) -> list[rules.RuleMessage]:
        return [m for m in self.messages if m.severity == rules.WARNING]

    @property
    def notices(self) -> list[rules.RuleMessage]:
        return [m for m in self.messages if m.severity == rules.NOTICE]

    @property
    def errors(self) -> list[rules.RuleMessage]:
        return [m for m in self.messages if m.severity == rules.ERROR]

    @property
    def may_decide(self) -> list[SideState]:
        return [s for s in self.sides if s.may_decide]


def version_view(*, version: AgreementVersion, user) -> VersionView:
    return VersionView(
        version=version,
        messages=rules.validate_version(rules.spec_from_version(version)),
        sides=approval_state(version=version, user=user),
        decisions=decision_history(version),
        valid_today=version.is_valid_on(timezone.localdate()),
    )


@dataclass
class AgreementOverview:
    agreement: Agreement
    active: VersionView | None
    open_version: VersionView | None
    can_manage: bool
    can_audit: bool
    version_count: int
    extra: dict = field(default_factory=dict)

    @property
    def may_amend(self) -> bool:
        return self.can_manage and self.active is not None and self.open_version is None and not self.agreement.ended_at

    @property
    def may_end(self) -> bool:
        return self.can_manage and not self.agreement.ended_at


def agreement_overview(*, agreement: Agreement, user) -> AgreementOverview:
    visible = list(_version_queryset().filter(pk__in=permissions.versions_for(user).filter(agreement=agreement)))
    active = next((v for v in visible if v.status == Status.ACTIVE), None)
    open_version = next((v for v in visible if v.status in OPEN_STATUSES), None)
    return AgreementOverview(
        agreement=agreement,
        active=version_view(version=active, user=user) if active else None,
        open_version=version_view(version=open_version, user=user) if open_version else None,
        can_manage=permissions.can_manage(user, agreement),
        can_audit=permissions.can_audit(user, agreement),
        version_count=len(visible),
    )


def versions_of(*, agreement: Agreement, user) -> list[AgreementVersion]:
    """Newest first: every version the user may see."""
    return list(
        _version_queryset()
        .filter(pk__in=permissions.versions_for(user).filter(agreement=agreement))
        .order_by("-number")
    )


def previous_version(*, version: AgreementVersion, user) -> AgreementVersion | None:
    return (
        _version_queryset()
        .filter(pk__in=permissions.versions_for(user).filter(agreement=version.agreement_id, number__lt=version.number))
        .order_by("-number")
        .first()
    )


# --- A readable diff between two versions ----------------------------------------------


@dataclass
class DiffRow:
    label: str
    old: str
    new: str
    material: bool = False
    segments: list[tuple[str, str]] = field(default_factory=list)  # ("same"|"add"|"del", text) for long texts


@dataclass
class VersionDiff:
    old: AgreementVersion
    new: AgreementVersion
    rows: list[DiffRow]
    report: rules.ChangeReport

    @property
    def is_material(self) -> bool:
        return self.report.is_material


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    a, b = old.split(), new.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("del", " ".join(a[i1:i2])))
            if j2 > j1:
                out.append(("add", " ".join(b[j1:j2])))
    return out


def _yes_no(value: bool) -> str:
    return _("ja") if value else _("nee")


def _display(spec: rules.VersionSpec) -> dict[str, tuple[str, str, bool]]:
    """field key → (label, text, is_long_text)."""

    def label(choices, value):
        try:
            return str(choices(value).label)
        except ValueError:
            return value or "–"

    methods = ", ".join(rules.method_label(m) for m in sorted(spec.methods)) or "–"
    until = formats.date_format(spec.valid_until, "j F Y") if spec.valid_until else _("geen einddatum")
    return {
        "purpose": (_("Doel"), label(Purpose, spec.purpose), False),
        "purpose_explanation": (_("Uitleg voor ouders"), spec.purpose_explanation, True),
        "legal_basis": (_("Grondslag"), label(LegalBasis, spec.legal_basis), False),
        "art9_condition": (_("Uitzondering art. 9 lid 2"), label(Art9Condition, spec.art9_condition or ""), False),
        "statutory_provision": (_("Wettelijke bepaling"), spec.statutory_provision or "–", True),
        "balancing_test": (_("Belangenafweging"), spec.balancing_test or "–", True),
        "methods": (_("Manier van overdragen"), methods, False),
        "receiving_roles": (
            _("Ontvangende functies"),
            ", ".join(sorted(r.name for r in spec.receiving_roles)) or "–",
            False,
        ),
        "receiving_locations": (
            _("Ontvangende locaties"),
            ", ".join(sorted(loc.name for loc in spec.receiving_locations)) or _("alle locaties"),
            False,
        ),
        "retention_months": (_("Bewaartermijn (maanden)"), str(spec.retention_months), False),
        "validity": (_("Geldigheid"), f"{formats.date_format(spec.valid_from, 'j F Y')} – {until}", False),
        "consent_per_category": (_("Toestemming per categorie"), _yes_no(spec.consent_per_category), False),
        "guardian_policy": (_("Ouders met gezag"), label(GuardianPolicy, spec.guardian_policy), False),
        "parents_read_first": (
            _("Ouders lezen eerst mee"),
            _("ja, %(days)s dagen") % {"days": spec.parents_read_days} if spec.parents_read_first else _("nee"),
            False,
        ),
        "objection_wait_days": (_("Wachttijd bezwaar (dagen)"), str(spec.objection_wait_days), False),
        "consent_valid_months": (
            _("Toestemming geldt (maanden)"),
            str(spec.consent_valid_months) if spec.consent_valid_months else "–",
            False,
        ),
    }


# Which change codes (rules.classify_change) make a displayed field material.
_MATERIAL_CODES = {
    "purpose": {"purpose"},
    "legal_basis": {"legal_basis"},
    "art9_condition": {"art9_condition"},
    "receiving_roles": {"roles_added"},
    "retention_months": {"retention"},
}


def version_diff(old: AgreementVersion, new: AgreementVersion) -> VersionDiff:
    old_spec, new_spec = rules.spec_from_version(old), rules.spec_from_version(new)
    report = rules.classify_change(old_spec, new_spec)
    material_codes = {c.code for c in report.changes if c.material}
    old_display, new_display = _display(old_spec), _display(new_spec)
    rows: list[DiffRow] = []
    for key, (label, old_text, is_long) in old_display.items():
        new_text = new_display[key][1]
        if old_text == new_text:
            continue
        rows.append(
            DiffRow(
                label=label,
                old=old_text,
                new=new_text,
                material=bool(_MATERIAL_CODES.get(key, set()) & material_codes),
                segments=_word_diff(old_text, new_text) if is_long else [],
            )
        )
    old_items = {i.category.pk: i for i in old_spec.items}
    new_items = {i.category.pk: i for i in new_spec.items}
    for pk, item in new_items.items():
        if pk not in old_items:
            rows.append(
                DiffRow(
                    label=_("Gegevens: %(name)s") % {"name": item.category.name},
                    old="–",
                    new=item.justification,
                    material=True,
                )
            )
        elif old_items[pk].justification.strip() != item.justification.strip():
            rows.append(
                DiffRow(
                    label=_("Onderbouwing: %(name)s") % {"name": item.category.name},
                    old=old_items[pk].justification,
                    new=item.justification,
                    segments=_word_diff(old_items[pk].justification, item.justification),
                )
            )
    for pk, item in old_items.items():
        if pk not in new_items:
            rows.append(
                DiffRow(
                    label=_("Gegevens: %(name)s") % {"name": item.category.name},
                    old=item.justification,
                    new=_("geschrapt"),
                )
            )
    return VersionDiff(old=old, new=new, rows=rows, report=report)


@dataclass
class HistoryEntry:
    version: AgreementVersion
    decisions: list[Approval]
    diff: VersionDiff | None


def history(*, agreement: Agreement, user) -> list[HistoryEntry]:
    versions = versions_of(agreement=agreement, user=user)
    entries = []
    for index, version in enumerate(versions):
        older = versions[index + 1] if index + 1 < len(versions) else None
        entries.append(
            HistoryEntry(
                version=version,
                decisions=decision_history(version),
                diff=version_diff(older, version) if older is not None else None,
            )
        )
    return entries


# --- The child page ---------------------------------------------------------------------


def child_section(*, child: Child, user) -> dict | None:
    """Active agreements under which this child's own organisation shares, for people who
    may see the child, each with its verdict per category ("May I share?": check_transfer
    for this person, now; transfers/selectors.py)."""
    versions = list(
        permissions.versions_for(user)
        .filter(status=Status.ACTIVE, agreement__sending_organisation=child.organisation_id)
        .select_related("agreement__receiving_organisation")
        .order_by("agreement__title")
    )
    if not versions:
        return None
    today = timezone.localdate()
    applying = [v for v in versions if transfer_selectors.applies_to(v, child)]
    verdicts = dict(
        zip(
            [v.pk for v in applying],
            transfer_selectors.version_verdicts(child=child, versions=applying, user=user, at=timezone.now()),
            strict=True,
        )
    )
    rows = [
        {
            "version": v,
            "valid_today": v.is_valid_on(today),
            "needs_vve": v.legal_basis == LegalBasis.LEGAL_DUTY,
            "applies": v.pk in verdicts,
            "verdict": verdicts.get(v.pk),
        }
        for v in versions
    ]
    return {"template": "agreements/_child_section.html", "agreement_rows": rows, "child": child}


# ~~~ SECTION for consent (parallel-edit anchor; remove when merged) ~~~


# ~~~ SECTION for transfers (parallel-edit anchor; remove when merged) ~~~


# ~~~ SECTION for accountability (parallel-edit anchor; remove when merged) ~~~


# ~~~ SECTION for onboarding (parallel-edit anchor; remove when merged) ~~~
