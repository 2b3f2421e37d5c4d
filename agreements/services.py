"""Every state change of an agreement. Plain functions with keyword-only arguments; each
runs in one transaction and writes its audit events as the last step.

The life of a version: draft → awaiting approval → active → superseded | ended. A return
sends it back to draft; it is active only when both organisations' directors approved
this same version in the current round (since it was last submitted). Activating a
version supersedes the previously active one and queues its generic information letters
in both languages (rendered by a Celery task after commit).

Audit: an agreement concerns two controllers, so each event is written to BOTH
organisations' chains (each privacy officer audits it in their own log). Payloads hold
ids and codes only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import permissions, rules, tasks
from agreements.letters import services as letters_services
from agreements.models import Agreement, AgreementItem, AgreementVersion, Approval, Purpose
from ikc_share import outbox
from ikc_share.audit import audit_record

if TYPE_CHECKING:
    from ikc_share.models import Organisation

Status = AgreementVersion.Status
OPEN_STATUSES = (Status.DRAFT, Status.AWAITING_APPROVAL)


class AgreementRuleError(ValidationError):
    """The content breaks one or more rules; `rule_messages` keeps codes and fields."""

    def __init__(self, rule_messages: list[rules.RuleMessage]):
        self.rule_messages = rule_messages
        super().__init__([m.text for m in rule_messages])


def _check_rules(spec: rules.VersionSpec) -> list[rules.RuleMessage]:
    messages = rules.validate_version(spec)
    broken = rules.errors(messages)
    if broken:
        raise AgreementRuleError(broken)
    return messages


def _locked_version(version: AgreementVersion) -> AgreementVersion:
    """The version read again with its agreement, its row locked until the end of the
    transaction (two directors deciding at once queue)."""
    return AgreementVersion.objects.select_for_update().select_related("agreement").get(pk=version.pk)


def _audit(*, agreement: Agreement, actor, action: str, target, payload: dict) -> None:
    payload = {"agreement": agreement.pk, **payload}
    for org in (agreement.sending_organisation, agreement.receiving_organisation):
        audit_record(organisation=org, actor=actor, action=action, target=target, payload=payload)


def default_title(spec: rules.VersionSpec) -> str:
    return f"{Purpose(spec.purpose).label}: {spec.sending_organisation.name} → {spec.receiving_organisation.name}"


def _write_content(version: AgreementVersion, spec: rules.VersionSpec) -> None:
    version.purpose = spec.purpose
    version.purpose_explanation = spec.purpose_explanation.strip()
    version.legal_basis = spec.legal_basis
    version.art9_condition = spec.art9_condition or ""
    version.statutory_provision = spec.statutory_provision.strip()
    version.balancing_test = spec.balancing_test.strip()
    version.purpose_explanation_en = spec.purpose_explanation_en.strip()
    version.balancing_test_en = spec.balancing_test_en.strip()
    version.method_in_app = rules.METHOD_IN_APP in spec.methods
    version.method_meeting = rules.METHOD_MEETING in spec.methods
    version.retention_months = spec.retention_months
    version.valid_from = spec.valid_from
    version.valid_until = spec.valid_until
    version.consent_per_category = spec.consent_per_category
    version.guardian_policy = spec.guardian_policy
    version.parents_read_first = spec.parents_read_first
    version.parents_read_days = spec.parents_read_days
    version.objection_wait_days = spec.objection_wait_days
    version.consent_valid_months = spec.consent_valid_months
    version.scope_min_age = spec.scope_min_age
    version.scope_max_age = spec.scope_max_age
    version.scope_vve_only = spec.scope_vve_only
    version.save()
    version.items.all().delete()
    AgreementItem.objects.bulk_create(
        [
            AgreementItem(
                version=version,
                category=i.category,
                justification=i.justification.strip(),
                justification_en=i.justification_en.strip(),
            )
            for i in spec.items
        ]
    )
    version.receiving_roles.set(spec.receiving_roles)
    version.receiving_locations.set(spec.receiving_locations)
    version.scope_locations.set(spec.scope_locations)


def _classify(version: AgreementVersion, spec: rules.VersionSpec) -> None:
    """An amendment is compared with the version it amends (the active one)."""
    base = (
        version.agreement.versions.filter(number__lt=version.number, activated_at__isnull=False)
        .order_by("-number")
        .first()
    )
    if base is None:
        version.is_material_change = True
        version.change_summary = ""
        return
    report = rules.classify_change(rules.spec_from_version(base), spec)
    version.is_material_change = report.is_material
    version.change_summary = report.summary


def _content_payload(version: AgreementVersion) -> dict:
    return {
        "version": version.pk,
        "number": version.number,
        "purpose": version.purpose,
        "legal_basis": version.legal_basis,
        "art9_condition": version.art9_condition or None,
        "categories": sorted(version.items.values_list("category__code", flat=True)),
        "roles": sorted(version.receiving_roles.values_list("pk", flat=True)),
        "retention_months": version.retention_months,
        "scope_locations": sorted(version.scope_locations.values_list("pk", flat=True)),
        "scope_ages": [version.scope_min_age, version.scope_max_age],
        "scope_vve_only": version.scope_vve_only,
        "material": version.is_material_change,
    }


@transaction.atomic
def agreement_create(*, actor, spec: rules.VersionSpec, title: str = "") -> AgreementVersion:
    """A director of either party drafts a new agreement; returns its first version (draft)."""
    sender, receiver = spec.sending_organisation, spec.receiving_organisation
    permissions.require_drafting_director(actor, sender, receiver)
    spec.ikc = spec.ikc or sender.ikc
    _check_rules(spec)
    agreement = Agreement.objects.create(
        ikc=spec.ikc,
        sending_organisation=sender,
        receiving_organisation=receiver,
        title=(title.strip() or default_title(spec))[:200],
        created_by=actor,
    )
    version = AgreementVersion(agreement=agreement, number=1, status=Status.DRAFT, created_by=actor)
    version.is_material_change = True
    _write_content(version, spec)
    _audit(
        agreement=agreement,
        actor=actor,
        action="agreement.created",
        target=version,
        payload={**_content_payload(version), "sender": sender.pk, "receiver": receiver.pk},
    )
    return version


@transaction.atomic
def agreement_version_update(
    *, version: AgreementVersion, actor, spec: rules.VersionSpec, title: str | None = None
) -> AgreementVersion:
    """Edit a draft. The direction belongs to the agreement and cannot change."""
    version = _locked_version(version)
    agreement = version.agreement
    permissions.require_party_director(actor, agreement)
    if version.status != Status.DRAFT:
        raise ValidationError(_("Alleen een concept kan worden bewerkt."))
    if agreement.ended_at is not None:
        raise ValidationError(_("Deze afspraak is beëindigd."))
    spec.sending_organisation = agreement.sending_organisation
    spec.receiving_organisation = agreement.receiving_organisation
    spec.ikc = agreement.ikc
    _check_rules(spec)
    _classify(version, spec)
    _write_content(version, spec)
    if title is not None and title.strip() and title.strip() != agreement.title:
        agreement.title = title.strip()[:200]
        agreement.save(update_fields=["title"])
    _audit(
        agreement=agreement, actor=actor, action="agreement.edited", target=version, payload=_content_payload(version)
    )
    return version


@transaction.atomic
def agreement_version_submit(*, version: AgreementVersion, actor) -> AgreementVersion:
    """Offer a draft for approval by both directors. The rules are checked again.

    Submitting counts as the approval of the submitter's own organisation (an Approval at
    the moment of submission, with its own audit event), so only the other side still
    decides; a director of both parties chooses per side on the version's page as before.
    The directors who still have to approve get an e-mail (a task, through the outbox)."""
    version = _locked_version(version)
    agreement = version.agreement
    permissions.require_party_director(actor, agreement)
    if version.status != Status.DRAFT:
        raise ValidationError(_("Alleen een concept kan ter goedkeuring worden aangeboden."))
    if agreement.ended_at is not None:
        raise ValidationError(_("Deze afspraak is beëindigd."))
    spec = rules.spec_from_version(version)
    _check_rules(spec)
    _classify(version, spec)
    version.status = Status.AWAITING_APPROVAL
    version.submitted_at = timezone.now()
    version.save(update_fields=["status", "submitted_at", "is_material_change", "change_summary"])
    sides = permissions.approval_sides(actor, agreement)
    approval = None
    if len(sides) == 1:
        approval = Approval.objects.create(
            version=version,
            organisation=sides[0],
            decided_by=actor,
            decided_at=version.submitted_at,
            decision=Approval.Decision.APPROVED,
            comment="",
        )
    _audit(
        agreement=agreement,
        actor=actor,
        action="agreement.submitted",
        target=version,
        payload={"version": version.pk, "number": version.number, "material": version.is_material_change},
    )
    if approval is not None:
        _audit(
            agreement=agreement,
            actor=actor,
            action="agreement.approved",
            target=version,
            payload={
                "version": version.pk,
                "number": version.number,
                "side": approval.organisation_id,
                "approval": approval.pk,
                "by_submitting": True,
            },
        )
    outbox.enqueue(tasks.notify_approval_requested, version.pk)
    return version


def _decision_side(actor, agreement: Agreement, organisation: Organisation) -> None:
    if organisation.pk not in (agreement.sending_organisation_id, agreement.receiving_organisation_id):
        raise ValidationError(_("%(org)s is geen partij bij deze afspraak.") % {"org": organisation.name})
    permissions.require_director(actor, organisation)


@transaction.atomic
def agreement_version_approve(
    *, version: AgreementVersion, actor, organisation: Organisation, comment: str = ""
) -> AgreementVersion:
    """One side's director approves. When both sides approved this version in the
    current round it becomes active and the previously active version is superseded."""
    version = _locked_version(version)
    agreement = version.agreement
    _decision_side(actor, agreement, organisation)
    if version.status != Status.AWAITING_APPROVAL:
        raise ValidationError(_("Deze versie wacht niet op goedkeuring."))
    decided = rules.current_decisions(version).get(organisation.pk)
    if decided is not None and decided.decision == Approval.Decision.APPROVED:
        raise ValidationError(_("%(org)s heeft deze versie al goedgekeurd.") % {"org": organisation.name})
    _check_rules(rules.spec_from_version(version))
    approval = Approval.objects.create(
        version=version,
        organisation=organisation,
        decided_by=actor,
        decision=Approval.Decision.APPROVED,
        comment=comment.strip(),
    )
    superseded = None
    if rules.approved_by_both(version):
        now = timezone.now()
        superseded = agreement.versions.select_for_update().filter(status=Status.ACTIVE).exclude(pk=version.pk).first()
        if superseded is not None:
            superseded.status = Status.SUPERSEDED
            superseded.superseded_at = now
            superseded.save(update_fields=["status", "superseded_at"])
        version.status = Status.ACTIVE
        version.activated_at = now
        version.save(update_fields=["status", "activated_at"])
        # The parents' letters of the new version, in both languages: rendered by a task after commit.
        letters_services.letters_generate(version=version, actor=actor)
    _audit(
        agreement=agreement,
        actor=actor,
        action="agreement.approved",
        target=version,
        payload={"version": version.pk, "number": version.number, "side": organisation.pk, "approval": approval.pk},
    )
    if version.status == Status.ACTIVE:
        _audit(
            agreement=agreement,
            actor=actor,
            action="agreement.activated",
            target=version,
            payload={
                "version": version.pk,
                "number": version.number,
                "material": version.is_material_change,
                "superseded": superseded.pk if superseded else None,
            },
        )
    return version


@transaction.atomic
def agreement_version_return(
    *, version: AgreementVersion, actor, organisation: Organisation, comment: str
) -> AgreementVersion:
    """One side's director sends the version back to draft with a comment."""
    version = _locked_version(version)
    agreement = version.agreement
    _decision_side(actor, agreement, organisation)
    if version.status != Status.AWAITING_APPROVAL:
        raise ValidationError(_("Deze versie wacht niet op goedkeuring."))
    if not comment.strip():
        raise ValidationError(
            _("Schrijf erbij waarom u de versie terugstuurt, zodat de ander weet wat er moet veranderen.")
        )
    approval = Approval.objects.create(
        version=version,
        organisation=organisation,
        decided_by=actor,
        decision=Approval.Decision.RETURNED,
        comment=comment.strip(),
    )
    version.status = Status.DRAFT
    version.save(update_fields=["status"])
    _audit(
        agreement=agreement,
        actor=actor,
        action="agreement.returned",
        target=version,
        payload={"version": version.pk, "number": version.number, "side": organisation.pk, "approval": approval.pk},
    )
    return version


