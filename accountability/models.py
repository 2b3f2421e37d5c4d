"""Accountability data of a controller (GDPR art. 5(2)): the incident register, the
retention schedule with what it removed, the privacy officer's advice notes, the audit
report and verification jobs, and the editable text of the processing register.

The tables keep the names they had in the core app ("ikc_share_…"); the models refer to the
core's by string. Rights requests are this app's sub-area (accountability/rights/models.py,
imported at the bottom). No behaviour here: state changes go through
accountability/services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "AdviceNote",
    "AuditReport",
    "ControllerSetting",
    "Incident",
    "IncidentNotice",
    "Processor",
    "PurgeRecord",
    "RegisterText",
    "RetentionRule",
    "RetentionRun",
    "VerificationJob",
]


class RetentionRule(models.Model):
    """The organisation's own retention period for one kind of record. Without a row the
    documented default applies (accountability/schedule.py)."""

    class Kind(models.TextChoices):
        CHILD_RECORDS = "child_records", _("Kindgegevens na vertrek")
        GUARDIAN_RECORDS = "guardian_records", _("Gegevens van ouders en verzorgers")
        CONSENT_EVIDENCE = "consent_evidence", _("Bewijs van toestemming en informeren")
        RECEIVED_TRANSFERS = "received_transfers", _("Ontvangen overdrachten")
        AUDIT_EVENTS = "audit_events", _("Audittrail")
        RIGHTS_REQUESTS = "rights_requests", _("Verzoeken van ouders (AVG-rechten)")
        INCIDENTS = "incidents", _("Incidentregister (datalekken)")

    organisation = models.ForeignKey("ikc_share.Organisation", on_delete=models.PROTECT, related_name="retention_rules")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    months = models.PositiveSmallIntegerField(_("bewaartermijn (maanden)"))
    note = models.TextField(_("toelichting"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "ikc_share_retentionrule"  # the table keeps its name from before the app moved
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="retention_rule_once_per_kind"),
            models.CheckConstraint(condition=Q(months__gte=1) & Q(months__lte=1200), name="retention_rule_months"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.months}"


class RetentionRun(models.Model):
    """One execution of the retention schedule for one organisation (nightly or by hand)."""

    organisation = models.ForeignKey("ikc_share.Organisation", on_delete=models.PROTECT, related_name="+")
    trigger = models.CharField(max_length=20, default="nightly")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    removed = models.JSONField(default=dict, blank=True)  # {kind: count}

    class Meta:
        db_table = "ikc_share_retentionrun"  # the table keeps its name from before the app moved
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-started_at"], name="retention_run_org_idx")]


class PurgeRecord(models.Model):
    """What the retention schedule (or an erasure) removed: ids and codes only, so the FG
    can see what went, when and under which rule, without the removed data coming back."""

    class Action(models.TextChoices):
        ANONYMISED = "anonymised", _("Geanonimiseerd")
        DELETED = "deleted", _("Verwijderd")
        CONTENT_REMOVED = "content_removed", _("Inhoud verwijderd")
        FILES_REMOVED = "files_removed", _("Bestanden verwijderd")

    organisation = models.ForeignKey("ikc_share.Organisation", on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, null=True, blank=True, related_name="records")
    kind = models.CharField(max_length=30, choices=RetentionRule.Kind.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    action = models.CharField(max_length=20, choices=Action.choices)
    reason = models.CharField(max_length=20, default="retention")  # retention | erasure
    removed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "ikc_share_purgerecord"  # the table keeps its name from before the app moved
        ordering = ["-removed_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-removed_at"], name="purge_record_org_idx")]


class NoticeChannel(models.TextChoices):
    """How the parents were told of a breach (art. 34)."""

    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Brief")
    IN_PERSON = "in_person", _("Persoonlijk gesprek")
    PHONE = "phone", _("Telefonisch")


class Incident(models.Model):
    """A (possible) personal data breach in the organisation's register (art. 33(5)):
    recorded whether or not it is reported to the Autoriteit Persoonsgegevens."""

    class Risk(models.TextChoices):
        UNKNOWN = "unknown", _("Nog niet beoordeeld")
        NONE = "none", _("Geen risico: niet melden (wel registreren)")
        RISK = "risk", _("Risico: melden bij de Autoriteit Persoonsgegevens")
        HIGH = "high", _("Hoog risico: ook de ouders informeren")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Afgesloten")

    organisation = models.ForeignKey("ikc_share.Organisation", on_delete=models.PROTECT, related_name="incidents")
    number = models.PositiveIntegerField()
    title = models.CharField(_("korte omschrijving"), max_length=200)
    discovered_at = models.DateTimeField(_("ontdekt op"))
    description = models.TextField(_("wat is er gebeurd"))
    children = models.ManyToManyField("ikc_share.Child", blank=True, related_name="+", verbose_name=_("kinderen"))
    affected_count = models.PositiveIntegerField(_("aantal betrokkenen (schatting)"), null=True, blank=True)
    data_categories = models.JSONField(default=list, blank=True)  # category codes of the catalogue
    other_data = models.TextField(_("andere gegevens"), blank=True)
    touches_exchange = models.BooleanField(
        _("betreft gegevens die met de andere organisatie van het IKC zijn uitgewisseld"), default=False
    )
    risk = models.CharField(_("risico"), max_length=10, choices=Risk.choices, default=Risk.UNKNOWN)
    risk_assessment = models.TextField(_("risicobeoordeling"), blank=True)
    measures = models.TextField(_("genomen maatregelen"), blank=True)
    ap_reported = models.BooleanField(_("gemeld bij de Autoriteit Persoonsgegevens"), default=False)
    ap_reported_at = models.DateTimeField(null=True, blank=True)
    ap_reference = models.CharField(_("meldnummer AP"), max_length=60, blank=True)
    delay_reason = models.TextField(_("reden van de vertraging (art. 33 lid 1)"), blank=True)
    parents_informed = models.BooleanField(_("ouders geïnformeerd"), default=False)
    parents_informed_at = models.DateTimeField(null=True, blank=True)  # when the art. 34 notice was sent
    parents_notice_text = models.TextField(_("bericht aan de ouders (art. 34)"), blank=True)
    parents_notice_channel = models.CharField(
        _("verstuurd via"), max_length=10, choices=NoticeChannel.choices, blank=True, default=""
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "ikc_share_incident"  # the table keeps its name from before the app moved
        ordering = ["-discovered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="incident_number_unique"),
            models.CheckConstraint(condition=Q(status__in=["open", "closed"]), name="incident_status_valid"),
            models.CheckConstraint(
                condition=Q(risk__in=["unknown", "none", "risk", "high"]), name="incident_risk_valid"
            ),
            models.CheckConstraint(
                condition=Q(ap_reported=False) | Q(ap_reported_at__isnull=False), name="incident_reported_has_time"
            ),
            models.CheckConstraint(
                condition=Q(parents_informed=False) | Q(parents_informed_at__isnull=False),
                name="incident_informed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status", "-discovered_at"], name="incident_org_idx")]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"


class IncidentNotice(models.Model):
    """An in-app notice to the director and privacy officer of the OTHER organisation of
    the IKC when an incident touches data exchanged with them."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="notices")
    organisation = models.ForeignKey("ikc_share.Organisation", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "ikc_share_incidentnotice"  # the table keeps its name from before the app moved
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "recipient"], name="incident_notice_once"),
        ]
        indexes = [models.Index(fields=["organisation", "recipient", "-created_at"], name="incident_notice_idx")]


