"""The parent portal's start page as a parent sees it while its rows are cached
(consent/views/portal.py: under the audit chain heads of the parent's organisations, the
user, the language and the minute): a change by the other parent, or at the other
organisation, shows at once; what time alone changes shows within the minute; a reload with
nothing changed is served from the cache."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.services import agreement_end
from consent import services
from consent.models import ConsentDecision
from consent.views.portal import PORTAL_ROWS_SECONDS
from tests.builders import DEV_CODES, agreement_version, fake_letter, guardian

HOME = "consent:portal-home"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _home(client: Client) -> str:
    response = client.get(reverse(HOME))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return response.content.decode()


def _said(page: str, text: str) -> bool:
    """Whether the page says `text` (the state sentences start with a capital; the state's
    badge and the rest of its sentence are two elements: read as text)."""
    words = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    return text.lower() in words.lower()


def _decide(client: Client, child, version, choice: str) -> None:
    url = reverse("consent:portal-decide", args=[child.pk, version.pk])
    response = client.post(url, {"letter": fake_letter(version).pk, "choice": choice})
    assert response.status_code == 302


@pytest.fixture
def version(world):
    v = agreement_version(world, title="Doorgaande lijn (test)", codes=DEV_CODES)  # no special category
    fake_letter(v, "nl")
    fake_letter(v, "en")
    return v


@pytest.fixture
def school_version(world):
    v = agreement_version(
        world, sender=world.school, receiver=world.childcare, title="School naar BSO (test)", codes=DEV_CODES
    )
    fake_letter(v, "nl")
    return v


def test_a_reload_with_nothing_changed_comes_from_the_cache(world, version):
    sanne = _client(world.user("parent_a"))
    first = _home(sanne)
    assert "Noah" in first and "Doorgaande lijn (test)" in first
    with CaptureQueriesContext(connection) as ctx:
        again = _home(sanne)
    assert again == first.replace(_csrf(first), _csrf(again))
    assert len(ctx.captured_queries) <= 3  # session, user, the chain heads of her organisations


def _csrf(page: str) -> str:
    marker = 'name="csrfmiddlewaretoken" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_the_other_parents_withdrawal_shows_at_once(world, version):
    sanne, mark = _client(world.user("parent_a")), _client(world.user("parent_b"))
    _decide(sanne, world.child_daycare, version, "yes")
    _decide(mark, world.child_daycare, version, "yes")
    assert _said(_home(sanne), "toestemming van Sanne en Mark")
    assert _said(_home(sanne), "toestemming van Sanne en Mark")  # cached now
    # Mark withdraws in his own session: Sanne's next page shows it, without waiting.
    response = mark.post(reverse("consent:portal-withdraw", args=[world.child_daycare.pk, version.pk]))
    assert response.status_code == 302
    page = _home(sanne)
    assert _said(page, "ingetrokken door Mark") and not _said(page, "toestemming van Sanne en Mark")


def test_a_change_at_the_other_organisation_shows_at_once(world, version, school_version):
    """Sanne's Emma also has a record at the school: the school's decisions and agreements
    are written in the school's chain, not the childcare organisation's."""
    sanne, mark = _client(world.user("parent_a")), _client(world.user("parent_b"))
    page = _home(sanne)
    assert "School naar BSO (test)" in page and not _said(page, "toestemming van Mark")
    _decide(mark, world.child_school, school_version, "yes")
    assert _said(_home(sanne), "toestemming van Mark")
    # The school's director ends the agreement: it is no longer in force, nor on the page.
    agreement_end(agreement=school_version.agreement, actor=world.user("director_school"), reason="Gestopt.")
    page = _home(sanne)
    assert "School naar BSO (test)" not in page and "Doorgaande lijn (test)" in page


def test_what_time_alone_changes_shows_within_the_minute(world, version, monkeypatch):
    """A paper form recorded by staff may be dated a few minutes ahead (clocks differ): it
    counts from that moment, with no new audit event then."""
    sanne = _client(world.user("parent_a"))
    now = timezone.now()
    services.consent_decide(
        child=world.child_daycare,
        guardian=guardian(world, world.child_daycare, "Mark"),
        version=version,
        answers=[services.Answer(None, True)],
        channel=ConsentDecision.Channel.PAPER,
        actor=world.user("staff_childcare"),
        language="nl",
        letter=fake_letter(version),
        decided_at=now + datetime.timedelta(minutes=3),
        scan=SimpleUploadedFile("form.pdf", b"%PDF-1.4 signed form", content_type="application/pdf"),
    )
    assert not _said(_home(sanne), "toestemming van Mark")
    later = now + datetime.timedelta(minutes=3, seconds=PORTAL_ROWS_SECONDS)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert _said(_home(sanne), "toestemming van Mark")


def test_each_language_and_each_parent_has_its_own_rows(world, version):
    sanne = _client(world.user("parent_a"))
    assert _said(_home(sanne), "nog geen antwoord van Sanne en Mark")
    sanne.cookies["django_language"] = "en"
    english = _home(sanne)
    assert not _said(english, "nog geen antwoord van") and _said(english, "Sanne and Mark")
    # Another parent never gets Sanne's rows: a stranger with no child sees none.
    assert "Noah" not in _home(_client(world.user("stranger")))
