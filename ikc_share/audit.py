"""The tamper-evident audit log: writing an event and verifying the chains.

Canonical form, the exact text the hash covers, fields joined by "|":

    v2|<chain>|<seq>|<at, UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ>|<actor id or "">|<action>|
    <target type>|<target id>|<payload: JSON, sorted keys, no spaces>|<previous hash>

Version 2 (keyed): the hash is HMAC-SHA256 of the text under the audit key
(settings.AUDIT_HMAC_KEY, or derived from SECRET_KEY), which lives outside the database:
someone who can write the database can append a row and move a head, but cannot make a
hash that verifies. Version 1 (plain SHA-256) is what events written before issue 19 hold;
migration ikc_share 0007 sealed every chain that had them with a keyed event, whose hash
covers the v1 history through its previous hash. The verifier accepts v1 only before a
chain's first v2 event and refuses a chain that ends in one. Anchors (audit_anchors.py):
signed (chain, seq, hash) statements e-mailed to the privacy officers and kept
append-only, which the verifier checks too.

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
import functools
import hashlib
import hmac
import json
import re
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ikc_share.models import AuditChainHead, AuditEvent, Organisation

SYSTEM_CHAIN = "system"
ORGANISATION_CHAIN_PREFIX = "org-"  # an organisation's chain: "org-<id>"
FORMAT_VERSION = "v2"  # keyed (HMAC-SHA256)
UNKEYED_VERSION = "v1"  # plain SHA-256: only events written before the chain was keyed


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
    version: str = FORMAT_VERSION,
) -> str:
    _check_separators(chain=chain, action=action, target_type=target_type, target_id=target_id)
    return "|".join(
        [
            version,
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


def audit_key() -> bytes:
    """The audit chain's HMAC key: settings.AUDIT_HMAC_KEY, else derived from SECRET_KEY
    (so that setting AUDIT_HMAC_KEY lets SECRET_KEY be rotated without touching the chain)."""
    return _derived_key(getattr(settings, "AUDIT_HMAC_KEY", ""), settings.SECRET_KEY)


@functools.lru_cache(maxsize=4)
def _derived_key(configured: str, secret: str) -> bytes:
    if configured:
        return configured.encode("utf-8")
    return hmac.digest(secret.encode("utf-8"), b"ikc-share audit chain", "sha256")


def keyed_hex(text: str, key: bytes | None = None) -> str:
    return hmac.new(audit_key() if key is None else key, text.encode("utf-8"), "sha256").hexdigest()


def text_version(text: str) -> str:
    return text.split("|", 1)[0]


def digest_of(text: str, key: bytes | None = None) -> str | None:
    """The hash an event with this canonical text must carry (None: unknown version)."""
    version = text_version(text)
    if version == FORMAT_VERSION:
        return keyed_hex(text, key)
    if version == UNKEYED_VERSION:
        return sha256_hex(text)
    return None


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """(outer, inner) padded keys, so that HMAC-SHA256(key, m) = sha256(outer || sha256(inner || m)):
    PostgreSQL computes it with its built-in sha256(), no extension and no key in the database."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return bytes(b ^ 0x5C for b in key), bytes(b ^ 0x36 for b in key)


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
        "hash": keyed_hex(text),
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
