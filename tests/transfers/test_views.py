"""The transfer pages as people use them: "May I share?" on the child page, preparing a
handover (refused categories cannot be chosen), the receiving side (only the receiving role
at the addressed location), the parents' pages, the register and the guide."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from ikc_share import services as core_services
from ikc_share.models import Child, FunctionTitle, Guardian, Guardianship
from tests.builders import DEV_CODES, decide, draft, guardian, reading, sanne, sent, transfer_version
from tests.factories import UserFactory
from transfers import retention
from transfers.models import ReceivedTransfer, Transfer, TransferAccess

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


# --- May I share? ------------------------------------------------------------------------------------


def test_the_child_page_says_per_category_whether_it_may_be_shared(world, login):
    v = transfer_version(world, read_first=False)
    page = _text(
        login(world.user("staff_childcare")).get(reverse("ikc_share:child-detail", args=[world.child_daycare.pk]))
    )
    assert v.agreement.title in page
    assert "mag worden gedeeld (grondslag a. Toestemming van de ouders)" in page
    mark = guardian(world, world.child_daycare, "Mark")
    at = timezone.now() - datetime.timedelta(minutes=5)
    decide(v, world.child_daycare, mark, "withdrawn", at=at)
    page = _text(
        login(world.user("staff_childcare")).get(reverse("ikc_share:child-detail", args=[world.child_daycare.pk]))
    )
    day = formats.date_format(timezone.localdate(at), "j F Y")
    assert f"Toestemming ingetrokken door Mark op {day}" in page
    assert "mag worden gedeeld" not in page


def test_the_verdict_is_for_the_person_asking(world, login):
    transfer_version(world, read_first=False)
    page = _text(
        login(world.user("po_childcare")).get(reverse("transfers:child-transfers", args=[world.child_daycare.pk]))
    )
    assert "Een privacy officer controleert en adviseert, maar draagt zelf geen gegevens over." in page
    assert "Overdracht voorbereiden" not in page


def test_refused_categories_cannot_be_chosen(world, login):
    v = transfer_version(world, codes=DEV_CODES + ["health"], consent=False)
    decide(
        v, world.child_daycare, sanne(world), "given", at=timezone.now() - datetime.timedelta(days=1)
    )  # not explicit
    client = login(world.user("staff_childcare"))
    url = reverse("transfers:compose", args=[world.child_daycare.pk, v.pk])
    page = _text(client.get(url))
    assert 'value="health" id="cat-health" disabled' in page
    assert "Geen uitdrukkelijke toestemming voor Gezondheid, allergieën en medicatie. Dit is een bijzonder" in page
    assert 'value="development_language" id="cat-development_language">' in page  # nothing chosen beforehand
    data = {"location": world.school_location.pk, "categories": ["development_language", "health"]}
    data.update({"development_language-going_well": "Vertelt veel."})
    data.update({"health-allergies": "Pinda"})
    response = client.post(url, data)
    assert response.status_code == 200 and not Transfer.objects.exists()


def test_prepare_preview_and_share_from_the_pages(world, login):
    v = transfer_version(world)
    client = login(world.user("staff_childcare"))
    url = reverse("transfers:compose", args=[world.child_daycare.pk, v.pk])
    data = {
        "location": world.school_location.pk,
        "categories": ["development_language"],
        "development_language-going_well": "Vertelt in korte zinnen.",
        "development_language-needs_support": "Nieuwe woorden met plaatjes.",
    }
    response = client.post(url, data)
    t = Transfer.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("transfers:transfer-detail", args=[t.pk])
    assert t.content == {
        "development_language": {
            "going_well": "Vertelt in korte zinnen.",
            "needs_support": "Nieuwe woorden met plaatjes.",
            "tips": "",
            "observed_with": "",
        }
    }
    page = _text(client.get(response["Location"]))
    assert "Voorbeeld: dit ziet de ontvanger" in page and "Vertelt in korte zinnen." in page
    assert "Delen: eerst ter inzage aan de ouders" in page
    response = client.post(reverse("transfers:transfer-share", args=[t.pk]), follow=True)
    assert "De ouders lezen eerst mee. Zij krijgen een e-mail met een link." in _text(response)
    t.refresh_from_db()
    assert t.state == Transfer.State.PARENTS_READING
    assert client.get(reverse("transfers:transfer-share", args=[t.pk])).status_code == 405


def test_a_bsn_is_never_accepted(world, login):
    v = transfer_version(world)
    client = login(world.user("staff_childcare"))
    response = client.post(
        reverse("transfers:compose", args=[world.child_daycare.pk, v.pk]),
        {
            "location": world.school_location.pk,
            "categories": ["development_language"],
            "development_language-going_well": "BSN 111222333 voor de zekerheid.",
        },
    )
    assert "Dit lijkt op een burgerservicenummer (BSN). Een BSN wordt nooit gedeeld." in _text(response)
    assert not Transfer.objects.exists()


def test_the_vve_form_is_prefilled_from_the_childs_record(world, login):
    v = transfer_version(world, title="VVE", basis="c", codes=["vve_programme", "vve_duration"], read_first=False)
    page = _text(
        login(world.user("staff_childcare")).get(reverse("transfers:compose", args=[world.child_daycare.pk, v.pk]))
    )
    assert '<option value="uk_en_puk" selected>Uk &amp; Puk</option>' in page
    assert 'name="vve_duration-months" value="18"' in page


# --- Receiving side ------------------------------------------------------------------------------------


def test_the_sender_sees_who_read_it_and_that_receipt_was_confirmed(world, login, names):
    t = sent(world)
    received = ReceivedTransfer.objects.get(transfer=t)
    teacher = login(world.user("staff_school"))
    inbox = _text(teacher.get(reverse("transfers:inbox", args=[world.school.pk])))
    assert "Noah Jansen" in inbox and "nieuw" in inbox
    page = _text(teacher.get(reverse("transfers:received-detail", args=[received.pk])))
    assert "Vertelt in korte zinnen." in page
    assert TransferAccess.objects.filter(received=received, function_title="Leerkracht groep 1-2").count() == 1
    teacher.post(reverse("transfers:received-confirm", args=[received.pk]))
    sender_page = _text(login(world.user("staff_childcare")).get(reverse("transfers:transfer-detail", args=[t.pk])))
    opened = TransferAccess.objects.get(received=received).at
    when = formats.date_format(timezone.localtime(opened), "j F Y H:i")
    assert f"Gelezen door J. de Vries (Leerkracht groep 1-2) op {when}" in sender_page
    assert "Ontvangst bevestigd op" in sender_page
    assert "Verzonden op" in sender_page


def test_a_teacher_without_a_receiving_role_gets_404(world, login):
    ib_title = FunctionTitle.objects.get(organisation=world.school, name="Intern begeleider")
    ib = UserFactory(username="ib_school")
    core_services.membership_invite(
        organisation=world.school,
        actor=None,
        email=ib.email,
        first_name="Anna",
        last_name="Smit",
        role="staff",
        function_title=ib_title,
        locations=[world.school_location],
    )
    received = ReceivedTransfer.objects.get(transfer=sent(world))
    client = login(ib)
    assert client.get(reverse("transfers:received-detail", args=[received.pk])).status_code == 404
    assert "Noah" not in _text(client.get(reverse("transfers:inbox", args=[world.school.pk])))
    assert not TransferAccess.objects.exists()


def test_a_receiving_role_at_another_location_gets_404(world, login):
    other = core_services.location_create(organisation=world.school, kind="school", name="OBS Elders")
    teacher_title = FunctionTitle.objects.get(organisation=world.school, name="Leerkracht groep 1-2")
    elsewhere = UserFactory(username="teacher_elsewhere")
    core_services.membership_invite(
        organisation=world.school,
        actor=None,
        email=elsewhere.email,
        first_name="Bo",
        last_name="Elders",
        role="staff",
        function_title=teacher_title,
        locations=[other],
    )
    received = ReceivedTransfer.objects.get(transfer=sent(world))
    assert login(elsewhere).get(reverse("transfers:received-detail", args=[received.pk])).status_code == 404


def test_childcare_staff_of_another_location_get_404_on_a_transfer(world, login):
    v = transfer_version(world)
    t = draft(world, v, child=world.child_bso, actor=world.user("director_childcare"))
    client = login(world.user("staff_childcare"))  # works at the daycare, Emma is at the BSO
    assert client.get(reverse("transfers:transfer-detail", args=[t.pk])).status_code == 404
    assert client.post(reverse("transfers:transfer-share", args=[t.pk])).status_code == 404
    assert client.get(reverse("transfers:compose", args=[world.child_bso.pk, v.pk])).status_code == 404


def test_linking_to_the_receivers_own_record(world, login):
    received = ReceivedTransfer.objects.get(transfer=sent(world))
    own = Child.objects.create(
        organisation=world.school,
        location=world.school_location,
        first_name="Noah",
        last_name="Jansen",
        date_of_birth=world.child_daycare.date_of_birth,
        group_name="Groep 1",
    )
    teacher = login(world.user("staff_school"))
    page = _text(teacher.get(reverse("transfers:received-detail", args=[received.pk])))
    assert "Op naam en geboortedatum lijkt dit te gaan om: <strong>Noah Jansen</strong>" in page
    # The sender's record cannot be chosen; the receiver's own can.
    teacher.post(reverse("transfers:received-link", args=[received.pk]), {"child": world.child_daycare.pk})
    received.refresh_from_db()
    assert received.child is None
    teacher.post(reverse("transfers:received-link", args=[received.pk]), {"child": own.pk})
    received.refresh_from_db()
    assert received.child == own


# --- Parents ---------------------------------------------------------------------------------------------


def test_parents_read_add_a_view_and_confirm_in_the_portal(world, login):
    t = reading(world)
    client = login(world.user("parent_b"))
    page = _text(client.get(reverse("transfers:portal-transfer", args=[t.pk])))
    assert "Wat er gedeeld wordt" in page and "Vertelt in korte zinnen." in page
    client.post(reverse("transfers:portal-view", args=[t.pk]), {"view": "Thuis spreekt hij ook Turks."})
    client.post(reverse("transfers:portal-confirm", args=[t.pk]))
    t.refresh_from_db()
    assert t.parents_view == "Thuis spreekt hij ook Turks." and t.state == Transfer.State.CONFIRMED
    assert t.parents_view_by == guardian(world, world.child_daycare, "Mark")


def test_the_timeline_shows_openings_by_role_and_organisation_without_names(world, login, names):
    t = sent(world)
    received = ReceivedTransfer.objects.get(transfer=t)
    login(world.user("staff_school")).get(reverse("transfers:received-detail", args=[received.pk]))
    page = _text(login(world.user("parent_a")).get(reverse("transfers:portal-timeline", args=[world.child_daycare.pk])))
    assert "Van Kinderopvang Test naar Schoolbestuur Test" in page
    assert "Geopend door Leerkracht groep 1-2 van Schoolbestuur Test op" in page
    assert "de Vries" not in page and "Jeroen" not in page
    detail = _text(login(world.user("parent_a")).get(reverse("transfers:portal-transfer", args=[t.pk])))
    assert "Vertelt in korte zinnen." in detail and "de Vries" not in detail
    # The privacy officer sees the names.
    register = _text(login(world.user("po_school")).get(reverse("transfers:register", args=[world.school.pk])))
    assert "Jeroen de Vries" in register


def test_a_parent_without_authority_or_of_another_family_gets_404(world, login):
    t = reading(world)
    erik_user = UserFactory(username="erik")
    erik = Guardian.objects.create(organisation=world.childcare, first_name="Erik", last_name="H", user=erik_user)
    Guardianship.objects.create(guardian=erik, child=world.child_daycare, has_parental_authority=False)
    for user in (erik_user, world.user("stranger"), world.user("staff_childcare")):
        client = login(user)
        assert client.get(reverse("transfers:portal-transfer", args=[t.pk])).status_code == 404
        assert client.get(reverse("transfers:portal-timeline", args=[world.child_daycare.pk])).status_code == 404


def test_a_concept_is_not_shown_to_parents(world, login):
    t = draft(world)
    assert login(world.user("parent_a")).get(reverse("transfers:portal-transfer", args=[t.pk])).status_code == 404


def test_parents_refuse_from_the_portal(world, login):
    t = reading(world)
    client = login(world.user("parent_a"))
    assert "Wilt u niet dat dit wordt gedeeld?" in _text(client.get(reverse("transfers:portal-refuse", args=[t.pk])))
    response = client.post(reverse("transfers:portal-refuse", args=[t.pk]), {}, follow=True)
    assert "Er wordt niets verstuurd en de voorbereide tekst is vernietigd." in _text(response)
    t.refresh_from_db()
    assert t.state == Transfer.State.STOPPED and t.content == {}


def test_a_remark_is_answered_by_the_sender_and_shown_to_the_parent(world, login):
    t = reading(world)
    parent = login(world.user("parent_a"))
    parent.post(reverse("transfers:portal-remark", args=[t.pk]), {"text": "Hij is jarig in maart, niet in mei."})
    remark = t.remarks.get()
    staff = login(world.user("staff_childcare"))
    assert "Hij is jarig in maart" in _text(staff.get(reverse("transfers:transfer-detail", args=[t.pk])))
    staff.post(
        reverse("transfers:remark-answer", args=[t.pk, remark.pk]), {"answer": "Klopt, aangepast.", "corrected": "on"}
    )
    page = _text(login(world.user("parent_a")).get(reverse("transfers:portal-transfer", args=[t.pk])))
    assert "Klopt, aangepast." in page


# --- Guide and register ----------------------------------------------------------------------------------


def test_the_guide_answers_what_is_not_a_transfer(world, login):
    client = login(world.user("staff_school"))
    page = _text(client.get(reverse("transfers:guide")))
    for fact in (
        "Veilig Thuis",
        "geen toestemming van de ouders nodig",
        "Degene die de signalen ziet, zet de stappen van de meldcode",
        "verzoek om inzage (artikel 15 AVG)",
        "gezinsvoogd",
        "informatieplicht",
        "bel 112",
        "Leg daarna vast",
        "Iemand buiten het IKC",
    ):
        assert fact in page, fact
    client.cookies["django_language"] = "en"
    page = _text(client.get(reverse("transfers:guide")))
    assert "I am worried about a child" in page and "request for access (GDPR article 15)" in page


def test_the_register_shows_what_is_due_and_what_was_purged(world, login):
    t = sent(world)
    received = ReceivedTransfer.objects.get(transfer=t)
    ReceivedTransfer.objects.filter(pk=received.pk).update(
        retention_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    page = _text(login(world.user("po_school")).get(reverse("transfers:register", args=[world.school.pk])))
    assert "Binnenkort of nu te verwijderen" in page and "Kinderopvang Test" in page
    retention.housekeeping()
    page = _text(login(world.user("po_school")).get(reverse("transfers:register", args=[world.school.pk])))
    assert "Bewaartermijn verstreken" in page
    assert (
        login(world.user("staff_school")).get(reverse("transfers:register", args=[world.school.pk])).status_code == 403
    )


def test_content_never_leaves_through_the_register(world, login):
    sent(world)
    page = _text(login(world.user("po_school")).get(reverse("transfers:register", args=[world.school.pk])))
    assert "Vertelt in korte zinnen." not in page


def test_correcting_the_text_while_the_parents_read(world, login):
    t = reading(world)
    client = login(world.user("staff_childcare"))
    url = reverse("transfers:transfer-edit", args=[t.pk])
    page = _text(client.get(url))
    assert "Tekst verbeteren" in page and 'value="Vertelt in korte zinnen."' not in page  # textarea
    data = {"location": world.school_location.pk}
    for code, fields in t.content.items():
        for name, value in fields.items():
            data[f"{code}-{name}"] = value or ""
    data["development_language-going_well"] = "Vertelt in korte zinnen, ook in het Turks."
    response = client.post(url, data)
    assert response.status_code == 302
    t.refresh_from_db()
    assert t.state == Transfer.State.PARENTS_READING
    assert t.content["development_language"]["going_well"] == "Vertelt in korte zinnen, ook in het Turks."


def test_rectify_and_erase_pages(world, login):
    t = sent(world)
    received = ReceivedTransfer.objects.get(transfer=t)
    staff = login(world.user("staff_childcare"))
    url = reverse("transfers:transfer-rectify", args=[t.pk])
    assert "Overdracht corrigeren" in _text(staff.get(url))
    data = {}
    for code, fields in received.content.items():
        for name, value in fields.items():
            data[f"{code}-{name}"] = value or ""
    data["development_language-going_well"] = "Gecorrigeerd door de verzender."
    assert staff.post(url, data).status_code == 302
    received.refresh_from_db()
    assert received.content["development_language"]["going_well"] == "Gecorrigeerd door de verzender."
    assert staff.get(reverse("transfers:transfer-erase", args=[t.pk])).status_code == 403  # director only
    director = login(world.user("director_childcare"))
    response = director.post(reverse("transfers:transfer-erase", args=[t.pk]), {"reason": "erasure_request"})
    assert response.status_code == 200  # the confirmation box is required
    director.post(reverse("transfers:transfer-erase", args=[t.pk]), {"reason": "erasure_request", "confirm": "on"})
    received.refresh_from_db()
    assert received.is_removed
    teacher_page = _text(
        login(world.user("staff_school")).get(reverse("transfers:received-detail", args=[received.pk]))
    )
    assert (
        "Gewist op verzoek van de verzender" in teacher_page and "Gecorrigeerd door de verzender." not in teacher_page
    )


def test_recording_a_meeting_from_the_page(world, login):
    v = transfer_version(world)
    client = login(world.user("staff_childcare"))
    response = client.post(
        reverse("transfers:meeting-record", args=[world.child_daycare.pk, v.pk]),
        {
            "location": world.school_location.pk,
            "meeting_date": timezone.localdate().isoformat(),
            "parents_present": "yes",
            "categories": ["development_language"],
            "summary": "Kennismaking met de juf.",
        },
    )
    t = Transfer.objects.get()
    assert response.status_code == 302 and t.state == Transfer.State.RECORDED and t.meeting_parents_present
    page = _text(login(world.user("parent_a")).get(reverse("transfers:portal-timeline", args=[world.child_daycare.pk])))
    assert "Driegesprek" in page


@pytest.mark.parametrize("bad", ["99999999999999999999999", "-1", "abc", "1e3"])
def test_impossible_ids_in_forms_are_invalid_choices_not_errors(world, login, bad):
    v = transfer_version(world)
    client = login(world.user("staff_childcare"))
    response = client.post(
        reverse("transfers:compose", args=[world.child_daycare.pk, v.pk]),
        {"location": bad, "categories": ["development_language"], "development_language-going_well": "x"},
    )
    assert response.status_code == 200 and not Transfer.objects.exists()
    received = ReceivedTransfer.objects.get(transfer=sent(world))
    response = login(world.user("staff_school")).post(
        reverse("transfers:received-link", args=[received.pk]), {"child": bad}
    )
    assert response.status_code == 302
    received.refresh_from_db()
    assert received.child is None


def test_impossible_ids_in_urls_are_404(world, login):
    client = login(world.user("staff_childcare"))
    huge = 2**64  # beyond the <id:> converter: no route matches (reverse() refuses it too)
    for url in [
        f"/transfers/{huge}/",
        f"/transfers/received/{huge}/",
        f"/transfers/children/{huge}/",
        f"/portal/transfers/{huge}/",
        f"/transfers/{2**63}/",
    ]:
        assert client.get(url).status_code == 404, url
