"""Bulk writes of an organisation's own child and guardian records, for the import of
children and guardians (onboarding/importing.py decides what to write; these only write,
inside the caller's transaction, which also writes the audit events).

Each function makes the same batched statements whatever the caller's plan: one
bulk INSERT or UPDATE per `batch_size` rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ikc_share.models import Child, Guardian, Guardianship, Organisation


def organisation_lock(*, organisation_id: int) -> Organisation:
    """Lock the organisation's row (SELECT … FOR UPDATE): one import per organisation at a time."""
    return Organisation.objects.select_for_update().get(pk=organisation_id)


def children_bulk_create(*, organisation: Organisation, rows: Sequence[dict[str, Any]], batch_size: int) -> list[int]:
    """Create these children (field → value each) of the organisation; their ids, in order."""
    children = [Child(organisation=organisation, **values) for values in rows]
    Child.objects.bulk_create(children, batch_size=batch_size)
    return [c.pk for c in children]


def children_bulk_update(
    *, items: Iterable[tuple[int, dict[str, Any]]], fields: Sequence[str], batch_size: int
) -> None:
    """Change these fields of these children (id → changes; every item changes `fields`)."""
    Child.objects.bulk_update([Child(pk=pk, **changes) for pk, changes in items], fields, batch_size=batch_size)


def guardians_bulk_create(*, organisation: Organisation, rows: Sequence[dict[str, Any]], batch_size: int) -> list[int]:
    """Create these guardian records (field → value each) of the organisation; their ids, in order."""
    guardians = [Guardian(organisation=organisation, **values) for values in rows]
    Guardian.objects.bulk_create(guardians, batch_size=batch_size)
    return [g.pk for g in guardians]


def guardians_bulk_update(
    *, items: Iterable[tuple[int, dict[str, Any]]], fields: Sequence[str], batch_size: int
) -> None:
    """Change these fields of these guardian records (id → changes)."""
    Guardian.objects.bulk_update([Guardian(pk=pk, **changes) for pk, changes in items], fields, batch_size=batch_size)


def guardianships_bulk_create(*, links: Iterable[tuple[int, int, bool]], batch_size: int) -> None:
    """Link guardians to children: (guardian id, child id, has parental authority) each."""
    Guardianship.objects.bulk_create(
        [
            Guardianship(guardian_id=guardian_id, child_id=child_id, has_parental_authority=authority)
            for guardian_id, child_id, authority in links
        ],
        batch_size=batch_size,
    )


def guardianships_authority_set(*, ids: Sequence[int], authority: bool, batch_size: int) -> None:
    """Set whether these guardianships carry parental authority."""
    for start in range(0, len(ids), batch_size):
        Guardianship.objects.filter(pk__in=ids[start : start + batch_size]).update(has_parental_authority=authority)
