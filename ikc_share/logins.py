"""The parent's one login: the one rule for finding or making the `User` of a Guardian
record, used by the paper letters, the consent and transfer e-mails and the parent
invitations alike.

One login per person, never shared:

- a guardian with an e-mail address gets the login of that address (the same parent at
  the school and at the childcare organisation is one person), but only when its name
  agrees or the login has no name (two parents who share one address are two people);
  otherwise, and without a login of that address, a new login with the address as
  username (or, when that username is taken, a username that is not an address);
- a guardian WITHOUT an e-mail address gets a new login of their own: an unusable
  password and a username that is not an e-mail address. They log in by the paper link
  only (or staff record their answer on paper). (The parent invitation refuses such a
  guardian itself: it needs an address to send to.)
- the person's other Guardian records at the organisations of the same IKC (same
  address, same person, no login yet) are linked to that login too. The records stay
  separate: one per organisation.

Failed link logins (django-axes, AXES_USERNAME_CALLABLE = `axes_username`) count per link:
a spent or broken link blocks only itself, never the link login of everyone behind the
same address.

Audited in the caller's transaction: creating or linking the guardians asked for writes
one `guardian.logins_linked` event per organisation (ids only, with the caller's reason);
linking the person's other records writes one `guardian.login_linked` per organisation.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Lower

from ikc_share.audit import audit_record
from ikc_share.models import Guardian, Organisation

User = get_user_model()


LINK_ATTEMPT_PREFIX = "link:"


def axes_username(request: Any, credentials: dict | None) -> str | None:
    """The name django-axes counts failed logins under (with the client's address). A
    password login: the username typed. A parent's e-mail or paper link (django-sesame) has
    no username: its own token, hashed, so that five clicks on a spent link lock that link
    only, not every parent's link login from behind the same proxy."""
    data = credentials if credentials is not None else getattr(request, "POST", None) or {}
    token = data.get("sesame")
    if token:
        return LINK_ATTEMPT_PREFIX + hashlib.sha256(str(token).encode()).hexdigest()[:40]
    return data.get("username")


def _name_key(first: str, last: str) -> tuple[str, str]:
    return (" ".join(first.split()).casefold(), " ".join(last.split()).casefold())


def _surname(guardian: Guardian) -> str:
    return " ".join(p for p in [guardian.name_prefix, guardian.last_name] if p)


def same_person(user: Any, guardian: Guardian) -> bool:
    """A login found by e-mail address is this guardian's only when the names agree (or
    the login has no name): two parents who share one address are two people. The
    surname may be stored with or without its prefix (tussenvoegsel)."""
    if not (user.first_name or user.last_name):
        return True
    key = _name_key(user.first_name, user.last_name)
    return key in {
        _name_key(guardian.first_name, guardian.last_name),
        _name_key(guardian.first_name, _surname(guardian)),
    }


def _paper_username(guardian: Guardian) -> str:
    # Not an e-mail address, never reused: a person with no address logs in by paper link only.
    return f"ouder-{guardian.pk}-{secrets.token_hex(4)}"


def _address(value: str) -> str:
    return value.strip().lower()


@transaction.atomic
def guardian_records_link(*, users: Iterable[Any], ikc_ids: Iterable[int], actor: Any) -> int:
    """Link the other Guardian records of these people (same e-mail address, same person,
    no login yet) at the organisations of these IKCs to their login. One
    `guardian.login_linked` event per organisation and login. Returns how many were linked."""
    by_address = {_address(u.email): u for u in users if u.email and _address(u.email)}
    ikc_ids = set(ikc_ids)
    if not by_address or not ikc_ids:
        return 0
    records = list(
        Guardian.objects.select_for_update(of=("self",))
        .annotate(address=Lower("email"))
        .filter(organisation__ikc_id__in=ikc_ids, address__in=list(by_address), user__isnull=True)
        .select_related("organisation")
        .order_by("pk")
    )
    groups: dict[tuple[int, int], list[Guardian]] = {}
    for record in records:
        user = by_address[record.address]
        if same_person(user, record):
            groups.setdefault((record.organisation_id, user.pk), []).append(record)
    linked = [record for group in groups.values() for record in group]
    for record in linked:
        record.user = by_address[record.address]
    Guardian.objects.bulk_update(linked, ["user"])
    for (_org_id, user_pk), group in sorted(groups.items()):
        audit_record(
            organisation=group[0].organisation,
            actor=actor,
            action="guardian.login_linked",
            target=group[0].user,
            payload={"guardians": sorted(g.pk for g in group), "user": user_pk},
        )
    return len(linked)


@transaction.atomic
def guardian_logins_ensure(*, guardians: Iterable[Guardian], actor: Any = None, reason: str) -> None:
    """Give every guardian without a login one (the rule in the module docstring) and link
    the person's other records at the IKC; sets `.user` on the objects passed in."""
    guardians = list(guardians)
    wanted = {g.pk: g for g in guardians if g.user_id is None}
    if wanted:
        found = _logins_give(wanted=wanted, actor=actor, reason=reason)
        for guardian in wanted.values():
            guardian.user = found[guardian.pk]
    users = _users_of(guardians)
    if any(u.email for u in users):
        guardian_records_link(users=users, ikc_ids=_ikc_ids_of(guardians), actor=actor)


def _users_of(guardians: list[Guardian]) -> list[Any]:
    """The logins of these guardians, without a query for those already loaded."""
    users = {g.user_id: g.user for g in guardians if g.user_id and Guardian.user.is_cached(g)}
    missing = {g.user_id for g in guardians if g.user_id and g.user_id not in users}
    if missing:
        users.update(User.objects.in_bulk(list(missing)))
    return list(users.values())


def _ikc_ids_of(guardians: list[Guardian]) -> set[int]:
    ikc_ids = {g.organisation.ikc_id for g in guardians if Guardian.organisation.is_cached(g)}
    missing = {g.organisation_id for g in guardians if not Guardian.organisation.is_cached(g)}
    if missing:
        ikc_ids |= set(Organisation.objects.filter(pk__in=missing).values_list("ikc_id", flat=True))
    return ikc_ids


def _logins_give(*, wanted: dict[int, Guardian], actor: Any, reason: str) -> dict[int, Any]:
    locked = list(
        Guardian.objects.select_for_update(of=("self",)).select_related("user").filter(pk__in=wanted).order_by("pk")
    )
    todo = [g for g in locked if g.user_id is None]  # another transaction may have been first
    emails = {_address(g.email) for g in todo if _address(g.email)}
    by_email: dict[str, list[Any]] = {}
    for user in User.objects.annotate(address=Lower("email")).filter(address__in=emails).order_by("pk"):
        by_email.setdefault(user.address, []).append(user)
    taken = set(User.objects.filter(username__in=emails).values_list("username", flat=True))
    new_users: list[Any] = []
    for guardian in todo:
        email = _address(guardian.email)
        user = next((u for u in by_email.get(email, []) if same_person(u, guardian)), None)
        if user is None:
            username = email if email and email not in taken else _paper_username(guardian)
            taken.add(username)
            user = User(username=username, email=email, first_name=guardian.first_name, last_name=_surname(guardian))
            user.set_unusable_password()
            new_users.append(user)
            if email:
                by_email.setdefault(email, []).append(user)
        guardian.user = user
    User.objects.bulk_create(new_users)
    created = {user.pk for user in new_users}
    for guardian in todo:
        guardian.user_id = guardian.user.pk
    Guardian.objects.bulk_update(todo, ["user"])
    per_org: dict[int, list[Guardian]] = {}
    for guardian in todo:
        per_org.setdefault(guardian.organisation_id, []).append(guardian)
    organisations = Organisation.objects.in_bulk(list(per_org))
    for org_id, linked in sorted(per_org.items()):
        audit_record(
            organisation=organisations[org_id],
            actor=actor,
            action="guardian.logins_linked",
            target=None,
            payload={
                "reason": reason,
                "guardians": [g.pk for g in linked],
                "users": [g.user_id for g in linked],
                "created": [g.user_id for g in linked if g.user_id in created],
            },
        )
    return {g.pk: g.user for g in locked}


def guardian_login_ensure(*, guardian: Guardian, actor: Any = None, reason: str) -> Any:
    """The login of one guardian (found or made by the one rule); returns the User."""
    guardian_logins_ensure(guardians=[guardian], actor=actor, reason=reason)
    return guardian.user
