"""Issue 18.4: the receiver sees only the agreed categories (the date of birth goes along
only with the identification data; it leaked with practical BSO items alone); the link
dropdown lists each child once; the inbox is in date order."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.builders.transfers import draft, transfer_version
from transfers import services
from transfers.models import ReceivedTransfer


def _send(world, codes, *, title):
    v = transfer_version(world, title=title, codes=codes, read_first=False)
    t = services.transfer_share(transfer=draft(world, v, child=world.child_bso), actor=world.user("director_childcare"))
    assert t.state == "sent", t.verdict_reasons
    return ReceivedTransfer.objects.get(transfer=t)


def _received_page(login, world, received) -> str:
    client = login(world.user("staff_school"))
    return client.get(reverse("transfers:received-detail", args=[received.pk])).content.decode()


def _dob_forms(child) -> list[str]:
    dob = child.date_of_birth
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
              "oktober", "november", "december"]  # fmt: skip
    return [dob.isoformat(), f"{dob:%d-%m-%Y}", f"{dob.day} {months[dob.month - 1]} {dob.year}"]


def test_practical_bso_items_alone_carry_no_date_of_birth(world, login):
    received = _send(world, ["bso_practical"], title="BSO naar school (praktisch)")
    assert received.child_date_of_birth is None and received.child_name == "Emma Jansen"
    page = _received_page(login, world, received)
    assert "Praktische BSO-afspraken" in page
    assert "Geboortedatum" not in page
    for form in _dob_forms(world.child_bso):
        # The receiver's own record of Emma is in the link list with its own date; the sender's is not shown.
        assert page.count(form) <= 1
    section = page.split('id="link-title"')[0]
    for form in _dob_forms(world.child_bso):
        assert form not in section  # nothing above the link form shows a date of birth


def test_without_a_shared_date_of_birth_no_record_is_made_from_the_copy(world, login):
    received = _send(world, ["bso_practical"], title="BSO naar school (praktisch)")
    page = _received_page(login, world, received)
    assert 'name="create"' not in page and "De geboortedatum is niet gedeeld" in page
    client = login(world.user("staff_school"))
    response = client.post(reverse("transfers:received-link", args=[received.pk]), {"create": "1"}, follow=True)
    assert "De geboortedatum is niet gedeeld" in response.content.decode()
    received.refresh_from_db()
    assert received.child_id is None


def test_with_the_identification_data_the_date_of_birth_is_shown_once(world, login):
    received = _send(world, ["identification", "bso_practical"], title="BSO naar school (met naam)")
    assert received.child_date_of_birth == world.child_bso.date_of_birth
    page = _received_page(login, world, received)
    content = page.split('id="link-title"')[0]
    assert content.count("Geboortedatum") == 1  # in the identification section, not again in the envelope
    assert 'name="create"' in page


def test_the_link_list_names_each_child_once_suggestions_first(world, login):
    received = _send(world, ["bso_practical"], title="BSO naar school (praktisch)")
    page = _received_page(login, world, received)
    select = page.split('name="child" id="id_child"')[1].split("</select>")[0]
    values = re.findall(r'<option value="(\d+)"', select)
    assert len(values) == len(set(values))
    assert values[0] == str(world.child_school.pk)  # the suggestion (same name) comes first
    assert "Op naam lijkt dit te gaan om:" in page and "<strong>Emma Jansen</strong>" in page


def test_the_inbox_is_in_date_order_and_pages_through_everything(world, login, monkeypatch):
    first = _send(world, ["bso_practical"], title="Eerst")
    second = _send(world, ["identification"], title="Tweede")
    third = _send(world, ["development_language"], title="Derde")
    now = timezone.now()
    # The newest id arrived earliest (e.g. an import): the list follows the moment of arrival.
    ReceivedTransfer.objects.filter(pk=first.pk).update(received_at=now - datetime.timedelta(days=1))
    ReceivedTransfer.objects.filter(pk=second.pk).update(received_at=now - datetime.timedelta(days=3))
    ReceivedTransfer.objects.filter(pk=third.pk).update(received_at=now - datetime.timedelta(days=2))
    client = login(world.user("staff_school"))
    url = reverse("transfers:inbox", args=[world.school.pk])

    def ids(html):
        return [int(pk) for pk in re.findall(r'href="/transfers/received/(\d+)/"', html)]

    assert ids(client.get(url).content.decode()) == [first.pk, third.pk, second.pk]

    from transfers import selectors

    monkeypatch.setitem(selectors.inbox.__kwdefaults__, "size", 2)  # pages of two
    page = client.get(url).content.decode()
    assert ids(page) == [first.pk, third.pk]
    cursor = re.search(r'href="\?before=(\d+)"', page).group(1)
    assert ids(client.get(url, {"before": cursor}).content.decode()) == [second.pk]


@pytest.mark.parametrize("bad", ["abc", "0", "999999"])
def test_a_bad_cursor_shows_the_first_page(world, login, bad):
    received = _send(world, ["bso_practical"], title="BSO naar school (praktisch)")
    client = login(world.user("staff_school"))
    page = client.get(reverse("transfers:inbox", args=[world.school.pk]), {"before": bad})
    assert page.status_code == 200 and f"/transfers/received/{received.pk}/" in page.content.decode()
