"""Transfers: one handover of one child's data under one agreement version.

Two records, two controllers:

- `Transfer` is the SENDING organisation's record: the categories, the SHA-256 of the
  canonical content, the verdict of check_transfer with its reasons, who and when, and the
  state. While it is being prepared (concept, ter inzage bij ouders) it also holds the
  content; once sent, the content lives only in the receiver's copy and the sender keeps
  the hash (data minimisation: the sender already has these data in its own records).
- `ReceivedTransfer` is the RECEIVING organisation's own copy: the content and its
  attachments, the retention deadline from the agreement version, and the link to the
  receiver's own record of the child (confirmed by a person, never by BSN). Its retention,
  erasure and audit are the receiver's.

`TransferAccess` records every opening of a received copy (who, when, with which function
title at which organisation). A purged or erased copy stays as a tombstone: categories,
when it arrived, the hash of the removed content and when it was removed.

State changes go through transfers/services/; nothing here has behaviour. The core's
models are named by string ("ikc_share.Child"), the enums come from transfers/choices.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from transfers.choices import (
    ReceivedErasureReason,
    ReceivedTransferRemoval,
    TransferMailKind,
    TransferMethod,
    TransferParentsAnswer,
    TransferState,
    TransferStopReason,
)

__all__ = [
    "ReceivedTransfer",
    "Transfer",
    "TransferAccess",
    "TransferAttachment",
    "TransferMail",
    "TransferRemark",
    "attachment_upload_to",
]


class Transfer(models.Model):
    """The sender's record of one handover (or of one three-way meeting)."""

    Method = TransferMethod

    State = TransferState

    StopReason = TransferStopReason

    ParentsAnswer = TransferParentsAnswer

    version = models.ForeignKey("agreements.AgreementVersion", on_delete=models.PROTECT, related_name="transfers")
    sending_organisation = models.ForeignKey(
        "ikc_share.Organisation", on_delete=models.PROTECT, related_name="transfers_sent"
    )
    receiving_organisation = models.ForeignKey(
        "ikc_share.Organisation", on_delete=models.PROTECT, related_name="transfers_addressed"
    )
    receiving_location = models.ForeignKey("ikc_share.Location", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("ikc_share.Child", on_delete=models.PROTECT, related_name="transfers")
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.IN_APP)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    category_codes = models.JSONField(default=list)
    # The content while it is prepared (draft, parents reading): {category code: {field: value}}.
    content = models.JSONField(default=dict, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    # The parents' own view (zienswijze): it travels with the transfer; the sender cannot change it.
    parents_view = models.TextField(blank=True)
    parents_view_by = models.ForeignKey(
        "ikc_share.Guardian", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    parents_view_at = models.DateTimeField(null=True, blank=True)
    parents_answer = models.CharField(max_length=10, choices=ParentsAnswer.choices, blank=True, default="")
    parents_answer_by = models.ForeignKey(
        "ikc_share.Guardian", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    parents_answer_at = models.DateTimeField(null=True, blank=True)
    parents_read_until = models.DateTimeField(null=True, blank=True)
    # The verdict of check_transfer at the last check (creation, sending, recording).
    verdict_allowed = models.BooleanField(default=False)
    verdict_reasons = models.JSONField(default=list, blank=True)
    verdict_codes = models.JSONField(default=list, blank=True)
    # What the sender had to know though it did not refuse (e.g. a contract basis).
    verdict_warnings = models.JSONField(default=list, blank=True)
    verdict_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)  # put before the parents
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shared_at = models.DateTimeField(null=True, blank=True)  # taken after the per-child lock
    stopped_at = models.DateTimeField(null=True, blank=True)
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stop_reason = models.CharField(max_length=20, choices=StopReason.choices, blank=True, default="")
    removed_content_sha256 = models.CharField(max_length=64, blank=True)  # tombstone of destroyed content
    # Parents who refused may ask for the prepared content themselves, as a PDF (the only copy).
    parent_pdf = models.FileField(upload_to="transfers/parent-copies/", blank=True)
    parent_pdf_until = models.DateTimeField(null=True, blank=True)
    # Three-way meeting (driegesprek) records.
    meeting_date = models.DateField(null=True, blank=True)
    meeting_parents_present = models.BooleanField(null=True, blank=True)
    meeting_summary = models.TextField(blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "agreements_transfer"  # the table keeps its name from before the app moved
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["child", "state"], name="transfer_child_state_idx"),
            models.Index(fields=["sending_organisation", "-created_at"], name="transfer_sender_idx"),
            # The receiver's inbox finds a reader's copies by the version's receiving roles
            # (transfers/permissions.py: received_for) without reading transfer rows.
            models.Index(fields=["version"], include=["id"], name="transfer_version_cover_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "draft",
                        "parents_reading",
                        "parents_talk",
                        "confirmed",
                        "sent",
                        "recorded",
                        "stopped",
                        "erased",
                    ]
                ),
                name="transfer_state_valid",
            ),
            models.CheckConstraint(condition=Q(method__in=["in_app", "meeting"]), name="transfer_method_valid"),
            models.CheckConstraint(
                condition=~Q(sending_organisation=models.F("receiving_organisation")), name="transfer_orgs_differ"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["sent", "erased"]) | Q(shared_at__isnull=False), name="transfer_sent_has_time"
            ),
            # Once sent or stopped, the sender keeps no content (the receiver's copy holds it).
            models.CheckConstraint(
                condition=~Q(state__in=["sent", "stopped", "erased"]) | Q(content={}), name="transfer_no_content_kept"
            ),
        ]

    def __str__(self) -> str:
        return f"Transfer {self.pk} ({self.state})"

    @property
    def is_pending(self) -> bool:
        return self.state in (
            self.State.DRAFT,
            self.State.PARENTS_READING,
            self.State.PARENTS_TALK,
            self.State.CONFIRMED,
        )

    @property
    def with_parents(self) -> bool:
        return self.state in (self.State.PARENTS_READING, self.State.PARENTS_TALK, self.State.CONFIRMED)


