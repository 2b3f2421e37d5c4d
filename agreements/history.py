"""What changed: a readable diff between two versions of an agreement (each field in
words, with a word diff for long texts and the material changes marked, from
rules.classify_change) and an agreement's history of versions and decisions. Callers
fetch the agreement or version through agreements/permissions.py first.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _

from agreements import rules
from agreements.models import Agreement, AgreementVersion, Approval, Art9Condition, GuardianPolicy, LegalBasis, Purpose
from agreements.selectors import decision_history, versions_of

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
        "scope": (_("Voor welke kinderen"), rules.scope.describe(rules.scope.scope_of_spec(spec)), False),
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
    "scope": {"scope_widened"},
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
