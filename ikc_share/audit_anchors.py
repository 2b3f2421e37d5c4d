"""Signed anchors of the audit chains (issue 19.5).

An anchor says "chain C had event S with hash H" at a moment, signed with the audit key
(HMAC-SHA256 over the anchor's text). Every day each chain that grew gets one: it is stored
(append-only on PostgreSQL) and e-mailed to the organisation's privacy officers, who keep the
e-mail outside ikc-share. The verifier checks every stored anchor against its event, and
`manage.py verify_audit --anchor FILE` checks an e-mailed one: a rewrite of the history by
someone holding both the database and the key still disagrees with the anchors already
sent out.

The text, as e-mailed (lines in this order; the signature covers the lines above it):

    ikc-share audit anchor v1
    chain: org-3
    seq: 1234
    hash: <64 hex>
    at: 2026-12-07T02:45:00.000000Z
    signature: <64 hex>
"""

from __future__ import annotations

import datetime
import hmac
import re

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ikc_share import mail, selectors
from ikc_share.audit import ORGANISATION_CHAIN_PREFIX, audit_key
from ikc_share.models import AuditAnchor, AuditChainHead, AuditEvent

HEADER = "ikc-share audit anchor v1"
_LINE = re.compile(r"^(chain|seq|hash|at|signature): ?(\S+)\s*$")


def _at_text(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _body(*, chain: str, seq: int, digest: str, at: str) -> str:
    return f"{HEADER}\nchain: {chain}\nseq: {seq}\nhash: {digest}\nat: {at}\n"


def sign(*, chain: str, seq: int, digest: str, at: str) -> str:
    text = "anchor|" + _body(chain=chain, seq=seq, digest=digest, at=at)
    return hmac.new(audit_key(), text.encode("utf-8"), "sha256").hexdigest()


def anchor_text(anchor: AuditAnchor) -> str:
    at = _at_text(anchor.at)
    return _body(chain=anchor.chain, seq=anchor.seq, digest=anchor.hash, at=at) + f"signature: {anchor.signature}\n"


def publish_anchors(*, now: datetime.datetime | None = None) -> list[AuditAnchor]:
    """One anchor for every chain whose head moved since its last anchor; each organisation's
    anchor is e-mailed to its active privacy officers."""
    now = now or timezone.now()
    at = _at_text(now)
    last = dict(AuditAnchor.objects.values("chain").annotate(top=Max("seq")).values_list("chain", "top"))
    made = []
    for head in AuditChainHead.objects.filter(seq__gt=0).order_by("chain"):
        if last.get(head.chain, 0) >= head.seq:
            continue
        emails = _officer_emails(head.chain)
        with transaction.atomic():
            anchor = AuditAnchor.objects.create(
                chain=head.chain,
                seq=head.seq,
                hash=head.hash,
                at=datetime.datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.UTC),
                signature=sign(chain=head.chain, seq=head.seq, digest=head.hash, at=at),
                sent_to=len(emails),
            )
        made.append(anchor)
        if emails:
            mail.send_templated(
                to=emails, template="audit_anchor", context={"anchor": anchor, "text": anchor_text(anchor)}
            )
    return made


def _officer_emails(chain: str) -> list[str]:
    if not chain.startswith(ORGANISATION_CHAIN_PREFIX):
        return []
    return selectors.privacy_officer_emails(organisation_ids=[int(chain.removeprefix(ORGANISATION_CHAIN_PREFIX))])


def parse(text: str) -> dict[str, str]:
    """The fields of an anchor's text (as e-mailed; other lines around it are ignored)."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    try:
        start = lines.index(HEADER)
    except ValueError:
        raise ValueError("no audit anchor in this text") from None
    fields: dict[str, str] = {}
    for line in lines[start + 1 : start + 6]:
        found = _LINE.match(line)
        if found:
            fields[found.group(1)] = found.group(2)
    missing = [name for name in ("chain", "seq", "hash", "at", "signature") if name not in fields]
    if missing or not fields["seq"].isascii() or not fields["seq"].isdigit():
        raise ValueError("the audit anchor is incomplete: " + ", ".join(missing or ["seq"]))
    return fields


def check_text(text: str) -> str | None:
    """None when the anchor's signature holds and the database still has that event with
    that hash; else what is wrong."""
    try:
        fields = parse(text)
    except ValueError as error:
        return str(error)
    seq = int(fields["seq"])
    expected = sign(chain=fields["chain"], seq=seq, digest=fields["hash"], at=fields["at"])
    if not hmac.compare_digest(expected, fields["signature"]):
        return f"chain {fields['chain']}, event #{seq}: the anchor's signature does not match (not made with this key)"
    return _event_problem(fields["chain"], seq, fields["hash"])


def _event_problem(chain: str, seq: int, digest: str, found: str | None = None, *, looked: bool = False) -> str | None:
    if not looked:
        found = AuditEvent.objects.filter(chain=chain, seq=seq).values_list("hash", flat=True).first()
    if found is None:
        return f"chain {chain}, event #{seq}: the anchored event is missing"
    if found != digest:
        return f"chain {chain}, event #{seq}: the event's hash differs from the anchor of that event"
    return None


def stored_anchor_problems(chains: list[str] | None = None) -> list[tuple[str, int, str]]:
    """(chain, seq, reason) for every stored anchor whose signature or event does not hold.
    Two queries, whatever the number of anchors."""
    anchors = AuditAnchor.objects.all()
    if chains is not None:
        anchors = anchors.filter(chain__in=chains)
    anchors = list(anchors.order_by("chain", "seq"))
    if not anchors:
        return []
    wanted = {(a.chain, a.seq) for a in anchors}
    events = AuditEvent.objects.filter(chain__in={c for c, _ in wanted}, seq__in={s for _, s in wanted})
    hashes = {(c, s): h for c, s, h in events.values_list("chain", "seq", "hash") if (c, s) in wanted}
    problems = []
    for anchor in anchors:
        at = _at_text(anchor.at)
        expected = sign(chain=anchor.chain, seq=anchor.seq, digest=anchor.hash, at=at)
        if not hmac.compare_digest(expected, anchor.signature):
            problems.append((anchor.chain, anchor.seq, "a stored anchor's signature does not match"))
            continue
        reason = _event_problem(
            anchor.chain, anchor.seq, anchor.hash, hashes.get((anchor.chain, anchor.seq)), looked=True
        )
        if reason:
            problems.append((anchor.chain, anchor.seq, reason.split(": ", 1)[1]))
    return problems
