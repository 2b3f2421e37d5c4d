"""Two controllers: the school's privacy officer sees nothing of the childcare
organisation's own records — its dashboard, audit trail, register, requests and incidents
are 404 — except the transfers the school itself received, which are the school's records."""

from __future__ import annotations

import pytest

from tests import builders
from tests.builders import access_request, incident


@pytest.fixture
def sent(world):
    return builders.sent(world)


def test_school_privacy_officer_sees_nothing_of_the_childcare_organisation(world, login, sent):
    request, item = access_request(world), incident(world)
    client = login(world.user("po_school"))
    org = world.childcare.pk
    for url in [
        f"/organisations/{org}/privacy/",
        f"/organisations/{org}/audit/",
        f"/organisations/{org}/audit/export.csv",
        f"/organisations/{org}/register/",
        f"/organisations/{org}/register.pdf",
        f"/organisations/{org}/retention/",
        f"/organisations/{org}/incidents/",
        f"/incidents/{item.pk}/",
        f"/consent/organisations/{org}/requests/",
        f"/consent/requests/{request.pk}/",
        f"/consent/requests/{request.pk}/export.json",
    ]:
        assert client.get(url).status_code == 404, url


def test_but_sees_the_transfers_the_school_received(world, login, sent):
    client = login(world.user("po_school"))
    school = world.school.pk
    board = client.get(f"/organisations/{school}/privacy/").context["board"]
    assert [(t.title, t.sent, t.received) for t in board.transfers] == [(sent.version.agreement.title, 0, 1)]
    audit = client.get(f"/organisations/{school}/audit/?transfer={sent.pk}").content.decode()
    assert f"verzond overdracht {sent.pk}" in audit
    assert "Noah" not in audit  # a child of the other organisation is never named from the school's chain
    register = client.get(f"/organisations/{school}/register/").content.decode()
    assert f"Ontvangen: {sent.version.agreement.title}" in register
