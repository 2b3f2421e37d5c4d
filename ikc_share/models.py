"""Core domain: IKCs, the controllers (organisations) with their locations, memberships,
children and guardians, and the hash-chained audit log.

No business logic lives here: state changes go through ikc_share/services.py.
No BSN (citizen service number) is stored anywhere in this application.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikc_share.choices import (
    ChildVveProgramme,
    GuardianLanguage,
    GuardianshipRelation,
    LocationKind,
    MembershipRole,
    OrganisationKind,
)


class Ikc(models.Model):
    """An integraal kindcentrum: groups locations of two or more controllers."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("IKC")
        verbose_name_plural = _("IKCs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A controller (verwerkingsverantwoordelijke) in the sense of the GDPR."""

    Kind = OrganisationKind

    ikc = models.ForeignKey(Ikc, on_delete=models.PROTECT, related_name="organisations")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    kvk_number = models.CharField(_("KvK number"), max_length=8, blank=True)
    brin_number = models.CharField(_("BRIN / bestuursnummer"), max_length=10, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    privacy_email = models.EmailField(_("e-mail for privacy questions"), blank=True)
    privacy_officer_name = models.CharField(_("privacy officer (FG)"), max_length=200, blank=True)
    # How parents reach the FG directly (GDPR art. 13(1)(b)); the information letter prints them.
    privacy_officer_email = models.EmailField(_("privacy officer's e-mail"), blank=True)
    privacy_officer_phone = models.CharField(_("privacy officer's phone"), max_length=30, blank=True)
    privacy_officer_address = models.CharField(_("privacy officer's postal address"), max_length=255, blank=True)
    # Art. 34/35 UAVG: the board of a public school is an administrative authority, so a parent
    # contests a refusal with an objection under the Awb; otherwise at the civil court
    # (agreements/rules/remedies.py). Kept by the director on the register page.
    is_public_authority = models.BooleanField(
        _("Openbaar bestuursorgaan (openbare school: bezwaar volgens de Awb)"), default=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        permissions = [
            ("read_organisation", "Read the organisation's records (member)"),
            ("act_for_organisation", "Act for the organisation (director or staff)"),
            ("manage_organisation", "Manage the organisation (director)"),
            ("audit_organisation", "Audit the organisation (privacy officer, director)"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["childcare", "school"]), name="organisation_kind_valid")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_public_task(self) -> bool:
        """A school board carries out a task in the public interest by law (WPO);
        a childcare organisation is a private enterprise under the Wet kinderopvang."""
        return self.kind == self.Kind.SCHOOL

    @property
    def full_address(self) -> str:
        return ", ".join(p for p in [self.address, f"{self.postal_code} {self.city}".strip()] if p)


class Location(models.Model):
    """A site of one organisation. Children are placed at a location."""

    Kind = LocationKind

    # Age range (in whole years at the reference date) that fits each kind of location.
    AGE_RANGES = {"daycare": (0, 4), "preschool": (2, 4), "bso": (4, 13), "school": (4, 13)}

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="locations")
    ikc = models.ForeignKey(Ikc, on_delete=models.PROTECT, related_name="locations")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    registry_code = models.CharField(_("LRK number or BRIN code"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["organisation__name", "name"]
        permissions = [("view_location_children", "View the children placed at this location")]

    def __str__(self) -> str:
        return self.name


class FunctionTitle(models.Model):
    """The organisation's own catalogue of function titles ("leerkracht groep 1-2")."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="function_titles")
    name = models.CharField(_("function title"), max_length=120)

    class Meta:
        verbose_name = _("function title")
        verbose_name_plural = _("function titles")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="function_title_unique_per_org")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in one organisation: role, function title and locations.

    A person with memberships in both organisations of an IKC still sees each
    organisation's data only through that organisation's membership.
    """

    Role = MembershipRole

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    function_title = models.ForeignKey(
        FunctionTitle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("function title"),
    )
    locations = models.ManyToManyField(
        Location,
        blank=True,
        related_name="memberships",
        verbose_name=_("locations"),
        help_text=_("Where this person works. None selected means all locations."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_privacy_contact = models.BooleanField(
        _("privacy contact"),
        default=False,
        help_text=_("Handles rights requests and incidents on behalf of the director."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    invitation_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_org"),
            models.CheckConstraint(
                condition=Q(role__in=["director", "staff", "privacy_officer"]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username} — {self.organisation} ({self.get_role_display()})"


class Child(models.Model):
    """One organisation's own record of a child. The same real child at the school is
    another record, owned by the school. Never a BSN."""

    VveProgramme = ChildVveProgramme

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="children")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="children")
    group_name = models.CharField(_("group"), max_length=60, blank=True)
    external_id = models.CharField(
        _("number in own administration"),
        max_length=40,
        blank=True,
        help_text=_("The organisation's own child or pupil number. Never a BSN."),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    name_prefix = models.CharField(_("prefix (tussenvoegsel)"), max_length=20, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    vve_programme = models.CharField(
        _("VVE programme followed"), max_length=20, choices=VveProgramme.choices, blank=True, default=""
    )
    vve_months = models.PositiveSmallIntegerField(_("VVE duration (months)"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["organisation", "location", "group_name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~Q(external_id=""),
                name="child_external_id_unique_per_org",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in [self.first_name, self.name_prefix, self.last_name] if p)

    @property
    def short_name(self) -> str:
        """First name, the prefix (tussenvoegsel) and the initial of the last name, for lists
        and audit sentences: "Sophie de G."."""
        return " ".join(p for p in [self.first_name, self.name_prefix, f"{self.last_name[:1]}."] if p)

    def age_on(self, day: datetime.date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())


class Guardian(models.Model):
    """One organisation's own record of a parent or carer, linked to the person's one
    login (User). The same parent at school and at childcare: two Guardians, one User."""

    Language = GuardianLanguage

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="guardians")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="guardians"
    )
    external_id = models.CharField(_("number in own administration"), max_length=40, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    name_prefix = models.CharField(_("prefix (tussenvoegsel)"), max_length=20, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default="nl")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["organisation", "email"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in [self.first_name, self.name_prefix, self.last_name] if p)


class Guardianship(models.Model):
    """Guardian × child, with or without parental authority (gezag)."""

    Relation = GuardianshipRelation

    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="guardianships")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="guardianships")
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices, default="parent")
    has_parental_authority = models.BooleanField(_("parental authority"), default=True)

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [models.UniqueConstraint(fields=["guardian", "child"], name="guardianship_unique")]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.child}"


class AuditChainHead(models.Model):
    """The head of one audit chain (one per controller, plus "system" for events that
    belong to no controller, such as a failed login for an unknown name). Writers lock it
    with select_for_update as the last step of their transaction, so they queue."""

    chain = models.CharField(max_length=40, unique=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.chain}@{self.seq}"


class AuditEvent(models.Model):
    """Append-only, hash-chained. The payload holds ids and codes only (no names, no
    content), so erasing a person never breaks the chain. `canonical` is the exact text
    the hash covers; see ikc_share/audit.py."""

    chain = models.CharField(max_length=40)
    seq = models.BigIntegerField()
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    at = models.DateTimeField()
    # No database constraint and DO_NOTHING: an audit row is never updated or deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    action = models.CharField(max_length=60)
    target_type = models.CharField(max_length=60, blank=True, default="")
    target_id = models.CharField(max_length=40, blank=True, default="")
    payload = models.TextField(blank=True, default="{}")
    canonical = models.TextField()
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64)
    # Search keys for the audit browser, copied by audit_record from the payload's ids (or
    # the target): NOT part of the hashed text; the verifier checks they match the payload.
    child_ref = models.BigIntegerField(null=True, blank=True)
    guardian_ref = models.BigIntegerField(null=True, blank=True)
    version_ref = models.BigIntegerField(null=True, blank=True)
    agreement_ref = models.BigIntegerField(null=True, blank=True)
    transfer_ref = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_seq_unique")]
        indexes = [
            models.Index(fields=["organisation", "-at", "-id"], name="audit_org_at_idx"),
            models.Index(fields=["organisation", "action", "-id"], name="audit_org_action_idx"),
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            # The audit browser: newest first per organisation, keyset on id, one index per filter.
            models.Index(fields=["organisation", "-id"], name="audit_org_id_idx"),
            models.Index(fields=["organisation", "actor", "-id"], name="audit_org_actor_idx"),
            # ... and a partial one per search key.
            *(
                models.Index(
                    fields=["organisation", ref, "-id"],
                    name=f"audit_org_{ref.removesuffix('_ref')}_idx",
                    condition=Q(**{f"{ref}__isnull": False}),
                )
                for ref in ("child_ref", "guardian_ref", "version_ref", "agreement_ref", "transfer_ref")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action}"


class AuditVerification(models.Model):
    """One run of the audit-chain verifier (nightly, on demand, or from the command)."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True)
    events = models.BigIntegerField(default=0)
    chains = models.IntegerField(default=0)
    report = models.TextField(blank=True, default="")
    trigger = models.CharField(max_length=20, default="manual")

    class Meta:
        ordering = ["-started_at"]


class AuditAnchor(models.Model):
    """A signed statement "chain C had event S with hash H at time T", published now and
    then (e-mailed to the organisation's privacy officers) and kept append-only. The verifier
    checks each stored anchor against its event; an e-mailed copy can be checked with
    `verify_audit --anchor`, even when the database itself was rewritten. See
    ikc_share/audit_anchors.py."""

    chain = models.CharField(max_length=40)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)
    signature = models.CharField(max_length=64)
    sent_to = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["chain", "-seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_anchor_chain_seq_unique")]

    def __str__(self) -> str:
        return f"{self.chain}@{self.seq}"


class OutboxMessage(models.Model):
    """A Celery task to send, written in the same transaction as the change that asks for
    it (ikc_share/outbox.py): a broker outage delays the work but never loses it. Sent at
    once after commit when the broker answers, otherwise by the periodic dispatcher."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Not sent before this moment: a dispatcher that claims the message moves it ahead by a
    # lease, so that no second dispatcher sends it meanwhile.
    available_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        indexes = [
            models.Index(
                fields=["available_at", "id"], name="outbox_undispatched_idx", condition=Q(dispatched_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
