"""Consent requests and decisions, notices to parents, objections.

- `ConsentDecision` rows are IMMUTABLE: never updated or deleted (on PostgreSQL a trigger
  refuses UPDATE and DELETE, see migration 0002). The current state is derived from the
  latest row per child, guardian, agreement version and category, in
  agreements/rules/consent.py, reading through consent/selectors.py.
- `ParentNotice` records that and how a guardian was informed of an agreement version,
  with the SHA-256 of the letter; informing is required for every legal basis. Also
  immutable.
- `ConsentRound` / `ConsentRoundMail`: a request to the guardians of (a part of) an
  organisation. Each mail row is claimed before it is sent, so a redelivered task never
  sends the same e-mail twice.
- `Objection` (bases e and f) blocks transfers while pending or upheld.
- `ProcessingRestriction` (art. 18): one data category of one child, restricted at a
  guardian's request from `started_at` until it is lifted (recorded, never deleted).

The per-child lock: services that change what may be shared about a child (withdrawal,
objections; the transfers issue when it shares) lock the child's own row
(`Child.objects.select_for_update()`, the core's `ikc_share.services.child_lock`) as their first
step, so a withdrawal and a transfer for the same child queue instead of crossing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from agreements.choices import GuardianPolicy
from consent.choices import (
    ConsentDecisionChannel,
    ConsentDecisionState,
    ConsentDecisionToldVia,
    ConsentRoundKind,
    ConsentRoundMailChannel,
    ConsentRoundMailStatus,
    ObjectionStatus,
    ParentNoticeHow,
)


class ConsentRound(models.Model):
    """Staff ask (or remind, or inform) the guardians of an organisation's children about
    one agreement version. The scope is the whole organisation or one location/group."""

    Kind = ConsentRoundKind

    version = models.ForeignKey("agreements.AgreementVersion", on_delete=models.PROTECT, related_name="consent_rounds")
    organisation = models.ForeignKey("ikc_share.Organisation", on_delete=models.PROTECT, related_name="consent_rounds")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REQUEST)
    location = models.ForeignKey(
        "ikc_share.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group_name = models.CharField(max_length=60, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["request", "reminder", "inform"]), name="consent_round_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version} ({self.started_at:%Y-%m-%d})"


class ConsentRoundMail(models.Model):
    """What one guardian gets in one round: an e-mail (claimed → sent once) or, without an
    e-mail address, a personalised paper letter that staff hand over."""

    Channel = ConsentRoundMailChannel

    Status = ConsentRoundMailStatus

    round = models.ForeignKey(ConsentRound, on_delete=models.CASCADE, related_name="mails")
    guardian = models.ForeignKey("ikc_share.Guardian", on_delete=models.PROTECT, related_name="+")
    children = models.ManyToManyField("ikc_share.Child", related_name="+")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    language = models.CharField(max_length=2, default="nl")
    letter_sha256 = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "guardian"], name="consent_round_mail_once"),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(sent_at__isnull=False), name="consent_round_mail_sent_at"
            ),
        ]


class ConsentDecision(models.Model):
    """One decision of one guardian, as it was recorded. IMMUTABLE (see module doc)."""

    State = ConsentDecisionState

    Channel = ConsentDecisionChannel

    ToldVia = ConsentDecisionToldVia

    child = models.ForeignKey("ikc_share.Child", on_delete=models.PROTECT, related_name="consent_decisions")
    guardian = models.ForeignKey("ikc_share.Guardian", on_delete=models.PROTECT, related_name="consent_decisions")
    version = models.ForeignKey(
        "agreements.AgreementVersion", on_delete=models.PROTECT, related_name="consent_decisions"
    )
    category = models.ForeignKey(
        "agreements.DataCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the whole agreement (every category in it).",
    )
    state = models.CharField(max_length=10, choices=State.choices)
    explicit = models.BooleanField(
        default=False, help_text="Explicit consent (GDPR art. 9(2)(a)): the separate tick for special categories."
    )
    decided_at = models.DateTimeField(help_text="When the guardian decided (for paper: the date on the form).")
    recorded_at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=6, choices=Channel.choices)
    told_via = models.CharField(max_length=10, choices=ToldVia.choices, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=2)
    letter = models.ForeignKey("agreements.Letter", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    letter_sha256 = models.CharField(max_length=64, blank=True)
    guardian_policy = models.CharField(max_length=3, choices=GuardianPolicy.choices)
    scan = models.FileField(upload_to="consent-scans/%Y/%m/", blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    submission = models.UUIDField(help_text="Rows recorded together (one form) share this id.")

    class Meta:
        ordering = ["decided_at", "pk"]
        indexes = [models.Index(fields=["child", "version", "decided_at"], name="consent_decision_child_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["given", "refused", "withdrawn"]), name="consent_decision_state"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["portal", "paper", "staff"]), name="consent_decision_channel"
            ),
            models.CheckConstraint(condition=Q(explicit=False) | Q(state="given"), name="consent_explicit_only_given"),
            models.CheckConstraint(condition=~Q(channel="paper") | ~Q(scan=""), name="consent_paper_has_scan"),
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()} · {self.child_id}/{self.guardian_id} · {self.version}"


class ParentNotice(models.Model):
    """That and how a guardian was informed of an agreement version. IMMUTABLE."""

    How = ParentNoticeHow

    version = models.ForeignKey("agreements.AgreementVersion", on_delete=models.PROTECT, related_name="parent_notices")
    guardian = models.ForeignKey("ikc_share.Guardian", on_delete=models.PROTECT, related_name="parent_notices")
    child = models.ForeignKey("ikc_share.Child", on_delete=models.PROTECT, related_name="parent_notices")
    how = models.CharField(max_length=7, choices=How.choices)
    language = models.CharField(max_length=2, default="nl")
    letter = models.ForeignKey("agreements.Letter", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    letter_sha256 = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    round_mail = models.ForeignKey(
        ConsentRoundMail, on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["child", "version", "at"], name="parent_notice_child_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(how__in=["email", "paper", "meeting", "portal"]), name="parent_notice_how"
            ),
        ]


class Objection(models.Model):
    """A guardian objects to an exchange on basis e or f (GDPR art. 21). While pending,
    transfers for this child under this agreement are blocked (restriction, art. 18(1)(d)).
    The sending organisation's director decides; the reason is shown to the parent."""

    Status = ObjectionStatus

    child = models.ForeignKey("ikc_share.Child", on_delete=models.PROTECT, related_name="objections")
    version = models.ForeignKey("agreements.AgreementVersion", on_delete=models.PROTECT, related_name="objections")
    guardian = models.ForeignKey("ikc_share.Guardian", on_delete=models.PROTECT, related_name="objections")
    explanation = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["pending", "upheld", "rejected"]), name="objection_status"),
            models.CheckConstraint(
                condition=(
                    Q(status="pending", decided_at__isnull=True)
                    | (~Q(status="pending") & Q(decided_at__isnull=False) & ~Q(decision_reason=""))
                ),
                name="objection_decided_fields",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} · {self.child_id} · {self.version}"