class AdviceNote(models.Model):
    """The privacy officer's advice (art. 39(1)): it is recorded, the director decides.
    Notes are never edited; a later note adds to an earlier one."""

    class Subject(models.TextChoices):
        GENERAL = "general", _("Algemeen")
        INCIDENT = "incident", _("Incident")
        RIGHTS_REQUEST = "rights_request", _("Verzoek van een ouder")
        REGISTER = "register", _("Verwerkingsregister")
        RETENTION = "retention", _("Bewaartermijnen")
        AUDIT = "audit", _("Audittrail")

    organisation = models.ForeignKey("ikc_share.Organisation", on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=20, choices=Subject.choices, default=Subject.GENERAL)
    subject_id = models.BigIntegerField(null=True, blank=True)
    text = models.TextField(_("advies"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "ikc_share_advicenote"  # the table keeps its name from before the app moved
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "subject", "subject_id"], name="advice_subject_idx")]


class _Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("In de wachtrij")
        RUNNING = "running", _("Bezig")
        DONE = "done", _("Klaar")
        FAILED = "failed", _("Mislukt")

    organisation = models.ForeignKey("ikc_share.Organisation", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveBigIntegerField(default=0)
    done = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, int(self.done * 100 / self.total)) if self.total else 0

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


def report_upload_to(instance: AuditReport, filename: str) -> str:
    return f"audit-reports/org-{instance.organisation_id}/{filename}"


