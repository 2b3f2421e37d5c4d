"""The objection rule (GDPR art. 21(1)): under a public task (e) or a legitimate interest
(f) parents may object; an objection blocks sharing while it is pending and once it is
upheld; a rejected objection does not block. What counts is the objection's state AT a
moment: a decision taken later leaves it pending at that moment.

Objections are read through consent/selectors.py (anything with `status` and `decided_at`).
"""

from __future__ import annotations

import datetime
from typing import Protocol

# The stored states of an objection (consent.choices.ObjectionStatus: a higher layer, which
# the rules read only through consent/selectors.py; tests/agreements/test_rules.py holds
# them equal). A rejected objection does not block.
PENDING = "pending"
UPHELD = "upheld"
REJECTED = "rejected"


class ObjectionLike(Protocol):
    status: str
    decided_at: datetime.datetime | None


def objection_status_at(objection: ObjectionLike, at: datetime.datetime) -> str:
    """The objection's status at `at`: its decision once decided by then, pending before."""
    if objection.decided_at is not None and objection.decided_at <= at:
        return objection.status
    return PENDING


def objection_upheld_at(objection: ObjectionLike, at: datetime.datetime) -> bool:
    """The objection was upheld at or before `at`."""
    return objection_status_at(objection, at) == UPHELD


def objection_blocks_at(objection: ObjectionLike, at: datetime.datetime) -> bool:
    """The objection blocks sharing at `at`: pending or upheld by then."""
    return objection_status_at(objection, at) in (PENDING, UPHELD)
