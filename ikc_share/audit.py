"""The tamper-evident audit log: writing an event and verifying the chains.

Canonical form (version 1), the exact text the SHA-256 covers, fields joined by "|":

    v1|<chain>|<seq>|<at, UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ>|<actor id or "">|<action>|
    <target type>|<target id>|<payload: JSON, sorted keys, no spaces>|<previous hash>

It is stored in the row, so a verifier can (1) recompute the hash of the stored text,
(2) rebuild the text from the row's columns and compare, and (3) compare the stored
previous hash with the previous row's hash. On PostgreSQL the rows stream out of COPY
while the server hashes (1) and rebuilds (2) and Python links (3) them and checks the
search keys, both cores at once (`_pg_stream`); elsewhere the rows are read through the ORM.

Search keys: `child_ref`, `guardian_ref`, `version_ref`, `agreement_ref` and `transfer_ref`
are copies of ids for the audit browser's indexed filters. They are NOT in the hashed text
(the canonical form stays as it is); `audit_record` fills each from the payload's key
("child", "guardian", "version", "agreement", "transfer") when it holds one integer, else
from the target when the target is of that model, else NULL (`refs_for`). The verifier
recomputes them from the row's own payload and target and reports a row whose keys differ
("search keys differ from the payload"), so a filter can never hide or invent an event.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ikc_share.models import AuditChainHead, AuditEvent, Organisation

SYSTEM_CHAIN = "system"
ORGANISATION_CHAIN_PREFIX = "org-"  # an organisation's chain: "org-<id>"
FORMAT_VERSION = "v1"


def chain_for(organisation: Organisation | None) -> str:
    return f"{ORGANISATION_CHAIN_PREFIX}{organisation.pk}" if organisation is not None else SYSTEM_CHAIN


def _format_at(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_payload(payload: dict[str, Any] | None) -> str:
    """Ids and codes only. Values must be str, int, bool, None or lists of those."""
    payload = payload or {}
    for key, value in payload.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            if not (v is None or isinstance(v, (str, int, bool))):
                raise TypeError(f"audit payload {key!r} holds {type(v).__name__}; use ids and codes only")
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_text(
    *,
    chain: str,
    seq: int,
    at: datetime.datetime,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    payload: str,
    prev_hash: str,
) -> str:
    _check_separators(chain=chain, action=action, target_type=target_type, target_id=target_id)
    return "|".join(
        [
            FORMAT_VERSION,
            chain,
            str(seq),
            _format_at(at),
            "" if actor_id is None else str(actor_id),
            action,
            target_type,
            target_id,
            payload,
            prev_hash,
        ]
    )


def _check_separators(**fields: str) -> None:
    for name, value in fields.items():
        if "|" in value:
            raise ValueError(f"audit {name} may not contain '|'")


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# column -> (payload key, target model label)
REF_KEYS: dict[str, tuple[str, str]] = {
    "child_ref": ("child", "ikc_share.child"),
    "guardian_ref": ("guardian", "ikc_share.guardian"),
    "version_ref": ("version", "agreements.agreementversion"),
    "agreement_ref": ("agreement", "agreements.agreement"),
    "transfer_ref": ("transfer", "agreements.transfer"),
}
# Read from the canonical payload TEXT (sorted keys, no spaces, flat values), the same way in
# Python and in SQL: a top-level key followed by an integer of at most 18 characters. Inside
# a JSON string every quote is escaped, so a value can never look like a key.
_REF_PATTERNS = {key: re.compile(f'"{key}":(-?[0-9]+)[,}}]') for key, _label in REF_KEYS.values()}
_TARGET_ID = re.compile(r"[0-9]{1,18}")


def refs_for(*, target_type: str, target_id: str, payload: str) -> dict[str, int | None]:
    """The search keys of one event from its canonical payload text and target (module doc)."""
    refs: dict[str, int | None] = {}
    for column, (key, label) in REF_KEYS.items():
        found = _REF_PATTERNS[key].search(payload) if f'"{key}":' in payload else None
        if found and len(found.group(1)) <= 18:
            refs[column] = int(found.group(1))
        elif target_type == label and _TARGET_ID.fullmatch(target_id):
            refs[column] = int(target_id)
        else:
            refs[column] = None
    return refs


# The columns of an event that its place in its chain determines (all but its id and its
# organisation): what `chain_link` returns, and what the verifier reads back.
LINK_COLUMNS = (
    "chain",
    "seq",
    "at",
    "actor_id",
    "action",
    "target_type",
    "target_id",
    "payload",
    "canonical",
    "prev_hash",
    "hash",
    *REF_KEYS,
)
# The columns the canonical text is made of (canonical_text's arguments).
_TEXT_COLUMNS = ("chain", "seq", "at", "actor_id", "action", "target_type", "target_id", "payload", "prev_hash")


def chain_link(**columns: Any) -> dict[str, Any]:
    """The event that `columns` (exactly canonical_text's arguments: its chain, seq, time,
    actor, action, target, canonical payload text and the previous event's hash) place in
    its chain, as its LINK_COLUMNS: those columns, the canonical text, the text's hash and
    the search keys."""
    text = canonical_text(**columns)
    return {
        **columns,
        "canonical": text,
        "hash": sha256_hex(text),
        **refs_for(target_type=columns["target_type"], target_id=columns["target_id"], payload=columns["payload"]),
    }


def audit_record(
    *,
    organisation: Organisation | None,
    actor: Any | None,
    action: str,
    target: Any | None = None,
    payload: dict[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> AuditEvent:
    """Append one event to the organisation's chain. Call it as the LAST step of the
    service's transaction: it locks the chain head, so concurrent writers queue here.

    Everything that can be checked or prepared without the head is done before the lock.
    Inside a service's transaction no savepoint is made (`savepoint=False`): a savepoint and
    its release were two more round trips, one of them while holding the lock, and a failure
    here fails the whole service anyway. Called outside a transaction, it makes its own."""
    actor_id = getattr(actor, "pk", None) if actor is not None and getattr(actor, "is_authenticated", True) else None
    target_type = target._meta.label_lower if target is not None else ""
    target_id = str(target.pk) if target is not None else ""
    chain = chain_for(organisation)
    body = canonical_payload(payload)
    _check_separators(chain=chain, action=action, target_type=target_type, target_id=target_id)
    with transaction.atomic(savepoint=False):
        head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
        if head is None:
            AuditChainHead.objects.bulk_create([AuditChainHead(chain=chain)], ignore_conflicts=True)
            head = AuditChainHead.objects.select_for_update().get(chain=chain)
        link = chain_link(
            chain=chain,
            seq=head.seq + 1,
            at=at or timezone.now(),
            actor_id=actor_id,
            action=action,
            target_type=target_type,
            target_id=target_id,
            payload=body,
            prev_hash=head.hash,
        )
        event = AuditEvent.objects.create(organisation=organisation, **link)
        AuditChainHead.objects.filter(pk=head.pk).update(seq=link["seq"], hash=link["hash"])
    return event


@dataclass
class ChainProblem:
    chain: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"chain {self.chain}, event #{self.seq}: {self.reason}"


@dataclass
class VerifyResult:
    events: int = 0
    chains: int = 0
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def first_per_chain(self) -> list[ChainProblem]:
        seen: dict[str, ChainProblem] = {}
        for p in sorted(self.problems, key=lambda p: (p.chain, p.seq)):
            seen.setdefault(p.chain, p)
        return list(seen.values())


# PostgreSQL: the rows stream out of COPY in id order (the primary key; within a chain ids
# grow with seq, because each writer takes the next seq and its id while holding the chain
# head's lock). The server hashes the stored text and rebuilds it from the columns (the two
# booleans at the end) while Python links each row to the previous one of its chain and
# checks the search keys: both cores work at once, about 250,000 events/s on two cores,
# against about 40,000 for the same checks as one SQL statement (lag() over a sort and a
# regex per search key are what made that slow).
_PG_STREAM_SQL = """
COPY (
  SELECT e.chain, e.seq, e.prev_hash, e.hash, e.target_type, e.target_id, e.payload, {refs},
    encode(sha256(convert_to(e.canonical, 'UTF8')), 'hex') = e.hash,
    e.canonical = concat_ws('|', 'v1', e.chain, e.seq::text,
      to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      coalesce(e.actor_id::text, ''), e.action, e.target_type, e.target_id, e.payload, e.prev_hash)
  FROM {table} e {where} ORDER BY e.id
) TO STDOUT
"""
MAX_PROBLEMS = 1000

# `refs_for` on the bytes of a COPY row: one pass of one pattern finds the first
# `"key":<integer>` of every key (matches cannot overlap: each ends at "," or "}" and the
# next starts with a quote), the target rule is the same.
_REF_ANY = re.compile(('"(' + "|".join(key for key, _label in REF_KEYS.values()) + ')":(-?[0-9]+)[,}]').encode())
_REF_KEYS_BYTES = [(key.encode(), label.encode()) for key, label in REF_KEYS.values()]
_KEY_INDEX = {key: index for index, (key, _label) in enumerate(_REF_KEYS_BYTES)}
_LABEL_INDEX = {label: index for index, (_key, label) in enumerate(_REF_KEYS_BYTES)}
_TARGET_ID_BYTES = re.compile(rb"[0-9]{1,18}")
_COPY_ESCAPE = re.compile(rb"\\(.)")
_COPY_UNESCAPES = {b"b": b"\b", b"f": b"\f", b"n": b"\n", b"r": b"\r", b"t": b"\t", b"v": b"\v"}
_NULL = b"\\N"


def _copy_field(raw: bytes) -> bytes:
    """A field of COPY's text format as the bytes stored (backslash sequences undone)."""
    if b"\\" not in raw:
        return raw
    return _COPY_ESCAPE.sub(lambda m: _COPY_UNESCAPES.get(m.group(1), m.group(1)), raw)


def _refs_match(ttype: bytes, tid: bytes, payload: bytes, stored: list[bytes]) -> bool:
    expected = [_NULL] * len(_REF_KEYS_BYTES)
    if len(payload) > 2:
        seen = 0
        for m in _REF_ANY.finditer(payload):
            index = _KEY_INDEX[m.group(1)]
            if not seen & (1 << index):
                seen |= 1 << index
                if len(m.group(2)) <= 18:
                    expected[index] = m.group(2)
    index = _LABEL_INDEX.get(ttype)
    if index is not None and expected[index] is _NULL and _TARGET_ID_BYTES.fullmatch(tid):
        expected[index] = tid
    if stored == expected:
        return True
    # The same numbers written differently ("007") still match, as they do in refs_for.
    return all(
        (a == _NULL) == (b == _NULL) and (a == _NULL or int(a) == int(b)) for a, b in zip(stored, expected, strict=True)
    )


def _pg_stream(
    result: VerifyResult, chains: list[str] | None, head_map: dict, progress: Callable[[int], None] | None
) -> tuple[dict[str, tuple[int, int]], dict[str, str]]:
    """Check every row as it streams out of COPY. Returns the per-chain (count, max seq)
    and the hash of each chain's event at the head's seq."""
    where, params = "", None
    if chains is not None:
        where, params = "WHERE e.chain = ANY(%s)", [list(chains)]
    refs = ", ".join(f"e.{column}" for column in REF_KEYS)
    sql = _PG_STREAM_SQL.format(table=AuditEvent._meta.db_table, where=where, refs=refs)
    head_seqs = {chain.encode(): head.seq for chain, head in head_map.items()}
    state: dict[bytes, list] = {}  # chain -> [count, last seq, last hash, max seq, hash at the head's seq]
    problems = result.problems
    events = 0

    def check(lines: list[bytes]) -> None:
        nonlocal events
        for line in lines:
            chain, seq_text, prev, digest, ttype, tid, payload, *refs, hashed_ok, rebuilt_ok = line.split(b"\t")
            seq = int(seq_text)
            events += 1
            st = state.get(chain)
            if st is None:
                st = state[chain] = [0, 0, b"", 0, None]
            reason = None
            if hashed_ok != b"t":
                reason = "hash does not match the stored text"
            elif rebuilt_ok != b"t":
                reason = "row columns differ from the hashed text"
            elif prev != st[2]:
                reason = "previous hash does not match the previous event"
            elif seq != st[1] + 1:
                reason = "sequence gap (an event is missing)"
            elif not _refs_match(ttype, tid, _copy_field(payload) if b"\\" in payload else payload, refs):
                reason = "search keys differ from the payload"
            if reason and len(problems) < MAX_PROBLEMS:
                problems.append(ChainProblem(chain.decode(), seq, reason))
            st[0] += 1
            st[1], st[2] = seq, digest
            if seq > st[3]:
                st[3] = seq
            if seq == head_seqs.get(chain):
                st[4] = digest.decode()
            if progress is not None and events % 50_000 == 0:
                progress(events)

    # COPY sends a message per row: gather them and split into lines a megabyte at a time.
    buffer = bytearray()
    with connection.cursor() as cursor, cursor.cursor.copy(sql, params) as copy:
        for block in copy:
            buffer += block
            if len(buffer) >= 1 << 20:
                cut = buffer.rindex(b"\n") + 1
                check(bytes(buffer[: cut - 1]).split(b"\n"))
                del buffer[:cut]
    if buffer:
        check(bytes(buffer).rstrip(b"\n").split(b"\n"))
    stats = {chain.decode(): (st[0], st[3]) for chain, st in state.items()}
    last_hashes = {chain.decode(): st[4] for chain, st in state.items() if st[4] is not None}
    return stats, last_hashes


def verify_chains(*, chains: list[str] | None = None, progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Check every chain (or the given ones). Returns all problems found (up to a limit),
    so the first broken link per chain can be reported. `progress(events_checked)` is
    called now and then while rows stream through Python."""
    result = VerifyResult()
    heads = AuditChainHead.objects.all()
    if chains is not None:
        heads = heads.filter(chain__in=chains)
    head_map = {h.chain: h for h in heads}
    result.chains = len(head_map)
    if connection.vendor == "postgresql":
        stats, last_hashes = _pg_stream(result, chains, head_map, progress)
        result.events = sum(n for n, _ in stats.values())
        if progress is not None:
            progress(result.events)
    else:
        stats = {}
        qs = AuditEvent.objects.order_by("chain", "seq").values(*LINK_COLUMNS)
        if chains is not None:
            qs = qs.filter(chain__in=chains)
        prev_chain, prev_hash, prev_seq = None, "", 0
        for row in qs.iterator(2000):
            chain, seq, text, digest = row["chain"], row["seq"], row["canonical"], row["hash"]
            if chain != prev_chain:
                prev_chain, prev_hash, prev_seq = chain, "", 0
            result.events += 1
            n, _ = stats.get(chain, (0, 0))
            stats[chain] = (n + 1, seq)
            reason = None
            if sha256_hex(text) != digest:
                reason = "hash does not match the stored text"
            elif text != canonical_text(**{column: row[column] for column in _TEXT_COLUMNS}):
                reason = "row columns differ from the hashed text"
            elif row["prev_hash"] != prev_hash:
                reason = "previous hash does not match the previous event"
            elif seq != prev_seq + 1:
                reason = "sequence gap (an event is missing)"
            elif any(
                row[column] != ref
                for column, ref in refs_for(
                    target_type=row["target_type"], target_id=row["target_id"], payload=row["payload"]
                ).items()
            ):
                reason = "search keys differ from the payload"
            if reason:
                result.problems.append(ChainProblem(chain, seq, reason))
            prev_hash, prev_seq = digest, seq
            if progress is not None and result.events % 5000 == 0:
                progress(result.events)
        if progress is not None:
            progress(result.events)
        last_hashes = _last_hashes(head_map)
    # The head must point at the last event: this catches events cut off the end.
    for chain, head in head_map.items():
        _n, max_seq = stats.get(chain, (0, 0))
        if head.seq != max_seq:
            result.problems.append(
                ChainProblem(chain, max_seq + 1, f"chain head says {head.seq} events, found {max_seq}")
            )
        elif head.seq and last_hashes.get(chain) != head.hash:
            result.problems.append(ChainProblem(chain, head.seq, "last event's hash differs from the chain head"))
    for chain in set(stats) - set(head_map):
        if chains is None:
            result.problems.append(ChainProblem(chain, 1, "events without a chain head"))
    return result


def _last_hashes(head_map: dict[str, AuditChainHead]) -> dict[str, str]:
    if not head_map:
        return {}
    q = Q()
    for chain, head in head_map.items():
        q |= Q(chain=chain, seq=head.seq)
    return dict(AuditEvent.objects.filter(q).values_list("chain", "hash"))
