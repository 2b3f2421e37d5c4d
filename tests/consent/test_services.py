"""The consent services: immutable decisions with the letter's SHA-256 and an AuditEvent in
the same transaction; withdrawal as easy as giving; rounds that e-mail each guardian with
authority once (idempotent), in their language, first name of the child only; notices;
objections decided by the director."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from agreements.models import DataCategory
from agreements.rules.consent import consent_reasons, consent_state_summary
from consent import mail as consent_mail
from consent import services
from consent.models import ConsentDecision, ConsentRound, ConsentRoundMail, Objection, ParentNotice
from consent.services import Answer
from ikc_share.models import AuditEvent, Guardian, Guardianship
from tests.builders import agreement_version, fake_letter, guardian, inform_all


@pytest.fixture
def version(world):
    v = agreement_version(world)
    fake_letter(v, "nl")
    fake_letter(v, "en")
    return v


def _sanne(world):
    return guardian(world, world.child_daycare, "Sanne")


def _mark(world):
    return guardian(world, world.child_daycare, "Mark")


def _decide(world, version, g, yes=True, explicit=False, category=None, **kw):
    defaults = dict(channel="portal", actor=g.user, language="nl", letter=fake_letter(version))
    defaults.update(kw)
    return services.consent_decide(
        child=world.child_daycare, guardian=g, version=version, answers=[Answer(category, yes, explicit)], **defaults
    )


def _events(action):
    return list(AuditEvent.objects.filter(action=action))


# --- Decisions ---------------------------------------------------------------------------------


def test_a_decision_records_letter_policy_and_audit(world, version):
    (d,) = _decide(world, version, _sanne(world), explicit=True)
    assert d.state == "given" and d.explicit and d.channel == "portal"
    assert d.letter_sha256 == fake_letter(version).sha256 and d.guardian_policy == "one" and d.language == "nl"
    (event,) = _events("consent.decided")
    payload = json.loads(event.payload)
    assert payload["decisions"] == [d.pk] and payload["states"] == ["given"] and payload["explicit"] == [True]
    assert payload["letter_sha256"] == d.letter_sha256
    assert "Sanne" not in event.canonical  # ids and codes only


def test_explicit_is_only_recorded_when_there_is_a_special_category(world):
    v = agreement_version(world, codes=["identification", "development_language"])
    (d,) = _decide(world, v, _sanne(world), explicit=True, letter=fake_letter(v))
    assert not d.explicit


def test_no_after_yes_is_a_withdrawal_and_no_before_yes_a_refusal(world, version):
    (refused,) = _decide(world, version, _mark(world), yes=False)
    _decide(world, version, _sanne(world))
    (withdrawn,) = _decide(world, version, _sanne(world), yes=False)
    assert refused.state == "refused" and withdrawn.state == "withdrawn"


def test_only_a_guardian_with_authority_decides(world, version):
    erik = Guardian.objects.create(organisation=world.childcare, first_name="Erik", last_name="H")
    Guardianship.objects.create(guardian=erik, child=world.child_daycare, has_parental_authority=False)
    with pytest.raises(ValidationError, match="ouderlijk gezag"):
        _decide(world, version, erik, actor=None)
    assert not ConsentDecision.objects.exists() and not _events("consent.decided")


def test_a_guardian_of_another_organisation_cannot_decide(world, version):
    school_sanne = Guardian.objects.get(organisation=world.school, first_name="Sanne")
    with pytest.raises(ValidationError):
        _decide(world, version, school_sanne)


def test_per_category_answers_only_where_the_agreement_allows(world, version):
    cat = DataCategory.objects.get(code="identification")
    with pytest.raises(ValidationError, match="hele afspraak"):
        _decide(world, version, _sanne(world), category=cat)
    per_cat = agreement_version(world, per_category=True, title="Per onderdeel")
    (d,) = _decide(world, per_cat, _sanne(world), category=cat, letter=fake_letter(per_cat))
    assert d.category == cat
    with pytest.raises(ValidationError, match="staat niet in de afspraak"):
        _decide(
            world,
            per_cat,
            _sanne(world),
            category=DataCategory.objects.get(code="home_situation"),
            letter=fake_letter(per_cat),
        )


def test_consent_is_not_asked_for_other_bases_or_inactive_versions(world):
    duty = agreement_version(world, basis="c", title="VVE")
    with pytest.raises(ValidationError, match="geen toestemming nodig"):
        _decide(world, duty, _sanne(world), letter=None)
    draft = agreement_version(world, status="draft", title="Concept")
    with pytest.raises(ValidationError, match="niet \\(meer\\) actief"):
        _decide(world, draft, _sanne(world), letter=None)


def test_a_letter_of_another_version_is_refused(world, version):
    other = agreement_version(world, title="Andere afspraak")
    with pytest.raises(ValidationError):
        _decide(world, version, _sanne(world), letter=fake_letter(other))


def test_decisions_are_never_updated(world, version):
    (d,) = _decide(world, version, _sanne(world))
    count = ConsentDecision.objects.count()
    _decide(world, version, _sanne(world), yes=False)
    assert ConsentDecision.objects.count() == count + 1
    d.refresh_from_db()
    assert d.state == "given"


@pytest.mark.postgres
def test_the_database_refuses_to_change_a_decision_or_notice(world, version):
    (d,) = _decide(world, version, _sanne(world))
    (n,) = inform_all(version, world.child_daycare)[:1]
    for model, pk in ((ConsentDecision, d.pk), (ParentNotice, n.pk)):
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            model.objects.filter(pk=pk).update(language="en")
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            model.objects.filter(pk=pk).delete()
    assert connection.vendor == "postgresql"


def test_explicit_without_given_is_refused_by_the_database(world, version):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentDecision.objects.create(
            child=world.child_daycare,
            guardian=_sanne(world),
            version=version,
            state="refused",
            explicit=True,
            decided_at=timezone.now(),
            channel="portal",
            language="nl",
            guardian_policy="one",
            submission="00000000-0000-0000-0000-000000000001",
        )


# --- Paper ------------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n%scan of a signed form\n"


def _paper(world, version, scan, **kw):
    return _decide(
        world,
        version,
        _sanne(world),
        channel="paper",
        actor=world.user("staff_childcare"),
        scan=scan,
        decided_at=timezone.now() - timezone.timedelta(days=3),
        **kw,
    )


def test_a_paper_decision_keeps_its_scan_privately(world, version, consent_storage):
    (d,) = _paper(world, version, SimpleUploadedFile("form.pdf", PDF, content_type="application/pdf"))
    assert d.channel == "paper" and d.scan_sha256 and d.scan.name.startswith("consent-scans/")
    assert (consent_storage / d.scan.name).read_bytes() == PDF
    assert d.recorded_by == world.user("staff_childcare") and d.decided_at < d.recorded_at


def test_a_paper_decision_needs_a_pdf_or_image_scan(world, version):
    with pytest.raises(ValidationError, match="scan"):
        _paper(world, version, None)
    with pytest.raises(ValidationError, match="PDF, JPEG of PNG"):
        _paper(world, version, SimpleUploadedFile("form.txt", b"hello", content_type="text/plain"))
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(ValidationError, match="te groot"):
        _paper(world, version, big)
    assert not ConsentDecision.objects.exists()


# --- Withdrawal ---------------------------------------------------------------------------------------


def test_withdrawing_is_one_step_and_audited(world, version):
    inform_all(version, world.child_daycare, at=timezone.now() - timezone.timedelta(days=20))
    _decide(world, version, _sanne(world), explicit=True)
    now = timezone.now()
    assert consent_reasons(child=world.child_daycare, version=version, categories=["identification"], at=now) == {
        "identification": []
    }
    d = services.consent_withdraw(
        child=world.child_daycare,
        guardian=_sanne(world),
        version=version,
        channel="portal",
        actor=world.user("parent_a"),
        language="nl",
    )
    assert d.state == "withdrawn" and d.category is None
    reasons = consent_reasons(
        child=world.child_daycare, version=version, categories=["identification"], at=timezone.now()
    )
    assert reasons["identification"][0].startswith("Toestemming ingetrokken door Sanne op ")
    assert json.loads(_events("consent.withdrawn")[0].payload)["decision"] == d.pk


def test_nothing_to_withdraw(world, version):
    with pytest.raises(ValidationError, match="geen toestemming om in te trekken"):
        services.consent_withdraw(
            child=world.child_daycare,
            guardian=_sanne(world),
            version=version,
            channel="portal",
            actor=None,
            language="nl",
        )


def test_a_withdrawal_told_to_staff_needs_no_scan_only_how(world, version):
    _decide(world, version, _mark(world))
    with pytest.raises(ValidationError, match="persoonlijk of telefonisch"):
        services.consent_withdraw(
            child=world.child_daycare,
            guardian=_mark(world),
            version=version,
            channel="staff",
            actor=world.user("staff_childcare"),
            language="nl",
        )
    d = services.consent_withdraw(
        child=world.child_daycare,
        guardian=_mark(world),
        version=version,
        channel="staff",
        told_via="phone",
        actor=world.user("staff_childcare"),
        language="nl",
    )
    assert d.channel == "staff" and d.told_via == "phone" and not d.scan


# --- Rounds and notices ---------------------------------------------------------------------------------


def _round(world, version, **kw):
    from ikc_share.models import Child

    return services.consent_round_start(
        version=version,
        actor=world.user("director_childcare"),
        children=Child.objects.filter(organisation=world.childcare),
        **kw,
    )


def test_a_round_mails_every_guardian_with_authority_once(world, version, django_capture_on_commit_callbacks):
    kim = Guardian.objects.create(
        organisation=world.childcare, first_name="Kim", last_name="Visser", email="kim@example.nl", language="en"
    )
    Guardianship.objects.create(guardian=kim, child=world.child_bso)
    paper = Guardian.objects.create(organisation=world.childcare, first_name="Naima", last_name="Idrissi", email="")
    Guardianship.objects.create(guardian=paper, child=world.child_bso)
    no_authority = Guardian.objects.create(
        organisation=world.childcare, first_name="Erik", last_name="H", email="erik@example.nl"
    )
    Guardianship.objects.create(guardian=no_authority, child=world.child_bso, has_parental_authority=False)

    with django_capture_on_commit_callbacks(execute=True):
        round_ = _round(world, version)
    assert round_.kind == "request"
    mails = {m.guardian.first_name: m for m in round_.mails.all()}
    assert set(mails) == {"Sanne", "Mark", "Kim", "Naima"}  # not Erik: no parental authority
    assert mails["Naima"].channel == "paper" and mails["Naima"].status == "pending"
    assert all(mails[n].status == "sent" for n in ("Sanne", "Mark", "Kim"))
    assert len(mail.outbox) == 3
    sanne_mail = next(m for m in mail.outbox if m.to == ["parent_a@example.nl"])
    # Both of Sanne's childcare children are named by FIRST name only.
    assert "Noah" in sanne_mail.body and "Emma" in sanne_mail.body and "Jansen" not in sanne_mail.body
    assert "Jansen" not in sanne_mail.alternatives[0][0]
    assert re.search(r"/portal/link/\?sesame=", sanne_mail.body)
    kim_mail = next(m for m in mail.outbox if m.to == ["kim@example.nl"])
    assert kim_mail.subject.startswith("Consent requested") and "Dear Kim" in kim_mail.body
    # Informed: one notice per child, with the letter in the guardian's language.
    notices = ParentNotice.objects.filter(guardian=kim)
    assert notices.count() == 1 and notices[0].letter_sha256 == fake_letter(version, "en").sha256
    assert ParentNotice.objects.filter(how="email").count() == 5  # Sanne and Mark: Noah and Emma; Kim: Emma
    assert _events("consent_round.started") and len(_events("consent_round.mail_sent")) == 3
    # Each mail's event names the agreement version, so the audit browser can say which.
    assert {e.version_ref for e in _events("consent_round.mail_sent")} == {version.pk}
    # A redelivered task sends nothing again.
    assert consent_mail.consent_round_send(round_id=round_.pk) == 0
    assert len(mail.outbox) == 3
    assert ConsentRound.objects.get(pk=round_.pk).finished_at is not None


def test_a_round_can_be_limited_to_a_group(world, version, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        round_ = _round(world, version, group_name="BSO Onderbouw")
    assert [c.first_name for m in round_.mails.all() for c in m.children.all()] == ["Emma", "Emma"]


def test_a_reminder_goes_only_to_who_has_not_answered(world, version, django_capture_on_commit_callbacks):
    _decide(world, version, _sanne(world))  # Sanne answered for Noah
    with django_capture_on_commit_callbacks(execute=True):
        reminder = _round(world, version, reminder=True)
    assert reminder.kind == "reminder"
    got = {(m.guardian.first_name, c.first_name) for m in reminder.mails.all() for c in m.children.all()}
    # Noah's state is "given" (policy one), so no reminder for Noah at all; Emma: both parents.
    assert got == {("Sanne", "Emma"), ("Mark", "Emma")}
    assert all(m.subject.startswith("Herinnering") for m in mail.outbox)


def test_a_round_for_a_legal_duty_informs(world, django_capture_on_commit_callbacks):
    duty = agreement_version(world, basis="c", title="VVE-overdracht")
    fake_letter(duty)
    with django_capture_on_commit_callbacks(execute=True):
        round_ = _round(world, duty)
    assert round_.kind == "inform"
    assert mail.outbox[0].subject.startswith("Informatie")
    noah = world.child_daycare
    assert consent_reasons(child=noah, version=duty, categories=["identification"], at=timezone.now()) == {
        "identification": []
    }
    assert consent_state_summary(child=noah, version=duty, at=timezone.now()).state == "not_needed"


def test_failed_sending_stays_pending_and_is_retried(world, version, monkeypatch):
    calls = {"n": 0}

    def broken(**kwargs):
        calls["n"] += 1
        raise OSError("SMTP down")

    monkeypatch.setattr(consent_mail, "send_templated", broken)
    round_ = _round(world, version)  # on_commit not run: send by hand
    with pytest.raises(OSError):
        consent_mail.consent_round_send(round_id=round_.pk)
    assert round_.mails.filter(status="pending").count() == 2
    assert not ParentNotice.objects.exists()


def test_handing_over_a_paper_letter_is_a_notice(world, version):
    naima = Guardian.objects.create(organisation=world.childcare, first_name="Naima", last_name="I", email="")
    Guardianship.objects.create(guardian=naima, child=world.child_daycare)
    round_ = _round(world, version)
    paper = round_.mails.get(channel="paper")
    services.parent_notice_record(
        version=version,
        guardian=naima,
        children=[world.child_daycare],
        how="paper",
        actor=world.user("staff_childcare"),
        letter=fake_letter(version),
        round_mail=paper,
    )
    paper.refresh_from_db()
    assert paper.status == ConsentRoundMail.Status.HANDED_OVER
    n = ParentNotice.objects.get(guardian=naima)
    assert n.how == "paper" and n.letter_sha256 == fake_letter(version).sha256
    assert _events("consent.parent_informed")


def test_a_notice_for_a_stranger_is_refused(world, version):
    with pytest.raises(ValidationError):
        services.parent_notice_record(
            version=version,
            guardian=_sanne(world),
            children=[world.child_school],
            how="meeting",
            actor=None,
            letter=None,
        )


# --- Objections --------------------------------------------------------------------------------------------


def test_an_objection_blocks_until_the_director_rejects_it(world):
    f = agreement_version(world, basis="f", title="Gerechtvaardigd belang")
    noah = world.child_daycare
    inform_all(f, noah, at=timezone.now() - timezone.timedelta(days=30))
    assert (
        consent_reasons(child=noah, version=f, categories=["identification"], at=timezone.now())["identification"] == []
    )
    o = services.objection_file(
        child=noah, guardian=_mark(world), version=f, explanation="Liever niet", actor=world.user("parent_b")
    )
    blocked = consent_reasons(child=noah, version=f, categories=["identification"], at=timezone.now())
    assert "bezwaar gemaakt" in blocked["identification"][0]
    with pytest.raises(ValidationError, match="al een bezwaar"):
        services.objection_file(child=noah, guardian=_sanne(world), version=f, explanation="", actor=None)
    with pytest.raises(ValidationError, match="uitleg"):
        services.objection_decide(objection=o, uphold=False, reason=" ", actor=world.user("director_childcare"))
    services.objection_decide(
        objection=o, uphold=False, reason="Nodig voor een veilige overgang.", actor=world.user("director_childcare")
    )
    o.refresh_from_db()
    assert o.status == "rejected" and o.decision_reason == "Nodig voor een veilige overgang."
    assert (
        consent_reasons(child=noah, version=f, categories=["identification"], at=timezone.now())["identification"] == []
    )
    assert _events("objection.filed") and _events("objection.rejected")
    with pytest.raises(ValidationError, match="al beslist"):
        services.objection_decide(objection=o, uphold=True, reason="x", actor=world.user("director_childcare"))


def test_objection_only_for_e_and_f(world, version):
    with pytest.raises(ValidationError, match="Bezwaar maken kan"):
        services.objection_file(
            child=world.child_daycare, guardian=_sanne(world), version=version, explanation="", actor=None
        )
    assert not Objection.objects.exists()


# --- Consent that expires ----------------------------------------------------------------------------------


def test_guardians_are_reminded_once_before_consent_expires(world):
    v = agreement_version(world, valid_months=12, title="Verloopt")
    fake_letter(v)
    noah = world.child_daycare
    eleven_months_ago = timezone.now() - timezone.timedelta(days=340)
    _decide(world, v, _sanne(world), letter=fake_letter(v), decided_at=eleven_months_ago)
    _decide(world, v, _mark(world), letter=fake_letter(v))  # fresh: expires in a year, no reminder yet
    assert consent_mail.consent_expiry_reminders_send() == 1
    (message,) = mail.outbox
    assert message.to == ["parent_a@example.nl"] and "loopt af" in message.subject and "Noah" in message.body
    assert consent_mail.consent_expiry_reminders_send() == 0  # once
    assert _events("consent.expiry_reminder_sent")
    # Withdrawn consent is not "about to expire".
    other = agreement_version(world, valid_months=12, title="Ingetrokken")
    _decide(world, other, _sanne(world), letter=fake_letter(other), decided_at=eleven_months_ago)
    services.consent_withdraw(
        child=noah, guardian=_sanne(world), version=other, channel="portal", actor=None, language="nl"
    )
    assert consent_mail.consent_expiry_reminders_send() == 0


def test_after_a_small_change_parents_who_consented_get_the_new_letter(world, django_capture_on_commit_callbacks):
    v1 = agreement_version(world, title="Klein gewijzigd")
    fake_letter(v1)
    _decide(world, v1, _sanne(world), letter=fake_letter(v1))
    v2 = agreement_version(world, agreement=v1.agreement, material=False)
    fake_letter(v2)
    from ikc_share.models import Child

    with django_capture_on_commit_callbacks(execute=True):
        services.consent_round_start(
            version=v2, actor=world.user("director_childcare"), children=Child.objects.filter(pk=world.child_daycare.pk)
        )
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "uw toestemming blijft gelden" in by_to["parent_a@example.nl"].subject
    assert by_to["parent_b@example.nl"].subject.startswith("Toestemming gevraagd")  # Mark had not answered
