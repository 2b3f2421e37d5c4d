"""What a purpose of an agreement concerns: the direction it only makes sense in, and the
kinds of location whose children it is about (for showing the agreements that apply to a
child; whether a transfer is ALLOWED is only ever decided by check_transfer)."""

from __future__ import annotations

from agreements.choices import Purpose
from ikc_share.choices import LocationKind

# Purposes that only make sense from childcare to school.
CHILDCARE_TO_SCHOOL_PURPOSES = {Purpose.DEVELOPMENT_LINE, Purpose.VVE_HANDOVER}

# Which kinds of location a purpose is about.
PURPOSE_LOCATIONS = {
    Purpose.DEVELOPMENT_LINE: {LocationKind.DAYCARE, LocationKind.PRESCHOOL},
    Purpose.VVE_HANDOVER: {LocationKind.DAYCARE, LocationKind.PRESCHOOL},
    Purpose.BSO_SCHOOL: {LocationKind.BSO, LocationKind.SCHOOL},
}


def is_childcare_to_school(purpose: str) -> bool:
    """The purpose only makes sense for a handover from childcare to school."""
    return purpose in CHILDCARE_TO_SCHOOL_PURPOSES


def purpose_concerns(purpose: str, location_kind: str) -> bool:
    """Does the purpose concern children at this kind of location? (The development line
    and VVE: children at a daycare or preschool; BSO ↔ school: children at the BSO or, from
    the school's side, at school.) A purpose without a rule concerns every child."""
    kinds = PURPOSE_LOCATIONS.get(purpose)
    return kinds is None or location_kind in kinds
