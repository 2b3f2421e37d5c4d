"""May this transfer go ahead? `check_transfer()` is the stable interface the transfers
app calls (and `check_transfers()` the same for several versions at once). It re-checks
everything at the moment it is asked and never trusts a stored status on its own: the
version is active and valid, the agreement still passes `validate_version`, the child is
the sender's, the requester may send, the method is allowed, and consent, notices and
objections (agreements/rules/consent.py) do not block.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from agreements.choices import AgreementVersionStatus
from agreements.models import AgreementItem, AgreementVersion, DataCategory
from agreements.rules import bases
from agreements.rules import consent as consent_rules
from agreements.rules.approvals import approved_by_both
from agreements.rules.common import METHOD_EMAIL, METHOD_IN_APP, METHOD_MEETING, format_day, local_date, method_label
from agreements.rules.objections import objection_upheld_at
from agreements.rules.specs import errors, spec_from_version, version_items
from agreements.rules.validation import validate_version
from ikc_share import selectors as core_selectors
from ikc_share.choices import MembershipRole

if TYPE_CHECKING:
    from ikc_share.models import Child, Membership


@dataclass
class Verdict:
    """allowed: the whole transfer may go ahead. per_category: code → (allowed, sentences).
    reasons: when refused, every sentence saying why; when allowed, one sentence saying on
    what it rests. codes: the stable codes of what refused (for tests and statistics)."""

    allowed: bool
    per_category: dict[str, tuple[bool, list[str]]]
    reasons: list[str]
    codes: list[str] = field(default_factory=list)  # stable codes of the reasons that refused


def _version_active_reasons(version: AgreementVersion, at: datetime.datetime) -> list[tuple[str, str]]:
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


def _requester_reasons(
    *, requester, child: Child, version: AgreementVersion, memberships: dict[int, Membership] | None = None
) -> list[tuple[str, str]]:
    """`memberships`: the requester's active memberships by organisation id, when
    `check_transfers` loaded them once for many versions."""
    agreement = version.agreement
    sender = agreement.sending_organisation
    if requester is None or not getattr(requester, "is_authenticated", False) or not requester.is_active:
        return [
            (
                "requester_unknown",
                _("Alleen een ingelogde medewerker van %(sender)s kan gegevens overdragen.") % {"sender": sender.name},
            )
        ]
    if memberships is not None:
        membership = memberships.get(sender.pk)
    else:
        membership = core_selectors.active_memberships(user=requester, organisation_id=sender.pk).first()
    if membership is None:
        if (
            agreement.receiving_organisation_id in memberships
            if memberships is not None
            else core_selectors.active_memberships(
                user=requester, organisation_id=agreement.receiving_organisation_id
            ).exists()
        ):
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
    locations = list(membership.locations.all())
    if locations and child.location_id not in {loc.pk for loc in locations}:
        return [
            (
                "requester_wrong_location",
                _("U werkt niet op %(location)s, de locatie van dit kind.") % {"location": child.location.name},
            )
        ]
    return []


def _method_reasons(*, method: str, version: AgreementVersion) -> list[tuple[str, str]]:
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


def _consent_reasons(
    *, child: Child, version: AgreementVersion, categories: list[DataCategory], at: datetime.datetime
) -> dict[str, list[str]]:
    """Consent, notices and objections, per category: an empty list means nothing there
    blocks it. Asked for EVERY legal basis: parents must have been informed of this
    version whatever the basis; under e and f they may object (and the wait after
    informing must have passed); under consent (a) the guardians' decisions count, per
    the version's guardian policy, per category and explicit for special categories.
    The rules themselves live in agreements/rules/consent.py, which reads consent state
    through consent/selectors.py."""
    if not categories:
        return {}
    return consent_rules.consent_reasons(child=child, version=version, categories=categories, at=at)


def check_transfer(
    *,
    child: Child,
    agreement_version: AgreementVersion,
    categories: Iterable,
    at: datetime.datetime,
    requester,
    method: str,
) -> Verdict:
    """May `requester` hand over these categories of `child` under this version, by this
    method, at `at`? Everything is re-checked now; a stored status is not trusted alone.
    `categories` holds DataCategory objects or their codes."""
    return _check_transfer(
        child=child, version=agreement_version, categories=categories, at=at, requester=requester, method=method
    )


def may_proceed_on_silence(
    *, version: AgreementVersion, read_until: datetime.datetime | None, at: datetime.datetime
) -> bool:
    """When parents read first: silence until `read_until` lets the sender proceed, but never
    when the basis is consent (silence is not a yes)."""
    return not bases.asks_consent(version) and read_until is not None and at >= read_until


# Why prepared content must be destroyed (`parents_said_no`).
STOPPED_BY_CONSENT = "consent"
STOPPED_BY_OBJECTION = "objection"


def parents_said_no(*, child: Child, version: AgreementVersion, at: datetime.datetime) -> str:
    """Why content prepared for this child under this version must be destroyed now, or "":
    consent refused or withdrawn (or parents disagree) under basis a (`STOPPED_BY_CONSENT`),
    an objection upheld by `at` under e or f (`STOPPED_BY_OBJECTION`). A consent that is
    merely not given yet, or a pending objection, keeps the content (it is not sent)."""
    summary = consent_rules.consent_state_summary(child=child, version=version, at=at)
    if bases.asks_consent(version) and summary.state in (
        consent_rules.REFUSED,
        consent_rules.WITHDRAWN,
        consent_rules.CONFLICT,
    ):
        return STOPPED_BY_CONSENT
    if bases.allows_objection(version):
        facts = consent_rules.consent_facts(child=child, version=version, at=at)
        if any(objection_upheld_at(o, at) for o in facts.objections):
            return STOPPED_BY_OBJECTION
    return ""


@dataclass
class TransferQuestion:
    version: AgreementVersion
    categories: list  # DataCategory objects or codes
    method: str


def check_transfers(
    *, child: Child, questions: list[TransferQuestion], at: datetime.datetime, requester
) -> list[Verdict]:
    """check_transfer for several versions at once (the staff child page asks it for every
    active agreement): the same function per question, with what it reads loaded once for
    all of them, so the number of queries does not grow with the number of agreements."""
    if not questions:
        return []
    versions = list({q.version.pk: q.version for q in questions}.values())
    prefetch_related_objects(
        versions,
        "agreement__ikc",
        "agreement__sending_organisation",
        "agreement__receiving_organisation",
        Prefetch("items", queryset=AgreementItem.objects.select_related("category")),
        "receiving_roles",
        "receiving_locations",
        "approvals",
    )
    memberships = None
    if requester is not None and getattr(requester, "is_authenticated", False) and requester.is_active:
        memberships = {m.organisation_id: m for m in core_selectors.active_memberships(user=requester)}
    facts = consent_rules.consent_facts_for_pairs(
        pairs=[(child, v) for v in versions if child.organisation_id == v.agreement.sending_organisation_id], at=at
    )
    return [
        _check_transfer(
            child=child,
            version=q.version,
            categories=q.categories,
            at=at,
            requester=requester,
            method=q.method,
            memberships=memberships,
            consent_facts=facts.get((child.pk, q.version.pk)),
        )
        for q in questions
    ]


def _check_transfer(
    *,
    child: Child,
    version: AgreementVersion,
    categories: Iterable,
    at: datetime.datetime,
    requester,
    method: str,
    memberships: dict[int, Membership] | None = None,
    consent_facts=None,
) -> Verdict:
    if at.tzinfo is None:
        raise ValueError("check_transfer needs an aware datetime")
    agreement = version.agreement
    sender = agreement.sending_organisation
    codes = [c.code if isinstance(c, DataCategory) else str(c) for c in categories]
    in_agreement = {i.category.code: i for i in version_items(version)}
    known = {code: in_agreement[code].category for code in codes if code in in_agreement}
    if len(known) < len(set(codes)):
        known.update({c.code: c for c in DataCategory.objects.filter(code__in=[c for c in codes if c not in known])})

    general: list[tuple[str, str]] = []
    if not codes:
        general.append(("no_categories", _("Kies ten minste één gegevenscategorie om te delen.")))
    general += _version_active_reasons(version, at)
    broken = errors(validate_version(spec_from_version(version)))
    for message in broken:
        general.append(
            ("agreement_invalid", _("De afspraak voldoet niet (meer) aan de regels: %(text)s") % {"text": message.text})
        )
    if child.organisation_id != sender.pk:
        general.append(
            (
                "child_not_of_sender",
                _(
                    "Dit kind staat niet ingeschreven bij %(sender)s, de verzendende organisatie van deze "
                    "afspraak. Een organisatie deelt alleen gegevens uit haar eigen administratie."
                )
                % {"sender": sender.name},
            )
        )
    general += _requester_reasons(requester=requester, child=child, version=version, memberships=memberships)
    general += _method_reasons(method=method, version=version)
    if bases.is_legal_duty(version) and not child.vve_programme:
        general.append(
            (
                "no_vve_programme",
                _(
                    "Dit kind heeft geen VVE-programma gevolgd. De wettelijke overdracht geldt alleen voor "
                    "kinderen die voorschoolse educatie kregen."
                ),
            )
        )

    per_category: dict[str, tuple[bool, list[str]]] = {}
    covered = [known[c] for c in codes if c in in_agreement and c in known]
    # Consent, notices and objections count for every basis; for a child of another
    # organisation the sender has no guardians to ask (already refused above).
    if child.organisation_id != sender.pk:
        consent = {}
    elif consent_facts is not None:
        consent = (
            consent_rules.reasons_from_facts(facts=consent_facts, version=version, categories=covered, at=at)
            if covered
            else {}
        )
    else:
        consent = _consent_reasons(child=child, version=version, categories=covered, at=at)
    category_codes: list[str] = []
    for code in codes:
        if code not in in_agreement:
            name = known[code].name if code in known else code
            per_category[code] = (
                False,
                [_("%(name)s staat niet in deze afspraak en mag niet worden gedeeld.") % {"name": name}],
            )
            category_codes.append("category_not_in_agreement")
            continue
        refusals = consent.get(code, [])
        if refusals:
            category_codes.append("parents")
            per_category[code] = (False, refusals)
        else:
            per_category[code] = (
                True,
                [_("%(name)s staat in de afspraak.") % {"name": in_agreement[code].category.name}],
            )

    allowed = not general and bool(codes) and all(ok for ok, _reasons in per_category.values())
    if allowed:
        reasons = [
            _("Toegestaan: de afspraak ‘%(label)s’ is actief en de grondslag is %(basis)s.")
            % {"label": version.label, "basis": version.get_legal_basis_display()}
        ]
    else:
        reasons = [text for _code, text in general]
        if not general:
            reasons.append(_("Niet alle gekozen gegevens mogen worden gedeeld; zie per categorie."))
    return Verdict(
        allowed=allowed,
        per_category=per_category,
        reasons=reasons,
        codes=[code for code, _text in general] + sorted(set(category_codes)),
    )
