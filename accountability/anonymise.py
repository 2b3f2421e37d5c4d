"""Erasure as anonymisation, for an erasure request (art. 17) or when the retention schedule
says so. The services that write the child's and the guardian's rows are the core's
(ikc_share/services.py: `child_anonymise`, `guardian_anonymise`); this module names them
for the accountability code and answers whether a record is anonymised already.

The rows stay (consent decisions, notices, transfers and audit events point at them by id,
and the consent evidence is append-only), but nothing in them identifies the person any
more. The audit chain is never touched: its payloads hold ids and codes only, so the
chain stays verifiable, and an event about an anonymised child simply reads "geanonimiseerd
kind 12".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ikc_share.services import ANONYMISED, child_anonymise, guardian_anonymise

if TYPE_CHECKING:
    from ikc_share.models import Child, Guardian

__all__ = ["ANONYMISED", "child_anonymise", "guardian_anonymise", "is_anonymised_child", "is_anonymised_guardian"]


def is_anonymised_child(child: Child) -> bool:
    return child.first_name == ANONYMISED


def is_anonymised_guardian(guardian: Guardian) -> bool:
    return guardian.first_name == ANONYMISED
