"""Demo data for "IKC De Regenboog": a childcare organisation and a school board, their
staff, ~20 children each with their guardians. Idempotent: running it again changes
nothing. Dates of birth are relative to today, so ages always fit the location."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ikc_share import services
from ikc_share.models import Child, FunctionTitle, Guardian, Guardianship, Ikc, Location, Membership, Organisation

User = get_user_model()
DEMO_PASSWORD = "regenboog-demo"  # noqa: S105  (demo only; printed in the README)


@dataclass
class DemoContext:
    """What later apps' demo seeders need to find again."""

    ikc: Ikc
    childcare: Organisation
    school: Organisation
    daycare: Location
    bso: Location
    school_location: Location
    users: dict[str, object] = field(default_factory=dict)


STAFF = [
    # username, first, last, org key, role, function title, location keys
    ("directeur.opvang", "Ingrid", "Bakker", "childcare", "director", "Directeur kinderopvang", []),
    ("pm.dagopvang", "Fatima", "el Amrani", "childcare", "staff", "Pedagogisch medewerker", ["daycare"]),
    ("pm.bso", "Tom", "Visser", "childcare", "staff", "Pedagogisch medewerker BSO", ["bso"]),
    ("fg.opvang", "Henk", "Mulder", "childcare", "privacy_officer", "Functionaris gegevensbescherming", []),
    ("directeur.school", "Marloes", "de Wit", "school", "director", "Directeur basisschool", []),
    ("leerkracht.school", "Jeroen", "de Vries", "school", "staff", "Leerkracht groep 1-2", ["school"]),
    ("ib.school", "Annemiek", "Smit", "school", "staff", "Intern begeleider", ["school"]),
    ("fg.school", "Priya", "Ramdin", "school", "privacy_officer", "Functionaris gegevensbescherming", []),
]
EXTRA_TITLES = {
    "childcare": ["Pedagogisch beleidsmedewerker", "Locatiemanager"],
    "school": ["Leerkracht groep 3", "Leerkracht groep 4-5", "Onderwijsassistent"],
}

FIRST_NAMES = [
    "Noah",
    "Emma",
    "Sem",
    "Julia",
    "Liam",
    "Mila",
    "Luuk",
    "Tess",
    "Daan",
    "Sophie",
    "Finn",
    "Zoë",
    "Levi",
    "Sara",
    "Milan",
    "Nora",
    "Jesse",
    "Evi",
    "Bram",
    "Lotte",
    "Mees",
    "Yara",
    "Adam",
    "Noor",
    "Thijs",
    "Lieke",
    "Ryan",
    "Fenna",
    "Ilyas",
    "Saar",
    "Jayden",
    "Amira",
    "Ties",
    "Fleur",
    "Gijs",
    "Roos",
    "Mohammed",
    "Isa",
    "Lars",
    "Hanna",
]
SURNAMES = [
    ("", "Jansen"),
    ("de", "Boer"),
    ("", "Bos"),
    ("van", "Dijk"),
    ("", "Visser"),
    ("", "Smit"),
    ("", "Meijer"),
    ("van der", "Meer"),
    ("", "Mulder"),
    ("de", "Groot"),
    ("", "Bakker"),
    ("", "Hendriks"),
    ("van", "Leeuwen"),
    ("", "Dekker"),
    ("", "Brouwer"),
    ("de", "Jong"),
    ("", "Yilmaz"),
    ("el", "Idrissi"),
    ("", "Kramer"),
    ("van den", "Berg"),
    ("", "Vos"),
    ("", "Peters"),
    ("", "Koster"),
    ("", "Willems"),
]
PARENT_FIRST = [
    "Sanne",
    "Mark",
    "Linda",
    "Erik",
    "Anouk",
    "Bas",
    "Femke",
    "Joost",
    "Iris",
    "Ruben",
    "Marieke",
    "Dennis",
    "Esther",
    "Kevin",
    "Naima",
    "Youssef",
    "Eline",
    "Stijn",
    "Laura",
    "Rik",
    "Samira",
    "Thomas",
    "Kim",
    "Pieter",
]


