"""Personal paper letters: a one-page personal cover (salutation, personal link and QR
code into the parent portal) in front of the stored generic letter; the link logs that
guardian in once and lands on the child's page for the agreement; guardians without a
login get one; activating a version queues its generic letters; making a letter is not
informing anyone."""

from __future__ import annotations

import hashlib
import io
import time
import types
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from agreements.letters.batches import letter_batch_run
from agreements.letters.links import letter_link
from agreements.letters.models import Letter, LetterBatch
from agreements.letters.pdf import contains_generic
from agreements.letters.personal import letter_personal_ensure, personal_letter_generic
from agreements.letters.render import GENERATED_BASE, StaticOnlyFetcher
from agreements.letters.selectors import generic_letter, generic_letters
from agreements.letters.storage import letter_generic_ensure
from agreements.models import AgreementVersion
from consent.models import ParentNotice
from ikc_share.models import AuditEvent, Guardian, Organisation
from tests.builders import activate, spec
from tests.factories import ChildFactory, GuardianFactory, link_guardian
from tests.letters.conftest import pdf_text
from tests.letters.test_letter_content import BASIS, COMMON

pytestmark = pytest.mark.pdf
User = get_user_model()


def _batch(world, version, language="nl") -> LetterBatch:
    batch = LetterBatch.objects.create(
        version=version, language=language, requested_by=world.user("director_childcare")
    )
    letter_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == "done", batch.error
    return batch


def _personal(version, child, guardian, language="nl") -> Letter:
    generic = letter_generic_ensure(version=version, language=language)
    return letter_personal_ensure(version=version, language=language, child=child, guardian=guardian, generic=generic)


def _bytes(letter: Letter) -> bytes:
    with letter.file.open("rb") as fh:
        return fh.read()


