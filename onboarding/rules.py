"""The import's decisions, each with a message a director can act on.

`check_rows` turns the rows of a file into validated children with their guardians and
lists every problem with its row number (the header is row 1, as in Excel).
`plan_import` compares them with what the organisation already holds and decides what
is created, updated or left unchanged; it writes nothing (importing.py does).

Matching rules:
- a child by the organisation's own number (external_id); a file never touches a child
  of another organisation;
- a guardian within the organisation by e-mail address (and by name when two people
  share one address); a guardian without e-mail address by name among the child's
  existing guardians;
- fields that are not mapped are left as they are; an e-mail address is never erased.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from onboarding.columns import FIELDS_BY_KEY, REQUIRED
from onboarding.reading import Table, normalise_header

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
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")

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
def _valid_email(email: str) -> bool:
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


# --- Checking the rows -------------------------------------------------------------------------


class _Row:
    """Collects one row's problems."""

    def __init__(self, number: int, problems: list[Problem]):
        self.number = number
        self.problems = problems
        self.bad = False

    def problem(self, message: str) -> None:
        self.bad = True
        self.problems.append(
            Problem(self.number, _("Rij %(row)s: %(message)s") % {"row": self.number, "message": message})
        )


def check_rows(
    *,
    table: Table,
    columns: dict[str, str],
    organisation_kind: str,
    locations: list[LocationInfo],
    default_location_id: int | None,
    today: datetime.date,
    on_progress: Callable[[int], None] | None = None,
) -> Checked:
    index = {key: table.headers.index(h) for key, h in columns.items() if h in table.headers}
    mapped = set(index)
    number_label = _("leerlingnummer") if organisation_kind == "school" else _("kindnummer")
    name_labels = (("first_name", _("roepnaam")), ("last_name", _("achternaam")))
    guardian_columns = [
        _GuardianColumns(
            slot=slot,
            index={
                part: index[f"g{slot}_{part}"]
                for part in ("name", "first_name", "name_prefix", "last_name", "email", "phone", "authority")
                if f"g{slot}_{part}" in index
            },
            label=_("verzorger %(n)s") % {"n": slot},
        )
        for slot in (1, 2)
    ]
    problems: list[Problem] = []
    warnings: list[str] = []
    children: list[ChildIn] = []
    seen_ids: dict[str, int] = {}
    lookup = location_lookup(locations)
    by_id = {loc.id: loc for loc in locations}
    default_location = by_id.get(default_location_id) if default_location_id else None
    if len(locations) == 1 and default_location is None:
        default_location = locations[0]
    for key in REQUIRED:
        if key not in mapped:
            problems.append(
                Problem(
                    None,
                    _("Er is geen kolom gekoppeld aan het verplichte veld '%(field)s'.")
                    % {"field": FIELDS_BY_KEY[key].label},
                )
            )
    if "location" not in mapped and default_location is None:
        problems.append(Problem(None, _("Kies een locatie voor het hele bestand, of koppel een kolom 'locatie'.")))
    if problems:
        return Checked(children=[], problems=problems, warnings=warnings, problem_count=len(problems))
    covered = {loc.id for loc in locations} if "location" in mapped else {default_location.id}

    no_email = 0
    shared_email_rows: list[int] = []
    bsn_like = 0
    for done, (number, cells) in enumerate(table.rows, start=1):
        if on_progress is not None and done % 1000 == 0:
            on_progress(done)
        row = _Row(number, problems)

        def cell(key: str, cells=cells) -> str | None:
            i = index.get(key)
            return None if i is None else cells[i].strip()

        if number in table.long_rows:
            row.problem(
                _(
                    "deze rij heeft %(found)s kolommen, de kopregel %(expected)s. Staat er een "
                    "scheidingsteken in een naam of adres? Zet zo'n waarde tussen aanhalingstekens."
                )
                % {"found": table.long_rows[number], "expected": len(table.headers) + len(table.ignored)}
            )
        values: dict[str, Any] = {}
        ext = cell("external_id") or ""
        if not ext:
            row.problem(_("het %(label)s ontbreekt.") % {"label": number_label})
        elif ext in seen_ids:
            row.problem(
                _("%(label)s '%(value)s' staat ook in rij %(other)s.")
                % {"label": number_label, "value": ext, "other": seen_ids[ext]}
            )
        else:
            seen_ids[ext] = number
            if looks_like_bsn(ext):
                bsn_like += 1
        for key, label in name_labels:
            value = cell(key) or ""
            if not value:
                row.problem(_("de %(field)s ontbreekt.") % {"field": label})
            values[key] = value
        if "name_prefix" in mapped:
            values["name_prefix"] = cell("name_prefix") or ""
        if "group_name" in mapped:
            values["group_name"] = cell("group_name") or ""
        for key, limit in CHILD_LIMITS.items():
            value = ext if key == "external_id" else values.get(key, "")
            if len(value) > limit:
                row.problem(
                    _("'%(value)s' is te lang (maximaal %(max)s tekens).") % {"value": value[:40] + "…", "max": limit}
                )
        raw_dob = cell("date_of_birth") or ""
        dob = parse_date(raw_dob) if raw_dob else None
        if not raw_dob:
            row.problem(_("de geboortedatum ontbreekt."))
        elif dob is None:
            row.problem(
                _(
                    "geboortedatum '%(value)s' is geen geldige datum. Gebruik dd-mm-jjjj (bijvoorbeeld "
                    "05-03-2021) of jjjj-mm-dd."
                )
                % {"value": raw_dob}
            )
        elif dob > today:
            row.problem(_("geboortedatum '%(value)s' ligt in de toekomst.") % {"value": raw_dob})
        values["date_of_birth"] = dob

        location = default_location
        raw_location = cell("location") or ""
        if raw_location:
            found = lookup.get(normalise_header(raw_location), False)
            if found is None:
                row.problem(
                    _("locatie '%(value)s' past bij meer dan één locatie; gebruik de naam of LRK-/BRIN-code.")
                    % {"value": raw_location}
                )
                location = None
            elif found is False:
                row.problem(
                    _("locatie '%(value)s' kennen we niet. Kies uit: %(choices)s.")
                    % {"value": raw_location, "choices": ", ".join(loc.name for loc in locations)}
                )
                location = None
            else:
                location = found
        elif location is None:
            row.problem(_("de locatie ontbreekt."))
        if location is not None:
            values["location_id"] = location.id
            if dob is not None and dob <= today:
                years = age_on(dob, today)
                low, high = location.age_range
                if not low <= years <= high:
                    row.problem(
                        _(
                            "het kind is %(age)s jaar; dat past niet bij %(kind)s '%(location)s' (%(low)s tot en met "
                            "%(high)s jaar). Klopt de geboortedatum of de locatie?"
                        )
                        % {
                            "age": years,
                            "kind": location.kind_label.lower(),
                            "location": location.name,
                            "low": low,
                            "high": high,
                        }
                    )
        if "started_on" in mapped:
            raw = cell("started_on") or ""
            started = parse_date(raw) if raw else None
            if raw and started is None:
                row.problem(
                    _("startdatum '%(value)s' is geen geldige datum. Gebruik dd-mm-jjjj of jjjj-mm-dd.")
                    % {"value": raw}
                )
            values["started_on"] = started
        if "vve_programme" in mapped:
            raw = cell("vve_programme") or ""
            code = VVE_CODES.get(normalise_header(raw))
            if code is None:
                row.problem(
                    _(
                        "VVE-programma '%(value)s' kennen we niet. Kies uit: Uk & Puk, Piramide, Startblokken, "
                        "Kaleidoscoop, ander, of laat het leeg."
                    )
                    % {"value": raw}
                )
            values["vve_programme"] = code or ""
        if "vve_months" in mapped:
            raw = cell("vve_months") or ""
            months = None
            if raw:
                if raw.isdigit() and int(raw) <= 72:
                    months = int(raw)
                else:
                    row.problem(
                        _("VVE-duur '%(value)s' is geen aantal maanden (een heel getal van 0 tot 72).") % {"value": raw}
                    )
            values["vve_months"] = months

        guardians: list[GuardianIn] = []
        for cols in guardian_columns:
            guardian = _check_guardian(row, cols, cells, ext)
            if guardian is None:
                continue
            if any(g.key == guardian.key for g in guardians):
                continue  # the same person twice in one row
            if guardian.email and any(g.email == guardian.email for g in guardians):
                shared_email_rows.append(number)
            if not guardian.email:
                no_email += 1
            guardians.append(guardian)
        if not row.bad:
            children.append(ChildIn(row=number, external_id=ext, values=values, guardians=guardians))

    if seen_ids and bsn_like * 2 >= len(seen_ids):
        problems.insert(
            0,
            Problem(
                None,
                _(
                    "De kolom die als nummer is gekoppeld lijkt burgerservicenummers (BSN) te bevatten. "
                    "Een BSN importeren we nooit: koppel de kolom met het eigen %(label)s."
                )
                % {"label": number_label},
            ),
        )
    if no_email:
        warnings.append(
            _(
                "%(n)s keer staat er een ouder/verzorger zonder e-mailadres in het bestand; die ouders "
                "kunnen (nog) geen account krijgen."
            )
            % {"n": no_email}
        )
    if shared_email_rows:
        warnings.append(
            _(
                "In %(n)s rij(en) hebben verzorger 1 en 2 hetzelfde e-mailadres; zij krijgen samen één account "
                "(eerste: rij %(row)s)."
            )
            % {"n": len(shared_email_rows), "row": shared_email_rows[0]}
        )
    if not any(f"g{slot}_authority" in mapped for slot in (1, 2)) and any(c.guardians for c in children):
        warnings.append(
            _(
                "Er is geen kolom 'gezag' gekoppeld: nieuwe ouders/verzorgers krijgen ouderlijk gezag, "
                "bestaande houden wat ze hadden."
            )
        )
    problems.sort(key=lambda p: p.row or 0)
    total = len(problems)
    return Checked(
        children=children,
        problems=problems[:MAX_PROBLEMS],
        warnings=warnings,
        problem_count=total,
        covered_location_ids=covered,
    )


