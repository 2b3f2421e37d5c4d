"""The scale seed's transfers: sent and draft transfers with content (hashed with the
product's own content hash), the receivers' copies and their accesses."""

from __future__ import annotations

import datetime
import json

from dateutil.relativedelta import relativedelta

from bench.scale.copy import table_of
from bench.scale.seed.base import SeederBase
from bench.scale.seed.data import (
    GOING_WELL,
    NEEDS_SUPPORT,
    TIPS,
    UTC,
    WEEKDAYS,
    ChildRow,
    Org,
)
from transfers.records import content_hash


class TransferSeeder(SeederBase):
    # --- transfers --------------------------------------------------------------------------------

    def _content(self, child: ChildRow, codes: list[str]) -> dict:
        rng = self.rng
        out = {}
        for code in codes:
            if code == "identification":
                out[code] = {
                    "first_name": child.first_name,
                    "name_prefix": child.name_prefix,
                    "last_name": child.last_name,
                    "date_of_birth": child.dob.isoformat(),
                    "external_id": child.external_id,
                }
            elif code.startswith("development_"):
                out[code] = {
                    "going_well": rng.choice(GOING_WELL),
                    "needs_support": rng.choice(NEEDS_SUPPORT),
                    "tips": rng.choice(TIPS),
                    "observed_with": "Observatie in de groep",
                }
            elif code == "bso_practical":
                out[code] = {
                    "days": sorted(rng.sample(WEEKDAYS, rng.randint(1, 4)), key=WEEKDAYS.index),
                    "collected_at": "15:15",
                    "pickup_place": "Schoolplein, bij het hek",
                    "home_by": "18:00",
                    "picked_up_by": "Moeder of oma.",
                }
        return out

    def seed_transfers(self) -> None:
        rng = self.rng
        transfers, received, accesses = [], [], []
        sender_orgs = [o for o in self.orgs if o.id in self.versions]
        org_by_id = {o.id: o for o in self.orgs}
        per_org = self.sizes.transfers // len(sender_orgs)
        access_quota = self.sizes.accesses
        received_rows: list[
            tuple[int, int, int, datetime.datetime, Org]
        ] = []  # (received, transfer, org, at, receiver)
        today = self.now.date()
        for index, org in enumerate(sender_orgs):
            count = per_org + (self.sizes.transfers % len(sender_orgs) if index == len(sender_orgs) - 1 else 0)
            ((v1, v2),) = self.versions[org.id]
            receiver = org_by_id[v1.receiver]
            senders = [(u, loc) for u, _t, loc in org.staff]
            receiver_children = [c for c in receiver.children if self.children[c].location == v1.receiving_location]
            for n in range(count):
                child = self.children[org.children[n % len(org.children)]]
                created = self.when(v1.activated_at + datetime.timedelta(days=1))
                version = v2 if created >= v2.activated_at else v1
                codes = version.codes
                actor = next((u for u, loc in senders if loc == child.location), org.director)
                transfer_id = self.next_id("transfer")
                content = self._content(child, codes)
                sha = content_hash(codes=codes, content=content, parents_view="", attachment_hashes=[])
                roll = rng.random()
                meeting = len(codes) > 1 and roll > 0.98
                state = (
                    "recorded"
                    if meeting
                    else "draft"
                    if roll < 0.05
                    else "parents_reading"
                    if roll < 0.09
                    else "stopped"
                    if roll < 0.12
                    else "sent"
                )
                if state in ("draft", "parents_reading") and version is v1:
                    version = v2  # pending work is on the active version
                    created = self.when(v2.activated_at + datetime.timedelta(days=1))
                shared = created + datetime.timedelta(days=rng.randint(1, 12)) if state == "sent" else None
                if shared is not None and shared > self.end:
                    shared = self.end - datetime.timedelta(minutes=10)
                keeps_content = state in ("draft", "parents_reading")
                stopped = created + datetime.timedelta(days=3) if state == "stopped" else None
                reasons = [
                    f"Toegestaan: de afspraak ‘{version.title} v{version.number}’ is actief en de grondslag is "
                    "a. Toestemming van de ouders."
                ]
                transfers.append(
                    (
                        transfer_id,
                        "meeting" if meeting else "in_app",
                        state,
                        json.dumps(codes),
                        json.dumps(content if keeps_content else {}),
                        sha,
                        "",
                        None,
                        "",
                        None,
                        created + datetime.timedelta(days=10) if state == "parents_reading" else None,
                        True,
                        json.dumps(reasons),
                        "[]",
                        "[]",
                        created,
                        created,
                        created if state == "parents_reading" else None,
                        shared,
                        stopped,
                        "cancelled" if stopped else "",
                        sha if stopped else "",
                        "",
                        None,
                        created.date() if meeting else None,
                        True if meeting else None,
                        "Driegesprek gevoerd met ouders en leerkracht." if meeting else "",
                        None,
                        child.id,
                        actor,
                        None,
                        None,
                        version.receiving_location,
                        version.receiver,
                        version.sender,
                        actor if shared else None,
                        actor if stopped else None,
                        version.id,
                    )
                )
                self.event(
                    created,
                    org.id,
                    actor,
                    "transfer.created",
                    ("agreements.transfer", transfer_id),
                    {
                        "child": child.id,
                        "version": version.id,
                        "location": version.receiving_location,
                        "categories": codes,
                        "content_sha256": sha,
                    },
                )
                if state == "stopped":
                    self.event(
                        stopped,
                        org.id,
                        actor,
                        "transfer.destroyed",
                        ("agreements.transfer", transfer_id),
                        {"reason": "cancelled", "removed_content_sha256": sha},
                    )
                if state == "recorded":
                    self.event(
                        created,
                        org.id,
                        actor,
                        "transfer.meeting_recorded",
                        ("agreements.transfer", transfer_id),
                        {
                            "child": child.id,
                            "version": version.id,
                            "location": version.receiving_location,
                            "categories": codes,
                            "meeting_date": created.date().isoformat(),
                            "parents_present": True,
                        },
                    )
                if state != "sent":
                    continue
                received_id = self.next_id("received")
                retention_until = shared.date() + relativedelta(months=version.retention_months)
                removed = retention_until < today
                linked = rng.random() < 0.6 and receiver_children
                link_child = rng.choice(receiver_children) if linked else None
                confirmed = rng.random() < 0.7
                receiver_actor = next(
                    (u for u, t, _loc in receiver.staff if t in ("Leerkracht groep 1-2", "Pedagogisch medewerker BSO")),
                    receiver.director,
                )
                received.append(
                    (
                        received_id,
                        "" if removed else f"{child.first_name} {child.last_name}",
                        None if removed else child.dob,
                        shared + datetime.timedelta(days=1) if linked else None,
                        json.dumps(codes),
                        "{}" if removed else json.dumps(content),
                        "",
                        sha,
                        shared,
                        retention_until,
                        shared + datetime.timedelta(hours=5) if confirmed else None,
                        None,
                        0,
                        datetime.datetime.combine(retention_until, datetime.time(3, 15), UTC) if removed else None,
                        "retention" if removed else "",
                        sha if removed else "",
                        link_child,
                        receiver_actor if confirmed else None,
                        receiver_actor if linked else None,
                        version.receiving_location,
                        receiver.id,
                        transfer_id,
                    )
                )
                payload = {
                    "transfer": transfer_id,
                    "received": received_id,
                    "child": child.id,
                    "version": version.id,
                    "location": version.receiving_location,
                    "categories": codes,
                    "content_sha256": sha,
                    "attachments": 0,
                    "parents_view": False,
                    "retention_until": retention_until.isoformat(),
                }
                self.event(shared, org.id, actor, "transfer.sent", ("agreements.transfer", transfer_id), payload)
                self.event(
                    shared, receiver.id, actor, "transfer.sent", ("agreements.receivedtransfer", received_id), payload
                )
                received_rows.append((received_id, transfer_id, receiver.id, shared, receiver))
        # Accesses: spread over the received copies, by the receiving organisation's staff.
        per_received = max(1, access_quota // max(1, len(received_rows)))
        extra = access_quota - per_received * len(received_rows)
        for i, (received_id, transfer_id, receiver_id, shared, receiver) in enumerate(received_rows):
            n = per_received + (1 if i < extra else 0)
            readers = [(u, t) for u, t, _loc in receiver.staff if t != "Leerkracht groep 3-8"] or [
                (receiver.director, "")
            ]
            for _ in range(n):
                user_id, title = rng.choice(readers)
                at = self.when(shared + datetime.timedelta(minutes=30), shared + datetime.timedelta(days=200))
                access_id = self.next_id("access")
                accesses.append((access_id, title or "", at, receiver_id, received_id, user_id))
                self.event(
                    at,
                    receiver_id,
                    user_id,
                    "transfer.opened",
                    ("agreements.receivedtransfer", received_id),
                    {"transfer": transfer_id, "access": access_id, "removed": False},
                )
        self.copy(
            "transfers.Transfer",
            [
                "id",
                "method",
                "state",
                "category_codes",
                "content",
                "content_sha256",
                "parents_view",
                "parents_view_at",
                "parents_answer",
                "parents_answer_at",
                "parents_read_until",
                "verdict_allowed",
                "verdict_reasons",
                "verdict_codes",
                "verdict_warnings",
                "verdict_at",
                "created_at",
                "submitted_at",
                "shared_at",
                "stopped_at",
                "stop_reason",
                "removed_content_sha256",
                "parent_pdf",
                "parent_pdf_until",
                "meeting_date",
                "meeting_parents_present",
                "meeting_summary",
                "erased_at",
                "child_id",
                "created_by_id",
                "parents_answer_by_id",
                "parents_view_by_id",
                "receiving_location_id",
                "receiving_organisation_id",
                "sending_organisation_id",
                "shared_by_id",
                "stopped_by_id",
                "version_id",
            ],
            transfers,
        )
        self.copy(
            "transfers.ReceivedTransfer",
            [
                "id",
                "child_name",
                "child_date_of_birth",
                "linked_at",
                "category_codes",
                "content",
                "parents_view",
                "content_sha256",
                "received_at",
                "retention_until",
                "confirmed_at",
                "corrected_at",
                "corrections",
                "removed_at",
                "removal",
                "removed_content_sha256",
                "child_id",
                "confirmed_by_id",
                "linked_by_id",
                "location_id",
                "organisation_id",
                "transfer_id",
            ],
            received,
        )
        with self.copier.without_indexes(table_of("transfers.TransferAccess")):
            self.copy(
                "transfers.TransferAccess",
                ["id", "function_title", "at", "organisation_id", "received_id", "user_id"],
                accesses,
            )
        self.say(f"{len(transfers):,} transfers, {len(received):,} received copies, {len(accesses):,} accesses")
