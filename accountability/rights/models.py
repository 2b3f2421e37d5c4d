"""Requests of parents under the GDPR (art. 15–22): access, rectification, erasure,
restriction, objection and portability, with their deadline of one calendar month (art.
12(3)), an optional extension and every step they went through.

An objection request points at the consent app's `Objection` (the one model that blocks
transfers under bases e and f); its outcome is that objection's decision. Imported at the
bottom of accountability/models.py. State changes go through accountability/rights/services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["RightsRequest", "RightsRequestStep", "rights_export_upload_to"]


def rights_export_upload_to(instance: RightsRequest, filename: str) -> str:
    return f"rights-requests/org-{instance.organisation_id}/{filename}"


class RightsRequest(models.Model):
    class Kind(models.TextChoices):
        ACCESS = "access", _("Inzage (art. 15)")
        RECTIFICATION = "rectification", _("Correctie (art. 16)")
        ERASURE = "erasure", _("Verwijdering (art. 17)")
        RESTRICTION = "restriction", _("Beperking van de verwerking (art. 18)")
        OBJECTION = "objection", _("Bezwaar (art. 21)")
        PORTABILITY = "portability", _("Gegevens meenemen (art. 20)")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Ontvangen")
        ACKNOWLEDGED = "acknowledged", _("Ontvangst bevestigd")
        IN_PROGRESS = "in_progress", _("In behandeling")
        NEEDS_INFO = "needs_info", _("Wacht op informatie van u")
        FULFILLED = "fulfilled", _("Afgehandeld")
        REJECTED = "rejected", _("Afgewezen")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Via het ouderportaal")
        LETTER = "letter", _("Per brief")
        PHONE = "phone", _("Telefonisch")
        IN_PERSON = "in_person", _("Persoonlijk")
        EMAIL = "email", _("Per e-mail")

    class ExportStatus(models.TextChoices):
        NONE = "", "—"
        QUEUED = "queued", _("Wordt gemaakt")
        READY = "ready", _("Klaar om te controleren")
        RELEASING = "releasing", _("Wordt vrijgegeven")
        RELEASED = "released", _("Vrijgegeven")
        FAILED = "failed", _("Mislukt")

    OPEN_STATUSES = ("received", "acknowledged", "in_progress", "needs_info")

    organisation = models.ForeignKey("ikc_share.Organisation", on_delete=models.PROTECT, related_name="rights_requests")
    child = models.ForeignKey("ikc_share.Child", on_delete=models.PROTECT, related_name="rights_requests")
    guardian = models.ForeignKey("ikc_share.Guardian", on_delete=models.PROTECT, related_name="rights_requests")
    kind = models.CharField(_("soort verzoek"), max_length=15, choices=Kind.choices)
    channel = models.CharField(_("ontvangen via"), max_length=10, choices=Channel.choices)
    description = models.TextField(_("toelichting van de ouder"), blank=True)
    objection = models.OneToOneField(
        "consent.Objection", on_delete=models.PROTECT, null=True, blank=True, related_name="rights_request"
    )
    received_on = models.DateField(_("ontvangen op"))
    due_on = models.DateField(_("uiterste datum"))
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.RECEIVED)
    answer = models.TextField(blank=True, help_text="The latest message to the parent (reason, question, outcome).")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    export_status = models.CharField(max_length=10, choices=ExportStatus.choices, blank=True, default="")
    export_json = models.FileField(upload_to=rights_export_upload_to, blank=True, max_length=200)
    export_pdf = models.FileField(upload_to=rights_export_upload_to, blank=True, max_length=200)
    export_sha256 = models.CharField(max_length=64, blank=True)
    export_generated_at = models.DateTimeField(null=True, blank=True)
    # The handler's review of the prepared export's free texts (art. 15(4)): the prepared
    # export's SHA-256, the paths left out and the paths edited (with their new text).
    export_review = models.JSONField(default=dict, blank=True)
    export_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    export_reviewed_at = models.DateTimeField(null=True, blank=True)
    # What the parent downloads: the prepared export with the review applied.
    released_json = models.FileField(upload_to=rights_export_upload_to, blank=True, max_length=200)
    released_pdf = models.FileField(upload_to=rights_export_upload_to, blank=True, max_length=200)
    released_sha256 = models.CharField(max_length=64, blank=True)
    export_released_at = models.DateTimeField(null=True, blank=True)
    erasure_result = models.JSONField(default=dict, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "consent_rightsrequest"  # the table keeps its name from before the app moved
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"], name="rights_org_status_due_idx"),
            models.Index(fields=["child", "-created_at"], name="rights_child_idx"),
            models.Index(fields=["guardian", "-created_at"], name="rights_guardian_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["access", "rectification", "erasure", "restriction", "objection", "portability"]),
                name="rights_request_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["received", "acknowledged", "in_progress", "needs_info", "fulfilled", "rejected"]
                ),
                name="rights_request_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(extension_months__lte=2), name="rights_request_extension_at_most_two_months"
            ),
            models.CheckConstraint(
                condition=Q(extension_months=0) | ~Q(extension_reason=""), name="rights_request_extension_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["rejected", "needs_info"]) | ~Q(answer=""),
                name="rights_request_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(kind="objection") | Q(objection__isnull=False), name="rights_request_objection_linked"
            ),
            models.CheckConstraint(condition=Q(due_on__gt=models.F("received_on")), name="rights_request_due_after"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class RightsRequestStep(models.Model):
    """One step of a request as the parent sees it in the portal (and the audit records it)."""

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=30)  # submitted, status, extended, assigned, export_ready, erased …
    status = models.CharField(max_length=15, choices=RightsRequest.Status.choices)
    message = models.TextField(blank=True)  # what the parent is told at this step

    class Meta:
        db_table = "consent_rightsrequeststep"  # the table keeps its name from before the app moved
        ordering = ["at", "pk"]
