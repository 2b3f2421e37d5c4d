"""The scale seed's consent: requests, decisions (online and on paper), objections and parent
notices."""

from __future__ import annotations

import datetime
import uuid

from bench.scale.seed.base import SeederBase
from bench.scale.seed.data import Version


class ConsentSeeder(SeederBase):
    # --- consent ---------------------------------------------------------------------------------

    def seed_consent(self) -> None:
        rng = self.rng
        notices, decisions = [], []
        quota_total = self.sizes.decisions
        orgs = [o for o in self.orgs if o.id in self.versions]
        for index, org in enumerate(orgs):
            quota = quota_total // len(orgs) + (quota_total % len(orgs) if index == len(orgs) - 1 else 0)
            made = 0
            ((v1, v2),) = self.versions[org.id]
            per_category = len(v1.codes) > 1
            pairs = [(cid, g) for cid in org.children for g in self.children[cid].guardians if g[2]]
            rng.shuffle(pairs)
            # Everyone with authority is informed of both versions (a notice per version).
            for child_id, (guardian_id, _user_id, _auth, _name) in pairs:
                for version in (v1, v2):
                    at = self.when(version.activated_at, version.activated_at + datetime.timedelta(days=30))
                    notice_id = self.next_id("notice")
                    lang = "nl"
                    notices.append(
                        (
                            notice_id,
                            "email",
                            lang,
                            version.letter_sha[lang],
                            at,
                            child_id,
                            guardian_id,
                            None,
                            None,
                            None,
                            version.id,
                        )
                    )
                    self.event(
                        at,
                        org.id,
                        None,
                        "consent.parent_informed",
                        ("agreements.agreementversion", version.id),
                        {
                            "guardian": guardian_id,
                            "children": [child_id],
                            "how": "email",
                            "notices": [notice_id],
                            "letter_sha256": version.letter_sha[lang],
                        },
                    )

            for child_id, (guardian_id, user_id, _auth, _name) in pairs:
                if made >= quota:
                    break
                who = (org.id, child_id, guardian_id, user_id)
                room = quota - made
                if per_category:
                    if rng.random() < 0.85 and room >= len(v1.codes):
                        answers = [(c, "refused" if rng.random() < 0.05 else "given") for c in v1.codes]
                        made += self._submit(decisions, who, v1, answers, v1.activated_at)
                    if rng.random() < 0.4 and quota - made >= len(v2.codes):
                        answers = [(c, "refused" if rng.random() < 0.05 else "given") for c in v2.codes]
                        made += self._submit(decisions, who, v2, answers, v2.activated_at)
                    if rng.random() < 0.12 and quota - made >= 1:
                        later = v2.activated_at + datetime.timedelta(days=90)
                        made += self._submit(decisions, who, v2, [(None, "withdrawn")], later, withdrawn=True)
                else:
                    if rng.random() < 0.7:
                        answer = "given" if rng.random() < 0.9 else "refused"
                        made += self._submit(decisions, who, v1, [(None, answer)], v1.activated_at)
                    if rng.random() < 0.75 and quota - made >= 1:
                        answer = "given" if rng.random() < 0.9 else "refused"
                        made += self._submit(decisions, who, v2, [(None, answer)], v2.activated_at)
            # Top up to the quota with later answers on the active version (parents changing their minds).
            while made < quota and pairs:
                child_id, (guardian_id, user_id, _auth, _name) = rng.choice(pairs)
                state = rng.choice(["given", "withdrawn"])
                later = v2.activated_at + datetime.timedelta(days=150)
                who = (org.id, child_id, guardian_id, user_id)
                made += self._submit(decisions, who, v2, [(None, state)], later, withdrawn=state == "withdrawn")
        self.copy(
            "consent.ParentNotice",
            [
                "id",
                "how",
                "language",
                "letter_sha256",
                "at",
                "child_id",
                "guardian_id",
                "letter_id",
                "recorded_by_id",
                "round_mail_id",
                "version_id",
            ],
            notices,
        )
        self.copy(
            "consent.ConsentDecision",
            [
                "id",
                "state",
                "explicit",
                "decided_at",
                "recorded_at",
                "channel",
                "told_via",
                "language",
                "letter_sha256",
                "guardian_policy",
                "scan",
                "scan_sha256",
                "submission",
                "category_id",
                "child_id",
                "guardian_id",
                "letter_id",
                "recorded_by_id",
                "version_id",
            ],
            decisions,
        )
        self.say(f"{len(notices):,} parent notices, {len(decisions):,} consent decisions")

    def _submit(
        self,
        decisions: list,
        who: tuple[int, int, int, int | None],
        version: Version,
        answers: list[tuple[str | None, str]],
        lo: datetime.datetime,
        withdrawn: bool = False,
    ) -> int:
        """One portal submission (rows sharing a submission id) and its audit event. `who`:
        the organisation, child, guardian and the guardian's login (or None)."""
        org_id, child_id, guardian_id, user_id = who
        at = self.when(lo + datetime.timedelta(days=31), lo + datetime.timedelta(days=120))
        submission = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        ids, states, cats = [], [], []
        for code, state in answers:
            decision_id = self.next_id("decision")
            decisions.append(
                (
                    decision_id,
                    state,
                    False,
                    at,
                    at,
                    "portal",
                    "",
                    "nl",
                    version.letter_sha["nl"],
                    "one",
                    "",
                    "",
                    submission,
                    self.category_ids[code] if code else None,
                    child_id,
                    guardian_id,
                    None,
                    user_id,
                    version.id,
                )
            )
            ids.append(decision_id)
            states.append(state)
            cats.append(code)
        if withdrawn:
            self.event(
                at,
                org_id,
                user_id,
                "consent.withdrawn",
                ("ikc_share.child", child_id),
                {
                    "version": version.id,
                    "guardian": guardian_id,
                    "decision": ids[0],
                    "channel": "portal",
                    "told_via": None,
                },
            )
        else:
            self.event(
                at,
                org_id,
                user_id,
                "consent.decided",
                ("ikc_share.child", child_id),
                {
                    "version": version.id,
                    "guardian": guardian_id,
                    "channel": "portal",
                    "decisions": ids,
                    "states": states,
                    "categories": cats,
                    "explicit": [False] * len(ids),
                    "letter_sha256": version.letter_sha["nl"],
                    "scan_sha256": None,
                },
            )
        return len(answers)
