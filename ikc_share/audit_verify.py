"""Verifying the audit chains (the format: ikc_share/audit.py). Every row's hash is
recomputed (HMAC for keyed events, SHA-256 for the unkeyed ones before the seal), its text
rebuilt from its columns, its link to the previous event and its search keys checked; each
chain's head must point at its last event, and every anchor (audit_anchors.py) must match."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q

from ikc_share.audit import (
    _TEXT_COLUMNS,
    FORMAT_VERSION,
    LINK_COLUMNS,
    REF_KEYS,
    UNKEYED_VERSION,
    audit_key,
    canonical_text,
    digest_of,
    hmac_pads,
    refs_for,
    text_version,
)
from ikc_share.audit_anchors import stored_anchor_problems
from ikc_share.models import AuditChainHead, AuditEvent


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
    split_part(e.canonical, '|', 1),
    CASE split_part(e.canonical, '|', 1)
      WHEN 'v2' THEN encode(sha256(%s::bytea || sha256(%s::bytea || convert_to(e.canonical, 'UTF8'))), 'hex')
      WHEN 'v1' THEN encode(sha256(convert_to(e.canonical, 'UTF8')), 'hex')
    END = e.hash,
    e.canonical = concat_ws('|', split_part(e.canonical, '|', 1), e.chain, e.seq::text,
      to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      coalesce(e.actor_id::text, ''), e.action, e.target_type, e.target_id, e.payload, e.prev_hash)
  FROM {table} e {where} ORDER BY e.id
) TO STDOUT
"""
MAX_PROBLEMS = 1000
UNKEYED_AFTER_KEYED = "unkeyed (v1) event after the chain was keyed"
UNSEALED = "the chain ends in an unkeyed (v1) event: not sealed by a keyed one"

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
    outer, inner = hmac_pads(audit_key())
    where, params = "", [outer, inner]
    if chains is not None:
        where = "WHERE e.chain = ANY(%s)"
        params.append(list(chains))
    refs = ", ".join(f"e.{column}" for column in REF_KEYS)
    sql = _PG_STREAM_SQL.format(table=AuditEvent._meta.db_table, where=where, refs=refs)
    head_seqs = {chain.encode(): head.seq for chain, head in head_map.items()}
    # chain -> [count, last seq, last hash, max seq, hash at the head's seq, keyed yet, last version]
    state: dict[bytes, list] = {}
    problems = result.problems
    events = 0

    def check(lines: list[bytes]) -> None:
        nonlocal events
        for line in lines:
            chain, seq_text, prev, digest, ttype, tid, payload, *refs, version, hashed_ok, rebuilt_ok = line.split(
                b"\t"
            )
            seq = int(seq_text)
            events += 1
            st = state.get(chain)
            if st is None:
                st = state[chain] = [0, 0, b"", 0, None, False, b""]
            reason = None
            if hashed_ok != b"t":
                reason = "hash does not match the stored text"
            elif rebuilt_ok != b"t":
                reason = "row columns differ from the hashed text"
            elif version == b"v1" and st[5]:
                reason = UNKEYED_AFTER_KEYED
            elif prev != st[2]:
                reason = "previous hash does not match the previous event"
            elif seq != st[1] + 1:
                reason = "sequence gap (an event is missing)"
            elif not _refs_match(ttype, tid, _copy_field(payload) if b"\\" in payload else payload, refs):
                reason = "search keys differ from the payload"
            if reason and len(problems) < MAX_PROBLEMS:
                problems.append(ChainProblem(chain.decode(), seq, reason))
            st[0] += 1
            st[1], st[2], st[6] = seq, digest, version
            if version == b"v2":
                st[5] = True
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
    for chain, st in state.items():
        if st[6] != b"v2":
            problems.append(ChainProblem(chain.decode(), st[1], UNSEALED))
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
        key = audit_key()
        prev_chain, prev_hash, prev_seq, keyed, last_version = None, "", 0, False, {}
        for row in qs.iterator(2000):
            chain, seq, text, digest = row["chain"], row["seq"], row["canonical"], row["hash"]
            if chain != prev_chain:
                prev_chain, prev_hash, prev_seq, keyed = chain, "", 0, False
            result.events += 1
            n, _ = stats.get(chain, (0, 0))
            stats[chain] = (n + 1, seq)
            version = text_version(text)
            reason = None
            if digest_of(text, key) != digest:
                reason = "hash does not match the stored text"
            elif text != canonical_text(**{column: row[column] for column in _TEXT_COLUMNS}, version=version):
                reason = "row columns differ from the hashed text"
            elif version == UNKEYED_VERSION and keyed:
                reason = UNKEYED_AFTER_KEYED
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
            keyed = keyed or version == FORMAT_VERSION
            last_version[chain] = (seq, version)
            if progress is not None and result.events % 5000 == 0:
                progress(result.events)
        if progress is not None:
            progress(result.events)
        for chain, (seq, version) in last_version.items():
            if version != FORMAT_VERSION:
                result.problems.append(ChainProblem(chain, seq, UNSEALED))
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
    for chain, seq, reason in stored_anchor_problems(chains):
        result.problems.append(ChainProblem(chain, seq, reason))
    return result


def _last_hashes(head_map: dict[str, AuditChainHead]) -> dict[str, str]:
    if not head_map:
        return {}
    q = Q()
    for chain, head in head_map.items():
        q |= Q(chain=chain, seq=head.seq)
    return dict(AuditEvent.objects.filter(q).values_list("chain", "hash"))