def _dob(today: datetime.date, years: int, extra_days: int) -> datetime.date:
    return today - datetime.timedelta(days=int(years * 365.25) + extra_days)


def _school_group(age: int) -> str:
    n = max(1, min(8, age - 3))
    return "Groep 1-2" if n <= 2 else f"Groep {n}"


def _user(username: str, first: str, last: str, email: str) -> object:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": email}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed() -> DemoContext:
    today = timezone.localdate()
    rng = random.Random(2026)
    ikc, _ = Ikc.objects.get_or_create(slug="de-regenboog", defaults={"name": "IKC De Regenboog"})

    def org(name: str, kind: str, **fields) -> Organisation:
        existing = Organisation.objects.filter(ikc=ikc, name=name).first()
        if existing is None:
            return services.organisation_create(ikc=ikc, name=name, kind=kind, **fields)
        # A database seeded before the FG's contact fields existed gets them (blank ones only).
        blank = {k: v for k, v in fields.items() if k.startswith("privacy_officer_") and not getattr(existing, k)}
        if blank:
            Organisation.objects.filter(pk=existing.pk).update(**blank)
            existing.refresh_from_db()
        return existing

    childcare = org(
        "Kinderopvang De Regenboog",
        "childcare",
        kvk_number="61234567",
        address="Regenbooglaan 12",
        postal_code="3817 AB",
        city="Amersfoort",
        privacy_email="privacy@kinderopvang-regenboog.example.nl",
        privacy_officer_name="Henk Mulder",
        privacy_officer_email="h.mulder@kinderopvang-regenboog.example.nl",
        privacy_officer_phone="033 456 78 90",
        privacy_officer_address="Postbus 1234, 3800 BE Amersfoort",
    )
    school = org(
        "Stichting Openbaar Primair Onderwijs Eemland",
        "school",
        brin_number="41234",
        kvk_number="41189765",
        address="Stadsring 80",
        postal_code="3811 HR",
        city="Amersfoort",
        privacy_email="fg@spo-eemland.example.nl",
        privacy_officer_name="Priya Ramdin",
        privacy_officer_email="p.ramdin@spo-eemland.example.nl",
        privacy_officer_phone="033 467 89 01",
        privacy_officer_address="Postbus 2040, 3800 CA Amersfoort",
    )

    def loc(organisation: Organisation, name: str, kind: str, code: str) -> Location:
        existing = Location.objects.filter(organisation=organisation, name=name).first()
        return existing or services.location_create(
            organisation=organisation, name=name, kind=kind, registry_code=code, address="Regenbooglaan 12, Amersfoort"
        )

    daycare = loc(childcare, "Kinderdagverblijf De Regenboog", "daycare", "LRK 183746529")
    bso = loc(childcare, "BSO De Regenboog", "bso", "LRK 294857361")
    school_location = loc(school, "OBS De Regenboog", "school", "BRIN 12AB00")
    ctx = DemoContext(
        ikc=ikc, childcare=childcare, school=school, daycare=daycare, bso=bso, school_location=school_location
    )
    orgs = {"childcare": childcare, "school": school}
    locs = {"daycare": daycare, "bso": bso, "school": school_location}

    # The operator (superuser) sets up IKCs at /operator/; the app's own pages grant them nothing.
    operator, created = User.objects.get_or_create(
        username="beheer",
        defaults={
            "first_name": "Beheerder",
            "last_name": "ikc-share",
            "email": "beheer@ikc-share.example.nl",
            "is_staff": True,
            "is_superuser": True,
        },
    )
    if created:
        operator.set_password(DEMO_PASSWORD)
        operator.save(update_fields=["password"])
    ctx.users["beheer"] = operator

    for key, titles in EXTRA_TITLES.items():
        for title in titles:
            FunctionTitle.objects.get_or_create(organisation=orgs[key], name=title)
    for username, first, last, org_key, role, title, loc_keys in STAFF:
        organisation = orgs[org_key]
        user = _user(username, first, last, f"{username}@regenboog.example.nl")
        ctx.users[username] = user
        function_title, _ = FunctionTitle.objects.get_or_create(organisation=organisation, name=title)
        if not Membership.objects.filter(user=user, organisation=organisation).exists():
            services.membership_invite(
                organisation=organisation,
                actor=None,
                email=user.email,
                first_name=first,
                last_name=last,
                role=role,
                function_title=function_title,
                locations=[locs[k] for k in loc_keys],
            )

    # --- Families -------------------------------------------------------------------
    # Each family: children (first name, age in years, placements) and guardians.
    # Placements: "daycare" / "bso" / "school". A family with a BSO child has records at
    # both organisations: two Guardian records per parent, one login.
    families = _families(rng)
    for fam_index, family in enumerate(families, start=1):
        guardians_by_org: dict[str, list[tuple[Guardian, bool]]] = {}
        for child_index, (first, age, placements, vve) in enumerate(family["children"], start=1):
            dob = _dob(today, age, rng.randint(10, 300))
            for placement in placements:
                organisation = childcare if placement in ("daycare", "bso") else school
                location = locs[placement]
                ext = f"{'KO' if organisation == childcare else 'LL'}-{fam_index:02d}{child_index}"
                years = Child(date_of_birth=dob).age_on(today)
                group = (
                    _school_group(years)
                    if placement == "school"
                    else ("BSO Onderbouw" if years < 8 else "BSO Bovenbouw")
                    if placement == "bso"
                    else ("Rupsjes" if years < 2 else "Vlinders")
                )
                child, created = Child.objects.get_or_create(
                    organisation=organisation,
                    external_id=ext,
                    defaults=dict(
                        location=location,
                        group_name=group,
                        first_name=first,
                        name_prefix=family["prefix"],
                        last_name=family["surname"],
                        date_of_birth=dob,
                        vve_programme=vve[0] if vve and placement in ("daycare", "school") else "",
                        vve_months=vve[1] if vve and placement in ("daycare", "school") else None,
                        started_on=today - datetime.timedelta(days=200 + 30 * child_index),
                    ),
                )
                org_key = "childcare" if organisation == childcare else "school"
                if org_key not in guardians_by_org:
                    guardians_by_org[org_key] = [
                        (_guardian(organisation, fam_index, g_index, g), g["authority"])
                        for g_index, g in enumerate(family["guardians"], start=1)
                    ]
                for guardian, authority in guardians_by_org[org_key]:
                    Guardianship.objects.get_or_create(
                        guardian=guardian,
                        child=child,
                        defaults={"has_parental_authority": authority, "relation": "parent" if authority else "carer"},
                    )
    return ctx


