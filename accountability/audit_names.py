"""The names an audit page shows, looked up in bulk: the payload of an event holds ids and
codes only, so names are found when the events are shown, for a whole page at once (a fixed
number of queries, whatever the page holds) and only within the organisation whose chain is
shown: a child, guardian or agreement of another organisation is shown by its number. A
person who has since been anonymised shows as such; the chain itself never changes.

Two audiences:
- staff (the privacy officer, the director): actors by name;
- a parent (the access export, art. 15): staff by their function title and organisation,
  never by name; the parent themself as "u"; another parent as "een andere ouder of
  verzorger" (art. 15(4)).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from accountability.anonymise import ANONYMISED
from agreements import selectors as agreement_selectors
from ikc_share import selectors as core_selectors

if TYPE_CHECKING:
    from ikc_share.models import AuditEvent, Child, Guardian, Organisation

User = get_user_model()


@dataclass
class Names:
    """Names for the ids on one page of events (built by `names_for`)."""

    organisation: Organisation
    audience: str = "staff"  # staff | parent
    users: dict[int, Any] = field(default_factory=dict)
    children: dict[int, Child] = field(default_factory=dict)
    guardians: dict[int, Guardian] = field(default_factory=dict)
    versions: dict[int, str] = field(default_factory=dict)
    agreements: dict[int, str] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)  # user id -> "Leerkracht groep 1-2 (Schoolbestuur X)"
    me: int | None = None  # the parent's own user id (parent audience)
    my_guardians: set[int] = field(default_factory=set)

    def actor(self, user_id: int | None) -> str:
        if user_id is None:
            return _("Het systeem")
        if self.audience == "parent":
            if user_id == self.me:
                return _("U")
            if user_id in self.roles:
                return self.roles[user_id]
            return _("Een andere ouder of verzorger")
        user = self.users.get(user_id)
        if user is None:
            return _("Gebruiker %(id)s") % {"id": user_id}
        return user.get_full_name() or user.get_username()

    def person(self, user_id: int | None) -> str:
        """A user named in the payload (a member, an invited person)."""
        return "–" if user_id is None else self.actor(user_id)

    def child(self, child_id: int | None) -> str:
        if child_id is None:
            return "–"
        child = self.children.get(child_id)
        if child is None:
            return _("kind %(id)s") % {"id": child_id}
        if child.first_name == ANONYMISED:
            return _("geanonimiseerd kind %(id)s") % {"id": child_id}
        return child.short_name

    def guardian(self, guardian_id: int | None) -> str:
        if guardian_id is None:
            return "–"
        if self.audience == "parent":
            return _("u") if guardian_id in self.my_guardians else _("een andere ouder of verzorger")
        guardian = self.guardians.get(guardian_id)
        if guardian is None:
            return _("ouder %(id)s") % {"id": guardian_id}
        if guardian.first_name == ANONYMISED:
            return _("geanonimiseerde ouder %(id)s") % {"id": guardian_id}
        return guardian.full_name

    def version(self, version_id: int | None) -> str:
        if version_id is None:
            return "–"
        return self.versions.get(version_id) or _("afspraakversie %(id)s") % {"id": version_id}

    def agreement(self, agreement_id: int | None) -> str:
        if agreement_id is None:
            return "–"
        return self.agreements.get(agreement_id) or _("afspraak %(id)s") % {"id": agreement_id}


def payload_of(event: AuditEvent) -> dict[str, Any]:
    cached = getattr(event, "_parsed_payload", None)
    if cached is None:
        try:
            cached = json.loads(event.payload or "{}")
        except ValueError:
            cached = {}
        if not isinstance(cached, dict):
            cached = {}
        event._parsed_payload = cached
    return cached


def int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def names_for(
    events: Iterable[AuditEvent],
    *,
    organisation: Organisation,
    audience: str = "staff",
    me: int | None = None,
) -> Names:
    """Look up every name the events need: at most six queries, whatever their number."""
    events = list(events)
    names = Names(organisation=organisation, audience=audience, me=me)
    user_ids: set[int] = set()
    child_ids: set[int] = set()
    guardian_ids: set[int] = set()
    version_ids: set[int] = set()
    agreement_ids: set[int] = set()
    for e in events:
        payload = payload_of(e)
        if e.actor_id:
            user_ids.add(e.actor_id)
        if (uid := int_or_none(payload.get("user"))) is not None:
            user_ids.add(uid)
        if e.child_ref is not None:
            child_ids.add(e.child_ref)
        if e.guardian_ref is not None:
            guardian_ids.add(e.guardian_ref)
        if e.version_ref is not None:
            version_ids.add(e.version_ref)
        if e.agreement_ref is not None:
            agreement_ids.add(e.agreement_ref)
    if audience == "staff" and user_ids:
        names.users = {
            u.pk: u for u in User.objects.filter(pk__in=user_ids).only("pk", "first_name", "last_name", "username")
        }
    if audience == "parent" and user_ids:
        memberships = (
            core_selectors.memberships()
            .filter(user_id__in=user_ids, organisation__ikc_id=organisation.ikc_id)
            .select_related("function_title", "organisation")
            .order_by("-organisation_id")
        )
        for m in memberships:
            if m.organisation_id == organisation.pk or m.user_id not in names.roles:
                title = m.function_title.name if m.function_title else m.get_role_display()
                names.roles[m.user_id] = f"{title} ({m.organisation.name})"
        if me is not None:
            names.my_guardians = set(core_selectors.guardians_of_user(user_id=me).values_list("pk", flat=True))
    if child_ids:
        names.children = {
            c.pk: c
            for c in core_selectors.children_of(organisation=organisation)
            .filter(pk__in=child_ids)
            .only("pk", "first_name", "last_name", "organisation_id")
        }
    if guardian_ids and audience == "staff":
        names.guardians = {
            g.pk: g
            for g in core_selectors.guardians_of(organisation=organisation)
            .filter(pk__in=guardian_ids)
            .only("pk", "first_name", "name_prefix", "last_name")
        }
    if version_ids:
        for v in (
            agreement_selectors.agreement_versions()
            .filter(pk__in=version_ids)
            .select_related("agreement")
            .only(
                "pk",
                "number",
                "agreement__title",
                "agreement__sending_organisation_id",
                "agreement__receiving_organisation_id",
            )
        ):
            if organisation.pk in (v.agreement.sending_organisation_id, v.agreement.receiving_organisation_id):
                names.versions[v.pk] = f"{v.agreement.title} v{v.number}"
    if agreement_ids:
        names.agreements = {
            a.pk: a.title
            for a in agreement_selectors.agreements()
            .filter(pk__in=agreement_ids)
            .only("pk", "title", "sending_organisation_id", "receiving_organisation_id")
            if organisation.pk in (a.sending_organisation_id, a.receiving_organisation_id)
        }
    return names
