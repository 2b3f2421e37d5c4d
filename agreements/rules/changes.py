"""Material change: what changed between two versions of an agreement, and whether it is
material (earlier consent does not cover a version after a material change)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from agreements.choices import Art9Condition, GuardianPolicy, LegalBasis, Purpose
from agreements.rules import scope
from agreements.rules.common import format_day, join_names, method_label
from agreements.rules.specs import VersionSpec


@dataclass(frozen=True)
class Change:
    code: str
    text: str
    material: bool


@dataclass
class ChangeReport:
    changes: list[Change]

    @property
    def is_material(self) -> bool:
        return any(c.material for c in self.changes)

    @property
    def summary(self) -> str:
        lines = []
        for c in self.changes:
            lines.append(_("%(text)s (wezenlijke wijziging)") % {"text": c.text} if c.material else c.text)
        return "\n".join(lines)


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "–"


def classify_change(old: VersionSpec, new: VersionSpec) -> ChangeReport:
    """What changed between two versions, and whether it is material: a material change
    (purpose changed, items added, legal basis changed, receiving roles added, retention
    longer, the scope widened to children it did not concern) means earlier consent does
    not cover the new version."""
    changes: list[Change] = []

    def add(code: str, text: str, material: bool = False) -> None:
        changes.append(Change(code, text, material))

    if old.purpose != new.purpose:
        add(
            "purpose",
            _("Doel gewijzigd: %(old)s → %(new)s")
            % {"old": _label(Purpose, old.purpose), "new": _label(Purpose, new.purpose)},
            True,
        )
    if old.purpose_explanation.strip() != new.purpose_explanation.strip():
        add("purpose_explanation", _("Uitleg voor ouders aangepast"))
    old_items = {i.category.pk: i for i in old.items}
    new_items = {i.category.pk: i for i in new.items}
    added = [i.category for pk, i in new_items.items() if pk not in old_items]
    removed = [i.category for pk, i in old_items.items() if pk not in new_items]
    rejustified = [
        i.category
        for pk, i in new_items.items()
        if pk in old_items and old_items[pk].justification.strip() != i.justification.strip()
    ]
    if added:
        add("items_added", _("Gegevens toegevoegd: %(names)s") % {"names": join_names(added)}, True)
    if removed:
        add("items_removed", _("Gegevens geschrapt: %(names)s") % {"names": join_names(removed)})
    if rejustified:
        add("justification", _("Onderbouwing aangepast bij: %(names)s") % {"names": join_names(rejustified)})
    if old.legal_basis != new.legal_basis:
        add(
            "legal_basis",
            _("Grondslag gewijzigd: %(old)s → %(new)s")
            % {"old": _label(LegalBasis, old.legal_basis), "new": _label(LegalBasis, new.legal_basis)},
            True,
        )
    if (old.art9_condition or "") != (new.art9_condition or ""):
        add(
            "art9_condition",
            _("Uitzondering voor bijzondere persoonsgegevens gewijzigd: %(old)s → %(new)s")
            % {
                "old": _label(Art9Condition, old.art9_condition or ""),
                "new": _label(Art9Condition, new.art9_condition or ""),
            },
            True,
        )
    if old.statutory_provision.strip() != new.statutory_provision.strip():
        add("statutory_provision", _("Wettelijke bepaling aangepast"))
    if old.balancing_test.strip() != new.balancing_test.strip():
        add("balancing_test", _("Belangenafweging aangepast"))
    if set(old.methods) != set(new.methods):
        add(
            "methods",
            _("Manier van overdragen: %(old)s → %(new)s")
            % {
                "old": join_names(method_label(m) for m in sorted(old.methods)) or "–",
                "new": join_names(method_label(m) for m in sorted(new.methods)) or "–",
            },
        )
    old_roles = {r.pk: r for r in old.receiving_roles}
    new_roles = {r.pk: r for r in new.receiving_roles}
    roles_added = [r for pk, r in new_roles.items() if pk not in old_roles]
    roles_removed = [r for pk, r in old_roles.items() if pk not in new_roles]
    if roles_added:
        add("roles_added", _("Ontvangende functies toegevoegd: %(names)s") % {"names": join_names(roles_added)}, True)
    if roles_removed:
        add("roles_removed", _("Ontvangende functies geschrapt: %(names)s") % {"names": join_names(roles_removed)})
    if {loc.pk for loc in old.receiving_locations} != {loc.pk for loc in new.receiving_locations}:
        add(
            "locations",
            _("Ontvangende locaties: %(old)s → %(new)s")
            % {
                "old": join_names(old.receiving_locations) or _("alle locaties"),
                "new": join_names(new.receiving_locations) or _("alle locaties"),
            },
        )
    old_scope, new_scope = scope.scope_of_spec(old), scope.scope_of_spec(new)
    if not scope.same(old_scope, new_scope):
        wider = scope.widens(old_scope, new_scope)
        text = (
            _("Voor wie verruimd (nu ook voor kinderen die er eerst niet onder vielen): %(old)s → %(new)s")
            if wider
            else _("Voor wie beperkt: %(old)s → %(new)s")
        )
        add(
            "scope_widened" if wider else "scope_narrowed",
            text % {"old": scope.describe(old_scope), "new": scope.describe(new_scope)},
            wider,
        )
    if old.retention_months != new.retention_months:
        longer = new.retention_months > old.retention_months
        text = (
            _("Bewaartermijn verlengd: %(old)s → %(new)s maanden")
            if longer
            else _("Bewaartermijn verkort: %(old)s → %(new)s maanden")
        )
        add("retention", text % {"old": old.retention_months, "new": new.retention_months}, longer)
    if (old.valid_from, old.valid_until) != (new.valid_from, new.valid_until):
        add("validity", _("Geldigheid: %(old)s → %(new)s") % {"old": _validity(old), "new": _validity(new)})
    if old.consent_per_category != new.consent_per_category:
        add(
            "consent_per_category",
            _("Toestemming per categorie: %(old)s → %(new)s")
            % {
                "old": _("ja") if old.consent_per_category else _("nee"),
                "new": _("ja") if new.consent_per_category else _("nee"),
            },
        )
    if old.guardian_policy != new.guardian_policy:
        add(
            "guardian_policy",
            _("Regel voor ouders met gezag: %(old)s → %(new)s")
            % {"old": _label(GuardianPolicy, old.guardian_policy), "new": _label(GuardianPolicy, new.guardian_policy)},
        )
    if (old.parents_read_first, old.parents_read_days) != (new.parents_read_first, new.parents_read_days):
        add("parents_read_first", _("Ouders lezen eerst mee: aangepast"))
    if old.objection_wait_days != new.objection_wait_days:
        add(
            "objection_wait_days",
            _("Wachttijd voor bezwaar: %(old)s → %(new)s dagen")
            % {"old": old.objection_wait_days, "new": new.objection_wait_days},
        )
    if old.consent_valid_months != new.consent_valid_months:
        add("consent_valid_months", _("Geldigheid van toestemming aangepast"))
    return ChangeReport(changes)


def _validity(spec: VersionSpec) -> str:
    if spec.valid_until is None:
        return _("vanaf %(from)s") % {"from": format_day(spec.valid_from)}
    return _("%(from)s t/m %(until)s") % {"from": format_day(spec.valid_from), "until": format_day(spec.valid_until)}
