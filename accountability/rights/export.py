"""The answer to an access request (art. 15) and a portability request (art. 20):
everything the organisation holds about the child and the requesting guardian, as JSON and
as a readable PDF, stored with the request and offered to the parent as a download in the
portal (never as an e-mail attachment).

What it contains (section keys of the JSON):
- `controller`, `request`: who answers and which request;
- `child`: the child's record as held;
- `guardians`: the requester's own record in full; every other guardian only as "another
  guardian" with whether they have parental authority: their personal data is left out
  (art. 15(4));
- the other guardian's decisions are left out too: `consent_decisions`, `parent_notices`,
  `objections` and the audit events hold only the requester's own (and the child's data);
- `processing`: purposes, recipients, retention, rights and source (art. 15(1)(a)–(h)),
  from the processing register;
- `consent_decisions` with the letter each was made on (`letters`), `parent_notices`,
  `objections`, `restrictions` (art. 18: which data category, since when, lifted when);
- `transfers_sent` and `transfers_received` with their contents as far as this
  organisation holds them (a sent transfer keeps only its hash once sent: the content is
  the receiver's record) and every opening by function title and organisation, never by
  name;
- `rights_requests`: the requester's requests about this child;
- `incidents`: data breaches that concerned the child;
- `audit_events`: the audit trail about the child, and about the requester where no other
  child is named, in words, with staff shown by function title and organisation; an event
  about another guardian is left out.

Nothing of another child is read: every query is by this child's or this guardian's id.

This is the PREPARED export, for the handler only. Its free texts (incident descriptions,
transfer contents, the parents' view, decision reasons) can name others: the handler
reviews them (accountability/rights/redaction.py) and releases the export
(accountability/rights/release.py); the parent downloads only the released version.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accountability import register, sentences, transfer_facts
from accountability.models import Incident, RetentionRule
from accountability.rights import rules as rights_rules
from accountability.rights.models import RightsRequest
from accountability.schedule import schedule_for
from agreements.letters.render import ASSET_BASE, html_to_pdf
from consent import selectors as consent_selectors
from ikc_share import selectors as core_selectors
from ikc_share.audit import audit_record

FORMAT = "ikc-share access export v1"
MAX_AUDIT_EVENTS = 5000


def _iso(value: datetime.datetime | datetime.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def _letter(letter, *, mine: bool) -> dict[str, Any] | None:
    if letter is None:
        return None
    personal = letter.guardian_id is not None
    link = None
    if not personal or mine:
        link = settings.SITE_URL + reverse("agreements:letter-public", kwargs={"token": letter.public_token})
    return {
        "id": letter.pk,
        "language": letter.language,
        "personal": personal,
        "sha256": letter.sha256,
        "link": link,
        "generated_at": _iso(letter.generated_at),
    }


def access_export(*, request: RightsRequest, at: datetime.datetime | None = None) -> dict[str, Any]:
    at = at or timezone.now()
    child, guardian, org = request.child, request.guardian, request.organisation
    mine = {guardian.pk}
    ships = list(
        core_selectors.guardianships()
        .filter(child=child, guardian__organisation_id=org.pk)
        .select_related("guardian")
        .order_by("-has_parental_authority", "pk")
    )
    guardians = []
    for s in ships:
        g = s.guardian
        if g.pk in mine:
            guardians.append(
                {
                    "you": True,
                    "id": g.pk,
                    "first_name": g.first_name,
                    "name_prefix": g.name_prefix,
                    "last_name": g.last_name,
                    "email": g.email,
                    "phone": g.phone,
                    "language": g.language,
                    "number_in_own_administration": g.external_id,
                    "relation": s.relation,
                    "has_parental_authority": s.has_parental_authority,
                    "recorded_at": _iso(g.created_at),
                }
            )
        else:
            guardians.append(
                {
                    "you": False,
                    "relation": s.relation,
                    "has_parental_authority": s.has_parental_authority,
                    "personal_data": "left out: another person's data (art. 15(4) GDPR)",
                }
            )

    decisions = list(
        consent_selectors.consent_decisions()
        .filter(child=child, guardian_id__in=mine)
        .select_related("version__agreement", "category", "letter")
        .order_by("decided_at", "pk")
    )
    letters: dict[int, dict] = {}
    consent_rows = []
    for d in decisions:
        is_mine = d.guardian_id in mine
        letter = _letter(d.letter, mine=is_mine)
        if letter and letter["link"]:
            letters[letter["id"]] = {**letter, "agreement": d.version.agreement.title, "version": d.version.number}
        consent_rows.append(
            {
                "id": d.pk,
                "agreement": d.version.agreement.title,
                "version": d.version.number,
                "category": d.category.code if d.category else None,
                "category_name": d.category.name if d.category else None,
                "state": d.state,
                "explicit": d.explicit,
                "decided_at": _iso(d.decided_at),
                "recorded_at": _iso(d.recorded_at),
                "channel": d.channel,
                "by": "you" if is_mine else "another guardian",
                "language": d.language,
                "letter_sha256": d.letter_sha256 or None,
                "letter": letter,
                "paper_form_sha256": d.scan_sha256 or None,
            }
        )
    notices = []
    for n in (
        consent_selectors.parent_notices()
        .filter(child=child, guardian_id__in=mine)
        .select_related("version__agreement", "letter")
        .order_by("at", "pk")
    ):
        is_mine = n.guardian_id in mine
        letter = _letter(n.letter, mine=is_mine)
        if letter and letter["link"]:
            letters[letter["id"]] = {**letter, "agreement": n.version.agreement.title, "version": n.version.number}
        notices.append(
            {
                "agreement": n.version.agreement.title,
                "version": n.version.number,
                "how": n.how,
                "at": _iso(n.at),
                "to": "you" if is_mine else "another guardian",
                "language": n.language,
                "letter_sha256": n.letter_sha256 or None,
                "letter": letter,
            }
        )
    objections = [
        {
            "agreement": o.version.agreement.title,
            "version": o.version.number,
            "by": "you" if o.guardian_id in mine else "another guardian",
            "explanation": o.explanation if o.guardian_id in mine else None,
            "status": o.status,
            "filed_at": _iso(o.created_at),
            "decided_at": _iso(o.decided_at),
            "decision_reason": o.decision_reason or None,
        }
        for o in consent_selectors.objections()
        .filter(child=child, guardian_id__in=mine)
        .select_related("version__agreement")
        .order_by("created_at", "pk")
    ]

    restrictions = [
        {
            "category": r.category.code,
            "category_name": r.category.name,
            "since": _iso(r.started_at),
            "lifted_at": _iso(r.lifted_at),
            "lift_reason": r.lift_reason or None,
            "by": None if r.requested_by_id is None else "you" if r.requested_by_id in mine else "another guardian",
            "reason": (r.reason or None) if r.requested_by_id in mine else None,
        }
        for r in consent_selectors.restrictions_of_child(child=child).order_by("started_at", "pk")
    ]

    transfers = transfer_facts.for_child(child=child)

    def transfer_row(t: transfer_facts.ChildTransfer) -> dict[str, Any]:
        return {
            "id": t.id,
            "agreement": t.agreement,
            "version": t.version,
            "purpose": t.purpose,
            "legal_basis": t.legal_basis,
            "other_organisation": t.other_organisation,
            "categories": t.categories,
            "state": str(t.state) if t.state else None,
            "at": _iso(t.at),
            "content": t.content or None,
            "parents_view": t.parents_view or None,
            "content_sha256": t.content_sha256 or None,
            "retention_until": _iso(t.retention_until),
            "removed_at": _iso(t.removed_at),
            "opened": [{"at": _iso(o.at), "role": o.role, "organisation": o.organisation} for o in t.openings],
        }

    requests = [
        {
            "id": r.pk,
            "kind": r.kind,
            "channel": r.channel,
            "received_on": _iso(r.received_on),
            "due_on": _iso(r.due_on),
            "extension_months": r.extension_months,
            "extension_reason": r.extension_reason or None,
            "status": r.status,
            "answer": r.answer or None,
            "description": r.description or None,
            "steps": [
                {"at": _iso(s.at), "status": s.status, "action": s.action, "message": s.message or None}
                for s in r.steps.all()
            ],
        }
        for r in RightsRequest.objects.filter(child=child, guardian=guardian)
        .prefetch_related("steps")
        .order_by("created_at", "pk")
    ]
    incidents = [
        {
            "number": i.number,
            "discovered_at": _iso(i.discovered_at),
            "what_happened": i.description,
            "data_categories": i.data_categories,
            "reported_to_authority": i.ap_reported,
            "parents_informed": i.parents_informed,
            "parents_informed_at": _iso(i.parents_informed_at),
            "status": i.status,
        }
        for i in Incident.objects.filter(organisation=org, children=child).order_by("discovered_at")
    ]
    events = list(
        core_selectors.audit_events()
        .filter(organisation=org)
        .filter(Q(child_ref=child.pk) | Q(guardian_ref=guardian.pk, child_ref__isnull=True))
        .filter(Q(guardian_ref__isnull=True) | Q(guardian_ref=guardian.pk))
        .order_by("id")[:MAX_AUDIT_EVENTS]
    )
    sentences.describe(events, organisation=org, audience="parent", me=guardian.user_id)
    reg = register.build(organisation=org)
    schedule = schedule_for(list(RetentionRule.objects.filter(organisation=org)))

    return {
        "format": FORMAT,
        "generated_at": _iso(at),
        "controller": {
            "name": org.name,
            "address": org.full_address,
            "kvk_number": org.kvk_number,
            "privacy_email": org.privacy_email,
            "privacy_officer": org.privacy_officer_name,
            "remedy_route": rights_rules.remedy_route(organisation=org),
        },
        "request": {
            "id": request.pk,
            "kind": request.kind,
            "received_on": _iso(request.received_on),
            "due_on": _iso(request.due_on),
        },
        "child": {
            "id": child.pk,
            "first_name": child.first_name,
            "name_prefix": child.name_prefix,
            "last_name": child.last_name,
            "date_of_birth": _iso(child.date_of_birth),
            "location": child.location.name,
            "group": child.group_name,
            "number_in_own_administration": child.external_id,
            "vve_programme": child.get_vve_programme_display() if child.vve_programme else None,
            "vve_months": child.vve_months,
            "started_on": _iso(child.started_on),
            "left_on": _iso(child.left_on),
            "recorded_at": _iso(child.created_at),
        },
        "guardians": guardians,
        "processing": {
            "purposes": [
                {
                    "processing": str(e.name),
                    "purpose": str(e.purpose),
                    "categories": [str(c) for c in e.categories],
                    "recipients": [str(r) for r in e.recipients],
                    "legal_basis": str(e.legal_basis),
                    "retention": str(e.retention),
                    "third_countries": str(e.third_countries),
                }
                for e in reg.entries
            ],
            "retention": {k: {"months": r.months, "from": str(r.default.clock)} for k, r in schedule.items()},
            "source": "recorded by the organisation, or given by you (the parents)",
            "automated_decisions": "none",
            "rights": [
                "rectification (art. 16)",
                "erasure (art. 17)",
                "restriction (art. 18)",
                "objection (art. 21) where the legal basis is a public task or a legitimate interest",
                "data portability (art. 20)",
                "withdrawal of consent at any time (art. 7(3))",
                "complaint to the Autoriteit Persoonsgegevens (art. 77)",
            ],
        },
        "consent_decisions": consent_rows,
        "parent_notices": notices,
        "letters": sorted(letters.values(), key=lambda x: x["id"]),
        "objections": objections,
        "restrictions": restrictions,
        "transfers_sent": [transfer_row(t) for t in transfers if t.direction == "sent"],
        "transfers_received": [transfer_row(t) for t in transfers if t.direction == "received"],
        "rights_requests": requests,
        "incidents": incidents,
        "audit_events": [
            {"seq": e.seq, "at": _iso(e.at), "action": e.action, "who": e.actor_name, "what": e.sentence}
            for e in events
        ],
        "audit_events_truncated": len(events) >= MAX_AUDIT_EVENTS,
    }


def export_pdf(*, data: dict[str, Any], language: str = "nl") -> bytes:
    """The export as a PDF in the parent's language, with what they can do when they do not
    agree with it (the remedy of accountability/rights/rules.py)."""
    controller = data.get("controller") or {}
    with translation.override(language):
        remedy = rights_rules.refusal_remedy(
            route=controller.get("remedy_route") or rights_rules.CIVIL, controller=controller.get("name") or ""
        )
        html = render_to_string(
            "accountability/rights/export_pdf.html", {"data": data, "asset_base": ASSET_BASE, "remedy": remedy}
        )
    return html_to_pdf(html)


def export_build(*, request_id: int) -> RightsRequest:
    """Assemble and store the prepared export (JSON + PDF) of an access or portability
    request, for the handler to review. Called by the Celery task. A new export replaces the
    earlier one and its review and release: the handler reviews again."""
    request = RightsRequest.objects.select_related("child__location", "guardian", "organisation").get(pk=request_id)
    data = access_export(request=request)
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    pdf = export_pdf(data=data, language=request.guardian.language or "nl")
    stamp = timezone.localdate().isoformat()
    with transaction.atomic():
        locked = RightsRequest.objects.select_for_update().get(pk=request_id)
        old = [f.name for f in (locked.export_json, locked.export_pdf, locked.released_json, locked.released_pdf) if f]
        locked.export_json.save(f"inzage-{locked.pk}-{stamp}.json", ContentFile(body), save=False)
        locked.export_pdf.save(f"inzage-{locked.pk}-{stamp}.pdf", ContentFile(pdf), save=False)
        locked.export_sha256 = hashlib.sha256(body).hexdigest()
        locked.export_generated_at = timezone.now()
        locked.export_status = RightsRequest.ExportStatus.READY
        locked.export_review = {}
        locked.export_reviewed_by = None
        locked.export_reviewed_at = None
        locked.released_json = locked.released_pdf = ""
        locked.released_sha256 = ""
        locked.export_released_at = None
        locked.updated_at = timezone.now()
        locked.save(
            update_fields=[
                "export_json", "export_pdf", "export_sha256", "export_generated_at", "export_status", "updated_at",
                "export_review", "export_reviewed_by", "export_reviewed_at", "released_json", "released_pdf",
                "released_sha256", "export_released_at",
            ]
        )  # fmt: skip
        audit_record(
            organisation=locked.organisation,
            actor=None,
            action="rights_request.export_prepared",
            target=locked,
            payload={
                "child": locked.child_id,
                "guardian": locked.guardian_id,
                "sha256": locked.export_sha256,
                "sections": sorted(k for k, v in data.items() if isinstance(v, list) and v),
            },
        )
        transaction.on_commit(lambda: _delete_files(old, keep={locked.export_json.name, locked.export_pdf.name}))
    return locked


def _delete_files(names: list[str], *, keep: set[str]) -> None:
    for name in names:
        if name not in keep:
            default_storage.delete(name)


def export_failed(*, request_id: int) -> None:
    RightsRequest.objects.filter(pk=request_id).update(export_status=RightsRequest.ExportStatus.FAILED)
