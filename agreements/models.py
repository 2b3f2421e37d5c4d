"""Exchange agreements between two controllers of one IKC, their versions, approvals,
the data-category catalogue, and the information letters.

Rules (what is valid, what is allowed) live in agreements/rules/; state changes in
agreements/services.py.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agreements.choices import (
    AgreementVersionStatus,
    ApprovalDecision,
    Art9Condition,
    GuardianPolicy,
    LegalBasis,
    Purpose,
)


class DataCategory(models.Model):
    """The catalogue an agreement picks its minimal data set from. Never a BSN."""

    code = models.SlugField(max_length=60, unique=True)
    name_nl = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    description_nl = models.TextField()
    description_en = models.TextField()
    is_special = models.BooleanField(
        default=False, help_text="Special category of personal data (GDPR art. 9), e.g. health."
    )
    is_sensitive = models.BooleanField(default=False, help_text="Sensitive, though not art. 9 (home situation).")
    statutory = models.BooleanField(
        default=False, help_text="A law makes this part of the exchange (VVE: programme and duration)."
    )
    statutory_reference = models.CharField(max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("data category")
        verbose_name_plural = _("data categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl

    @property
    def description(self) -> str:
        return self.description_en if (get_language() or "nl").startswith("en") else self.description_nl


class Agreement(models.Model):
    """One direction of exchange: sending controller → receiving controller."""

    ikc = models.ForeignKey("ikc_share.Ikc", on_delete=models.PROTECT, related_name="agreements")
    sending_organisation = models.ForeignKey(
        "ikc_share.Organisation", on_delete=models.PROTECT, related_name="agreements_sent"
    )
    receiving_organisation = models.ForeignKey(
        "ikc_share.Organisation", on_delete=models.PROTECT, related_name="agreements_received"
    )
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sending_organisation=models.F("receiving_organisation")),
                name="agreement_orgs_differ",
            )
        ]

    def __str__(self) -> str:
        return self.title


class AgreementVersion(models.Model):
    Status = AgreementVersionStatus

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    purpose_explanation = models.TextField(_("explanation for parents"))
    # Issue 17.3: optional English versions of the directors' own texts, for the English
    # letter (empty: the English letter quotes the Dutch text). Never a material change.
    purpose_explanation_en = models.TextField(_("Uitleg voor ouders (Engels)"), blank=True, default="")
    legal_basis = models.CharField(_("legal basis (GDPR art. 6(1))"), max_length=1, choices=LegalBasis.choices)
    art9_condition = models.CharField(
        _("condition for special categories (GDPR art. 9(2))"),
        max_length=1,
        choices=Art9Condition.choices,
        blank=True,
        default="",
    )
    statutory_provision = models.CharField(_("statutory provision"), max_length=255, blank=True)
    balancing_test = models.TextField(_("balancing test (legitimate interest)"), blank=True)
    balancing_test_en = models.TextField(_("Belangenafweging (Engels)"), blank=True, default="")
    method_in_app = models.BooleanField(_("share in the app"), default=True)
    method_meeting = models.BooleanField(_("three-way meeting (driegesprek)"), default=False)
    receiving_roles = models.ManyToManyField("ikc_share.FunctionTitle", related_name="receiving_agreement_versions")
    receiving_locations = models.ManyToManyField(
        "ikc_share.Location",
        blank=True,
        related_name="receiving_agreement_versions",
        help_text=_("Locations of the receiving organisation it may be addressed to; none = all."),
    )
    # Scope: which children of the SENDING organisation the version concerns (see
    # agreements/rules/scope.py). Nothing chosen: every child, as before scopes existed.
    scope_locations = models.ManyToManyField(
        "ikc_share.Location",
        blank=True,
        related_name="scoped_agreement_versions",
        verbose_name=_("voor kinderen op deze locaties"),
        help_text=_("Locaties van de verzendende organisatie; geen keuze = alle locaties."),
    )
    scope_min_age = models.PositiveSmallIntegerField(_("voor kinderen vanaf (jaar)"), null=True, blank=True)
    scope_max_age = models.PositiveSmallIntegerField(_("voor kinderen tot en met (jaar)"), null=True, blank=True)
    scope_vve_only = models.BooleanField(_("alleen voor kinderen met een VVE-programma"), default=False)
    retention_months = models.PositiveSmallIntegerField(_("retention at the receiving side (months)"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until (inclusive)"), null=True, blank=True)
    consent_per_category = models.BooleanField(_("parents may consent per category"), default=False)
    guardian_policy = models.CharField(
        max_length=3, choices=GuardianPolicy.choices, default=GuardianPolicy.ONE_MAY_CONSENT
    )
    parents_read_first = models.BooleanField(_("parents read a transfer before it is sent"), default=False)
    parents_read_days = models.PositiveSmallIntegerField(default=10)
    objection_wait_days = models.PositiveSmallIntegerField(default=14)
    consent_valid_months = models.PositiveSmallIntegerField(null=True, blank=True)
    is_material_change = models.BooleanField(default=True)
    change_summary = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_number_unique"),
            models.UniqueConstraint(
                fields=["agreement"], condition=Q(status="active"), name="agreement_one_active_version"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="agreement_version_validity_order",
            ),
            models.CheckConstraint(
                condition=Q(method_in_app=True) | Q(method_meeting=True), name="agreement_version_has_method"
            ),
            models.CheckConstraint(
                condition=Q(scope_min_age__isnull=True)
                | Q(scope_max_age__isnull=True)
                | Q(scope_min_age__lte=models.F("scope_max_age")),
                name="agreement_version_scope_age_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.title} v{self.number}"

    @property
    def label(self) -> str:
        return f"{self.agreement.title} v{self.number}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class AgreementItem(models.Model):
    """One category of the minimal data set, with why it is necessary for the purpose."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="items")
    category = models.ForeignKey(DataCategory, on_delete=models.PROTECT, related_name="+")
    justification = models.TextField(_("why this is necessary"))
    justification_en = models.TextField(_("Waarom is dit nodig? (Engels)"), blank=True, default="")

    class Meta:
        ordering = ["category__order"]
        constraints = [models.UniqueConstraint(fields=["version", "category"], name="agreement_item_unique")]


class Approval(models.Model):
    """A director's decision on a version, one per organisation side."""

    Decision = ApprovalDecision

    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="approvals")
    organisation = models.ForeignKey("ikc_share.Organisation", on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at"]


# Registered with this app: the letters are a sub-area of agreements (agreements/letters/).
from agreements.letters.models import Letter, LetterBatch  # noqa: E402

__all__ = ["Letter", "LetterBatch"]
