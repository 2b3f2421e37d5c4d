"""Pages carry a strict CSP, reference no third-party origins, and survive fuzzed input."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ikc_share.models import Membership

EXTERNAL = re.compile(r'(?:src|href|action)="(?:https?:)?//(?!testserver)', re.I)


@pytest.mark.parametrize("name", ["home", "organisation-children", "organisation-members", "organisation-audit"])
def test_pages_have_csp_and_no_third_party_urls(world, login, name):
    kwargs = {} if name == "home" else {"org_pk": world.childcare.pk}
    response = login(world.user("director_childcare")).get(reverse(f"ikc_share:{name}", kwargs=kwargs))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    html = response.content.decode()
    assert not EXTERNAL.search(html)
    assert "<script>" not in html and 'style="' not in html


def test_login_page_is_dutch_whatever_the_browser_says(client):
    page = client.get(reverse("ikc_share:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="nl"' in page and "Inloggen" in page


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.dictionaries(
        st.sampled_from(["first_name", "last_name", "email", "role", "function_title", "locations", "x"]),
        st.one_of(st.text(max_size=300), st.integers(), st.lists(st.text(max_size=20), max_size=3)),
    )
)
def test_fuzzed_invitation_posts_never_crash_or_half_write(world, client, data):
    client.force_login(world.user("director_childcare"))
    before = Membership.objects.count()
    response = client.post(reverse("ikc_share:membership-invite", kwargs={"org_pk": world.childcare.pk}), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Membership.objects.count() == before
