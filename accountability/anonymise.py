"""Erasure as anonymisation: the services that remove a child's or a guardian's identifying
data from the organisation's own records, for an erasure request (art. 17) or when the
retention schedule says so.

The rows stay (consent decisions, notices, transfers and audit events point at them by id,
and the consent evidence is append-only), but nothing in them identifies the person any
more. The audit chain is never touched: its payloads hold ids and codes only, so the
chain stays verifiable, and an event about an anonymised child simply reads "geanonimiseerd
kind 12".
"""

from __future__ import annotations

import datetime

from django.db import transaction

from ikc_share.audit import audit_record
from ikc_share.models import Child, Guardian

ANONYMISED = "[geanonimiseerd]"


def is_anonymised_child(child: Child) -> bool:
    return child.first_name == ANONYMISED


def is_anonymised_guardian(guardian: Guardian) -> bool:
    return guardian.first_name == ANONYMISED


@transaction.atomic
def child_anonymise(*, child: Child, actor, reason: str, request_id: int | None = None) -> bool:
    """Remove the child's name, exact date of birth, own number and group. Keeps the
    organisation, location, year of birth, the VVE programme and the start and leaving
    dates (not identifying on their own; the retention clock needs the leaving date).
    Returns False when the record was already anonymised."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    if is_anonymised_child(child):
        return False
    child.first_name = ANONYMISED
    child.name_prefix = ""
    child.last_name = ""
    child.external_id = ""
    child.group_name = ""
    child.date_of_birth = datetime.date(child.date_of_birth.year, 1, 1)
    child.save(update_fields=["first_name", "name_prefix", "last_name", "external_id", "group_name", "date_of_birth"])
    audit_record(
        organisation=child.organisation,
        actor=actor,
        action="child.anonymised",
        target=child,
        payload={"reason": reason, "request": request_id},
    )
    return True


@transaction.atomic
def guardian_anonymise(
    *, guardian: Guardian, actor, reason: str, request_id: int | None = None, unlink_login: bool = True
) -> bool:
    """Remove the guardian's name and contact details. `unlink_login` also removes the link
    to the person's login (the login itself stays: it may belong to their records at the
    other organisation). An erasure request keeps the link until the request's own
    retention, so that the parent can still read its outcome in the portal; the retention
    schedule removes it. Returns False when there was nothing left to do."""
    guardian = Guardian.objects.select_for_update().get(pk=guardian.pk)
    fields: list[str] = []
    if not is_anonymised_guardian(guardian):
        guardian.first_name = ANONYMISED
        guardian.name_prefix = ""
        guardian.last_name = ""
        guardian.email = ""
        guardian.phone = ""
        guardian.external_id = ""
        fields += ["first_name", "name_prefix", "last_name", "email", "phone", "external_id"]
    if unlink_login and guardian.user_id is not None:
        guardian.user = None
        fields.append("user")
    if not fields:
        return False
    guardian.save(update_fields=fields)
    audit_record(
        organisation=guardian.organisation,
        actor=actor,
        action="guardian.anonymised",
        target=guardian,
        payload={"reason": reason, "request": request_id, "login_unlinked": "user" in fields},
    )
    return True