@dataclass
class _GuardianColumns:
    """Where one guardian slot's values are in a row (prepared once per file)."""

    slot: int
    index: dict[str, int]  # part → column index, for the mapped parts only
    label: str

    def get(self, cells: list[str], part: str) -> str:
        i = self.index.get(part)
        return "" if i is None else cells[i].strip()


def _check_guardian(row: _Row, cols: _GuardianColumns, cells: list[str], child_ext: str) -> GuardianIn | None:
    get = cols.get
    first, prefix, last = get(cells, "first_name"), get(cells, "name_prefix"), get(cells, "last_name")
    if not (first or last):
        full = get(cells, "name")
        if full:
            first, prefix, last = split_name(full)
    raw_email = get(cells, "email")
    email = raw_email.lower()
    phone = get(cells, "phone")
    if not (first or last or email or phone):
        return None
    label = cols.label
    if not (first or last):
        row.problem(_("%(who)s heeft geen naam.") % {"who": label})
    if email and not _valid_email(email):
        row.problem(
            _("het e-mailadres van %(who)s, '%(value)s', is geen geldig e-mailadres.")
            % {"who": label, "value": raw_email}
        )
    values = {"first_name": first, "name_prefix": prefix, "last_name": last}
    if "email" in cols.index:
        values["email"] = email
    if "phone" in cols.index:
        values["phone"] = phone
    for key, limit in GUARDIAN_LIMITS.items():
        if len(values.get(key, "")) > limit:
            row.problem(
                _("%(field)s van %(who)s is te lang (maximaal %(max)s tekens).")
                % {"field": key, "who": label, "max": limit}
            )
    authority = None
    if "authority" in cols.index:
        raw = get(cells, "authority")
        authority = parse_yes_no(raw)
        if not raw:
            row.problem(_("bij %(who)s staat niet of die ouderlijk gezag heeft; vul ja of nee in.") % {"who": label})
        elif authority is None:
            row.problem(_("gezag van %(who)s is '%(value)s'; vul ja of nee in.") % {"who": label, "value": raw})
    norm = name_key(first, prefix, last)
    key = ("e", email, norm) if email else ("n", norm, child_ext)
    return GuardianIn(key=key, values=values, authority=authority)


