"""The transfer inbox at scale: a page of 50, newest first, and an "older" link (keyset on
the received copy's arrival and id) that reaches the rest; nothing is listed twice or left out."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.scale.test_query_budgets import Growth
from transfers.models import ReceivedTransfer
from transfers.selectors import INBOX_PAGE

pytestmark = pytest.mark.django_db


def _ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/transfers/received/(\d+)/"', html)]


def test_inbox_pages_through_everything(world, login):
    growth = Growth(world)
    growth.to(2)
    growth._more("transfers", INBOX_PAGE + 20)
    for i in range(2, INBOX_PAGE + 20):
        growth._transfer(world.child_daycare, i)
    client = login(world.user("staff_school"))
    path = reverse("transfers:inbox", kwargs={"org_pk": world.school.pk})
    first = client.get(path).content.decode()
    page_one = _ids(first)
    assert len(page_one) == INBOX_PAGE
    arrived = dict(ReceivedTransfer.objects.values_list("pk", "received_at"))
    key = [(arrived[pk], pk) for pk in page_one]
    assert key == sorted(key, reverse=True)  # newest arrival first (issue 18), then the higher id
    older = re.search(r'href="\?before=(\d+)"', first)
    assert older and int(older.group(1)) == page_one[-1]
    second = client.get(f"{path}?before={older.group(1)}").content.decode()
    page_two = _ids(second)
    assert page_two and max((arrived[pk], pk) for pk in page_two) < min(key)
    assert not re.search(r'href="\?before=', second)
    everything = set(ReceivedTransfer.objects.filter(organisation=world.school).values_list("pk", flat=True))
    assert set(page_one) | set(page_two) == everything


def test_inbox_ignores_a_bad_cursor(world, login):
    client = login(world.user("staff_school"))
    path = reverse("transfers:inbox", kwargs={"org_pk": world.school.pk})
    for bad in ("abc", "-1", "0", str(2**70)):
        assert client.get(f"{path}?before={bad}").status_code == 200
