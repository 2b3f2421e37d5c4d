"""Read queries and shapes the transfer pages share. Callers fetch the objects through
transfers/permissions.py first; these functions then shape what a page shows.

The verdicts always come from agreements.rules.check_transfer (the one place that decides);
nothing here decides whether something may be shared.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import rules
from agreements import selectors as agreement_selectors
from consent import selectors as consent_selectors
from ikc_share import selectors as core_selectors
from transfers import forms as transfer_forms
from transfers.choices import TransferState
from transfers.models import ReceivedTransfer, Transfer, TransferAccess, TransferAttachment

if TYPE_CHECKING:
    from agreements.models import AgreementVersion, DataCategory
    from ikc_share.models import Child, Location, Organisation

# --- Content for reading ------------------------------------------------------------------------------


@dataclass
class ContentSection:
    code: str
    name: str
    rows: list[tuple[str, str]]


def categories_by_code(codes) -> dict[str, DataCategory]:
    return consent_selectors.categories_by_code(codes)


def content_sections(codes: list[str], content: dict) -> list[ContentSection]:
    known = categories_by_code(codes)
    out = []
    for code in codes:
        data = content.get(code) or {}
        name = known[code].name if code in known else code
        out.append(ContentSection(code=code, name=name, rows=transfer_forms.form_class(code).rows(data)))
    return out


def category_names(codes: list[str]) -> list[str]:
    known = categories_by_code(codes)
    return [known[c].name if c in known else c for c in codes]


# --- "May I share?" ---------------------------------------------------------------------------------------


@dataclass
class CategoryVerdict:
    category: DataCategory
    allowed: bool
    reasons: list[str]


@dataclass
class VersionVerdict:
    version: AgreementVersion
    method: str
    verdict: rules.Verdict
    categories: list[CategoryVerdict]
    general: list[str]  # reasons that hold for every category (requester, validity, method…)

    @property
    def explanations(self) -> list[str]:
        """When allowed: the sentences after the first that say which rule allows it."""
        return self.verdict.reasons[1:] if self.verdict.allowed else []

    @property
    def warnings(self) -> list[str]:
        return self.verdict.warnings

    @property
    def allowed_codes(self) -> list[str]:
        return [c.category.code for c in self.categories if c.allowed]

    @property
    def any_allowed(self) -> bool:
        return bool(self.allowed_codes)

    @property
    def basis(self) -> str:
        return self.version.get_legal_basis_display()


def preferred_method(version: AgreementVersion) -> str:
    return rules.METHOD_IN_APP if version.method_in_app else rules.METHOD_MEETING


def version_verdict(
    *, child: Child, version: AgreementVersion, user, at: datetime.datetime | None = None, method: str | None = None
) -> VersionVerdict:
    """check_transfer for every category of the version: green (allowed, with the basis) or
    red with the sentences saying why not. A category is allowed only when the whole check
    for that category alone would allow it."""
    return version_verdicts(child=child, versions=[version], user=user, at=at, method=method)[0]


def version_verdicts(
    *,
    child: Child,
    versions: list[AgreementVersion],
    user,
    at: datetime.datetime | None = None,
    method: str | None = None,
    consent_facts: dict | None = None,
) -> list[VersionVerdict]:
    """`version_verdict` for several versions, in a number of queries that does not grow
    with the number of versions (rules.check_transfers loads what the check reads once;
    `consent_facts`: what the caller already read at `at`, see rules.check_transfers)."""
    at = at or timezone.now()
    prefetch_related_objects(versions, Prefetch("items", queryset=agreement_selectors.items_with_category()))
    items = {v.pk: sorted(v.items.all(), key=lambda i: i.category.order) for v in versions}
    methods = {v.pk: method or preferred_method(v) for v in versions}
    verdicts = rules.check_transfers(
        child=child,
        questions=[
            rules.TransferQuestion(version=v, categories=[i.category.code for i in items[v.pk]], method=methods[v.pk])
            for v in versions
        ],
        at=at,
        requester=user,
        consent_facts=consent_facts,
    )
    out = []
    see_per_category = _see_per_category()
    for version, verdict in zip(versions, verdicts, strict=True):
        general = [] if verdict.allowed else [r for r in verdict.reasons if r != see_per_category]
        rows = []
        for item in items[version.pk]:
            ok, reasons = verdict.per_category.get(item.category.code, (False, []))
            allowed = ok and not general
            # Allowed: the sentences after "… staat in de afspraak." say on which rule it rests.
            rows.append(
                CategoryVerdict(category=item.category, allowed=allowed, reasons=reasons[1:] if allowed else reasons)
            )
        out.append(
            VersionVerdict(
                version=version, method=methods[version.pk], verdict=verdict, categories=rows, general=general
            )
        )
    return out


def _see_per_category() -> str:
    """The sentence check_transfer adds when only categories refuse (not a general reason)."""
    return _("Niet alle gekozen gegevens mogen worden gedeeld; zie per categorie.")


def applies_to(version: AgreementVersion, child: Child) -> bool:
    """Does the agreement's purpose concern children at this child's kind of location?
    (The rule: agreements.rules.purpose_concerns.)"""
    return rules.purpose_concerns(version.purpose, child.location.kind)


def sending_versions(child: Child) -> QuerySet[AgreementVersion]:
    """Active versions under which the child's own organisation sends."""
    return consent_selectors.active_versions_sent_by(child.organisation_id)