# --- Planning against what exists ------------------------------------------------------------


@dataclass
class Existing:
    """What the organisation holds now (see selectors.existing_records)."""

    children: dict[str, dict[str, Any]]  # external_id → fields incl. "id", "left_on"
    active_children: list[tuple[int, str, int]]  # (id, external_id, location_id) with left_on empty
    guardians: dict[int, dict[str, Any]]  # id → fields
    guardians_by_email: dict[str, list[int]]
    links: dict[tuple[int, int], tuple[int, bool]]  # (guardian id, child id) → (link id, authority)
    guardians_of_child: dict[int, list[int]]


@dataclass
class Plan:
    child_creates: list[ChildIn] = field(default_factory=list)
    child_updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # id → changed fields
    child_unchanged: int = 0
    guardian_creates: dict[tuple, dict[str, str]] = field(default_factory=dict)  # file key → values
    guardian_updates: dict[int, dict[str, str]] = field(default_factory=dict)  # id → changed fields
    guardian_refs: dict[tuple, int | tuple] = field(default_factory=dict)  # file key → id, or the key if new
    link_creates: list[tuple[Any, Any, bool]] = field(default_factory=list)  # (guardian ref, child ref, authority)
    link_updates: list[tuple[int, bool]] = field(default_factory=list)  # link id → authority
    guardians_touched: set[int] = field(default_factory=set)
    missing_child_ids: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        matched = {ref for ref in self.guardian_refs.values() if isinstance(ref, int)}
        updated = len(matched & (set(self.guardian_updates) | self.guardians_touched))
        return {
            "children_created": len(self.child_creates),
            "children_updated": len(self.child_updates),
            "children_unchanged": self.child_unchanged,
            "guardians_created": len(self.guardian_creates),
            "guardians_updated": updated,
            "guardians_unchanged": len(matched) - updated,
            "links_created": len(self.link_creates),
            "links_updated": len(self.link_updates),
            "children_missing": len(self.missing_child_ids),
        }


