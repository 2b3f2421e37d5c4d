"""The import's rules: dates, names, and every problem with its row number and a clear
Dutch message."""

from __future__ import annotations

import datetime

import pytest

from onboarding import columns
from onboarding.reading import read_upload
from onboarding.rules import LocationInfo, check_rows, looks_like_bsn, parse_date, split_name
from tests.onboarding.conftest import fixture_bytes

TODAY = datetime.date.today()
SCHOOL = LocationInfo(
    id=1, name="OBS Test", kind="school", kind_label="Basisschool", registry_code="BRIN 12AB00", age_range=(4, 13)
)
DAYCARE = LocationInfo(
    id=2, name="KDV Test", kind="daycare", kind_label="Dagopvang", registry_code="LRK 1234", age_range=(0, 4)
)
BSO = LocationInfo(
    id=3, name="BSO Test", kind="bso", kind_label="Buitenschoolse opvang (BSO)", registry_code="", age_range=(4, 13)
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("05-03-2021", datetime.date(2021, 3, 5)),
        ("5-3-2021", datetime.date(2021, 3, 5)),
        ("2021-03-05", datetime.date(2021, 3, 5)),
        ("05/03/2021", datetime.date(2021, 3, 5)),
        ("5.3.2021", datetime.date(2021, 3, 5)),
        ("2021-03-05 00:00:00", datetime.date(2021, 3, 5)),
        ("31-02-2021", None),
        ("5-13-2019", None),
        ("05-03-21", None),
        ("maart 2021", None),
        ("", None),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "full, expected",
    [
        ("Sanne de Boer", ("Sanne", "de", "Boer")),
        ("Pieter van der Meer", ("Pieter", "van der", "Meer")),
        ("Naima el Idrissi", ("Naima", "el", "Idrissi")),
        ("Meer, Pieter van der", ("Pieter", "van der", "Meer")),
        ("Mw. E. van der Meer", ("E.", "van der", "Meer")),
        ("Kim Jansen", ("Kim", "", "Jansen")),
        ("Jansen", ("", "", "Jansen")),
        ("Anne de Vries-van Dijk", ("Anne", "de", "Vries-van Dijk")),
    ],
)
def test_names(full, expected):
    assert split_name(full) == expected


def test_bsn_elfproef():
    assert looks_like_bsn("123456782")
    assert looks_like_bsn("111222333")
    assert not looks_like_bsn("123456789")
    assert not looks_like_bsn("100234")


def _check(name, locations=(SCHOOL,), preset="pupil_administration", default=None):
    table = read_upload(fixture_bytes(name))
    mapping = columns.auto_map(table.headers, preset=preset)
    return check_rows(
        table=table,
        columns=mapping,
        organisation_kind="school" if SCHOOL in locations else "childcare",
        locations=list(locations),
        default_location_id=default,
        today=TODAY,
    )


def test_every_problem_has_its_row_number_and_a_clear_message():
    checked = _check("errors.csv")
    messages = [p.message for p in checked.problems]
    assert messages == [
        "Rij 3: de geboortedatum ontbreekt.",
        "Rij 4: geboortedatum '31-02-2019' is geen geldige datum. Gebruik dd-mm-jjjj (bijvoorbeeld 05-03-2021) "
        "of jjjj-mm-dd.",
        "Rij 5: leerlingnummer '5001' staat ook in rij 2.",
        "Rij 6: het e-mailadres van verzorger 1, 'ouder5@example', is geen geldig e-mailadres.",
        "Rij 7: het kind is 15 jaar; dat past niet bij basisschool 'OBS Test' (4 tot en met 13 jaar). "
        "Klopt de geboortedatum of de locatie?",
        "Rij 8: het kind is 2 jaar; dat past niet bij basisschool 'OBS Test' (4 tot en met 13 jaar). "
        "Klopt de geboortedatum of de locatie?",
        "Rij 9: bij verzorger 1 staat niet of die ouderlijk gezag heeft; vul ja of nee in.",
        "Rij 10: de roepnaam ontbreekt.",
        "Rij 11: geboortedatum '01-01-2999' ligt in de toekomst.",
    ]
    assert [c.row for c in checked.children] == [2]
    assert checked.problem_count == 9


