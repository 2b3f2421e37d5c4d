"""The information letters of an agreement version: each generated letter (stored once
with its SHA-256, which a consent decision references) and the paper-letter batches."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from agreements.letters.choices import LetterBatchStatus


def letter_upload_to(instance: Letter, filename: str) -> str:
    return f"letters/v{instance.version_id}/{filename}"


class Letter(models.Model):
    """A generated information letter. Immutable once stored; its SHA-256 is what a
    consent decision references."""

    version = models.ForeignKey("agreements.AgreementVersion", on_delete=models.PROTECT, related_name="letters")
    language = models.CharField(max_length=2)
    child = models.ForeignKey("ikc_share.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    guardian = models.ForeignKey(
        "ikc_share.Guardian", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to=letter_upload_to)
    sha256 = models.CharField(max_length=64)
    text_sha256 = models.CharField(max_length=64, blank=True)
    public_token = models.CharField(max_length=43, unique=True)
    is_draft = models.BooleanField(default=False)
    generated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-generated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language"],
                condition=Q(guardian__isnull=True, is_draft=False),
                name="letter_generic_once_per_version_language",
            ),
            models.UniqueConstraint(
                fields=["version", "language", "guardian", "child"],
                condition=Q(guardian__isnull=False),
                name="letter_personal_once",
            ),
        ]


class LetterBatch(models.Model):
    """A director's request for personalised paper letters for all children at once."""

    Status = LetterBatchStatus

    version = models.ForeignKey("agreements.AgreementVersion", on_delete=models.PROTECT, related_name="letter_batches")
    language = models.CharField(max_length=2, default="nl")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="letter-batches/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
