"""Issue 19.6: digits other than ASCII 0-9 ("²" is a digit to str.isdigit() but not to
int(); "١" is one to both) name no row, in a URL, a query string or an import cell. They
answer 404 or a clear message, never a 500."""

from __future__ import annotations

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from ikc_share.http import IdConverter, is_id, parse_id
from tests.onboarding.conftest import import_flow, import_storage  # noqa: F401 (fixtures)

NOT_ASCII = ["²", "١", "３", "1²"]


def _id_routes(resolver=None, prefix=""):
    """(name, kwargs) of every named route with an <id:…> in its path."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _id_routes(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            converters = getattr(p.pattern, "converters", {})
            if any(isinstance(c, IdConverter) for c in converters.values()):
                yield prefix + p.name, {k: 7 if isinstance(c, IdConverter) else "x" for k, c in converters.items()}


ID_ROUTES = sorted(_id_routes())


def test_there_are_id_routes_to_check():
    assert len(ID_ROUTES) > 50


@pytest.mark.parametrize(("name", "kwargs"), ID_ROUTES, ids=[n for n, _ in ID_ROUTES])
def test_an_id_in_other_digits_matches_no_route(name, kwargs):
    url = reverse(name, kwargs=kwargs)
    assert resolve(url).url_name == name.rsplit(":", 1)[-1]
    for digit in NOT_ASCII:
        with pytest.raises(Resolver404):
            resolve(url.replace("/7/", f"/{digit}/"))


def test_the_id_helpers_take_ascii_digits_only():
    assert parse_id("12") == 12 and is_id("12")
    for value in [*NOT_ASCII, "", "0", "-1", "1.0", str(2**63)]:
        assert parse_id(value) is None and not is_id(value)


def test_a_child_page_with_a_superscript_id_is_not_found(world, login):
    client = login(world.user("director_childcare"))
    assert client.get("/children/%C2%B2/").status_code == 404
    assert client.get("/children/%D9%A1/").status_code == 404


def test_a_parent_asking_for_a_request_form_with_a_superscript_child_gets_the_form(world, login):
    client = login(world.user("parent_a"))
    url = reverse("consent:rights-portal-new")
    for value in ["%C2%B2", "%D9%A1", str(world.child_daycare.pk)]:
        response = client.get(f"{url}?child={value}")
        assert response.status_code == 200, value


def test_staff_recording_a_request_for_a_superscript_child_choose_the_child(world, login):
    client = login(world.user("director_childcare"))
    url = reverse("consent:rights-record", kwargs={"org_pk": world.childcare.pk})
    for value in ["%C2%B2", "%D9%A1"]:
        response = client.get(f"{url}?child={value}")
        assert response.status_code == 200
        assert "Noah" in response.content.decode()  # the list of children to choose from


def test_cursors_with_superscript_digits_start_at_the_beginning(world, login):
    client = login(world.user("director_childcare"))
    audit = reverse("ikc_share:organisation-audit", kwargs={"org_pk": world.childcare.pk})
    inbox = reverse("transfers:inbox", kwargs={"org_pk": world.school.pk})
    assert client.get(f"{audit}?before=%C2%B2&after=%C2%B2").status_code == 200
    school = login(world.user("director_school"))
    assert school.get(f"{inbox}?before=%C2%B2").status_code == 200


def test_an_import_cell_with_superscript_digits_is_a_problem_not_a_crash(world, import_flow):  # noqa: F811
    header = "nummer;voornaam;achternaam;geboortedatum;locatie;vve_programma;vve_maanden;verzorger1_voornaam;"
    header += "verzorger1_achternaam;verzorger1_email;verzorger1_gezag"
    rows = [
        "K-1;Zoë;Dijk;01-02-2022;KDV Test;Uk & Puk;²;Anouk;Dijk;anouk@example.nl;ja",
        "K-2;Daan;Dijk;٠١-٠٢-٢٠٢٢;KDV Test;;;Anouk;Dijk;anouk@example.nl;ja",
    ]
    flow = import_flow()
    response = flow.upload("cijfers.csv", ("\n".join([header, *rows]) + "\n").encode())
    assert response.status_code == 302
    job = flow.job()
    flow.check(job)
    assert job.status == "checked"
    messages = [p["message"] for p in job.problems]
    assert "Rij 2: VVE-duur '²' is geen aantal maanden (een heel getal van 0 tot 72)." in messages
    assert any(m.startswith("Rij 3: geboortedatum '٠١-٠٢-٢٠٢٢' is geen geldige datum") for m in messages)
    page = flow.client.get(reverse("ikc_share:import-detail", kwargs={"pk": job.pk}))
    assert page.status_code == 200 and "VVE-duur" in page.content.decode()
