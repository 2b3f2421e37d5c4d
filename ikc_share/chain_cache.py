"""Values cached while audit chains stand: a cache keyed by the heads of the organisations'
audit chains.

Every change of an organisation's data that a page counts or shows (a child or guardian
imported or leaving, a login linked, a consent decision, a withdrawal, a notice, an
objection, a restriction, a version activated or ended, a rights request, a member added)
writes an event in that organisation's chain in the same transaction (ikc_share/audit.py),
so its head moves: the next request derives a new key and computes afresh. Nothing is
invalidated by hand, and a stale value cannot outlive a new event; the timeout bounds what
time alone changes (consent expiring, an objection's waiting period ending). Every process
derives the same key, so with a shared cache (Redis, `CACHE_URL`) they share the values:
values must pickle.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet

from ikc_share.audit import ORGANISATION_CHAIN_PREFIX
from ikc_share.models import AuditChainHead, Organisation

T = TypeVar("T")

CHAIN_CACHE_SECONDS = 300
NO_EVENTS = "-"  # the head of a chain before its first event
_KEY_PREFIX = "chain-cache:v1:"


# The chain's name as audit.chain_for writes it ("org-<id>"), made by the database from each
# organisation's id, so that the head is found through its unique index.
_HEADS_SQL = (
    "SELECT o.id, h.hash FROM {organisation} o LEFT JOIN {head} h ON h.chain = %s || CAST(o.id AS TEXT)"
    " WHERE o.id IN ({ids})"
)


def chain_heads(organisation_ids: Iterable[int] | QuerySet) -> dict[int, str]:
    """{organisation id: the hash of its audit chain's head} ("-" before the chain's first
    event) in ONE query. `organisation_ids`: ids, or a query selecting one column of ids
    (e.g. `guardians_of_user(...).values("organisation_id")`), which the database then
    evaluates as a subquery: the organisations and their heads in one round trip.

    Written as SQL: it runs on every request of a cached page (the parent portal), and the
    ORM spent milliseconds compiling the head-per-organisation subquery that the database
    answers in a tenth of that."""
    if isinstance(organisation_ids, QuerySet):
        ids_sql, params = organisation_ids.query.sql_with_params()
        params = list(params)
    else:
        ids = sorted(set(organisation_ids))
        if not ids:
            return {}
        ids_sql, params = ", ".join(["%s"] * len(ids)), ids
    quote = connection.ops.quote_name
    sql = _HEADS_SQL.format(
        organisation=quote(Organisation._meta.db_table), head=quote(AuditChainHead._meta.db_table), ids=ids_sql
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ORGANISATION_CHAIN_PREFIX, *params])
        return {pk: value or NO_EVENTS for pk, value in cursor.fetchall()}


def chains_key(name: str, heads: dict[int, str], parts: Iterable[Any] = ()) -> str:
    """The cache key of `name` for these chain heads and parts (the organisations' ids are
    in it too, so a value never serves another set of organisations)."""
    text = "|".join([name, *(f"{pk}:{heads[pk]}" for pk in sorted(heads)), *map(str, parts)])
    return _KEY_PREFIX + hashlib.sha256(text.encode()).hexdigest()


def while_chains_stand(
    organisation_ids: Iterable[int] | QuerySet,
    name: str,
    compute: Callable[[], T],
    *,
    parts: Iterable[Any] = (),
    timeout: int = CHAIN_CACHE_SECONDS,
    heads: dict[int, str] | None = None,
) -> T:
    """compute(), or its result from the cache while the chains of these organisations
    stand (no new event) and the parts are the same; at most `timeout` seconds. `heads`:
    the chain heads when the caller read them already (`chain_heads`)."""
    if heads is None:
        heads = chain_heads(organisation_ids)
    key = chains_key(name, heads, parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value