class ConsentExpiryReminder(models.Model):
    """That a guardian was reminded, once, that a given consent is about to expire (when the
    agreement version sets consent_valid_months). The row is claimed before the e-mail is
    sent, so the daily task never reminds twice."""

    decision = models.OneToOneField(ConsentDecision, on_delete=models.PROTECT, related_name="expiry_reminder")
    sent_at = models.DateTimeField(default=timezone.now)


class ProcessingRestriction(models.Model):
    """A guardian with parental authority asked to restrict the processing of one data
    category of their child (GDPR art. 18), e.g. while a correction they asked for is
    disputed. While in force (started_at <= t < lifted_at), the legal-basis rules refuse
    that category (agreements/rules, reading consent/selectors.py). Lifting is recorded,
    never deleted; the organisation informs the parent before it lifts (art. 18(3)).

    `reason` and `lift_reason` are free text: never in an audit payload."""

    child = models.ForeignKey("ikc_share.Child", on_delete=models.PROTECT, related_name="processing_restrictions")
    category = models.ForeignKey("agreements.DataCategory", on_delete=models.PROTECT, related_name="+")
    # SET_NULL: the restriction protects the child's data and outlives the requester's record
    # (the audit event keeps the guardian's id).
    requested_by = models.ForeignKey(
        "ikc_share.Guardian", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField(default=timezone.now, help_text="The moment the restriction takes effect.")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["child", "started_at"], name="restriction_child_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "category"],
                condition=Q(lifted_at__isnull=True),
                name="restriction_one_in_force",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | Q(lifted_at__gte=models.F("started_at")),
                name="restriction_lifted_after_start",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True, lift_reason="")
                | (Q(lifted_at__isnull=False) & ~Q(lift_reason="")),
                name="restriction_lifted_fields",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} · {self.category_id} · {self.started_at:%Y-%m-%d}"
