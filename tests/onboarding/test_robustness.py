"""Bad input never gives a 500 or a half-written import: huge or odd ids in URLs and
forms, fuzzed mapping and leavers posts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ikc_share.models import Child
from onboarding.models import ImportMapping

HUGE = 2**63


@pytest.mark.parametrize(
    "name, kwargs, method",
    [
        ("import-start", {"org_pk": HUGE}, "get"),
        ("import-detail", {"pk": HUGE}, "get"),
        ("import-mapping", {"pk": HUGE}, "get"),
        ("import-confirm", {"pk": HUGE}, "post"),
        ("import-leavers", {"pk": HUGE}, "get"),
        ("import-access-revoke", {"pk": HUGE}, "post"),
        ("invitation-list", {"org_pk": HUGE}, "get"),
        ("invitation-resend", {"pk": HUGE}, "post"),
        ("parents-invite", {"org_pk": HUGE}, "post"),
    ],
)
def test_ids_out_of_range_are_not_found(world, login, name, kwargs, method):
    client = login(world.user("director_childcare"))
    response = getattr(client, method)(reverse(f"ikc_share:{name}", kwargs=kwargs))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["operator-ikc-detail", "operator-organisation-create", "operator-invitation-revoke"])
def test_operator_ids_out_of_range(world, login, name):
    client = login(world.user("operator"))
    method = client.post if "revoke" in name else client.get
    assert method(reverse(f"ikc_share:{name}", kwargs={"pk": HUGE})).status_code == 404


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.dictionaries(
        st.sampled_from(
            [
                "col_external_id",
                "col_first_name",
                "col_last_name",
                "col_date_of_birth",
                "col_location",
                "default_location",
                "col_g1_email",
                "x",
            ]
        ),
        st.one_of(st.text(max_size=200), st.integers(), st.lists(st.text(max_size=20), max_size=3)),
    )
)
def test_fuzzed_mapping_posts_never_crash(world, import_flow, data):
    flow = import_flow()
    flow.upload("childcare_utf8_bom.csv")
    job = flow.job()
    response = flow.client.post(reverse("ikc_share:import-mapping", kwargs={"pk": job.pk}), data)
    assert response.status_code in (200, 302)
    job.refresh_from_db()
    if response.status_code == 200:
        assert job.status == "uploaded"
    assert not Child.objects.filter(external_id__startswith="K-").exists()
    ImportMapping.objects.all().delete()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.dictionaries(
        st.sampled_from(["children", "left_on", "membership"]),
        st.one_of(st.text(max_size=50), st.integers(), st.lists(st.integers(), max_size=3)),
    )
)
def test_fuzzed_leavers_and_access_posts_never_crash(world, login, data):
    from tests.onboarding.helpers import matrix_job

    client = login(world.user("director_childcare"))
    job = matrix_job(world)
    response = client.post(reverse("ikc_share:import-leavers", kwargs={"pk": job.pk}), data)
    assert response.status_code in (200, 302)
    response = client.post(reverse("ikc_share:import-access", kwargs={"org_pk": world.childcare.pk}), data)
    assert response.status_code in (200, 302)


def test_upload_without_a_file(world, login):
    client = login(world.user("director_childcare"))
    response = client.post(
        reverse("ikc_share:import-start", kwargs={"org_pk": world.childcare.pk}), {"preset": "generic"}
    )
    assert response.status_code == 400 and "verplicht" in response.content.decode()
