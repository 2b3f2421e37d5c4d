"""The demo has a consent round in progress with a mix of answers, and seeding twice adds
nothing."""

from __future__ import annotations

from collections import Counter

from django.core.management import call_command
from django.utils import timezone

from agreements.models import AgreementVersion
from agreements.rules.consent import consent_state_summaries
from consent.demo import AGREEMENT_TITLE
from consent.models import ConsentDecision, ConsentRound, ParentNotice
from ikc_share.audit_verify import verify_chains
from ikc_share.models import AuditEvent, Child


def test_demo_round_with_a_mix_of_answers(db):
    call_command("seed_demo")
    counts = [m.objects.count() for m in (ConsentRound, ConsentDecision, ParentNotice, AuditEvent)]
    call_command("seed_demo")
    assert [m.objects.count() for m in (ConsentRound, ConsentDecision, ParentNotice, AuditEvent)] == counts

    version = AgreementVersion.objects.get(agreement__title=AGREEMENT_TITLE, status="active")
    (round_,) = ConsentRound.objects.filter(version=version)
    assert round_.mails.filter(status="sent").count() >= 10
    assert round_.mails.filter(channel="paper", status="handed_over").exists()
    children = Child.objects.filter(organisation=version.agreement.sending_organisation)
    states = Counter(
        s.state for s in consent_state_summaries(children=children, version=version, at=timezone.now()).values()
    )
    assert {"given", "refused", "withdrawn", "conflict", "no_answer"} <= set(states), states
    noah = children.get(first_name="Noah")
    summaries = consent_state_summaries(children=[noah], version=version, at=timezone.now())
    assert summaries[noah.pk].state == "no_answer"  # left for the visitor to try
    assert ConsentDecision.objects.filter(channel="paper").exclude(scan="").exists()
    assert verify_chains().ok
