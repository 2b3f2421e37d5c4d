"""`plan_import`: the checked rows compared with what the organisation already holds;
decides what is created, updated or left unchanged and writes nothing (importing.py does).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from onboarding.rules.parsing import (
    Checked,
    ChildIn,
    GuardianIn,
)

# --- Planning against what exists ------------------------------------------------------------


@dataclass
class Existing:
    """What the organisation holds now (see selectors.existing_records)."""

    children: dict[str, dict[str, Any]]  # external_id → fields incl. "id", "left_on"
    active_children: list[tuple[int, str, int]]  # (id, external_id, location_id) with left_on empty
    guardians: dict[int, dict[str, Any]]  # id → fields
    guardians_by_email: dict[str, list[int]]
    links: dict[tuple[int, int], tuple[int, bool]]  # (guardian id, child id) → (link id, authority)
    guardians_of_child: dict[int, list[int]]


@dataclass
class Plan:
    child_creates: list[ChildIn] = field(default_factory=list)
    child_updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # id → changed fields
    child_unchanged: int = 0
    guardian_creates: dict[tuple, dict[str, str]] = field(default_factory=dict)  # file key → values
    guardian_updates: dict[int, dict[str, str]] = field(default_factory=dict)  # id → changed fields
    guardian_refs: dict[tuple, int | tuple] = field(default_factory=dict)  # file key → id, or the key if new
    link_creates: list[tuple[Any, Any, bool]] = field(default_factory=list)  # (guardian ref, child ref, authority)
    link_updates: list[tuple[int, bool]] = field(default_factory=list)  # link id → authority
    guardians_touched: set[int] = field(default_factory=set)
    missing_child_ids: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        matched = {ref for ref in self.guardian_refs.values() if isinstance(ref, int)}
        updated = len(matched & (set(self.guardian_updates) | self.guardians_touched))
        return {
            "children_created": len(self.child_creates),
            "children_updated": len(self.child_updates),
            "children_unchanged": self.child_unchanged,
            "guardians_created": len(self.guardian_creates),
            "guardians_updated": updated,
            "guardians_unchanged": len(matched) - updated,
            "links_created": len(self.link_creates),
            "links_updated": len(self.link_updates),
            "children_missing": len(self.missing_child_ids),
        }


def plan_import(*, checked: Checked, existing: Existing) -> Plan:
    plan = Plan()
    # Children, by the organisation's own number.
    child_refs: dict[str, Any] = {}
    for child in checked.children:
        current = existing.children.get(child.external_id)
        if current is None:
            plan.child_creates.append(child)
            child_refs[child.external_id] = ("new", child.external_id)
            continue
        child_refs[child.external_id] = current["id"]
        changes = {k: v for k, v in child.values.items() if current.get(k) != v}
        if current.get("left_on") is not None:
            changes["left_on"] = None  # back in the file: enrolled again
        if changes:
            plan.child_updates.append((current["id"], changes))
        else:
            plan.child_unchanged += 1
    in_file = {c.external_id for c in checked.children}
    covered = checked.covered_location_ids
    plan.missing_child_ids = sorted(
        pk for pk, ext, loc in existing.active_children if loc in covered and (not ext or ext not in in_file)
    )

    # Guardians: one record per person within the organisation.
    names_by_email: dict[str, set[str]] = defaultdict(set)
    for child in checked.children:
        for g in child.guardians:
            if g.email:
                names_by_email[g.email].add(g.name_norm)
    claimed: set[int] = set()
    for child in checked.children:
        child_ref = child_refs[child.external_id]
        for g in child.guardians:
            ref = plan.guardian_refs.get(g.key)
            if ref is None:
                ref = _match_guardian(g, child_ref, existing, names_by_email, claimed)
                if ref is None:
                    plan.guardian_creates[g.key] = _new_guardian_values(g)
                    ref = g.key
                else:
                    claimed.add(ref)
                    changes = _guardian_changes(g, existing.guardians[ref])
                    if changes:
                        plan.guardian_updates[ref] = changes
                plan.guardian_refs[g.key] = ref
            # The link between guardian and child, with or without parental authority.
            link = None
            if isinstance(ref, int) and isinstance(child_ref, int):
                link = existing.links.get((ref, child_ref))
            if link is None:
                plan.link_creates.append((ref, child_ref, True if g.authority is None else g.authority))
                if isinstance(ref, int):
                    plan.guardians_touched.add(ref)
            elif g.authority is not None and link[1] != g.authority:
                plan.link_updates.append((link[0], g.authority))
                plan.guardians_touched.add(ref)
    return plan


def _match_guardian(g: GuardianIn, child_ref, existing: Existing, names_by_email, claimed: set[int]) -> int | None:
    if g.email:
        candidates = [pk for pk in existing.guardians_by_email.get(g.email, []) if pk not in claimed]
        if len(candidates) == 1 and len(names_by_email[g.email]) == 1:
            return candidates[0]
        for pk in candidates:
            if existing.guardians[pk]["name_norm"] == g.name_norm:
                return pk
        return None
    if isinstance(child_ref, int):
        for pk in existing.guardians_of_child.get(child_ref, []):
            if pk not in claimed and existing.guardians[pk]["name_norm"] == g.name_norm:
                return pk
    return None


def _new_guardian_values(g: GuardianIn) -> dict[str, str]:
    values = dict(g.values)
    values.setdefault("email", "")
    values.setdefault("phone", "")
    return values


def _guardian_changes(g: GuardianIn, current: dict[str, Any]) -> dict[str, str]:
    changes = {}
    for key, value in g.values.items():
        if key == "email" and not value:
            continue  # never erase an address a parent may log in with
        if current.get(key) != value:
            changes[key] = value
    return changes
