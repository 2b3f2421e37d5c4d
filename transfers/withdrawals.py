"""Which received copies are "to erase" because the consent they were shared on was
withdrawn (art. 7(3) and 17(1)(b) AVG), and why a copy cannot be erased on request.

Derived at the moment it is asked, never stored: a consent decision is the one fact, and a
copy is to erase while, for some guardian, the latest decision after the copy arrived that
applies to one of its categories is not a yes and that guardian withdrew after it arrived.
A parent who gives consent again takes the flag away; a parent who merely refused (never
gave) does not raise it (that blocks new transfers, see check_transfer, but withdraws
nothing). Only copies shared on consent (basis a) can be flagged: under a legal duty (c) no
consent was involved, and a copy kept under c or e cannot be erased on request while the
duty or task requires it (art. 17(3)(b)); the rules say which (agreements.rules.bases).

The decisions are read through consent/selectors.py, set-based: two queries for any number
of copies (the copies with their transfer's facts, then the decisions of their children).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from agreements.rules import bases
from consent import selectors as consent_selectors
from consent.choices import ConsentDecisionState
from transfers.choices import ReceivedTransferRemoval
from transfers.models import ReceivedTransfer

if TYPE_CHECKING:
    from ikc_share.models import Organisation

GIVEN = ConsentDecisionState.GIVEN
WITHDRAWN = ConsentDecisionState.WITHDRAWN


@dataclass(frozen=True)
class ErasureDue:
    """A copy to erase: since when the consent is withdrawn and for which of its categories."""

    received_id: int
    withdrawn_at: datetime.datetime
    codes: list[str] = field(default_factory=list)


def _withdrawn_after_receipt():
    """A withdrawal for the copy's child (the sender's record) under any version of the copy's
    agreement, made after the copy arrived (a subquery for ReceivedTransfer rows)."""
    return consent_selectors.consent_decisions().filter(
        child_id=OuterRef("transfer__child_id"),
        version__agreement_id=OuterRef("transfer__version__agreement_id"),
        state=WITHDRAWN,
        decided_at__gt=OuterRef("received_at"),
    )


def candidates(received: QuerySet[ReceivedTransfer]) -> QuerySet[ReceivedTransfer]:
    """The copies (of `received`) still held, shared on consent, with a withdrawal after they
    arrived: what `erasure_due` then judges per category."""
    return received.filter(removed_at__isnull=True, transfer__version__legal_basis__in=bases.consent_bases()).filter(
        Exists(_withdrawn_after_receipt())
    )


def erasure_due(received: QuerySet[ReceivedTransfer]) -> dict[int, ErasureDue]:
    """Per copy id: the copies of `received` that are to erase now (see the module). Two queries."""
    rows = list(
        candidates(received).values(
            "pk", "received_at", "category_codes", "transfer__child_id", "transfer__version__agreement_id"
        )
    )
    if not rows:
        return {}
    decisions = (
        consent_selectors.consent_decisions()
        .filter(
            child_id__in={r["transfer__child_id"] for r in rows},
            version__agreement_id__in={r["transfer__version__agreement_id"] for r in rows},
        )
        .order_by("decided_at", "pk")
        .values("child_id", "version__agreement_id", "guardian_id", "state", "category__code", "decided_at")
    )
    by_pair: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for d in decisions:
        by_pair[(d["child_id"], d["version__agreement_id"])].append(d)
    out: dict[int, ErasureDue] = {}
    for r in rows:
        after = [
            d
            for d in by_pair[(r["transfer__child_id"], r["transfer__version__agreement_id"])]
            if d["decided_at"] > r["received_at"]
        ]
        due = _judge(codes=list(r["category_codes"]), decisions=after)
        if due:
            out[r["pk"]] = ErasureDue(received_id=r["pk"], withdrawn_at=min(due.values()), codes=list(due))
    return out


def _judge(*, codes: list[str], decisions: list[dict]) -> dict[str, datetime.datetime]:
    """Per category code of the copy that is withdrawn: since when (decisions sorted)."""
    per_guardian: dict[int, list[dict]] = defaultdict(list)
    for d in decisions:
        per_guardian[d["guardian_id"]].append(d)
    due: dict[str, datetime.datetime] = {}
    for own in per_guardian.values():
        for code in codes:
            applying = [d for d in own if d["category__code"] in (None, code)]
            withdrawals = [d["decided_at"] for d in applying if d["state"] == WITHDRAWN]
            if withdrawals and applying[-1]["state"] != GIVEN:
                due[code] = min(due.get(code, withdrawals[-1]), withdrawals[-1])
    return {code: due[code] for code in codes if code in due}


def category_names(codes: list[str]) -> list[str]:
    known = consent_selectors.categories_by_code(codes)
    return [known[c].name if c in known else c for c in codes]


def due_for(received: ReceivedTransfer) -> ErasureDue | None:
    return erasure_due(ReceivedTransfer.objects.filter(pk=received.pk)).get(received.pk)


def due_in(organisation: Organisation) -> QuerySet[ReceivedTransfer]:
    """The organisation's copies that may be to erase (judge them with `erasure_due`)."""
    return candidates(ReceivedTransfer.objects.filter(organisation=organisation))