def _guardian(organisation: Organisation, fam: int, index: int, g: dict) -> Guardian:
    ext = f"V-{fam:02d}{index}"
    user = None
    if g["email"]:
        user = g.get("user") or _user(g["email"], g["first"], g["last"], g["email"])
    guardian, _ = Guardian.objects.get_or_create(
        organisation=organisation,
        external_id=ext,
        defaults=dict(
            first_name=g["first"],
            name_prefix=g["prefix"],
            last_name=g["last"],
            email=g["email"],
            phone=g["phone"],
            language=g.get("language", "nl"),
            user=user,
        ),
    )
    return guardian


def _families(rng: random.Random) -> list[dict]:
    """A fixed cast for the journeys, then generated families to reach ~20 children per
    organisation."""
    tom = User.objects.get(username="pm.bso")
    families: list[dict] = [
        {  # Noah (3, about to start school) and Emma (7, school + BSO): two parents with authority.
            "prefix": "",
            "surname": "Jansen",
            "children": [("Noah", 3, ["daycare"], ("uk_en_puk", 18)), ("Emma", 7, ["school", "bso"], None)],
            "guardians": [
                {
                    "first": "Sanne",
                    "prefix": "de",
                    "last": "Boer",
                    "email": "sanne.deboer@example.nl",
                    "phone": "06-12345678",
                    "authority": True,
                },
                {
                    "first": "Mark",
                    "prefix": "",
                    "last": "Jansen",
                    "email": "mark.jansen@example.nl",
                    "phone": "06-23456789",
                    "authority": True,
                },
            ],
        },
        {  # Sem: mother with authority, father without (informed, does not decide).
            "prefix": "",
            "surname": "Bos",
            "children": [("Sem", 3, ["daycare"], None)],
            "guardians": [
                {
                    "first": "Linda",
                    "prefix": "",
                    "last": "Bos",
                    "email": "linda.bos@example.nl",
                    "phone": "06-34567890",
                    "authority": True,
                },
                {
                    "first": "Erik",
                    "prefix": "",
                    "last": "Hendriks",
                    "email": "erik.hendriks@example.nl",
                    "phone": "06-45678901",
                    "authority": False,
                },
            ],
        },
        {  # Lotte: her father Tom Visser works at the BSO (a parent AND a staff member).
            "prefix": "",
            "surname": "Visser",
            "children": [("Lotte", 6, ["school", "bso"], None)],
            "guardians": [
                {
                    "first": "Tom",
                    "prefix": "",
                    "last": "Visser",
                    "email": tom.email,
                    "user": tom,
                    "phone": "06-56789012",
                    "authority": True,
                },
                {
                    "first": "Kim",
                    "prefix": "",
                    "last": "Visser",
                    "email": "kim.visser@example.nl",
                    "phone": "06-67890123",
                    "authority": True,
                    "language": "en",
                },
            ],
        },
        {  # Yara: one parent, no e-mail address (gets letters on paper).
            "prefix": "el",
            "surname": "Idrissi",
            "children": [("Yara", 2, ["daycare"], None)],
            "guardians": [
                {
                    "first": "Naima",
                    "prefix": "el",
                    "last": "Idrissi",
                    "email": "",
                    "phone": "06-78901234",
                    "authority": True,
                },
            ],
        },
    ]
    used = {"Noah", "Emma", "Sem", "Lotte", "Yara"}
    names = [n for n in FIRST_NAMES if n not in used]
    surnames = [s for s in SURNAMES if s[1] not in {"Jansen", "Bos", "Visser", "Idrissi"}]
    # Daycare children 0-3, BSO children who are also at school 4-11, school-only 4-12.
    plans = (
        [(["daycare"], age) for age in [0, 1, 1, 2, 2, 3, 3, 3]]
        + [(["school", "bso"], age) for age in [4, 5, 8, 9, 10]]
        + [(["school"], age) for age in [4, 4, 5, 6, 6, 7, 8, 9, 10, 11, 11, 12]]
    )
    for i, (placements, age) in enumerate(plans):
        prefix, surname = surnames[i % len(surnames)]
        p1, p2 = PARENT_FIRST[(2 * i + 6) % len(PARENT_FIRST)], PARENT_FIRST[(2 * i + 7) % len(PARENT_FIRST)]
        slug = (prefix + surname).replace(" ", "").lower()
        guardians = [
            {
                "first": p1,
                "prefix": prefix,
                "last": surname,
                "email": f"{p1.lower()}.{slug}@example.nl",
                "phone": f"06-{rng.randint(10000000, 99999999)}",
                "authority": True,
            }
        ]
        if i % 3 != 2:
            guardians.append(
                {
                    "first": p2,
                    "prefix": prefix,
                    "last": surname,
                    "email": f"{p2.lower()}.{slug}@example.nl",
                    "phone": f"06-{rng.randint(10000000, 99999999)}",
                    "authority": True,
                }
            )
        vve = (
            ("piramide", 12)
            if (placements == ["daycare"] and age >= 2 and i % 2 == 0)
            else (("startblokken", 24) if placements == ["school"] and age == 4 else None)
        )
        families.append(
            {
                "prefix": prefix,
                "surname": surname,
                "children": [(names[i % len(names)], age, placements, vve)],
                "guardians": guardians,
            }
        )
    return families
