"""The scale seed's agreements: two per IKC, each with a superseded and an active version,
their items, receiving roles, approvals and letters."""

from __future__ import annotations

import datetime
from collections import defaultdict

from bench.scale.copy import m2m_table
from bench.scale.seed.base import SeederBase
from bench.scale.seed.data import (
    A1_CODES,
    A2_CODES,
    Org,
    Version,
)


class AgreementSeeder(SeederBase):
    # --- agreements ----------------------------------------------------------------------------

    def seed_agreements(self) -> None:
        agreements, versions, items, roles, rlocs, approvals = [], [], [], [], [], []
        t_v2 = self.start + datetime.timedelta(days=365)
        by_ikc: dict[int, dict[str, Org]] = defaultdict(dict)
        for org in self.orgs:
            by_ikc[org.ikc_id][org.kind] = org
        justification = "Zodat de ontvanger kan aansluiten bij wat het kind al kan en nodig heeft."
        for ikc_id, pair in sorted(by_ikc.items()):
            cc, school = pair["childcare"], pair["school"]
            specs = [
                dict(
                    title="Doorgaande ontwikkellijn naar de basisschool",
                    sender=cc,
                    receiver=school,
                    purpose="development_line",
                    codes=A1_CODES,
                    in_app=True,
                    meeting=True,
                    per_category=True,
                    read_first=True,
                    retention=24,
                    roles=["Leerkracht groep 1-2", "Intern begeleider"],
                    location=school.locations["school"],
                    material_v2=False,
                    explanation="Als uw kind rond 4 jaar naar de basisschool gaat, vertelt de pedagogisch "
                    "medewerker de leerkracht hoe uw kind zich ontwikkelt. U leest de overdracht eerst mee.",
                ),
                dict(
                    title="Afstemming dagelijkse zorg: school naar BSO",
                    sender=school,
                    receiver=cc,
                    purpose="bso_school",
                    codes=A2_CODES,
                    in_app=True,
                    meeting=False,
                    per_category=False,
                    read_first=False,
                    retention=12,
                    roles=["Pedagogisch medewerker BSO"],
                    location=cc.locations["bso"],
                    material_v2=True,
                    explanation="De school laat de BSO weten als de schooltijden van uw kind afwijken, zodat de "
                    "BSO uw kind op het juiste moment opvangt.",
                ),
            ]
            for spec in specs:
                sender, receiver = spec["sender"], spec["receiver"]
                agreement_id = self.next_id("agreement")
                created = self.start + datetime.timedelta(days=1, hours=agreement_id % 24)
                agreements.append(
                    (
                        agreement_id,
                        spec["title"],
                        created,
                        None,
                        "",
                        sender.director,
                        None,
                        ikc_id,
                        receiver.id,
                        sender.id,
                    )
                )
                self.event(
                    created,
                    sender.id,
                    sender.director,
                    "agreement.created",
                    ("agreements.agreement", agreement_id),
                    {"agreement": agreement_id},
                )
                pair_versions = []
                for number in (1, 2):
                    version_id = self.next_id("version")
                    v_created = created if number == 1 else t_v2 - datetime.timedelta(days=20)
                    submitted = v_created + datetime.timedelta(days=2)
                    activated = v_created + datetime.timedelta(days=5) if number == 1 else t_v2
                    superseded = t_v2 if number == 1 else None
                    status = "superseded" if number == 1 else "active"
                    material = True if number == 1 else spec["material_v2"]
                    versions.append(
                        (
                            version_id,
                            number,
                            status,
                            spec["purpose"],
                            spec["explanation"],
                            "a",
                            "",
                            "",
                            "",
                            spec["in_app"],
                            spec["meeting"],
                            spec["retention"],
                            activated.date(),
                            None,
                            spec["per_category"],
                            "one",
                            spec["read_first"],
                            10,
                            14,
                            None,
                            material,
                            "" if number == 1 else "Nieuwe contactpersoon en kleine tekstwijzigingen.",
                            v_created,
                            submitted,
                            activated,
                            superseded,
                            None,
                            agreement_id,
                            sender.director,
                        )
                    )
                    for code in spec["codes"]:
                        items.append((self.next_id("item"), justification, version_id, self.category_ids[code]))
                    for name in spec["roles"]:
                        roles.append((self.next_id("role"), version_id, receiver.titles[name]))
                    rlocs.append((self.next_id("rloc"), version_id, spec["location"]))
                    for side, decided in (
                        (sender, submitted + datetime.timedelta(days=1)),
                        (receiver, submitted + datetime.timedelta(days=2)),
                    ):
                        approval_id = self.next_id("approval")
                        approvals.append((approval_id, "approved", "", decided, side.director, side.id, version_id))
                        self.event(
                            decided,
                            side.id,
                            side.director,
                            "agreement.approved",
                            ("agreements.agreementversion", version_id),
                            {"version": version_id, "agreement": agreement_id},
                        )
                    self.event(
                        submitted,
                        sender.id,
                        sender.director,
                        "agreement.submitted",
                        ("agreements.agreementversion", version_id),
                        {"version": version_id},
                    )
                    self.event(
                        activated,
                        sender.id,
                        sender.director,
                        "agreement.activated",
                        ("agreements.agreementversion", version_id),
                        {"version": version_id, "agreement": agreement_id},
                    )
                    pair_versions.append(
                        Version(
                            version_id,
                            agreement_id,
                            number,
                            sender.id,
                            receiver.id,
                            activated,
                            superseded,
                            list(spec["codes"]),
                            spec["location"],
                            spec["retention"],
                            {lang: self.hexdigest("letter", version_id, lang) for lang in ("nl", "en")},
                            spec["title"],
                        )
                    )
                self.versions.setdefault(sender.id, []).append(pair_versions)
        self.copy(
            "agreements.Agreement",
            [
                "id",
                "title",
                "created_at",
                "ended_at",
                "end_reason",
                "created_by_id",
                "ended_by_id",
                "ikc_id",
                "receiving_organisation_id",
                "sending_organisation_id",
            ],
            agreements,
        )
        self.copy(
            "agreements.AgreementVersion",
            [
                "id",
                "number",
                "status",
                "purpose",
                "purpose_explanation",
                "legal_basis",
                "art9_condition",
                "statutory_provision",
                "balancing_test",
                "method_in_app",
                "method_meeting",
                "retention_months",
                "valid_from",
                "valid_until",
                "consent_per_category",
                "guardian_policy",
                "parents_read_first",
                "parents_read_days",
                "objection_wait_days",
                "consent_valid_months",
                "is_material_change",
                "change_summary",
                "created_at",
                "submitted_at",
                "activated_at",
                "superseded_at",
                "ended_at",
                "agreement_id",
                "created_by_id",
            ],
            versions,
        )
        self.copy("agreements.AgreementItem", ["id", "justification", "version_id", "category_id"], items)
        self.copy(
            m2m_table("agreements.AgreementVersion", "receiving_roles"),
            ["id", "agreementversion_id", "functiontitle_id"],
            roles,
        )
        self.copy(
            m2m_table("agreements.AgreementVersion", "receiving_locations"),
            ["id", "agreementversion_id", "location_id"],
            rlocs,
        )
        self.copy(
            "agreements.Approval",
            ["id", "decision", "comment", "decided_at", "decided_by_id", "organisation_id", "version_id"],
            approvals,
        )
        self.say(f"{len(agreements)} agreements, {len(versions)} versions")
