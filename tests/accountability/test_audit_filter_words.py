"""Issue 18.5: the audit browser's filter and its list name event types in words, never by
their code; the verification page does not reload itself and never says "0 van 0"."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import translation

from accountability import sentences
from accountability.audit_names import ACTION_LABELS, action_label
from accountability.forms import action_choices
from accountability.models import VerificationJob
from ikc_share import services as core_services

CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")


def test_every_known_event_type_has_words():
    missing = [a for a in sentences.SENTENCES if a not in ACTION_LABELS]
    # An action added later without words shows its group's name, never the code.
    for action in missing:
        assert not CODE.search(action_label(action, sentences.GROUPS.get(sentences.group_of(action))))
    assert action_label("consent.decided") == "Toestemming gegeven of geweigerd"
    assert action_label("nieuw.iets") == "Overige gebeurtenis"


def test_the_filter_offers_words_and_filters_by_the_code(world, login):
    with translation.override("nl"):
        choices = action_choices()
    labels = [str(label) for _value, label in choices]
    assert not [label for label in labels if CODE.search(label)]
    assert ("consent.decided", "— Toestemming gegeven of geweigerd") in choices
    assert ("consent", "Toestemming en informeren (alle)") in choices

    core_services.child_record_viewed(child=world.child_daycare, actor=world.user("director_childcare"))
    client = login(world.user("po_childcare"))
    url = reverse("ikc_share:organisation-audit", args=[world.childcare.pk])
    page = client.get(url, {"action": "child.viewed"}).content.decode()
    assert '<option value="child.viewed" selected>— Kinddossier bekeken</option>' in page
    rows = re.findall(r"<tr><td>\d+</td>.*?</tr>", page, re.S)
    assert rows and all("Kinddossier bekeken" in r for r in rows)
    assert "<code" not in page.split('class="table table-sm acc-events"')[1]  # the kind in words, no code


def test_the_english_filter_is_in_english(world):
    with translation.override("en"):
        labels = dict(action_choices())
    assert labels["agreement.approved"] == "— Agreement approved"


def test_a_queued_verification_never_says_0_of_0(world, login):
    job = VerificationJob.objects.create(
        organisation=world.childcare, requested_by=world.user("po_childcare"), status="queued"
    )
    page = login(world.user("po_childcare")).get(reverse("ikc_share:audit-verification", args=[job.pk]))
    text = page.content.decode()
    assert "0 van 0" not in text and "De controle staat klaar en begint zo" in text
    assert 'http-equiv="refresh"' not in text and 'role="status"' in text
    assert f'href="{reverse("ikc_share:audit-verification", args=[job.pk])}"' in text
