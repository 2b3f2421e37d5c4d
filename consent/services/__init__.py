"""Every state change of the consent app. Plain functions with keyword-only arguments;
each runs in one transaction and writes its AuditEvent as the last step (ids and codes
only). Decisions and notices are only ever inserted, never updated.

One module per responsibility, re-exported here (callers write `services.consent_decide`):
`checks` (shared checks and the per-child lock `child_lock`), `decisions` (decide,
withdraw, export), `notices` (informing parents, paper letters handed over), `rounds`
(asking, reminding, informing), `objections`, `restrictions` (art. 18: restricting the
processing of data categories of a child, and lifting it), `portal` (the e-mail link login).
"""

from consent.services.checks import SCAN_MAX_BYTES, SCAN_TYPES, child_lock, scan_check
from consent.services.decisions import Answer, consent_decide, consent_record_exported, consent_withdraw
from consent.services.notices import paper_letters_handed_over, parent_notice_record
from consent.services.objections import objection_decide, objection_file
from consent.services.portal import (
    LINK_REQUEST_WINDOW,
    LINK_REQUESTS_PER_ADDRESS,
    LINK_REQUESTS_PER_IP,
    login_link_request,
    portal_link_user,
    portal_session_start,
)
from consent.services.restrictions import restriction_lift, restriction_record
from consent.services.rounds import consent_round_start

__all__ = [
    "LINK_REQUESTS_PER_ADDRESS",
    "LINK_REQUESTS_PER_IP",
    "LINK_REQUEST_WINDOW",
    "SCAN_MAX_BYTES",
    "SCAN_TYPES",
    "Answer",
    "child_lock",
    "consent_decide",
    "consent_record_exported",
    "consent_round_start",
    "consent_withdraw",
    "login_link_request",
    "objection_decide",
    "objection_file",
    "paper_letters_handed_over",
    "parent_notice_record",
    "portal_link_user",
    "portal_session_start",
    "restriction_lift",
    "restriction_record",
    "scan_check",
]