class AuditReport(_Job):
    """A PDF of the audit events of one period, made by a Celery task with progress."""

    date_from = models.DateField()
    date_to = models.DateField()
    file = models.FileField(upload_to=report_upload_to, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta(_Job.Meta):
        db_table = "ikc_share_auditreport"  # the table keeps its name from before the app moved
        constraints = [
            models.CheckConstraint(condition=Q(date_to__gte=models.F("date_from")), name="audit_report_period")
        ]


class VerificationJob(_Job):
    """A privacy officer's "verify the chain" for their organisation, run in Celery."""

    ok = models.BooleanField(null=True)
    events = models.BigIntegerField(default=0)
    report = models.TextField(blank=True)

    class Meta(_Job.Meta):
        db_table = "ikc_share_verificationjob"  # the table keeps its name from before the app moved


class RegisterText(models.Model):
    """The organisation's own text in its register of processing activities (art. 30(1)(g)):
    the general description of its technical and organisational security measures."""

    organisation = models.OneToOneField(
        "ikc_share.Organisation", on_delete=models.PROTECT, related_name="register_text"
    )
    security_measures = models.TextField(_("technische en organisatorische beveiligingsmaatregelen"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "ikc_share_registertext"  # the table keeps its name from before the app moved


class Processor(models.Model):
    """A processor (verwerker, art. 28) the organisation uses for the app's processing:
    hosting, e-mail, the supplier. A recipient in the register (art. 30(1)(d)); its country
    decides whether personal data go to a third country (art. 30(1)(e)). `activities`
    names the register entries it serves (accountability/register.py keys; empty: all).
    Ended, never deleted: the register shows the processors in use."""

    class Role(models.TextChoices):
        HOSTING = "hosting", _("Hosting (servers en opslag)")
        EMAIL = "email", _("E-mail versturen")
        SUPPLIER = "supplier", _("Leverancier van de app (beheer en ondersteuning)")
        BACKUP = "backup", _("Back-ups")
        OTHER = "other", _("Anders")

    organisation = models.ForeignKey("ikc_share.Organisation", on_delete=models.PROTECT, related_name="processors")
    name = models.CharField(_("naam van de verwerker"), max_length=200)
    role = models.CharField(_("rol"), max_length=10, choices=Role.choices)
    service = models.CharField(_("wat de verwerker doet"), max_length=300, blank=True)
    country = models.CharField(_("land waar de gegevens worden verwerkt"), max_length=2, default="NL")
    safeguards = models.TextField(_("waarborgen bij doorgifte buiten de EER (art. 44-49)"), blank=True)
    agreement_on = models.DateField(_("verwerkersovereenkomst (art. 28) gesloten op"), null=True, blank=True)
    activities = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["role", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["hosting", "email", "supplier", "backup", "other"]), name="processor_role_valid"
            ),
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="processor_country_code"),
        ]
        indexes = [models.Index(fields=["organisation", "ended_on"], name="processor_org_idx")]

    def __str__(self) -> str:
        return self.name


class ControllerSetting(models.Model):
    """What kind of controller the organisation is, where the law asks: the board of a
    public school (openbaar onderwijs) is an administrative authority (bestuursorgaan), so a
    parent contests its refusal of a request with an objection under the Awb (art. 34
    UAVG); against any other controller they go to the civil court (art. 35 UAVG). Without
    a row: not an administrative authority."""

    organisation = models.OneToOneField(
        "ikc_share.Organisation", on_delete=models.PROTECT, related_name="controller_setting"
    )
    public_authority = models.BooleanField(_("bestuursorgaan (openbaar onderwijs)"), default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)


# Rights requests are a sub-area of this app (accountability/rights/).
from accountability.rights.models import RightsRequest, RightsRequestStep  # noqa: E402

__all__ = ["RightsRequest", "RightsRequestStep"]