def child_verdicts(*, child: Child, user, at: datetime.datetime | None = None) -> list[VersionVerdict]:
    """'May I share?' for each active agreement that applies to the child: its purpose
    concerns the child's kind of location and its scope (locations, ages, VVE) the child."""
    concerning = agreement_selectors.versions_concerning(
        versions=sending_versions(child), child=child, at=at or timezone.now()
    )
    return version_verdicts(child=child, versions=[v for v in concerning if applies_to(v, child)], user=user, at=at)


def receiving_locations(version: AgreementVersion) -> QuerySet[Location]:
    chosen = version.receiving_locations.all()
    if chosen.exists():
        return chosen.order_by("name")
    return core_selectors.locations_of(organisation_id=version.agreement.receiving_organisation_id)


def child_transfers(child: Child) -> QuerySet[Transfer]:
    return (
        Transfer.objects.filter(child=child)
        .select_related("version__agreement", "receiving_organisation", "receiving_location", "created_by")
        .order_by("-created_at", "-pk")
    )


# --- Sender's view of a transfer ----------------------------------------------------------------------


def short_name(user) -> str:
    """'J. de Vries' (initial and last name), or the username."""
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if last:
        return f"{first[:1]}. {last}" if first else last
    return user.get_username()


@dataclass
class AccessLine:
    at: datetime.datetime
    function_title: str
    organisation: Organisation
    name: str = ""  # only for those who may see staff names (sender, privacy officer)
    times: int = 1  # openings by this person (the sender's summary shows the first one)


@dataclass
class TransferStatus:
    transfer: Transfer
    received: ReceivedTransfer | None
    accesses: list[AccessLine] = field(default_factory=list)

    @property
    def confirmed_at(self):
        return self.received.confirmed_at if self.received else None


def received_of(transfer: Transfer) -> ReceivedTransfer | None:
    return ReceivedTransfer.objects.filter(transfer=transfer).select_related("organisation", "location").first()


def access_lines(received: ReceivedTransfer | None, *, with_names: bool) -> list[AccessLine]:
    if received is None:
        return []
    accesses = TransferAccess.objects.filter(received=received).select_related("user", "organisation").order_by("at")
    return [
        AccessLine(
            at=a.at,
            function_title=a.function_title,
            organisation=a.organisation,
            name=short_name(a.user) if with_names else "",
        )
        for a in accesses
    ]


def first_openings(received: ReceivedTransfer | None) -> list[AccessLine]:
    """Per person the first time they opened it, and how often ("read by J. de Vries
    (leerkracht groep 1-2) on 12 March")."""
    if received is None:
        return []
    firsts: dict[int, AccessLine] = {}
    for a in TransferAccess.objects.filter(received=received).select_related("user", "organisation").order_by("at"):
        if a.user_id in firsts:
            firsts[a.user_id].times += 1
        else:
            firsts[a.user_id] = AccessLine(
                at=a.at, function_title=a.function_title, organisation=a.organisation, name=short_name(a.user)
            )
    return list(firsts.values())


