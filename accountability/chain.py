"""The organisation's audit chain as the accountability pages see it: its head, the latest
verification that covered it, and a cache of costly figures that holds while the chain
stands (no new event). Also the local-day helpers the pages share."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from accountability.models import VerificationJob
from ikc_share import selectors as core_selectors
from ikc_share.audit import chain_for
from ikc_share.chain_cache import CHAIN_CACHE_SECONDS, NO_EVENTS, while_chains_stand

if TYPE_CHECKING:
    from ikc_share.models import Organisation

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=AMSTERDAM)


def month_start(today: datetime.date) -> datetime.datetime:
    return start_of_day(today.replace(day=1))


@dataclass
class ChainState:
    at: datetime.datetime | None
    ok: bool | None
    source: str  # nightly | manual | command | job
    report: str = ""
    events: int = 0
    head_seq: int = 0


def chain_state(*, organisation: Organisation, head_seq: int | None = None) -> ChainState:
    """The latest finished verification that covered this organisation's chain: the
    privacy officer's own job or the nightly run of all chains. Three queries (two when
    the caller read the chain head already)."""
    chain = chain_for(organisation)
    head = head_seq
    if head is None:
        head = core_selectors.audit_chain_heads(chain=chain).values_list("seq", flat=True).first() or 0
    job = (
        VerificationJob.objects.filter(organisation=organisation, status=VerificationJob.Status.DONE)
        .order_by("-finished_at")
        .first()
    )
    run = core_selectors.audit_verifications().filter(finished_at__isnull=False).order_by("-finished_at").first()
    state = ChainState(at=None, ok=None, source="", head_seq=head)
    if run is not None:
        lines = [line for line in run.report.splitlines() if line.startswith(f"chain {chain},")]
        state = ChainState(
            at=run.finished_at,
            ok=not lines,
            source=run.trigger,
            report="\n".join(lines),
            events=run.events,
            head_seq=head,
        )
    if job is not None and (state.at is None or job.finished_at >= state.at):
        state = ChainState(
            at=job.finished_at, ok=job.ok, source="job", report=job.report, events=job.events, head_seq=head
        )
    return state


# Figures that take many rows to count are cached under a key that holds the organisation's
# audit chain head (ikc_share/chain_cache.py): every change they depend on (a child or
# guardian imported or leaving, a decision, a withdrawal, a notice, a version activated or
# ended, a rights request, a retention rule or run, a member added) writes an event in this
# chain in the same transaction, so a new event means a new key and a fresh count. The day
# is in the key too (deadlines and retention dates move with it). A change that wrote no
# event could not be missed for longer than the timeout. Reloading the dashboard or paging
# the audit browser then does not count 2,500 (child, version) pairs or list 250 children again.


def chain_head(organisation: Organisation) -> tuple[int, str]:
    """(seq, hash) of the organisation's audit chain head; (0, "-") before its first event."""
    head = core_selectors.audit_chain_heads(chain=chain_for(organisation)).values_list("seq", "hash").first()
    return head or (0, NO_EVENTS)


def chain_head_hash(organisation: Organisation) -> str:
    return chain_head(organisation)[1]


def while_chain_stands(organisation: Organisation, name: str, compute, *, parts=(), head: str | None = None):
    """compute(), or its result from the cache while the organisation's chain head (and the
    parts) are the same (`ikc_share.chain_cache.while_chains_stand` for one organisation)."""
    heads = None if head is None else {organisation.pk: head}
    return while_chains_stand([organisation.pk], name, compute, parts=parts, timeout=CHAIN_CACHE_SECONDS, heads=heads)
