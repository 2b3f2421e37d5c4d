"""`check_rows`: the rows of a file turned into validated children with their guardians,
with every problem and its row number (the header is row 1, as in Excel).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from onboarding.columns import FIELDS_BY_KEY, REQUIRED
from onboarding.reading import Table, normalise_header
from onboarding.rules.parsing import (
    CHILD_LIMITS,
    GUARDIAN_LIMITS,
    MAX_PROBLEMS,
    VVE_CODES,
    Checked,
    ChildIn,
    GuardianIn,
    LocationInfo,
    Problem,
    age_on,
    location_lookup,
    looks_like_bsn,
    name_key,
    parse_date,
    parse_yes_no,
    split_name,
    valid_email,
)

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
                if raw.isascii() and raw.isdigit() and int(raw) <= 72:  # not "²": isdigit() says yes, int() no
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
    if email and not valid_email(email):
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