class ReceivedTransfer(models.Model):
    """The receiving organisation's own copy. Owned by the receiver (its controller)."""

    Removal = ReceivedTransferRemoval

    ErasureReason = ReceivedErasureReason

    transfer = models.OneToOneField(Transfer, on_delete=models.PROTECT, related_name="received")
    organisation = models.ForeignKey(
        "ikc_share.Organisation", on_delete=models.PROTECT, related_name="transfers_received"
    )
    location = models.ForeignKey("ikc_share.Location", on_delete=models.PROTECT, related_name="+")
    # The envelope: whom it is about, so that a person can link it to the receiver's own record.
    child_name = models.CharField(max_length=200, blank=True)
    child_date_of_birth = models.DateField(null=True, blank=True)
    child = models.ForeignKey(
        "ikc_share.Child",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_transfers",
        help_text="The receiver's OWN record of the child, linked by a person.",
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(null=True, blank=True)
    category_codes = models.JSONField(default=list)
    content = models.JSONField(default=dict, blank=True)
    parents_view = models.TextField(blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    retention_until = models.DateField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    corrected_at = models.DateTimeField(null=True, blank=True)
    corrections = models.PositiveIntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True)
    removal = models.CharField(max_length=10, choices=Removal.choices, blank=True, default="")
    removed_content_sha256 = models.CharField(max_length=64, blank=True)
    # The tombstone of an erasure by the receiver itself (art. 17): who and why (a code, no text).
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.CharField(max_length=20, choices=ErasureReason.choices, blank=True, default="")

    class Meta:
        db_table = "agreements_receivedtransfer"  # the table keeps its name from before the app moved
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "location", "-received_at"], name="received_org_loc_idx"),
            models.Index(fields=["retention_until"], name="received_retention_idx"),
            # The inbox's page of ids (transfers/selectors.py: inbox) from the index alone.
            models.Index(fields=["organisation"], include=["id", "transfer"], name="received_org_cover_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | (Q(content={}) & Q(parents_view="") & Q(child_name="")),
                name="received_tombstone_holds_no_content",
            ),
            models.CheckConstraint(
                condition=Q(removal="receiver", removed_at__isnull=False) | Q(removal_reason=""),
                name="received_erasure_reason_only_when_erased_by_receiver",
            ),
        ]

    def __str__(self) -> str:
        return f"Received transfer {self.pk}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


def attachment_upload_to(instance: TransferAttachment, filename: str) -> str:
    # The stored name never contains the uploader's file name (see attachments.py).
    return f"transfers/attachments/{filename}"


class TransferAttachment(models.Model):
    """A PDF or image with a transfer. Belongs to the sender's Transfer while it is being
    prepared, and to the receiver's copy once sent (exactly one of the two)."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    received = models.ForeignKey(
        ReceivedTransfer, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_upload_to, max_length=200)
    name = models.CharField(max_length=120)  # sanitised, for Content-Disposition only
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "agreements_transferattachment"  # the table keeps its name from before the app moved
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(transfer__isnull=False) & Q(received__isnull=True))
                | (Q(transfer__isnull=True) & Q(received__isnull=False)),
                name="transfer_attachment_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]),
                name="transfer_attachment_type",
            ),
        ]


class TransferAccess(models.Model):
    """One opening of a received copy. The function title and organisation are kept as
    they were at that moment: parents see role and organisation, the privacy officer the name."""

    received = models.ForeignKey(ReceivedTransfer, on_delete=models.PROTECT, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("ikc_share.Organisation", on_delete=models.PROTECT, related_name="+")
    function_title = models.CharField(max_length=120, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "agreements_transferaccess"  # the table keeps its name from before the app moved
        ordering = ["at", "pk"]


class TransferRemark(models.Model):
    """A parent points out a factual error while reading first; the sender corrects the
    content or answers. The parent cannot change the sender's text."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="remarks")
    guardian = models.ForeignKey("ikc_share.Guardian", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    corrected = models.BooleanField(default=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "agreements_transferremark"  # the table keeps its name from before the app moved
        ordering = ["created_at", "pk"]


class TransferMail(models.Model):
    """What was e-mailed about a transfer, claimed before sending (a redelivered task
    never sends twice). `key` names the message: kind, transfer, event and recipient."""

    Kind = TransferMailKind

    key = models.CharField(max_length=120, unique=True)
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="mails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    guardian = models.ForeignKey(
        "ikc_share.Guardian", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "agreements_transfermail"  # the table keeps its name from before the app moved
        ordering = ["sent_at", "pk"]
