"""A child's consent record for export (privacy officer and parent): JSON whose fields
follow ISO/IEC TS 27560 (consent record information structure) with W3C DPV terms for
the values, and the same content as a readable PDF (WeasyPrint, static files only).

Read-only: built from selectors; the views log the export through a service.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from agreements import selectors as agreement_selectors
from agreements.choices import AgreementVersionStatus
from agreements.letters.render import ASSET_BASE, html_to_pdf
from agreements.rules import bases
from agreements.rules.consent import consent_state_summaries
from consent.models import ConsentDecision, Objection, ParentNotice

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Organisation

SCHEMA_VERSION = "ISO/IEC TS 27560:2023"
CONTEXT = {
    "dpv": "https://w3id.org/dpv#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
    "dct": "http://purl.org/dc/terms/",
}
DPV_STATUS = {
    ConsentDecision.State.GIVEN: "dpv:ConsentGiven",
    ConsentDecision.State.REFUSED: "dpv:ConsentRefused",
    ConsentDecision.State.WITHDRAWN: "dpv:ConsentWithdrawn",
}
DPV_CHILD_STATE = {
    "given": "dpv:ConsentGiven",
    "refused": "dpv:ConsentRefused",
    "withdrawn": "dpv:ConsentWithdrawn",
    "no_answer": "dpv:ConsentRequested",
    "conflict": "dpv:ConsentRefused",
    "not_needed": "dpv:ConsentUnknown",
}
ART9 = {"a": "eu-gdpr:A9-2-a", "c": "eu-gdpr:A9-2-c", "g": "eu-gdpr:A9-2-g", "h": "eu-gdpr:A9-2-h"}
WITHDRAWAL_HOW = "one button and one confirmation; or tell a staff member in person or by phone"
NOTICE_METHOD = {"email": "e-mail", "paper": "paper letter handed over", "meeting": "three-way meeting"}


def _iso(at: datetime.datetime | None) -> str | None:
    return at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z") if at else None


def _party(org: Organisation, role: str) -> dict[str, Any]:
    return {
        "party_id": f"org-{org.pk}",
        "party_name": org.name,
        "party_role": role,
        "party_address": org.full_address,
        "party_email": org.privacy_email,
        "party_type": "dpv:DataController",
        "kvk_number": org.kvk_number,
    }


def versions_for_child(child: Child) -> list[AgreementVersion]:
    """Every version of an agreement sent by the child's organisation that is active or
    that this child has a decision, notice or objection under."""
    touched = set(ConsentDecision.objects.filter(child=child).values_list("version_id", flat=True))
    touched |= set(ParentNotice.objects.filter(child=child).values_list("version_id", flat=True))
    touched |= set(Objection.objects.filter(child=child).values_list("version_id", flat=True))
    return list(agreement_selectors.versions_sent_active_or_among(organisation_id=child.organisation_id, pks=touched))


def consent_record(*, child: Child, at: datetime.datetime | None = None) -> dict[str, Any]:
    at = at or timezone.now()
    versions = versions_for_child(child)
    decisions = list(
        ConsentDecision.objects.filter(child=child)
        .select_related("guardian", "category", "recorded_by", "letter")
        .order_by("decided_at", "pk")
    )
    notices = list(ParentNotice.objects.filter(child=child).select_related("guardian").order_by("at", "pk"))
    objections = list(Objection.objects.filter(child=child).select_related("guardian").order_by("created_at", "pk"))
    portal = settings.SITE_URL + reverse("consent:portal-child", kwargs={"child_pk": child.pk})
    records = []
    for version in versions:
        summary = (
            consent_state_summaries(children=[child], version=version, at=at)[child.pk]
            if version.status == AgreementVersionStatus.ACTIVE
            else None
        )
        agreement = version.agreement
        sender, receiver = agreement.sending_organisation, agreement.receiving_organisation
        v_decisions = [d for d in decisions if d.version_id == version.pk]
        v_notices = [n for n in notices if n.version_id == version.pk]
        records.append(
            {
                "record_id": f"urn:ikc-share:consent-record:child-{child.pk}:version-{version.pk}",
                "agreement": {
                    "id": agreement.pk,
                    "title": agreement.title,
                    "version": version.number,
                    "status": version.status,
                    "material_change": version.is_material_change,
                },
                "notice": [
                    {
                        "notice_id": n.letter.public_token if n.letter_id and n.letter else None,
                        "notice_hash": {"algorithm": "SHA-256", "value": n.letter_sha256 or None},
                        "language": n.language,
                        "method": NOTICE_METHOD.get(n.how, n.how),
                        "event_time": _iso(n.at),
                        "pii_principal_guardian": f"guardian-{n.guardian_id}",
                        "guardian_name": n.guardian.first_name,
                    }
                    for n in v_notices
                ],
                "pii_processing": {
                    "purposes": [
                        {
                            "purpose": version.get_purpose_display(),
                            "purpose_code": version.purpose,
                            "purpose_description": version.purpose_explanation,
                            "dpv:hasPurpose": "dpv:ServiceProvision",
                            "lawful_basis": bases.dpv_legal_basis(version),
                            "lawful_basis_label": version.get_legal_basis_display(),
                            "special_category_condition": ART9.get(version.art9_condition),
                            "pii_information": [
                                {
                                    "pii_type": i.category.code,
                                    "pii_name": i.category.name,
                                    "special_pii_category": i.category.is_special,
                                    "sensitive_pii_category": i.category.is_sensitive or i.category.is_special,
                                    "justification": i.justification,
                                }
                                for i in version.items.all()
                            ],
                            "pii_controllers": [f"org-{sender.pk}", f"org-{receiver.pk}"],
                            "recipient_third_parties": [f"org-{receiver.pk}"],
                            "recipient_roles": sorted(r.name for r in version.receiving_roles.all()),
                            "retention_period": f"P{version.retention_months}M",
                            "withdrawal_method": (
                                f"{portal} ({WITHDRAWAL_HOW})" if bases.asks_consent(version) else None
                            ),
                            "objection_method": portal if bases.allows_objection(version) else None,
                            "guardian_policy": version.guardian_policy,
                            "consent_per_category": version.consent_per_category,
                            "jurisdiction": "NL",
                            "authority": "Autoriteit Persoonsgegevens",
                        }
                    ],
                },
                "party_identification": [
                    _party(sender, "PII controller (sender)"),
                    _party(receiver, "PII controller (recipient)"),
                ],
                "event": [
                    {
                        "event_time": _iso(d.decided_at),
                        "recorded_time": _iso(d.recorded_at),
                        "entity_id": f"guardian-{d.guardian_id}",
                        "actor": d.guardian.first_name,
                        "recorded_by": f"user-{d.recorded_by_id}" if d.recorded_by_id else None,
                        "type": "explicit" if d.explicit else "expressed",
                        "dpv:hasConsentType": "dpv:ExplicitlyExpressedConsent"
                        if d.explicit
                        else "dpv:ExpressedConsent",
                        "state": d.state,
                        "dpv:hasConsentStatus": DPV_STATUS[d.state],
                        "pii_type": d.category.code if d.category else None,
                        "channel": d.channel,
                        "told_via": d.told_via or None,
                        "language": d.language,
                        "notice_hash": d.letter_sha256 or None,
                        "guardian_policy": d.guardian_policy,
                        "evidence_hash": d.scan_sha256 or None,
                    }
                    for d in v_decisions
                ],
                "objections": [
                    {
                        "event_time": _iso(o.created_at),
                        "entity_id": f"guardian-{o.guardian_id}",
                        "actor": o.guardian.first_name,
                        "state": o.status,
                        "decided_time": _iso(o.decided_at),
                        "decision_reason": o.decision_reason or None,
                    }
                    for o in objections
                    if o.version_id == version.pk
                ],
                "state": summary.state if summary else None,
                "dpv:hasConsentStatus": DPV_CHILD_STATE.get(summary.state) if summary else None,
                "state_explanation": summary.sentence if summary else None,
            }
        )
    return {
        "@context": CONTEXT,
        "schema_version": SCHEMA_VERSION,
        "generated_at": _iso(at),
        "pii_principal_id": f"child-{child.pk}",
        "pii_principal": {
            "first_name": child.first_name,
            "last_name": child.last_name,
            "date_of_birth": child.date_of_birth.isoformat(),
            "organisation": f"org-{child.organisation_id}",
        },
        "records": records,
    }


def consent_record_pdf(*, record: dict[str, Any], child: Child, language: str) -> bytes:
    with translation.override(language):
        html = render_to_string("consent/record_pdf.html", {"record": record, "child": child, "asset_base": ASSET_BASE})
    return html_to_pdf(html)
