"""The scale seed's accountability records: rights requests and incidents."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta

from accountability.services import INCIDENT_FIELDS
from bench.scale.seed.base import SeederBase
from bench.scale.seed.data import UTC


class RightsSeeder(SeederBase):
    # --- rights requests, incidents ------------------------------------------------------------------

    def seed_rights_and_incidents(self) -> None:
        rng = self.rng
        requests, steps, incidents = [], [], []
        kinds = ["access", "rectification", "erasure", "restriction", "portability"]
        today = self.now.date()
        for org in self.orgs:
            for n in range(10):
                child = self.children[rng.choice(org.children)]
                guardian_id, user_id, _auth, _name = child.guardians[0]
                received = today - datetime.timedelta(days=rng.randint(0, 120))
                due = received + relativedelta(months=1)
                open_ = received > today - datetime.timedelta(days=25) or n == 0
                status = (
                    rng.choice(["received", "in_progress"])
                    if open_
                    else rng.choice(["fulfilled", "fulfilled", "rejected"])
                )
                created = min(datetime.datetime.combine(received, datetime.time(10, 0), UTC), self.end)
                request_id = self.next_id("rights")
                closed = created + datetime.timedelta(days=14) if not open_ else None
                requests.append(
                    (
                        request_id,
                        rng.choice(kinds),
                        "portal",
                        "",
                        received,
                        due,
                        0,
                        "",
                        status,
                        "Uw verzoek is afgewezen: het betreft geen persoonsgegevens." if status == "rejected" else "",
                        created,
                        closed or created,
                        closed,
                        "",
                        "",
                        "",
                        "",
                        None,
                        "{}",
                        None,
                        org.privacy_officer if not open_ else None,
                        child.id,
                        user_id or org.director,
                        guardian_id,
                        None,
                        org.id,
                    )
                )
                steps.append((self.next_id("step"), created, "submitted", "received", "", user_id, request_id))
                self.event(
                    min(created, self.end),
                    org.id,
                    user_id,
                    "rights_request.submitted",
                    ("consent.rightsrequest", request_id),
                    {"child": child.id, "guardian": guardian_id},
                )
            for number in range(1, 4):
                discovered = self.when()
                closed = number < 3
                fields = {
                    "title": f"Incident {number}: e-mail verkeerd verstuurd",
                    "discovered_at": discovered,
                    "description": "Een e-mail met een groepslijst ging naar een verkeerde ouder.",
                    "affected_count": 3,
                    "data_categories": '["identification"]',
                    "other_data": "",
                    "touches_exchange": False,
                    "risk": "none",
                    "risk_assessment": "Geen risico: alleen namen.",
                    "measures": "Ouder gevraagd de e-mail te verwijderen.",
                    "ap_reported": False,
                    "ap_reference": "",
                    "parents_informed": False,
                }
                incidents.append(
                    (
                        self.next_id("incident"),
                        number,
                        *(fields[name] for name in INCIDENT_FIELDS),
                        None,
                        None,
                        "closed" if closed else "open",
                        discovered,
                        discovered,
                        discovered + datetime.timedelta(days=3) if closed else None,
                        org.id,
                        org.director,
                    )
                )
        self.copy(
            "accountability.RightsRequest",
            [
                "id",
                "kind",
                "channel",
                "description",
                "received_on",
                "due_on",
                "extension_months",
                "extension_reason",
                "status",
                "answer",
                "created_at",
                "updated_at",
                "closed_at",
                "export_status",
                "export_json",
                "export_pdf",
                "export_sha256",
                "export_generated_at",
                "erasure_result",
                "reminded_on",
                "assignee_id",
                "child_id",
                "created_by_id",
                "guardian_id",
                "objection_id",
                "organisation_id",
            ],
            requests,
        )
        self.copy(
            "accountability.RightsRequestStep",
            ["id", "at", "action", "status", "message", "actor_id", "request_id"],
            steps,
        )
        self.copy(
            "accountability.Incident",
            [
                "id",
                "number",
                *INCIDENT_FIELDS,  # the fields a person records, as the incident services take them
                "ap_reported_at",
                "parents_informed_at",
                "status",
                "recorded_at",
                "updated_at",
                "closed_at",
                "organisation_id",
                "recorded_by_id",
            ],
            incidents,
        )
        self.say(f"{len(requests)} rights requests, {len(incidents)} incidents")
