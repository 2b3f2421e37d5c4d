"""Every state change of a transfer, a module per step (this package re-exports them, so
callers write `services.transfer_share`):

- `preparing`: transfer_create, transfer_update, transfer_attachment_add/_remove, transfer_cancel;
- `sharing`: transfer_share, meeting_record;
- `parents`: the parents' answers while they read first, transfer_talked, transfer_remark_answer;
- `receiving`: received_open, received_confirm, received_link, received_child_create;
- `after_sending`: transfer_rectify, transfer_erase;
- `erasure`: received_erase (the receiver erases its own copy, e.g. after a withdrawal).

Plain functions with keyword-only arguments; each runs in one transaction and writes its
AuditEvent(s) as the last step (ids, codes and hashes only, never names or content).
E-mails are queued with transaction.on_commit.

Safety at the moment of sharing (`transfer_share`, `meeting_record`): the service first
locks the child's own row with the core's `ikc_share.services.child_lock` — the SAME
lock that a withdrawal or an objection takes first — then re-runs check_transfer INSIDE
that transaction with `at` taken after the lock. A withdrawal that committed first is
therefore always seen and blocks the transfer; a transfer that commits first is recorded
as shared before the withdrawal.

Two controllers: the sender's Transfer keeps categories, hash, verdict, who/when and the
state; the receiver's ReceivedTransfer holds the content. Audit events of a transfer that
touches both organisations are written to both chains, always in organisation-id order,
so two transfers in opposite directions never wait for each other's chain head.
"""

from __future__ import annotations

from transfers.services.after_sending import transfer_erase, transfer_rectify
from transfers.services.erasure import received_erase
from transfers.services.parents import (
    transfer_parents_confirm,
    transfer_parents_refuse,
    transfer_parents_remark,
    transfer_parents_talk,
    transfer_parents_view,
    transfer_remark_answer,
    transfer_talked,
)
from transfers.services.preparing import (
    transfer_attachment_add,
    transfer_attachment_remove,
    transfer_cancel,
    transfer_create,
    transfer_update,
)
from transfers.services.receiving import received_child_create, received_confirm, received_link, received_open
from transfers.services.sharing import meeting_record, transfer_share

__all__ = [
    "meeting_record",
    "received_child_create",
    "received_confirm",
    "received_erase",
    "received_link",
    "received_open",
    "transfer_attachment_add",
    "transfer_attachment_remove",
    "transfer_cancel",
    "transfer_create",
    "transfer_erase",
    "transfer_parents_confirm",
    "transfer_parents_refuse",
    "transfer_parents_remark",
    "transfer_parents_talk",
    "transfer_parents_view",
    "transfer_rectify",
    "transfer_remark_answer",
    "transfer_share",
    "transfer_talked",
    "transfer_update",
]
