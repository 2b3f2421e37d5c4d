"""The general checks of a transfer question that do not depend on the categories: is the
version active at that moment, does it concern this child (its scope), may this requester
send this child's data, is the method allowed. transfers.py combines them with the
per-category rules."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from agreements.choices import AgreementVersionStatus
from agreements.models import AgreementVersion
from agreements.rules.approvals import approved_by_both
from agreements.rules.common import METHOD_EMAIL, METHOD_IN_APP, METHOD_MEETING, format_day, local_date, method_label
from agreements.rules.scope import OUT_OF_SCOPE, out_of_scope_reason
from ikc_share import selectors as core_selectors
from ikc_share.choices import MembershipRole

if TYPE_CHECKING:
    from ikc_share.models import Child


def version_active_reasons(version: AgreementVersion, at: datetime.datetime) -> list[tuple[str, str]]:
    """Active at `at`: both approvals on this version, activated by then, not superseded
    or ended by then, and `at` within validity (local calendar days, both inclusive)."""
    out: list[tuple[str, str]] = []
    agreement = version.agreement
    if version.activated_at is None or version.activated_at > at or not approved_by_both(version, at=at):
        out.append(
            (
                "version_not_active",
                _(
                    "Deze versie van de afspraak is niet door beide directeuren goedgekeurd en was op %(date)s "
                    "niet actief."
                )
                % {"date": format_day(local_date(at))},
            )
        )
        return out
    ended_at = version.ended_at or agreement.ended_at
    if ended_at is not None and ended_at <= at:
        out.append(
            ("agreement_ended", _("De afspraak is op %(date)s beëindigd.") % {"date": format_day(local_date(ended_at))})
        )
    if version.superseded_at is not None and version.superseded_at <= at:
        out.append(
            (
                "version_superseded",
                _("Deze versie is op %(date)s vervangen door een nieuwere versie; gebruik de actieve versie.")
                % {"date": format_day(local_date(version.superseded_at))},
            )
        )
    if version.status not in (
        AgreementVersionStatus.ACTIVE,
        AgreementVersionStatus.SUPERSEDED,
        AgreementVersionStatus.ENDED,
    ):
        out.append(("version_not_active", _("Deze versie van de afspraak is niet actief.")))
    day = local_date(at)
    if not version.is_valid_on(day):
        if version.valid_until is None:
            text = _("De afspraak geldt pas vanaf %(from)s.") % {"from": format_day(version.valid_from)}
        else:
            text = _("De afspraak geldt van %(from)s tot en met %(until)s; %(date)s valt daarbuiten.") % {
                "from": format_day(version.valid_from),
                "until": format_day(version.valid_until),
                "date": format_day(day),
            }
        out.append(("outside_validity", text))
    return out


def scope_reasons(*, version: AgreementVersion, child: Child, at: datetime.datetime) -> list[tuple[str, str]]:
    """The version does not concern this child of its sender at `at` (agreements/rules/scope.py)."""
    text = out_of_scope_reason(version, child, at)
    return [(OUT_OF_SCOPE, text)] if text else []


@dataclass(frozen=True)
class RequesterMembership:
    """What the requester rule reads of one of the requester's active memberships: the role
    and the locations where they work (empty: every location of the organisation)."""

    role: str
    location_ids: frozenset[int]


def requester_memberships(requester) -> dict[int, RequesterMembership]:
    """The requester's active memberships by organisation id, with their locations, in one
    query (a row per membership and location)."""
    roles: dict[int, str] = {}
    locations: dict[int, set[int]] = {}
    rows = (
        core_selectors.memberships()
        .filter(user=requester, is_active=True)
        .values_list("organisation_id", "role", "locations")
    )
    for organisation_id, role, location_id in rows:
        roles[organisation_id] = role
        found = locations.setdefault(organisation_id, set())
        if location_id is not None:
            found.add(location_id)
    return {org_id: RequesterMembership(role, frozenset(locations[org_id])) for org_id, role in roles.items()}


def requester_reasons(
    *, requester, child: Child, version: AgreementVersion, memberships: dict[int, RequesterMembership] | None = None
) -> list[tuple[str, str]]:
    """`memberships`: the requester's `requester_memberships`, when `check_transfers`
    loaded them once for many versions."""
    agreement = version.agreement
    sender = agreement.sending_organisation
    if requester is None or not getattr(requester, "is_authenticated", False) or not requester.is_active:
        return [
            (
                "requester_unknown",
                _("Alleen een ingelogde medewerker van %(sender)s kan gegevens overdragen.") % {"sender": sender.name},
            )
        ]
    if memberships is None:
        memberships = requester_memberships(requester)
    membership = memberships.get(sender.pk)
    if membership is None:
        if agreement.receiving_organisation_id in memberships:
            return [
                (
                    "receiver_cannot_pull",
                    _("De ontvangende organisatie kan gegevens niet zelf ophalen: alleen %(sender)s draagt over.")
                    % {"sender": sender.name},
                )
            ]
        return [
            (
                "requester_not_sender",
                _("U werkt niet bij %(sender)s en kunt onder deze afspraak geen gegevens overdragen.")
                % {"sender": sender.name},
            )
        ]
    if membership.role == MembershipRole.PRIVACY_OFFICER:
        return [
            (
                "privacy_officer_never_sends",
                _("Een privacy officer controleert en adviseert, maar draagt zelf geen gegevens over."),
            )
        ]
    if membership.role not in (MembershipRole.STAFF, MembershipRole.DIRECTOR):
        return [("requester_not_sender", _("U kunt onder deze afspraak geen gegevens overdragen."))]
    if membership.location_ids and child.location_id not in membership.location_ids:
        return [
            (
                "requester_wrong_location",
                _("U werkt niet op %(location)s, de locatie van dit kind.") % {"location": child.location.name},
            )
        ]
    return []


def method_reasons(*, method: str, version: AgreementVersion) -> list[tuple[str, str]]:
    if method == METHOD_EMAIL:
        return [("method_email", _("E-mail is nooit toegestaan: niet mailen maar delen."))]
    allowed = {METHOD_IN_APP: version.method_in_app, METHOD_MEETING: version.method_meeting}
    if not allowed.get(method, False):
        return [
            (
                "method_not_allowed",
                _("Deze afspraak staat overdracht via ‘%(method)s’ niet toe.") % {"method": method_label(method)},
            )
        ]
    return []