def erase_refusal(received: ReceivedTransfer) -> str:
    """Why the receiver may not erase this copy on request, or "" (it may): under a legal duty
    (c) or a public task (e) the copy stays while that requires it (art. 17(3)(b))."""
    version = received.transfer.version
    if bases.allows_erasure_of_received(version):
        return ""
    date = formats.date_format(received.retention_until, "j F Y")
    if bases.is_legal_duty(version):
        return _(
            "Deze gegevens zijn gedeeld omdat een wet dat voorschrijft (grondslag c, wettelijke plicht). Er is geen "
            "toestemming die kan worden ingetrokken, en zolang de wettelijke plicht ze vereist worden ze niet op "
            "verzoek gewist (art. 17 lid 3 onder b AVG). Ze worden verwijderd na de bewaartermijn (%(date)s)."
        ) % {"date": date}
    return _(
        "Deze gegevens zijn gedeeld voor een taak van algemeen belang (grondslag e). Ouders kunnen bezwaar maken; "
        "zolang de taak de gegevens vereist worden ze niet op verzoek gewist (art. 17 lid 3 onder b AVG). Ze "
        "worden verwijderd na de bewaartermijn (%(date)s)."
    ) % {"date": date}


# --- What the receiver's director and privacy contacts see in the inbox -----------------------------

SENDER_CHANGES_DAYS = 30


@dataclass
class HandlerOverview:
    """Metadata only (no content): the copies to erase, oldest withdrawal first, and the copies
    the sender corrected or erased lately (art. 19)."""

    to_erase: list[ReceivedTransfer]
    sender_changes: list[ReceivedTransfer]


def handler_overview(organisation: Organisation, *, at: datetime.datetime) -> HandlerOverview:
    due = erasure_due(due_in(organisation))
    related = ("transfer__sending_organisation", "transfer__version__agreement", "location")
    to_erase = list(ReceivedTransfer.objects.filter(pk__in=list(due)).select_related(*related))
    codes = sorted({c for d in due.values() for c in d.codes})
    names = dict(zip(codes, category_names(codes), strict=True))
    for r in to_erase:
        r.erase_due = due[r.pk]
        r.erase_names = [names[c] for c in r.erase_due.codes]
    to_erase.sort(key=lambda r: (r.erase_due.withdrawn_at, r.pk))
    since = at - datetime.timedelta(days=SENDER_CHANGES_DAYS)
    changes = list(
        ReceivedTransfer.objects.filter(organisation=organisation)
        .filter(Q(corrected_at__gte=since) | Q(removal=ReceivedTransferRemoval.ERASURE, removed_at__gte=since))
        .select_related(*related)
        .order_by("-pk")[:50]
    )
    return HandlerOverview(to_erase=to_erase, sender_changes=changes)


def mark_due(rows: list[ReceivedTransfer]) -> None:
    """Give each copy of an inbox page `erase_due` (an ErasureDue or None): two queries at most."""
    due = erasure_due(ReceivedTransfer.objects.filter(pk__in=[r.pk for r in rows])) if rows else {}
    for r in rows:
        r.erase_due = due.get(r.pk)