def transfer_status(transfer: Transfer, *, with_names: bool = True) -> TransferStatus:
    """The sender's summary (first opening per person, with names) or, without names, every
    opening by role and organisation (the parents' view)."""
    received = received_of(transfer)
    accesses = first_openings(received) if with_names else access_lines(received, with_names=False)
    return TransferStatus(transfer=transfer, received=received, accesses=accesses)


def pending_attachments(transfer: Transfer) -> list[TransferAttachment]:
    return list(TransferAttachment.objects.filter(transfer=transfer).order_by("created_at", "pk"))


def received_attachments(received: ReceivedTransfer) -> list[TransferAttachment]:
    return list(TransferAttachment.objects.filter(received=received).order_by("created_at", "pk"))


def may_proceed_on_silence(transfer: Transfer, at: datetime.datetime | None = None) -> bool:
    """Silence for the agreed number of days lets the sender proceed, but never when the
    basis is consent (silence is not a yes)."""
    at = at or timezone.now()
    return transfer.state == Transfer.State.PARENTS_READING and rules.may_proceed_on_silence(
        version=transfer.version, read_until=transfer.parents_read_until, at=at
    )


def organisation_transfers(*, organisation: Organisation, transfers: QuerySet[Transfer]) -> QuerySet[Transfer]:
    return (
        transfers.filter(sending_organisation=organisation)
        .select_related("child", "version__agreement", "receiving_organisation", "receiving_location", "created_by")
        .order_by("-created_at", "-pk")
    )


# --- Receiving side -----------------------------------------------------------------------------------


INBOX_PAGE = 50
# The list shows names, dates and states, never the content: only the columns the page
# shows are loaded (the content of both the copy and the transfer is most of a row's bytes,
# and every column and joined row is work for the database and for Python, 50 times).
INBOX_COLUMNS = (
    "received_at",
    "child_name",
    "confirmed_at",
    "corrected_at",
    "removed_at",
    "removal",
    "location__name",
    "transfer__sending_organisation__name",
)


@dataclass
class InboxPage:
    received: list[ReceivedTransfer]
    older: int | None  # keyset cursor: the next page shows copies with a smaller id


def inbox(
    *,
    received: QuerySet[ReceivedTransfer],
    organisation: Organisation,
    before: int | None = None,
    size: int = INBOX_PAGE,
) -> InboxPage:
    """Newest first by the moment of arrival, a page at a time (keyset on (received_at, id):
    `before` is the last id of the previous page, whose arrival is looked up; ids alone are
    not in date order when copies were made with an earlier arrival, e.g. an import), each
    with `opened` (any TransferAccess) as one EXISTS instead of every access row, and with
    only what the list shows (INBOX_COLUMNS: the sending organisation's name and the
    location's name joined, nothing else)."""
    # Two steps: the page's ids first (a narrow query the planner cannot get wrong), then
    # those rows with their joins. In one query PostgreSQL joined every copy the reader may
    # see before sorting (about 15 ms for 850 copies at scale). The ids come from covering
    # indexes (transfers/migrations/0003): no table row is read to find them.
    ids = received.filter(organisation=organisation).order_by("-received_at", "-pk")
    if before is not None:
        cursor = received.filter(organisation=organisation, pk=before).values_list("received_at", flat=True).first()
        if cursor is not None:
            ids = ids.filter(Q(received_at__lt=cursor) | Q(received_at=cursor, pk__lt=before))
    page_ids = list(ids.values_list("pk", flat=True)[: size + 1])
    rows = list(
        ReceivedTransfer.objects.filter(pk__in=page_ids[:size])
        .select_related("transfer__sending_organisation", "location")
        .only("transfer", "transfer__sending_organisation", "location", *INBOX_COLUMNS)
        .annotate(opened=Exists(TransferAccess.objects.filter(received=OuterRef("pk"))))
        .order_by("-received_at", "-pk")
    )
    return InboxPage(received=rows, older=page_ids[size - 1] if len(page_ids) > size else None)


