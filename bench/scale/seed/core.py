"""The scale seed's core: IKCs, organisations, locations, staff and parents' logins, children
and guardians."""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password
from django.db import connection

from bench.scale.copy import m2m_table
from bench.scale.seed.base import SeederBase
from bench.scale.seed.data import (
    BENCH_USERNAMES,
    IKC_NAMES,
    SCALE_PASSWORD,
    TOWNS,
    ChildRow,
    Org,
    name_parts,
)


class CoreSeeder(SeederBase):
    # --- organisations ----------------------------------------------------------------------

    def seed_organisations(self) -> None:
        self.tables_written = set()
        ikcs, orgs, locations, titles = [], [], [], []
        for i in range(self.sizes.ikcs):
            ikc_id = i + 1
            town = TOWNS[i % len(TOWNS)]
            base = IKC_NAMES[i % len(IKC_NAMES)]
            label = f"{base} {town}" + (f" {i // (len(IKC_NAMES) * len(TOWNS)) + 1}" if i >= 400 else "")
            if i == 0:
                label = "De Schaal Utrecht"
            ikcs.append((ikc_id, f"IKC {label}", f"ikc-{i + 1}", self.start))
            for kind, org_name in (
                ("childcare", f"Kinderopvang {label}"),
                ("school", f"Stichting Basisonderwijs {label}"),
            ):
                org = Org(id=self.next_id("org"), ikc_id=ikc_id, kind=kind, name=org_name)
                self.orgs.append(org)
                orgs.append(
                    {
                        "id": org.id,
                        "name": org_name,
                        "kind": kind,
                        "kvk_number": f"{10000000 + org.id}"[:8] if kind == "childcare" else "",
                        "brin_number": f"{org.id:02d}AB" if kind == "school" else "",
                        "address": f"Schoolstraat {i + 1}",
                        "postal_code": "1234 AB",
                        "city": town,
                        "privacy_email": f"privacy@org{org.id}.example.nl",
                        "privacy_officer_name": "Functionaris Gegevensbescherming",
                        "created_at": self.start,
                        "ikc_id": ikc_id,
                    }
                )
                kinds = ("daycare", "preschool", "bso") if kind == "childcare" else ("school",)
                for loc_kind in kinds:
                    loc_id = self.next_id("location")
                    org.locations[loc_kind] = loc_id
                    loc_name = {
                        "daycare": f"KDV {label}",
                        "preschool": f"Peuteropvang {label}",
                        "bso": f"BSO {label}",
                        "school": f"OBS {label}",
                    }[loc_kind]
                    locations.append(
                        (loc_id, loc_name, loc_kind, f"LRK{loc_id:06d}", f"Schoolstraat {i + 1}", ikc_id, org.id)
                    )
                names = (
                    ("Pedagogisch medewerker", "Pedagogisch medewerker BSO", "Locatiemanager")
                    if kind == "childcare"
                    else ("Leerkracht groep 1-2", "Leerkracht groep 3-8", "Intern begeleider")
                )
                for name in names:
                    title_id = self.next_id("title")
                    org.titles[name] = title_id
                    titles.append((title_id, name, org.id))
        self.copy("ikc_share.Ikc", ["id", "name", "slug", "created_at"], ikcs)
        self.copy_records("ikc_share.Organisation", orgs)
        self.copy(
            "ikc_share.Location",
            ["id", "name", "kind", "registry_code", "address", "ikc_id", "organisation_id"],
            locations,
        )
        self.copy("ikc_share.FunctionTitle", ["id", "name", "organisation_id"], titles)
        for org in self.orgs:
            at = self.start + datetime.timedelta(minutes=org.id)
            self.event(
                at,
                org.id,
                None,
                "organisation.created",
                ("ikc_share.organisation", org.id),
                {"ikc": org.ikc_id, "kind": org.kind},
            )
            for loc_kind, loc_id in org.locations.items():
                self.event(at, org.id, None, "location.created", ("ikc_share.location", loc_id), {"kind": loc_kind})
        self.say(f"{len(ikcs)} IKCs, {len(orgs)} organisations, {len(locations)} locations")

    # --- staff and parents' logins -------------------------------------------------------------

    def seed_people(self) -> None:
        self.password = make_password(SCALE_PASSWORD)
        self.users: list[tuple] = []
        memberships, membership_locations, grants = [], [], []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.codename, p.id, c.id FROM auth_permission p JOIN django_content_type c "
                "ON c.id = p.content_type_id WHERE c.app_label = 'ikc_share' AND c.model IN ('organisation', "
                "'location')"
            )
            perms = {code: (pid, ctid) for code, pid, ctid in cursor.fetchall()}
        role_perms = {
            "director": ("read_organisation", "act_for_organisation", "manage_organisation", "audit_organisation"),
            "staff": ("read_organisation", "act_for_organisation"),
            "privacy_officer": ("read_organisation", "audit_organisation"),
        }
        for org in self.orgs:
            first_of_bench = org.ikc_id == 1
            if org.kind == "childcare":
                staff_plan = [
                    ("Pedagogisch medewerker", "daycare"),
                    ("Pedagogisch medewerker", "daycare"),
                    ("Pedagogisch medewerker", "daycare"),
                    ("Pedagogisch medewerker", "preschool"),
                    ("Pedagogisch medewerker BSO", "bso"),
                    ("Pedagogisch medewerker BSO", "bso"),
                    ("Pedagogisch medewerker BSO", "bso"),
                    ("Locatiemanager", None),
                ]
            else:
                staff_plan = (
                    [("Leerkracht groep 1-2", None)] * 3
                    + [("Leerkracht groep 3-8", None)] * 4
                    + [("Intern begeleider", None)]
                )
            people = [("director", None, None), ("privacy_officer", None, None)] + [
                ("staff", title, loc) for title, loc in staff_plan
            ]
            for n, (role, title, loc_kind) in enumerate(people):
                username = None
                if first_of_bench and org.kind == "childcare" and role in ("director", "privacy_officer"):
                    username = BENCH_USERNAMES[role]
                elif first_of_bench and org.kind == "childcare" and role == "staff" and n == 2:
                    username = BENCH_USERNAMES["staff"]
                elif first_of_bench and org.kind == "school" and role == "staff" and n == 2:
                    username = BENCH_USERNAMES["receiver"]
                user_id = self._user(
                    username
                    or f"{'directeur' if role == 'director' else 'fg' if role != 'staff' else 'mw'}.{org.id}.{n}",
                    *name_parts(self.rng),
                )
                if username:
                    self.bench[[k for k, v in BENCH_USERNAMES.items() if v == username][0]] = user_id
                membership_id = self.next_id("membership")
                title_id = org.titles.get(title) if title else None
                memberships.append(
                    (membership_id, role, True, False, self.start, None, self.start, title_id, user_id, org.id)
                )
                if role == "director":
                    org.director = user_id
                elif role == "privacy_officer":
                    org.privacy_officer = user_id
                else:
                    org.staff.append((user_id, title, org.locations[loc_kind] if loc_kind else None))
                if loc_kind:
                    membership_locations.append(
                        (self.next_id("membership_location"), membership_id, org.locations[loc_kind])
                    )
                for code in role_perms[role]:
                    pid, ctid = perms[code]
                    grants.append((self.next_id("grant"), str(org.id), ctid, pid, user_id))
                visible = [org.locations[loc_kind]] if loc_kind else list(org.locations.values())
                pid, ctid = perms["view_location_children"]
                for loc_id in visible:
                    grants.append((self.next_id("grant"), str(loc_id), ctid, pid, user_id))
                at = self.start + datetime.timedelta(hours=1, minutes=n)
                self.event(
                    at,
                    org.id,
                    org.director or None,
                    "membership.invited",
                    ("ikc_share.membership", membership_id),
                    {"user": user_id, "role": role, "function_title": title_id},
                )
        self.bench["parent"] = self._user(BENCH_USERNAMES["parent"], "Sanne", "de", "Boer")
        self._memberships = memberships
        self._membership_locations = membership_locations
        self._grants = grants
        self.say(f"{len(memberships)} memberships ({len(grants)} object permissions)")

    def _user(self, username: str, first: str, prefix: str, last: str) -> int:
        user_id = self.next_id("user")
        email = username if "@" in username else f"{username}@example.nl"
        last_name = f"{prefix} {last}".strip()
        self.users.append(
            (user_id, self.password, None, False, username, first, last_name, email, False, True, self.start)
        )
        return user_id

    # --- children, guardians --------------------------------------------------------------------

    def seed_children(self) -> None:
        rng = self.rng
        per_ikc = self.sizes.children // self.sizes.ikcs
        split = {"daycare": 0.44, "preschool": 0.16, "bso": 0.40}
        today = self.now.date()
        children, guardians, ships = [], [], []
        guardian_count = 0
        bench_guardians: dict[int, int] = {}  # org -> the bench parent's guardian record there
        for org in self.orgs:
            half = per_ikc // 2 if org.kind == "childcare" else per_ikc - per_ikc // 2
            if org.kind == "childcare":
                plan = []
                for kind, share in split.items():
                    plan += [kind] * round(half * share)
                plan = (plan + ["daycare"] * half)[:half]
            else:
                plan = ["school"] * half
            for n, loc_kind in enumerate(plan):
                child_id = self.next_id("child")
                age_lo, age_hi = {"daycare": (0, 3), "preschool": (2, 3), "bso": (4, 12), "school": (4, 12)}[loc_kind]
                dob = today - datetime.timedelta(days=rng.randint(age_lo * 365 + 30, age_hi * 365 + 330))
                first, prefix, last = name_parts(rng)
                if loc_kind == "daycare":
                    group = rng.choice(["Baby's", "Dreumesen", "Peuters"])
                elif loc_kind == "preschool":
                    group = "Peutergroep"
                elif loc_kind == "bso":
                    group = rng.choice(["BSO Onderbouw", "BSO Bovenbouw"])
                else:
                    group = f"Groep {rng.randint(1, 8)}"
                vve = (
                    rng.choice(["uk_en_puk", "piramide", "startblokken"])
                    if (loc_kind in ("daycare", "preschool") and rng.random() < 0.2)
                    else ""
                )
                row = ChildRow(
                    child_id, org.id, org.locations[loc_kind], first, prefix, last, dob, f"{org.id}-{n + 1:05d}"
                )
                children.append(
                    {
                        "id": child_id,
                        "group_name": group,
                        "external_id": row.external_id,
                        "first_name": first,
                        "name_prefix": prefix,
                        "last_name": last,
                        "date_of_birth": dob,
                        "vve_programme": vve,
                        "vve_months": rng.randint(6, 24) if vve else None,
                        "started_on": dob + datetime.timedelta(days=300),
                        "left_on": None,
                        "created_at": self.start,
                        "location_id": org.locations[loc_kind],
                        "organisation_id": org.id,
                    }
                )
                self.children[child_id] = row
                org.children.append(child_id)
                count = 1 if n % 5 == 4 else 2
                bench_child = org.ikc_id == 1 and (
                    (org.kind == "childcare" and loc_kind in ("daycare", "bso") and plan.index(loc_kind) == n)
                    or (org.kind == "school" and n == 0)
                )
                for g in range(count):
                    authority = not (g == 1 and child_id % 33 == 0)
                    if bench_child and g == 0 and org.id in bench_guardians:
                        guardian_id, user_id = bench_guardians[org.id], self.bench["parent"]
                        gfirst = "Sanne"
                    else:
                        guardian_id = self.next_id("guardian")
                        guardian_count += 1
                        gfirst, gprefix, glast = name_parts(rng)
                        if g == 0:
                            gprefix, glast = prefix, last
                        if bench_child and g == 0:
                            user_id = self.bench["parent"]
                            bench_guardians[org.id] = guardian_id
                            gfirst, gprefix, glast = "Sanne", "de", "Boer"
                            email = BENCH_USERNAMES["parent"]
                        elif guardian_id % 5 != 0:
                            user_id = self._user(f"ouder{guardian_id}@example.nl", gfirst, gprefix, glast)
                            email = f"ouder{guardian_id}@example.nl"
                        else:
                            user_id, email = None, f"ouder{guardian_id}@example.nl"
                        language = "en" if guardian_id % 10 == 3 else "nl"
                        guardians.append(
                            (
                                guardian_id,
                                f"G{guardian_id}",
                                gfirst,
                                gprefix,
                                glast,
                                email,
                                f"06{guardian_id:08d}"[:10],
                                language,
                                self.start,
                                user_id,
                                org.id,
                            )
                        )
                    row.guardians.append((guardian_id, user_id, authority, gfirst))
                    ships.append((self.next_id("guardianship"), "parent", authority, child_id, guardian_id))
        self.copy(
            "auth.User",
            [
                "id",
                "password",
                "last_login",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
            ],
            self.users,
        )
        self.copy(
            "ikc_share.Membership",
            [
                "id",
                "role",
                "is_active",
                "is_privacy_contact",
                "created_at",
                "deactivated_at",
                "invitation_sent_at",
                "function_title_id",
                "user_id",
                "organisation_id",
            ],
            self._memberships,
        )
        self.copy(
            m2m_table("ikc_share.Membership", "locations"),
            ["id", "membership_id", "location_id"],
            self._membership_locations,
        )
        self.copy(
            "guardian_userobjectpermission",
            ["id", "object_pk", "content_type_id", "permission_id", "user_id"],
            self._grants,
        )
        self.copy_records("ikc_share.Child", children)
        self.copy(
            "ikc_share.Guardian",
            [
                "id",
                "external_id",
                "first_name",
                "name_prefix",
                "last_name",
                "email",
                "phone",
                "language",
                "created_at",
                "user_id",
                "organisation_id",
            ],
            guardians,
        )
        self.copy(
            "ikc_share.Guardianship", ["id", "relation", "has_parental_authority", "child_id", "guardian_id"], ships
        )
        self.bench["parent_children"] = len(
            [c for c in self.children.values() if any(u == self.bench["parent"] for _g, u, _a, _n in c.guardians)]
        )
        self.say(f"{len(children):,} children, {guardian_count:,} guardians, {len(self.users):,} users")