def test_age_fits_the_kind_of_location_named_in_the_file():
    data = (
        "nummer;voornaam;achternaam;geboortedatum;locatie\n"
        f"1;A;B;{(TODAY - datetime.timedelta(days=6 * 366)).isoformat()};KDV Test\n"
        f"2;C;D;{(TODAY - datetime.timedelta(days=6 * 366)).isoformat()};bso\n"
        f"3;E;F;{(TODAY - datetime.timedelta(days=400)).isoformat()};LRK 1234\n"
        f"4;G;H;{(TODAY - datetime.timedelta(days=400)).isoformat()};Kinderdagverblijf Elders\n"
    ).encode()
    table = read_upload(data)
    checked = check_rows(
        table=table,
        columns=columns.auto_map(table.headers, preset="generic"),
        organisation_kind="childcare",
        locations=[DAYCARE, BSO],
        default_location_id=None,
        today=TODAY,
    )
    messages = [p.message for p in checked.problems]
    assert messages[0].startswith("Rij 2: het kind is 6 jaar; dat past niet bij dagopvang 'KDV Test' (0 tot en met 4")
    assert messages[1] == "Rij 5: locatie 'Kinderdagverblijf Elders' kennen we niet. Kies uit: KDV Test, BSO Test."
    assert [(c.row, c.values["location_id"]) for c in checked.children] == [(3, BSO.id), (4, DAYCARE.id)]


def test_a_column_full_of_bsns_is_refused():
    table = read_upload(fixture_bytes("bsn_as_number.csv"))
    checked = check_rows(
        table=table,
        columns=columns.auto_map(table.headers, preset="generic"),
        organisation_kind="school",
        locations=[SCHOOL],
        default_location_id=None,
        today=TODAY,
    )
    assert checked.problems[0].row is None
    assert "burgerservicenummers (BSN)" in checked.problems[0].message


def test_missing_required_columns_are_named():
    table = read_upload(b"nummer;voornaam\n1;Jan\n")
    checked = check_rows(
        table=table,
        columns=columns.auto_map(table.headers, preset="generic"),
        organisation_kind="school",
        locations=[SCHOOL],
        default_location_id=None,
        today=TODAY,
    )
    assert [p.message for p in checked.problems] == [
        "Er is geen kolom gekoppeld aan het verplichte veld 'Achternaam'.",
        "Er is geen kolom gekoppeld aan het verplichte veld 'Geboortedatum'.",
    ]


def test_a_shifted_row_is_reported():
    table = read_upload(b"nummer,voornaam,achternaam,geboortedatum\n1,Jan,de Vries, jr.,01-01-2019\n")
    checked = check_rows(
        table=table,
        columns=columns.auto_map(table.headers, preset="generic"),
        organisation_kind="school",
        locations=[SCHOOL],
        default_location_id=None,
        today=TODAY,
    )
    assert checked.problems[0].message.startswith("Rij 2: deze rij heeft 5 kolommen, de kopregel 4.")


def test_presets_map_their_own_headers():
    table = read_upload(fixture_bytes("pupils_windows1252.csv"))
    mapping = columns.auto_map(table.headers, preset="pupil_administration")
    assert mapping == {
        "external_id": "leerlingnummer",
        "first_name": "roepnaam",
        "name_prefix": "tussenvoegsel",
        "last_name": "achternaam",
        "date_of_birth": "geboortedatum",
        "group_name": "groep",
        "g1_name": "verzorger 1 naam",
        "g1_email": "verzorger 1 e-mail",
        "g1_authority": "verzorger 1 gezag",
        "g2_name": "verzorger 2 naam",
        "g2_email": "verzorger 2 e-mail",
        "g2_authority": "verzorger 2 gezag",
    }
    generic = read_upload(columns.template_csv("generic"))
    assert set(columns.auto_map(generic.headers, preset="generic")) == set(columns.PRESETS["generic"].headers)


def test_remembered_mapping_wins_over_the_preset():
    headers = ["Nr", "Naam kind", "Achternaam", "Geb.datum", "leerlingnummer"]
    remembered = {
        "external_id": "Nr",
        "first_name": "Naam kind",
        "date_of_birth": "Geb.datum",
        "last_name": "Achternaam",
    }
    # The same export as last time: exactly last time's choices.
    assert columns.auto_map(headers, preset="pupil_administration", remembered=remembered) == remembered
    # A changed export: what still fits, then the preset.
    mapping = columns.auto_map(
        headers,
        preset="pupil_administration",
        remembered={**remembered, "group_name": "Klas (oud)", "last_name": "Familienaam"},
    )
    assert mapping["external_id"] == "Nr" and mapping["first_name"] == "Naam kind"
    assert mapping["last_name"] == "Achternaam"