def link_suggestions(received: ReceivedTransfer, children: QuerySet[Child]) -> list[Child]:
    """The receiver's own children with the same date of birth (when it was shared) and (part
    of) the name; without a date of birth, the first and last name must both match. A
    suggestion only: a person confirms."""
    words = {w.lower() for w in received.child_name.split() if len(w) > 1}
    if received.child_date_of_birth is None:
        if len(words) < 2:
            return []
        return [c for c in children.order_by("last_name", "first_name") if words <= set(c.full_name.lower().split())]
    candidates = list(children.filter(date_of_birth=received.child_date_of_birth).order_by("last_name", "first_name"))
    scored = []
    for c in candidates:
        score = sum(1 for w in c.full_name.lower().split() if w in words)
        if score:
            scored.append((-score, c.last_name, c.first_name, c))
    return [c for *_key, c in sorted(scored, key=lambda t: t[:3])]


# --- Parents ------------------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    transfer: Transfer
    received: ReceivedTransfer | None
    categories: list[str]
    accesses: list[AccessLine]


def parent_timeline(child: Child) -> list[TimelineEntry]:
    """Every transfer of the child that left the sender's desk: what, when, from which
    organisation to which, and each opening by role and organisation (no staff names)."""
    transfers = list(
        Transfer.objects.filter(child=child)
        .exclude(state=TransferState.DRAFT)
        .select_related("sending_organisation", "receiving_organisation", "receiving_location", "version__agreement")
        .order_by("-created_at", "-pk")
    )
    received = {
        r.transfer_id: r
        for r in ReceivedTransfer.objects.filter(transfer__in=transfers).prefetch_related(
            Prefetch("accesses", queryset=TransferAccess.objects.select_related("organisation").order_by("at"))
        )
    }
    out = []
    for t in transfers:
        r = received.get(t.pk)
        accesses = (
            [
                AccessLine(at=a.at, function_title=a.function_title, organisation=a.organisation)
                for a in r.accesses.all()
            ]
            if r
            else []
        )
        out.append(
            TimelineEntry(transfer=t, received=r, categories=category_names(t.category_codes), accesses=accesses)
        )
    return out


def parent_content(transfer: Transfer) -> tuple[list[ContentSection], str, list[TransferAttachment]]:
    """What the parents can read: the prepared content while it waits, the receiver's copy
    once sent (until it is removed)."""
    if transfer.is_pending:
        return (
            content_sections(transfer.category_codes, transfer.content),
            transfer.parents_view,
            pending_attachments(transfer),
        )
    received = received_of(transfer)
    if received is None or received.is_removed:
        return [], "", []
    return (
        content_sections(received.category_codes, received.content),
        received.parents_view,
        received_attachments(received),
    )


# --- Privacy officer: the register -------------------------------------------------------------------


DUE_SOON_DAYS = 30


@dataclass
class Register:
    organisation: Organisation
    sent: list[Transfer]
    received: list[ReceivedTransfer]
    due: list[ReceivedTransfer]
    purged: list[ReceivedTransfer]
    accesses: list[TransferAccess]


def register(*, organisation: Organisation, at: datetime.datetime | None = None, limit: int = 200) -> Register:
    at = at or timezone.now()
    today = rules.local_date(at)
    received = ReceivedTransfer.objects.filter(organisation=organisation).select_related(
        "transfer__sending_organisation", "location"
    )
    return Register(
        organisation=organisation,
        sent=list(
            Transfer.objects.filter(sending_organisation=organisation)
            .select_related("receiving_organisation", "receiving_location", "version__agreement", "created_by")
            .order_by("-created_at")[:limit]
        ),
        received=list(received.order_by("-received_at")[:limit]),
        due=list(
            received.filter(
                removed_at__isnull=True, retention_until__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
            ).order_by("retention_until")
        ),
        purged=list(received.filter(removed_at__isnull=False).order_by("-removed_at")[:limit]),
        accesses=list(
            TransferAccess.objects.filter(organisation=organisation)
            .select_related("user", "received")
            .order_by("-at")[:limit]
        ),
    )


def transfers() -> QuerySet[Transfer]:
    """Every transfer (the sender's record), unordered, nothing joined: the caller filters."""
    return Transfer.objects.all()


def received_transfers() -> QuerySet[ReceivedTransfer]:
    """Every received copy (the receiver's record), unordered, nothing joined."""
    return ReceivedTransfer.objects.all()


def transfer_accesses() -> QuerySet[TransferAccess]:
    """Every opening of a received copy, unordered, nothing joined."""
    return TransferAccess.objects.all()
