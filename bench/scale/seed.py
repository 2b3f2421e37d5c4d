"""The scale seed: an IKC board's worth of data, written with COPY (see copy.py).

Default size (`manage.py seed_scale`): 50 IKCs, each with a childcare organisation and a
school board (100 organisations), 25,000 children with 45,000 guardians, 200 agreement
versions (two agreements per IKC, each with a superseded and an active version), 200,000
consent decisions, 100,000 transfers with content (sent ones: the receiver's copy holds
it) and 300,000 TransferAccess rows, and 1,000,000 audit events whose hash chains are
valid: each event's canonical text and SHA-256 are computed here with the very functions
of ikc_share/audit.py (canonical_payload, canonical_text, sha256_hex, refs_for), in time
order per chain, and the chain heads point at the last event of each chain.

The first IKC is the benchmark's. Its childcare organisation is a large one with a busy
trail: besides the events of its own data it gets the whole top-up to the million (page
views and logins, about 290,000 at the default size), so that the audit browser has a
page 500 pages deep and the export streams a big organisation. It has the benchmark users:

    directeur.schaal      director of the childcare organisation
    fg.schaal             its privacy officer
    pm.schaal             staff (pedagogisch medewerker) at its daycare location
    leerkracht.schaal     staff (leerkracht groep 1-2) of the school board: the transfer inbox
    ouder.schaal@example.nl  a parent of two children at childcare and one at school

All users share the password SCALE_PASSWORD. The data are invented: names are drawn from
short lists, nothing refers to a real person. Ids are assigned here, sequences are reset
at the end.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from bench.scale.copy import Copier, m2m_table, table_of
from ikc_share.audit import canonical_payload, canonical_text, chain_for, refs_for, sha256_hex

SCALE_PASSWORD = "schaal-bench-2024"
BENCH_USERNAMES = {
    "director": "directeur.schaal",
    "privacy_officer": "fg.schaal",
    "staff": "pm.schaal",
    "receiver": "leerkracht.schaal",
    "parent": "ouder.schaal@example.nl",
}
UTC = datetime.UTC

FIRST_NAMES = (
    "Noah Emma Liam Julia Lucas Mila Finn Tess Sem Sophie Daan Zoë Levi Sara Milan Nora Bram Evi Luuk Saar Jesse "
    "Anna Thijs Lotte Sam Eva Mees Lisa Adam Fenna Jayden Yara Thomas Noor Ruben Isa Ties Lieke Siem Fleur Mohamed "
    "Amira Youssef Aya Ayoub Nour Omar Ilse Hugo Roos"
).split()
PREFIXES = ("", "", "", "", "de", "van", "van der", "van den", "van de")
SURNAMES = [
    "Jansen",
    "Vries",
    "Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Boer",
    "Mulder",
    "Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Leeuwen",
    "Dekker",
    "Brouwer",
    "Wit",
    "Dijkstra",
    "Smits",
    "Graaf",
    "Meer",
    "Linden",
    "Kok",
    "Jacobs",
    "Haan",
    "Vermeulen",
    "Heuvel",
    "Veen",
    "Broek",
    "Bruijn",
    "Heijden",
    "Schouten",
    "Beek",
    "Willems",
    "Vliet",
    "Ven",
    "Hoekstra",
    "Maas",
    "Verhoeven",
    "Koster",
    "Dam",
    "Wal",
    "Prins",
    "Blom",
    "Huisman",
    "Peeters",
    "El Amrani",
    "Yilmaz",
    "Öztürk",
    "Bouzid",
]
TOWNS = (
    "Utrecht Amersfoort Zwolle Deventer Apeldoorn Arnhem Nijmegen Tilburg Breda Eindhoven Den Bosch Leiden Delft "
    "Haarlem Alkmaar Hoorn Groningen Leeuwarden Assen Emmen"
).split()
IKC_NAMES = (
    "De Regenboog|De Zonnebloem|Het Kompas|De Vlinder|De Boomgaard|Het Klavertje|De Sterrenwacht|De Wilgenhoek|"
    "Het Palet|De Ontdekking|De Kameleon|Het Anker|De Windroos|De Vuurtoren|De Bolster|Het Mozaïek|De Horizon|"
    "De Springplank|Het Avontuur|De Eik"
).split("|")
GOING_WELL = [
    "Speelt graag samen met andere kinderen en deelt speelgoed zonder hulp.",
    "Vertelt in korte zinnen wat het heeft meegemaakt en luistert goed naar verhalen.",
    "Klimt, rent en springt vol zelfvertrouwen; houdt een kwast goed vast.",
    "Kan lang geconcentreerd bezig zijn met puzzels en bouwmateriaal.",
    "Trekt zelf de jas aan en ruimt na het spelen op.",
    "Maakt makkelijk contact met nieuwe volwassenen in de groep.",
]
NEEDS_SUPPORT = [
    "Vindt afscheid nemen van de ouder soms lastig; een vast ritueel helpt.",
    "Heeft hulp nodig bij het vinden van woorden als het boos is.",
    "Oefent nog met knippen langs een lijn.",
    "Wordt snel afgeleid in een drukke groep.",
    "",
]
TIPS = ["Geef een vaste plek in de kring.", "Benoem wat het kind goed doet.", "Kondig overgangen vooraf aan.", ""]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
A1_CODES = [
    "identification",
    "development_social_emotional",
    "development_language",
    "development_motor",
    "development_play_learning",
    "development_self_reliance",
]
A2_CODES = ["bso_practical"]


def _name_parts(rng: random.Random) -> tuple[str, str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(PREFIXES), rng.choice(SURNAMES)


@dataclass
class Sizes:
    ikcs: int = 50
    children: int = 25_000
    decisions: int = 200_000
    transfers: int = 100_000
    accesses: int = 300_000
    events: int = 1_000_000
    bench_org_events: int | None = None  # None: the whole top-up (see _fill_events)
    letters: bool = True

    @classmethod
    def scaled(cls, ikcs: int, **overrides) -> Sizes:
        f = ikcs / 50
        base = cls(
            ikcs=ikcs,
            children=int(25_000 * f),
            decisions=int(200_000 * f),
            transfers=int(100_000 * f),
            accesses=int(300_000 * f),
            events=int(1_000_000 * f),
        )
        for key, value in overrides.items():
            if value is not None:
                setattr(base, key, value)
        return base


@dataclass
class Org:
    id: int
    ikc_id: int
    kind: str
    name: str
    locations: dict[str, int] = field(default_factory=dict)  # kind -> id
    titles: dict[str, int] = field(default_factory=dict)  # name -> id
    director: int = 0
    privacy_officer: int = 0
    staff: list[tuple[int, str, int | None]] = field(default_factory=list)  # (user, title, location or None)
    children: list[int] = field(default_factory=list)


@dataclass
class ChildRow:
    id: int
    org: int
    location: int
    first_name: str
    name_prefix: str
    last_name: str
    dob: datetime.date
    external_id: str
    guardians: list[tuple[int, int | None, bool, str]] = field(
        default_factory=list
    )  # (guardian, user, authority, name)


@dataclass
class Version:
    id: int
    agreement: int
    number: int
    sender: int
    receiver: int
    activated_at: datetime.datetime
    superseded_at: datetime.datetime | None
    codes: list[str]
    receiving_location: int
    retention_months: int
    letter_sha: dict[str, str]
    title: str = ""


class Seeder:
    def __init__(self, *, sizes: Sizes, out, seed: int = 20241126) -> None:
        self.sizes = sizes
        self.copier = Copier(out)
        self.say = self.copier.say
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)
        self.end = self.now - datetime.timedelta(minutes=5)  # every seeded event lies before this
        self.start = self.end - datetime.timedelta(days=730)
        self.events: list[tuple] = []  # (at, org, actor, action, target_type, target_id, payload)
        self.orgs: list[Org] = []
        self.children: dict[int, ChildRow] = {}
        self.versions: dict[int, list[Version]] = {}  # sending org -> [v1, v2] per agreement (flat)
        self.counters: dict[str, int] = defaultdict(int)
        self.bench: dict[str, int] = {}
        self.category_ids: dict[str, int] = {}

    # --- helpers ------------------------------------------------------------------------

    def next_id(self, name: str) -> int:
        self.counters[name] += 1
        return self.counters[name]

    def when(self, lo: datetime.datetime | None = None, hi: datetime.datetime | None = None) -> datetime.datetime:
        lo = lo or self.start
        hi = min(hi or self.end, self.end)
        if hi <= lo:
            return hi
        span = (hi - lo).total_seconds()
        return lo + datetime.timedelta(seconds=self.rng.random() * span)

    def event(self, at, org: int | None, actor: int | None, action: str, target: tuple[str, int] | None, payload):
        self.events.append(
            (at, org, actor, action, target[0] if target else "", str(target[1]) if target else "", payload)
        )

    def hexdigest(self, *parts) -> str:
        return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()

    # --- run --------------------------------------------------------------------------------

    def run(self) -> None:
        s = self.sizes
        self.say(
            f"Seeding {s.ikcs} IKCs, {s.children:,} children, {s.decisions:,} consent decisions, "
            f"{s.transfers:,} transfers, {s.accesses:,} accesses, {s.events:,} audit events"
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, code FROM agreements_datacategory")
            self.category_ids = {code: pk for pk, code in cursor.fetchall()}
            cursor.execute("SET LOCAL synchronous_commit = off")
            # Foreign keys are checked at the end of each COPY, not queued until the commit
            # (a table with pending trigger events cannot get its indexes back).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        self.seed_organisations()
        self.seed_people()
        self.seed_children()
        self.seed_agreements()
        self.seed_consent()
        self.seed_rights_and_incidents()
        self.seed_transfers()
        self.seed_audit()
        self.copier.reset_sequences(self.tables_written)
        self.say("Sequences reset")

    tables_written: set[str]

    def copy(self, label_or_table: str, columns, rows) -> int:
        table = table_of(label_or_table) if "." in label_or_table else label_or_table
        self.tables_written.add(table)
        return self.copier.copy(table, columns, rows)

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
                    (
                        org.id,
                        org_name,
                        kind,
                        f"{10000000 + org.id}"[:8] if kind == "childcare" else "",
                        f"{org.id:02d}AB" if kind == "school" else "",
                        f"Schoolstraat {i + 1}",
                        "1234 AB",
                        town,
                        f"privacy@org{org.id}.example.nl",
                        "Functionaris Gegevensbescherming",
                        self.start,
                        ikc_id,
                    )
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
        self.copy(
            "ikc_share.Organisation",
            [
                "id",
                "name",
                "kind",
                "kvk_number",
                "brin_number",
                "address",
                "postal_code",
                "city",
                "privacy_email",
                "privacy_officer_name",
                "created_at",
                "ikc_id",
            ],
            orgs,
        )
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
                    *_name_parts(self.rng),
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
                first, prefix, last = _name_parts(rng)
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
                    (
                        child_id,
                        group,
                        row.external_id,
                        first,
                        prefix,
                        last,
                        dob,
                        vve,
                        rng.randint(6, 24) if vve else None,
                        dob + datetime.timedelta(days=300),
                        None,
                        self.start,
                        org.locations[loc_kind],
                        org.id,
                    )
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
                        gfirst, gprefix, glast = _name_parts(rng)
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
        self.copy(
            "ikc_share.Child",
            [
                "id",
                "group_name",
                "external_id",
                "first_name",
                "name_prefix",
                "last_name",
                "date_of_birth",
                "vve_programme",
                "vve_months",
                "started_on",
                "left_on",
                "created_at",
                "location_id",
                "organisation_id",
            ],
            children,
        )
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
                room = quota - made
                if per_category:
                    if rng.random() < 0.85 and room >= len(v1.codes):
                        answers = [(c, "refused" if rng.random() < 0.05 else "given") for c in v1.codes]
                        made += self._submit(
                            decisions, org.id, child_id, guardian_id, user_id, v1, answers, v1.activated_at
                        )
                    if rng.random() < 0.4 and quota - made >= len(v2.codes):
                        answers = [(c, "refused" if rng.random() < 0.05 else "given") for c in v2.codes]
                        made += self._submit(
                            decisions, org.id, child_id, guardian_id, user_id, v2, answers, v2.activated_at
                        )
                    if rng.random() < 0.12 and quota - made >= 1:
                        made += self._submit(
                            decisions,
                            org.id,
                            child_id,
                            guardian_id,
                            user_id,
                            v2,
                            [(None, "withdrawn")],
                            v2.activated_at + datetime.timedelta(days=90),
                            withdrawn=True,
                        )
                else:
                    if rng.random() < 0.7:
                        made += self._submit(
                            decisions,
                            org.id,
                            child_id,
                            guardian_id,
                            user_id,
                            v1,
                            [(None, "given" if rng.random() < 0.9 else "refused")],
                            v1.activated_at,
                        )
                    if rng.random() < 0.75 and quota - made >= 1:
                        made += self._submit(
                            decisions,
                            org.id,
                            child_id,
                            guardian_id,
                            user_id,
                            v2,
                            [(None, "given" if rng.random() < 0.9 else "refused")],
                            v2.activated_at,
                        )
            # Top up to the quota with later answers on the active version (parents changing their minds).
            while made < quota and pairs:
                child_id, (guardian_id, user_id, _auth, _name) = rng.choice(pairs)
                state = rng.choice(["given", "withdrawn"])
                code = None
                if state == "withdrawn":
                    made += self._submit(
                        decisions,
                        org.id,
                        child_id,
                        guardian_id,
                        user_id,
                        v2,
                        [(code, state)],
                        v2.activated_at + datetime.timedelta(days=150),
                        withdrawn=True,
                    )
                else:
                    made += self._submit(
                        decisions,
                        org.id,
                        child_id,
                        guardian_id,
                        user_id,
                        v2,
                        [(code, state)],
                        v2.activated_at + datetime.timedelta(days=150),
                    )
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
        org_id: int,
        child_id: int,
        guardian_id: int,
        user_id: int | None,
        version: Version,
        answers: list[tuple[str | None, str]],
        lo: datetime.datetime,
        withdrawn: bool = False,
    ) -> int:
        """One portal submission (rows sharing a submission id) and its audit event."""
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
                incidents.append(
                    (
                        self.next_id("incident"),
                        number,
                        f"Incident {number}: e-mail verkeerd verstuurd",
                        discovered,
                        "Een e-mail met een groepslijst ging naar een verkeerde ouder.",
                        3,
                        '["identification"]',
                        "",
                        False,
                        "none",
                        "Geen risico: alleen namen.",
                        "Ouder gevraagd de e-mail te verwijderen.",
                        False,
                        None,
                        "",
                        False,
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
            "consent.RightsRequest",
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
            "consent.RightsRequestStep", ["id", "at", "action", "status", "message", "actor_id", "request_id"], steps
        )
        self.copy(
            "ikc_share.Incident",
            [
                "id",
                "number",
                "title",
                "discovered_at",
                "description",
                "affected_count",
                "data_categories",
                "other_data",
                "touches_exchange",
                "risk",
                "risk_assessment",
                "measures",
                "ap_reported",
                "ap_reported_at",
                "ap_reference",
                "parents_informed",
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

    @staticmethod
    def _content_hash(codes: list[str], content: dict) -> str:
        text = json.dumps(
            {
                "categories": list(codes),
                "content": {c: content.get(c, {}) for c in codes},
                "parents_view": "",
                "attachments": [],
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

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
                sha = self._content_hash(codes, content)
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
            "agreements.Transfer",
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
            "agreements.ReceivedTransfer",
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
        with self.copier.without_indexes(table_of("agreements.TransferAccess")):
            self.copy(
                "agreements.TransferAccess",
                ["id", "function_title", "at", "organisation_id", "received_id", "user_id"],
                accesses,
            )
        self.say(f"{len(transfers):,} transfers, {len(received):,} received copies, {len(accesses):,} accesses")

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
                seq += 1
                body = canonical_payload(payload)
                text = canonical_text(
                    chain=chain,
                    seq=seq,
                    at=at,
                    actor_id=actor,
                    action=action,
                    target_type=ttype,
                    target_id=tid,
                    payload=body,
                    prev_hash=prev,
                )
                digest = sha256_hex(text)
                heads[chain] = (seq, digest)
                refs = refs_for(target_type=ttype, target_id=tid, payload=body)
                yield (
                    event_id,
                    chain,
                    seq,
                    org,
                    at,
                    actor,
                    action,
                    ttype,
                    tid,
                    body,
                    text,
                    prev,
                    digest,
                    refs["child_ref"],
                    refs["guardian_ref"],
                    refs["version_ref"],
                    refs["agreement_ref"],
                    refs["transfer_ref"],
                )

        table = table_of("ikc_share.AuditEvent")
        with self.copier.without_indexes(table):
            self.copy(
                table,
                [
                    "id",
                    "chain",
                    "seq",
                    "organisation_id",
                    "at",
                    "actor_id",
                    "action",
                    "target_type",
                    "target_id",
                    "payload",
                    "canonical",
                    "prev_hash",
                    "hash",
                    "child_ref",
                    "guardian_ref",
                    "version_ref",
                    "agreement_ref",
                    "transfer_ref",
                ],
                rows(),
            )
        self.copy(
            "ikc_share.AuditChainHead",
            ["id", "chain", "seq", "hash"],
            [(i, chain, seq, digest) for i, (chain, (seq, digest)) in enumerate(sorted(heads.items()), start=1)],
        )
        self.events = []
        self.say(f"{len(heads)} audit chains")


def seed(*, sizes: Sizes, out, seed: int = 20241126) -> dict[str, int]:
    """Write everything in one transaction (all or nothing). Returns the benchmark users' ids."""
    seeder = Seeder(sizes=sizes, out=out, seed=seed)
    with transaction.atomic():
        seeder.run()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seeder.say("ANALYZE done")
    return seeder.bench