def plan_import(*, checked: Checked, existing: Existing) -> Plan:
    plan = Plan()
    # Children, by the organisation's own number.
    child_refs: dict[str, Any] = {}
    for child in checked.children:
        current = existing.children.get(child.external_id)
        if current is None:
            plan.child_creates.append(child)
            child_refs[child.external_id] = ("new", child.external_id)
            continue
        child_refs[child.external_id] = current["id"]
        changes = {k: v for k, v in child.values.items() if current.get(k) != v}
        if current.get("left_on") is not None:
            changes["left_on"] = None  # back in the file: enrolled again
        if changes:
            plan.child_updates.append((current["id"], changes))
        else:
            plan.child_unchanged += 1
    in_file = {c.external_id for c in checked.children}
    covered = checked.covered_location_ids
    plan.missing_child_ids = sorted(
        pk for pk, ext, loc in existing.active_children if loc in covered and (not ext or ext not in in_file)
    )

    # Guardians: one record per person within the organisation.
    names_by_email: dict[str, set[str]] = defaultdict(set)
    for child in checked.children:
        for g in child.guardians:
            if g.email:
                names_by_email[g.email].add(g.name_norm)
    claimed: set[int] = set()
    for child in checked.children:
        child_ref = child_refs[child.external_id]
        for g in child.guardians:
            ref = plan.guardian_refs.get(g.key)
            if ref is None:
                ref = _match_guardian(g, child_ref, existing, names_by_email, claimed)
                if ref is None:
                    plan.guardian_creates[g.key] = _new_guardian_values(g)
                    ref = g.key
                else:
                    claimed.add(ref)
                    changes = _guardian_changes(g, existing.guardians[ref])
                    if changes:
                        plan.guardian_updates[ref] = changes
                plan.guardian_refs[g.key] = ref
            # The link between guardian and child, with or without parental authority.
            link = None
            if isinstance(ref, int) and isinstance(child_ref, int):
                link = existing.links.get((ref, child_ref))
            if link is None:
                plan.link_creates.append((ref, child_ref, True if g.authority is None else g.authority))
                if isinstance(ref, int):
                    plan.guardians_touched.add(ref)
            elif g.authority is not None and link[1] != g.authority:
                plan.link_updates.append((link[0], g.authority))
                plan.guardians_touched.add(ref)
    return plan


def _match_guardian(g: GuardianIn, child_ref, existing: Existing, names_by_email, claimed: set[int]) -> int | None:
    if g.email:
        candidates = [pk for pk in existing.guardians_by_email.get(g.email, []) if pk not in claimed]
        if len(candidates) == 1 and len(names_by_email[g.email]) == 1:
            return candidates[0]
        for pk in candidates:
            if existing.guardians[pk]["name_norm"] == g.name_norm:
                return pk
        return None
    if isinstance(child_ref, int):
        for pk in existing.guardians_of_child.get(child_ref, []):
            if pk not in claimed and existing.guardians[pk]["name_norm"] == g.name_norm:
                return pk
    return None


def _new_guardian_values(g: GuardianIn) -> dict[str, str]:
    values = dict(g.values)
    values.setdefault("email", "")
    values.setdefault("phone", "")
    return values


def _guardian_changes(g: GuardianIn, current: dict[str, Any]) -> dict[str, str]:
    changes = {}
    for key, value in g.values.items():
        if key == "email" and not value:
            continue  # never erase an address a parent may log in with
        if current.get(key) != value:
            changes[key] = value
    return changes
