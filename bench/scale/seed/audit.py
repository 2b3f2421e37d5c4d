"""The scale seed's audit trail: the top-up to the target number of events, then every chain
hashed in time order with ikc_share/audit.py's own `chain_link` (as `audit_record` does)."""

from __future__ import annotations

from collections import defaultdict

from bench.scale.copy import table_of
from bench.scale.seed.base import SeederBase
from ikc_share.audit import LINK_COLUMNS, canonical_payload, chain_for, chain_link


class AuditSeeder(SeederBase):
    # --- audit -----------------------------------------------------------------------------------

    def _fill_events(self) -> None:
        """Top the trail up to the target with page views and logins. By default the whole
        top-up goes to the benchmark organisation (a large one, with a busy trail); with
        `bench_org_events` it gets that many and the others share the rest."""
        rng = self.rng
        counts: dict[int | None, int] = defaultdict(int)
        for e in self.events:
            counts[e[1]] += 1
        top_up = self.sizes.events - len(self.events)
        if top_up < 0:
            raise ValueError(
                f"the seeded data already make {len(self.events):,} events; ask for at least that many (--events)"
            )
        bench_org = self.orgs[0]
        others = [o for o in self.orgs if o.id != bench_org.id]
        if self.sizes.bench_org_events is None:
            wants = {bench_org.id: top_up}
        else:
            wants = {bench_org.id: min(top_up, max(0, self.sizes.bench_org_events - counts[bench_org.id]))}
            rest = top_up - wants[bench_org.id]
            for i, org in enumerate(others):
                wants[org.id] = rest // len(others) + (1 if i < rest % len(others) else 0)
        for org in self.orgs:
            staff = [u for u, _t, _l in org.staff] + [org.director, org.privacy_officer]
            viewers = [(u, loc) for u, _t, loc in org.staff]
            children_by_location = defaultdict(list)
            for cid in org.children:
                children_by_location[self.children[cid].location].append(cid)
            for _ in range(wants.get(org.id, 0)):
                at = self.when()
                if rng.random() < 0.75:
                    user_id, loc = rng.choice(viewers)
                    pool = children_by_location.get(loc) if loc else None
                    child_id = rng.choice(pool or org.children)
                    self.event(at, org.id, user_id, "child.viewed", ("ikc_share.child", child_id), None)
                else:
                    user_id = rng.choice(staff)
                    self.event(at, org.id, user_id, "auth.login", ("auth.user", user_id), {"method": "password"})

    def seed_audit(self) -> None:
        self._fill_events()
        self.say(f"{len(self.events):,} audit events planned; sorting and hashing")
        self.events.sort(key=lambda e: e[0])
        heads: dict[str, tuple[int, str]] = {}

        def rows():
            for event_id, (at, org, actor, action, ttype, tid, payload) in enumerate(self.events, start=1):
                chain = f"org-{org}" if org is not None else chain_for(None)
                seq, prev = heads.get(chain, (0, ""))
                link = chain_link(
                    chain=chain,
                    seq=seq + 1,
                    at=at,
                    actor_id=actor,
                    action=action,
                    target_type=ttype,
                    target_id=tid,
                    payload=canonical_payload(payload),
                    prev_hash=prev,
                )
                heads[chain] = (link["seq"], link["hash"])
                yield (event_id, org, *(link[column] for column in LINK_COLUMNS))

        table = table_of("ikc_share.AuditEvent")
        with self.copier.without_indexes(table):
            self.copy(table, ["id", "organisation_id", *LINK_COLUMNS], rows())
        self.copy(
            "ikc_share.AuditChainHead",
            ["id", "chain", "seq", "hash"],
            [(i, chain, seq, digest) for i, (chain, (seq, digest)) in enumerate(sorted(heads.items()), start=1)],
        )
        self.events = []
        self.say(f"{len(heads)} audit chains")
