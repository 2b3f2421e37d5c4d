"""Informing by paper letter is recorded when staff confirm the letters were handed over
or posted, never when the PDFs are made: a ParentNotice (how=paper) per guardian and
child with the SHA-256 of the exact letter they got. A parent who logs in with the
letter's personal link and decides is recorded against the letter shown on the page."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from agreements.letters.batches import letter_batch_run
from agreements.letters.models import Letter, LetterBatch
from agreements.letters.selectors import generic_letter
from consent import services
from consent.models import ConsentDecision, ConsentRound, ConsentRoundMail, ParentNotice
from ikc_share.models import AuditEvent, Guardian
from tests.builders import letter_version
from tests.factories import ChildFactory, GuardianFactory, link_guardian

pytestmark = pytest.mark.pdf


@pytest.fixture
def version(world):
    return letter_version(world, basis="a")


def _batch(world, version) -> LetterBatch:
    batch = LetterBatch.objects.create(version=version, language="nl", requested_by=world.user("director_childcare"))
    letter_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def test_notices_are_recorded_on_confirmation_not_on_generation(world, version, login):
    batch = _batch(world, version)
    personal = list(Letter.objects.filter(version=version, guardian__isnull=False))
    assert len(personal) == 4
    assert not ParentNotice.objects.exists()  # a PDF is not informing

    client = login(world.user("director_childcare"))
    page = client.get(reverse("agreements:letter-batch", kwargs={"pk": batch.pk})).content.decode()
    assert "Overhandigd of verstuurd?" in page and "0 van 4 brieven" in page
    url = reverse("consent:letter-batch-handed-over", kwargs={"batch_pk": batch.pk})
    assert url in page
    response = client.post(url, follow=True)
    assert "4 ouders hebben de brief op papier gekregen" in response.content.decode()
    assert "4 van 4 brieven" in response.content.decode()

    notices = ParentNotice.objects.filter(version=version)
    assert notices.count() == 4
    for letter in personal:
        notice = notices.get(guardian=letter.guardian, child=letter.child)
        assert (notice.how, notice.letter, notice.letter_sha256) == ("paper", letter, letter.sha256)
        assert notice.recorded_by == world.user("director_childcare")
    event = AuditEvent.objects.get(action="consent.paper_letters_handed_over")
    assert event.organisation == world.childcare and str(batch.pk) in event.payload

    # Confirming again records nothing twice.
    again = client.post(url, follow=True).content.decode()
    assert "al vastgelegd" in again
    assert ParentNotice.objects.count() == 4


def test_confirmation_marks_the_rounds_paper_request_handed_over(world, version):
    naima = GuardianFactory(organisation=world.childcare, first_name="Naima", last_name="Bos", email="")
    sem = ChildFactory(location=world.daycare, first_name="Sem", last_name="Bos")
    link_guardian(guardian=naima, child=sem)
    round_ = services.consent_round_start(
        version=version, actor=world.user("director_childcare"), children=[sem], enqueue=False
    )
    mail = round_.mails.get(guardian=naima)
    assert (mail.channel, mail.status) == ("paper", "pending")
    batch = _batch(world, version)
    notices = services.paper_letters_handed_over(batch=batch, actor=world.user("director_childcare"))
    mail.refresh_from_db()
    letter = Letter.objects.get(version=version, guardian=naima, child=sem)
    assert mail.status == "handed_over" and mail.letter_sha256 == letter.sha256
    assert ParentNotice.objects.get(guardian=naima).round_mail == mail
    assert len(notices) == 5


def test_an_unfinished_batch_cannot_be_confirmed(world, version):
    batch = LetterBatch.objects.create(version=version, language="nl", requested_by=world.user("director_childcare"))
    with pytest.raises(ValidationError, match="nog niet klaar"):
        services.paper_letters_handed_over(batch=batch, actor=world.user("director_childcare"))
    assert not ParentNotice.objects.exists()


def test_round_hand_over_records_each_childs_own_personal_letter(world, version, login):
    """Sanne has two children at the childcare organisation: two personal letters, one
    per child. Handing them over records each child's notice with its own letter."""
    round_ = ConsentRound.objects.create(
        version=version, organisation=world.childcare, started_by=world.user("director_childcare")
    )
    sanne = Guardian.objects.get(organisation=world.childcare, first_name="Sanne")
    mail = ConsentRoundMail.objects.create(round=round_, guardian=sanne, channel="paper")
    mail.children.set([world.child_daycare, world.child_bso])
    _batch(world, version)
    client = login(world.user("staff_childcare"))
    url = reverse("consent:round-paper-handed-over", kwargs={"pk": round_.pk, "mail_pk": mail.pk})
    assert client.post(url).status_code == 302
    for child in (world.child_daycare, world.child_bso):
        notice = ParentNotice.objects.get(guardian=sanne, child=child)
        letter = Letter.objects.get(version=version, guardian=sanne, child=child)
        assert (notice.how, notice.letter_sha256) == ("paper", letter.sha256)
    mail.refresh_from_db()
    assert mail.status == "handed_over"


def test_a_parent_who_came_by_the_paper_link_decides_against_the_letter_on_the_page(world, version):
    naima = GuardianFactory(organisation=world.childcare, first_name="Naima", last_name="Bos", email="")
    sem = ChildFactory(location=world.daycare, first_name="Sem", last_name="Bos")
    link_guardian(guardian=naima, child=sem)
    _batch(world, version)
    letter = Letter.objects.get(version=version, guardian=naima, child=sem)
    with letter.file.open("rb") as fh:
        page = PdfReader(io.BytesIO(fh.read())).pages[0]
    link = next(a.get_object()["/A"]["/URI"] for a in page["/Annots"] if "/A" in a.get_object())
    url = urlparse(link)
    q = {k: v[0] for k, v in parse_qs(url.query).items()}
    client = Client()
    target = client.post(url.path, {"sesame": q["sesame"], "next": q["next"], "via": "paper"}).url
    form = client.get(target).context["form"]
    response = client.post(target, {"letter": form["letter"].value(), "choice": "yes"})
    assert response.status_code == 302
    generic = generic_letter(version=version, language="nl")
    naima.refresh_from_db()
    decisions = ConsentDecision.objects.filter(child=sem, guardian=naima)  # one per category
    assert decisions.exists()
    for decision in decisions:
        assert (decision.state, decision.channel, decision.letter_sha256) == ("given", "portal", generic.sha256)
        assert decision.recorded_by == naima.user
