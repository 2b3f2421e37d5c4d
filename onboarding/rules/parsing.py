"""The import's small parsers and shapes: dates, yes/no, names (with Dutch prefixes),
the BSN guard, e-mail addresses, ages, location lookup, and the rows as checked.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from onboarding.reading import normalise_header

MAX_PROBLEMS = 10_000

NAME_PREFIXES = {
    "van",
    "de",
    "der",
    "den",
    "het",
    "ter",
    "ten",
    "te",
    "'t",
    "t",
    "in",
    "op",
    "el",
    "al",
    "la",
    "le",
    "du",
    "da",
    "di",
    "des",
    "d'",
    "von",
    "vom",
    "zu",
    "uit",
    "aan",
    "bij",
    "onder",
    "over",
    "voor",
    "'s",
    "s",
}
_SALUTATIONS = {
    "dhr",
    "dhr.",
    "mevr",
    "mevr.",
    "mw",
    "mw.",
    "mr",
    "mr.",
    "hr",
    "hr.",
    "fam",
    "fam.",
    "de heer",
    "mevrouw",
}
_YES = {"ja", "j", "yes", "y", "1", "true", "waar", "x", "gezag", "wel"}
_NO = {"nee", "n", "no", "0", "false", "onwaar", "geen", "niet"}
VVE_CODES = {
    "": "",
    "geen": "",
    "nee": "",
    "none": "",
    "ukenpuk": "uk_en_puk",
    "ukpuk": "uk_en_puk",
    "ukenpukvve": "uk_en_puk",
    "piramide": "piramide",
    "startblokken": "startblokken",
    "kaleidoscoop": "kaleidoscoop",
    "ander": "other",
    "anders": "other",
    "overig": "other",
    "other": "other",
    "anderprogramma": "other",
}
# re.ASCII: only 0-9 are digits in a file (not "²" or "٣", which \d would take).
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$", re.ASCII)
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$", re.ASCII)

CHILD_LIMITS = {"external_id": 40, "first_name": 100, "name_prefix": 20, "last_name": 100, "group_name": 60}
GUARDIAN_LIMITS = {"first_name": 100, "name_prefix": 20, "last_name": 100, "email": 254, "phone": 30}


@dataclass
class Problem:
    row: int | None
    message: str


@dataclass
class LocationInfo:
    id: int
    name: str
    kind: str
    kind_label: str
    registry_code: str
    age_range: tuple[int, int]


@dataclass
class GuardianIn:
    key: tuple
    values: dict[str, str]  # first_name, name_prefix, last_name and, when mapped, email and phone
    authority: bool | None  # None: the file says nothing about parental authority

    @property
    def email(self) -> str:
        return self.values.get("email", "")

    @property
    def name_norm(self) -> str:
        return name_key(self.values["first_name"], self.values["name_prefix"], self.values["last_name"])


@dataclass
class ChildIn:
    row: int
    external_id: str
    values: dict[str, Any]  # Child field → value: required fields, location_id and mapped fields
    guardians: list[GuardianIn] = field(default_factory=list)


@dataclass
class Checked:
    children: list[ChildIn]
    problems: list[Problem]
    warnings: list[str]
    problem_count: int = 0
    # Locations the file speaks for: all of them when it has a location column, else the
    # one chosen for the whole file. Children there who are not in the file are "missing".
    covered_location_ids: set[int] = field(default_factory=set)


# --- Small parsers -----------------------------------------------------------------------


def parse_date(text: str) -> datetime.date | None:
    """dd-mm-jjjj, d-m-jjjj (also with / or .) and jjjj-mm-dd; None when it does not parse."""
    text = text.strip()
    if m := _DMY.match(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _YMD.match(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def parse_yes_no(text: str) -> bool | None:
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    return None


def name_key(first: str, prefix: str, last: str) -> str:
    return " ".join(" ".join([first, prefix, last]).replace(".", " ").lower().split())


def split_name(full: str) -> tuple[str, str, str]:
    """'Sanne de Boer' → ('Sanne', 'de', 'Boer'); 'Boer, Sanne de' → same; a single word is
    taken as the last name."""
    text = " ".join(full.split())
    if "," in text:
        last, _sep, rest = text.partition(",")
        words = rest.split()
        first = words[0] if words else ""
        prefix = " ".join(words[1:])
        return first, prefix, last.strip()
    words = text.split()
    while words and words[0].lower() in _SALUTATIONS and len(words) > 1:
        words = words[1:]
    if len(words) == 1:
        return "", "", words[0]
    first, rest = words[0], words[1:]
    prefix_words = []
    while len(rest) > 1 and rest[0].lower() in NAME_PREFIXES:
        prefix_words.append(rest.pop(0))
    return first, " ".join(prefix_words), " ".join(rest)


def looks_like_bsn(text: str) -> bool:
    """Nine digits that pass the 'elfproef' of a citizen service number."""
    if not re.fullmatch(r"\d{9}", text):
        return False
    digits = [int(d) for d in text]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0 and text != "000000000"


@lru_cache(maxsize=65536)
def valid_email(email: str) -> bool:
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def age_on(dob: datetime.date, day: datetime.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


# --- Locations -----------------------------------------------------------------------------


def location_lookup(locations: list[LocationInfo]) -> dict[str, LocationInfo | None]:
    """Normalised name, registry code (with or without 'LRK'/'BRIN') or kind → location;
    None when the text fits more than one location."""
    lookup: dict[str, LocationInfo | None] = {}

    def add(key: str, loc: LocationInfo) -> None:
        if not key:
            return
        if key in lookup and lookup[key] is not None and lookup[key].id != loc.id:
            lookup[key] = None
        else:
            lookup.setdefault(key, loc)

    for loc in locations:
        add(normalise_header(loc.name), loc)
        code = normalise_header(loc.registry_code)
        add(code, loc)
        for prefix in ("lrk", "brin"):
            if code.startswith(prefix):
                add(code[len(prefix) :], loc)
        add(normalise_header(loc.kind_label), loc)
        add(normalise_header(loc.kind), loc)
    return lookup
