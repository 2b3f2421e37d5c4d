"""Onboarding data: invitations, import rights, remembered column mappings and import jobs.

These models belong to the app label "ikc_share" (ikc_share/models.py star-imports this
module). No business logic here: state changes go through the onboarding services.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["ImportJob", "ImportMapping", "ImportPermission", "Invitation"]


class Invitation(models.Model):
    """A single-use, expiring link that lets a person set the password of their login.

    Only the SHA-256 of the token is stored; the token itself exists only in the e-mail.
    It is made when the e-mail is sent, so a resend makes a new token and the old link
    stops working. A staff invitation belongs to a membership, a parent invitation to
    the organisation's Guardian record of that parent.
    """

    class Kind(models.TextChoices):
        MEMBER = "member", _("Medewerker")
        PARENT = "parent", _("Ouder/verzorger")

    class Status(models.TextChoices):
        QUEUED = "queued", _("wordt verstuurd")
        SENT = "sent", _("verstuurd")
        EXPIRED = "expired", _("verlopen")
        ACCEPTED = "accepted", _("geaccepteerd")
        REVOKED = "revoked", _("ingetrokken")

    organisation = models.ForeignKey("ikc_share.Organisation", on_delete=models.PROTECT, related_name="invitations")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations")
    membership = models.ForeignKey(
        "ikc_share.Membership", on_delete=models.PROTECT, null=True, blank=True, related_name="invitations"
    )
    guardian = models.ForeignKey(
        "ikc_share.Guardian", on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    token_hash = models.CharField(max_length=64, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "ikc_share_invitation"  # the table keeps its name from before the app moved
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"], condition=~Q(token_hash=""), name="invitation_token_hash_unique"
            ),
            models.CheckConstraint(condition=Q(kind__in=["member", "parent"]), name="invitation_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind="member") | Q(membership__isnull=False), name="invitation_member_has_membership"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="invitation_org_created_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.email}"

    @property
    def status(self) -> str:
        if self.revoked_at:
            return self.Status.REVOKED
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.sent_at is None:
            return self.Status.QUEUED
        if self.expires_at and self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.SENT

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @property
    def is_open(self) -> bool:
        """Not accepted and not revoked: it can still be (re)sent."""
        return self.revoked_at is None and self.accepted_at is None

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.SENT and bool(self.token_hash)


class ImportPermission(models.Model):
    """The director's authorisation for one staff member to import children and guardians.

    A separate row rather than a flag on Membership or a django-guardian grant: the core's
    grant sync rewrites the organisation grants on every membership change, while this
    right must be given explicitly by a director, stay visible in one list and end with
    the membership. It counts only while the membership is active and has the staff role.
    """

    membership = models.OneToOneField(
        "ikc_share.Membership", on_delete=models.CASCADE, related_name="import_permission"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "ikc_share_importpermission"  # the table keeps its name from before the app moved
        verbose_name = _("import permission")
        verbose_name_plural = _("import permissions")

    def __str__(self) -> str:
        return f"import: {self.membership_id}"


class ImportMapping(models.Model):
    """The column mapping an organisation used last time, offered again on the next upload."""

    organisation = models.OneToOneField(
        "ikc_share.Organisation", on_delete=models.CASCADE, related_name="import_mapping"
    )
    preset = models.CharField(max_length=40, default="generic")
    columns = models.JSONField(default=dict, blank=True)  # target field → header in the file
    default_location = models.ForeignKey(
        "ikc_share.Location", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "ikc_share_importmapping"  # the table keeps its name from before the app moved
        verbose_name = _("import column mapping")
        verbose_name_plural = _("import column mappings")

    def __str__(self) -> str:
        return f"mapping {self.organisation_id}"


def _import_upload_to(instance: ImportJob, filename: str) -> str:
    return f"imports/{instance.organisation_id}/{uuid.uuid4().hex}.csv"


class ImportJob(models.Model):
    """One upload of a children/guardians export, from dry run to import.

    `file` is a normalised copy (UTF-8 CSV, BSN columns removed, original row numbers
    kept) stored through Django's storage API; it is deleted when the job ends.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("geüpload")
        CHECKING = "checking", _("wordt gecontroleerd")
        CHECKED = "checked", _("gecontroleerd")
        QUEUED = "queued", _("in de wachtrij")
        RUNNING = "running", _("wordt geïmporteerd")
        DONE = "done", _("geïmporteerd")
        FAILED = "failed", _("mislukt")
        CANCELLED = "cancelled", _("geannuleerd")

    ACTIVE = (Status.CHECKING, Status.QUEUED, Status.RUNNING)
    ENDED = (Status.DONE, Status.FAILED, Status.CANCELLED)

    organisation = models.ForeignKey("ikc_share.Organisation", on_delete=models.PROTECT, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    file = models.FileField(upload_to=_import_upload_to, blank=True, max_length=200)
    file_name = models.CharField(max_length=255, blank=True)
    file_format = models.CharField(max_length=10, blank=True)
    encoding = models.CharField(max_length=40, blank=True)
    delimiter = models.CharField(max_length=5, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    headers = models.JSONField(default=list, blank=True)
    ignored_columns = models.JSONField(default=list, blank=True)  # BSN-like columns: never read
    row_count = models.PositiveIntegerField(default=0)
    preset = models.CharField(max_length=40, default="generic")
    columns = models.JSONField(default=dict, blank=True)
    default_location = models.ForeignKey(
        "ikc_share.Location", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    phase = models.CharField(max_length=20, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    missing_child_ids = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "ikc_share_importjob"  # the table keeps its name from before the app moved
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="importjob_org_created_idx")]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, int(100 * self.progress_done / self.progress_total))