@transaction.atomic
def agreement_amend(*, agreement: Agreement, actor) -> AgreementVersion:
    """Start a new version (a draft) as a copy of the active one. The active version
    stays in force until both directors approved the new one."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    permissions.require_party_director(actor, agreement)
    if agreement.ended_at is not None:
        raise ValidationError(_("Deze afspraak is beëindigd."))
    active = agreement.versions.filter(status=Status.ACTIVE).first()
    if active is None:
        raise ValidationError(_("Alleen een actieve afspraak kan worden gewijzigd; pas anders het concept aan."))
    if agreement.versions.filter(status__in=OPEN_STATUSES).exists():
        raise ValidationError(_("Er is al een wijziging in behandeling. Rond die eerst af."))
    spec = rules.spec_from_version(active)
    number = (agreement.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = AgreementVersion(agreement=agreement, number=number, status=Status.DRAFT, created_by=actor)
    version.is_material_change = False
    version.change_summary = ""
    _write_content(version, spec)
    _audit(
        agreement=agreement,
        actor=actor,
        action="agreement.amended",
        target=version,
        payload={"version": version.pk, "number": number, "from_version": active.pk},
    )
    return version


@transaction.atomic
def agreement_end(*, agreement: Agreement, actor, reason: str) -> Agreement:
    """End the agreement: the active version (and any open draft) ends now."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    permissions.require_party_director(actor, agreement)
    if agreement.ended_at is not None:
        raise ValidationError(_("Deze afspraak is al beëindigd."))
    if not agreement.versions.filter(status=Status.ACTIVE).exists():
        raise ValidationError(
            _("Alleen een actieve afspraak kan worden beëindigd. Een concept past u aan of laat u liggen.")
        )
    if not reason.strip():
        raise ValidationError(_("Geef een reden op waarom de afspraak stopt."))
    now = timezone.now()
    ended_versions = list(
        agreement.versions.filter(status__in=(Status.ACTIVE, *OPEN_STATUSES)).values_list("pk", flat=True)
    )
    agreement.versions.filter(pk__in=ended_versions).update(status=Status.ENDED, ended_at=now)
    agreement.ended_at = now
    agreement.ended_by = actor
    agreement.end_reason = reason.strip()
    agreement.save(update_fields=["ended_at", "ended_by", "end_reason"])
    _audit(
        agreement=agreement,
        actor=actor,
        action="agreement.ended",
        target=agreement,
        payload={"versions": sorted(ended_versions)},
    )
    return agreement