def _cover_link(data: bytes) -> str:
    """The personal link: the cover's link annotation (what a tap on the PDF opens)."""
    page = PdfReader(io.BytesIO(data)).pages[0]
    uris = [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", []) if "/A" in a.get_object()]
    assert len(set(uris)) == 1, uris  # one link (an annotation per printed line)
    return uris[0]


def _path_and_data(link: str) -> tuple[str, dict]:
    url = urlparse(link)
    return url.path, {k: v[0] for k, v in parse_qs(url.query).items()}


def _sanne(world) -> Guardian:
    return Guardian.objects.get(organisation=world.childcare, first_name="Sanne")


# --- 1. Activation queues the generic letters --------------------------------------------------


def test_activation_queues_the_generic_letters_in_both_languages(world, django_capture_on_commit_callbacks):
    from agreements import services

    version = services.agreement_create(actor=world.user("director_childcare"), spec=spec(world), title="Nieuw")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.agreement_version_submit(version=version, actor=world.user("director_childcare"))  # approves
    # One approval: not active, no letters queued (only the e-mail to the school's director).
    assert len(callbacks) == 1 and not Letter.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.agreement_version_approve(
            version=version, actor=world.user("director_school"), organisation=world.school
        )
        assert not Letter.objects.exists()  # rendered by the task after commit, not inside the approval
    assert len(callbacks) == 2
    made = Letter.objects.filter(version=version, guardian__isnull=True)
    assert sorted(made.values_list("language", flat=True)) == ["en", "nl"]
    assert "Uw toestemming" in pdf_text(_bytes(made.get(language="nl")))
    assert "Your consent" in pdf_text(_bytes(made.get(language="en")))


def test_amendment_activation_makes_the_new_versions_letters(world, django_capture_on_commit_callbacks):
    from agreements import services

    with django_capture_on_commit_callbacks(execute=True):
        v1 = services.agreement_create(actor=world.user("director_childcare"), spec=spec(world), title="Afspraak")
        activate(world, v1)
    with django_capture_on_commit_callbacks(execute=True):
        v2 = services.agreement_amend(agreement=v1.agreement, actor=world.user("director_childcare"))
        activate(world, v2)
    assert Letter.objects.filter(version=v1).count() == 2  # v1's letters stay as they were
    assert Letter.objects.filter(version=v2).count() == 2
    # A version superseded before its task ran gets no letters: no parent will be sent it.
    with django_capture_on_commit_callbacks(execute=True):
        v3 = services.agreement_amend(agreement=v1.agreement, actor=world.user("director_childcare"))
        activate(world, v3)
        v4 = services.agreement_amend(agreement=v1.agreement, actor=world.user("director_childcare"))
        activate(world, v4)
    assert not Letter.objects.filter(version=v3).exists()
    assert Letter.objects.filter(version=v4).count() == 2


def test_demo_has_the_generic_letters_of_its_active_versions(db):
    call_command("seed_demo")
    active = AgreementVersion.objects.filter(status="active")
    assert active.count() >= 4
    for version in active:
        assert sorted(generic_letters(version).values_list("language", flat=True)) == ["en", "nl"]
    count = Letter.objects.count()
    call_command("seed_demo")  # idempotent
    assert Letter.objects.count() == count


# --- 2. The merged letter -------------------------------------------------------------------------


@pytest.mark.parametrize("basis", ["a", "c", "e"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_personal_letter_is_a_cover_plus_the_whole_generic_letter(world, version_factory, basis, language):
    version = version_factory(basis=basis)
    sanne = _sanne(world)
    letter = _personal(version, world.child_daycare, sanne, language)
    generic = generic_letter(version=version, language=language)
    data = _bytes(letter)
    text = pdf_text(data)
    if language == "nl":
        cover = ["Voorblad bij de informatiebrief", "Beste Sanne de Boer,", "Deze brief gaat over uw kind Noah Jansen."]
        cover += ["Aan: Sanne de Boer", "Over: Noah Jansen", "Uw persoonlijke link", "Scan de QR-code", '"Verder"']
    else:
        cover = ["Cover page of the information letter", "Dear Sanne de Boer,", "This letter is about your child"]
        cover += ["To: Sanne de Boer", "About: Noah Jansen", "Your personal link", "Scan the QR code"]
    missing = [p for p in cover + COMMON[language] + BASIS[(basis, language)]["present"] if p not in text]
    assert not missing, f"missing in the personal {basis}/{language} letter: {missing}"
    wrong = [p for p in BASIS[(basis, language)]["absent"] if p in text]
    assert not wrong, f"should not be in the personal {basis}/{language} letter: {wrong}"
    # Its own hash over the merged bytes; the generic letter it contains is its first bytes.
    assert letter.sha256 == hashlib.sha256(data).hexdigest() != generic.sha256
    assert contains_generic(data, generic.sha256, len(_bytes(generic)))
    assert personal_letter_generic(letter) == generic
    assert letter.text_sha256 == generic.text_sha256
    # The generic letter's own link is in it too (its pages are unchanged).
    assert generic.public_token in text.replace(" ", "")


def test_page_numbering_cover_unnumbered_then_the_letters_own(world, version_factory):
    version = version_factory(basis="a")
    data = _bytes(_personal(version, world.child_daycare, _sanne(world)))
    generic_pages = len(PdfReader(io.BytesIO(_bytes(generic_letter(version=version, language="nl")))).pages)
    reader = PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) == 1 + generic_pages
    assert reader.page_labels == ["Voorblad"] + [str(n) for n in range(1, generic_pages + 1)]
    cover, first = (pdf_text_page(reader, 0), pdf_text_page(reader, 1))
    assert "Pagina" not in cover and "Voorblad" in cover
    assert f"Pagina 1 van {generic_pages}" in first


def pdf_text_page(reader: PdfReader, index: int) -> str:
    return " ".join((reader.pages[index].extract_text() or "").split())


def test_the_cover_names_the_letter_it_contains_by_its_check_code(world, version_factory):
    version = version_factory(basis="a")
    letter = _personal(version, world.child_daycare, _sanne(world))
    generic = generic_letter(version=version, language="nl")
    assert generic.sha256 in pdf_text(_bytes(letter)).replace(" ", "")


def test_a_letter_contains_no_other_familys_cover(world, version_factory, monkeypatch):
    """Covers are rendered several to a document; each letter carries only its own page."""
    for i in range(3):
        child = ChildFactory(location=world.daycare, first_name=f"Kind{i}", last_name="Anders")
        link_guardian(guardian=GuardianFactory(organisation=world.childcare, first_name=f"Ouder{i}"), child=child)
    version = version_factory(basis="a")
    batch = _batch(world, version)
    assert batch.done == 7
    for letter in Letter.objects.filter(version=version, guardian__isnull=False).select_related("guardian", "child"):
        text = pdf_text(_bytes(letter))
        others = Guardian.objects.filter(organisation=world.childcare).exclude(pk=letter.guardian_id)
        assert f"Beste {letter.guardian.full_name}," in text
        assert not [g.full_name for g in others if f"Beste {g.full_name}," in text]


# --- 3. The personal link ------------------------------------------------------------------------


def test_the_personal_link_logs_that_guardian_in_once_and_lands_on_the_child_and_version(world, version_factory):
    version = version_factory(basis="a")
    sanne = _sanne(world)
    data = _bytes(_personal(version, world.child_daycare, sanne))
    link = _cover_link(data)
    assert link in pdf_text(data).replace(" ", "")  # printed as it is linked (typed over if need be)
    path, q = _path_and_data(link)
    assert path == reverse("consent:portal-link") and q["via"] == "paper"
    assert link.startswith("http") and "sesame=" in link

    scanner = Client()  # opening the link spends nothing
    page = scanner.get(path, q)
    assert page.status_code == 200 and 'name="via" value="paper"' in page.content.decode()
    assert "_auth_user_id" not in scanner.session

    parent = Client()
    response = parent.post(path, {"sesame": q["sesame"], "next": q["next"], "via": "paper"})
    target = reverse("consent:portal-decide", kwargs={"child_pk": world.child_daycare.pk, "version_pk": version.pk})
    assert response.status_code == 302 and response.url == target
    assert parent.session["_auth_user_id"] == str(sanne.user_id)
    assert parent.session["ikc_login_method"] == "magic_link"
    decide = parent.get(target)
    assert decide.status_code == 200 and "Ja, ik geef toestemming" in decide.content.decode()
    # A session from the paper link reaches the portal only.
    assert parent.get(reverse("consent:child-consent", args=[world.child_daycare.pk])).status_code == 404

    again = Client()  # single use
    response = again.post(path, {"sesame": q["sesame"], "next": q["next"], "via": "paper"})
    assert response.status_code == 400 and "_auth_user_id" not in again.session
    assert "brief op papier" in response.content.decode()


def test_paper_and_e_mail_tokens_are_not_interchangeable(world, version_factory):
    from consent.mail import magic_link

    version = version_factory(basis="a")
    path, q = _path_and_data(_cover_link(_bytes(_personal(version, world.child_daycare, _sanne(world)))))
    client = Client()
    assert client.post(path, {"sesame": q["sesame"], "next": q["next"]}).status_code == 400  # not as an e-mail token
    email_path, eq = _path_and_data(magic_link(user=world.user("parent_a"), next_url="/portal/"))
    response = client.post(email_path, {"sesame": eq["sesame"], "next": "/portal/", "via": "paper"})
    assert response.status_code == 400  # an e-mail token never gets the paper link's validity
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("days,works", [(8, True), (29, True), (31, False)])
def test_the_paper_link_works_longer_than_an_e_mail_link(world, version_factory, monkeypatch, settings, days, works):
    assert settings.PAPER_LINK_MAX_AGE_DAYS == 30 and settings.SESAME_MAX_AGE == 7 * 24 * 3600
    version = version_factory(basis="a")
    path, q = _path_and_data(_cover_link(_bytes(_personal(version, world.child_daycare, _sanne(world)))))
    later = time.time() + days * 24 * 3600
    monkeypatch.setattr("sesame.tokens_v2.time", types.SimpleNamespace(time=lambda: later))
    response = Client().post(path, {"sesame": q["sesame"], "next": q["next"], "via": "paper"})
    assert response.status_code == (302 if works else 400)


def test_a_guardian_without_e_mail_gets_a_login_and_a_working_link(world, version_factory):
    naima = GuardianFactory(organisation=world.childcare, first_name="Naima", last_name="Bos", email="")
    sem = ChildFactory(location=world.daycare, first_name="Sem", last_name="Bos")
    link_guardian(guardian=naima, child=sem)
    version = version_factory(basis="a")
    assert naima.user_id is None
    _batch(world, version)
    naima.refresh_from_db()
    user = naima.user
    assert user is not None and "@" not in user.username and user.email == ""
    assert not user.has_usable_password()
    assert Guardian.objects.filter(user=user).count() == 1  # one login per person
    event = AuditEvent.objects.get(action="guardian.logins_linked", organisation=world.childcare)
    assert str(naima.pk) in event.payload and str(user.pk) in event.payload

    letter = Letter.objects.get(version=version, guardian=naima, child=sem)
    path, q = _path_and_data(_cover_link(_bytes(letter)))
    client = Client()
    response = client.post(path, {"sesame": q["sesame"], "next": q["next"], "via": "paper"})
    assert response.url == reverse("consent:portal-decide", kwargs={"child_pk": sem.pk, "version_pk": version.pk})
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "Sem" in client.get(response.url).content.decode()
    # She sees her own child only.
    assert client.get(reverse("consent:portal-child", args=[world.child_daycare.pk])).status_code == 404


def test_logins_are_never_shared_between_two_people(world, version_factory):
    """Two parents who share one e-mail address are two people: two logins. The same
    person at the school (same address and name) keeps the login they have."""
    shared = "familie.bakker@example.nl"
    anna = GuardianFactory(organisation=world.childcare, first_name="Anna", last_name="Bakker", email=shared)
    piet = GuardianFactory(organisation=world.childcare, first_name="Piet", last_name="Bakker", email=shared)
    kid = ChildFactory(location=world.daycare, first_name="Lotte", last_name="Bakker")
    link_guardian(guardian=anna, child=kid)
    link_guardian(guardian=piet, child=kid)
    existing = User.objects.create(username="anna.elders", email=shared.upper(), first_name="Anna", last_name="Bakker")
    version = version_factory(basis="a")
    _batch(world, version)
    anna.refresh_from_db()
    piet.refresh_from_db()
    assert anna.user == existing  # the same person: her one login
    assert piet.user not in (None, existing)  # another person with that address: a login of his own
    assert not piet.user.has_usable_password()


def test_making_letters_is_not_informing(world, version_factory):
    version = version_factory(basis="a")
    _batch(world, version)
    assert Letter.objects.filter(version=version, guardian__isnull=False).count() == 4
    assert not ParentNotice.objects.exists()


# --- 4. Pieces -------------------------------------------------------------------------------------


def test_letter_link_is_the_one_place_for_both_kinds(world, version_factory):
    version = version_factory(basis="a")
    generic = letter_generic_ensure(version=version, language="nl")
    assert letter_link(generic_token=generic.public_token).endswith(
        reverse("agreements:letter-public", kwargs={"token": generic.public_token})
    )
    sanne = _sanne(world)
    personal = letter_link(version=version, child=world.child_daycare, guardian=sanne, language="en")
    path, q = _path_and_data(personal)
    assert path == reverse("consent:portal-link") and q["lang"] == "en" and q["via"] == "paper"
    naima = GuardianFactory(organisation=world.childcare, email="")
    with pytest.raises(ValueError, match="login"):
        letter_link(version=version, child=world.child_daycare, guardian=naima)


def test_fetcher_serves_generated_images_only_by_exact_name():
    fetcher = StaticOnlyFetcher(generated={"qr-0.png": b"\x89PNG"})
    assert fetcher.fetch(GENERATED_BASE + "qr-0.png").read() == b"\x89PNG"
    for url in (GENERATED_BASE + "qr-1.png", GENERATED_BASE + "../static/css/letter-print.css"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_very_long_names_and_addresses_still_fit_one_cover_page(world, version_factory):
    Organisation.objects.filter(pk=world.childcare.pk).update(
        name=("Stichting Kinderopvang Met Een Heel Lange Naam " * 5)[:200], address="Straat " * 28, city="X" * 100
    )
    Organisation.objects.filter(pk=world.school.pk).update(
        name=("Stichting Openbaar Onderwijs Met Een Lange Naam " * 5)[:200], address="Laan " * 40
    )
    version = version_factory(basis="a")
    data = _bytes(_personal(version, world.child_daycare, _sanne(world)))
    reader = PdfReader(io.BytesIO(data))
    assert reader.page_labels[:2] == ["Voorblad", "1"]
    assert "Beste Sanne de Boer," in pdf_text_page(reader, 0)
