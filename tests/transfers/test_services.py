"""The transfer services: who may hand over what (table-driven, with the sentences from
check_transfer), the path with parents reading first, sending into the receiver's own
copy, stopping and destroying, three-way meetings, and the audit trail."""

from __future__ import annotations

import datetime
import hashlib
import inspect
import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import formats, timezone

from consent.models import Objection
from consent.services import child_lock
from ikc_share.audit_verify import verify_chains
from ikc_share.models import AuditEvent
from tests.builders import DEV_CODES, content_for, decide, draft, guardian, reading, sanne, sent, transfer_version
from transfers import mail as transfer_mail
from transfers import retention, services
from transfers.models import ReceivedTransfer, Transfer, TransferAccess

pytestmark = pytest.mark.django_db


def _create(world, v, **kw):
    args = dict(
        child=world.child_daycare,
        version=v,
        location=world.school_location,
        contents=content_for(DEV_CODES),
        actor=world.user("staff_childcare"),
    )
    args.update(kw)
    return services.transfer_create(**args)


# (id, changed arguments, expected sentence) — nothing is created, nothing audited.
REFUSALS = [
    (
        "requester from another organisation",
        lambda w, v: {"actor": w.user("stranger")},
        "U werkt niet bij Kinderopvang Test en kunt onder deze afspraak geen gegevens overdragen.",
    ),
    (
        "requester at another location",
        lambda w, v: {"child": w.child_bso, "contents": content_for(DEV_CODES, w.child_bso)},
        "U werkt niet op BSO Test, de locatie van dit kind.",
    ),
    (
        "a privacy officer",
        lambda w, v: {"actor": w.user("po_childcare")},
        "Een privacy officer controleert en adviseert, maar draagt zelf geen gegevens over.",
    ),
    (
        "the receiving side trying to start one",
        lambda w, v: {"actor": w.user("staff_school")},
        "De ontvangende organisatie kan gegevens niet zelf ophalen: alleen Kinderopvang Test draagt over.",
    ),
    (
        "the receiving director trying to start one",
        lambda w, v: {"actor": w.user("director_school")},
        "De ontvangende organisatie kan gegevens niet zelf ophalen: alleen Kinderopvang Test draagt over.",
    ),
    (
        "a parent",
        lambda w, v: {"actor": w.user("parent_a")},
        "U werkt niet bij Kinderopvang Test en kunt onder deze afspraak geen gegevens overdragen.",
    ),
    (
        "the school's own record of a child",
        lambda w, v: {"child": w.child_school, "actor": w.user("director_childcare")},
        "Dit kind staat niet ingeschreven bij Kinderopvang Test, de verzendende organisatie van deze afspraak. Een "
        "organisatie deelt alleen gegevens uit haar eigen administratie.",
    ),
    (
        "a category outside the agreement",
        lambda w, v: {"contents": content_for(["development_motor"])},
        "Ontwikkeling: motoriek staat niet in deze afspraak en mag niet worden gedeeld.",
    ),
]


@pytest.mark.parametrize(("case", "change", "sentence"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_who_may_prepare_a_transfer(world, case, change, sentence):
    v = transfer_version(world, read_first=False)
    before = AuditEvent.objects.filter(action__startswith="transfer.").count()
    with pytest.raises(ValidationError) as exc:
        _create(world, v, **change(world, v))
    assert sentence in exc.value.messages
    assert not Transfer.objects.exists()
    assert AuditEvent.objects.filter(action__startswith="transfer.").count() == before


def test_a_method_the_agreement_does_not_allow(world):
    meeting_only = transfer_version(world, title="Alleen driegesprek", in_app=False, meeting=True)
    with pytest.raises(ValidationError) as exc:
        _create(world, meeting_only)
    assert "Deze afspraak staat overdracht via ‘delen in de app’ niet toe." in exc.value.messages
    in_app_only = transfer_version(world, title="Alleen in de app", in_app=True, meeting=False)
    with pytest.raises(ValidationError) as exc:
        services.meeting_record(
            child=world.child_daycare,
            version=in_app_only,
            location=world.school_location,
            meeting_date=timezone.localdate(),
            parents_present=True,
            codes=["development_language"],
            summary="Besproken.",
            actor=world.user("staff_childcare"),
        )
    assert "Deze afspraak staat overdracht via ‘driegesprek met ouders’ niet toe." in exc.value.messages


def test_withdrawn_consent_is_named_with_the_parent_and_the_date(world):
    v = transfer_version(world, read_first=False)
    mark = guardian(world, world.child_daycare, "Mark")
    at = timezone.now() - datetime.timedelta(hours=1)
    decide(v, world.child_daycare, mark, "given", at=at - datetime.timedelta(days=1))
    decide(v, world.child_daycare, mark, "withdrawn", at=at)
    with pytest.raises(ValidationError) as exc:
        _create(world, v)
    day = formats.date_format(timezone.localdate(at), "j F Y")
    assert f"Toestemming ingetrokken door Mark op {day}" in exc.value.messages


def test_parents_not_informed_blocks_every_basis(world):
    v = transfer_version(
        world, title="VVE zonder brief", basis="c", codes=["vve_programme", "vve_duration"], inform=False
    )
    with pytest.raises(ValidationError) as exc:
        _create(world, v, contents=content_for(["vve_programme", "vve_duration"]))
    assert "Sanne is nog niet geïnformeerd over versie 1 van deze afspraak." in exc.value.messages


def test_a_location_outside_the_agreement_is_refused(world):
    v = transfer_version(world, read_first=False)
    other = world.school.locations.create(ikc=world.ikc, name="Dependance", kind="school")
    with pytest.raises(ValidationError) as exc:
        _create(world, v, location=other)
    assert exc.value.messages == ["Onder deze afspraak kan niet naar deze locatie worden overgedragen."]


# --- Parents read first -----------------------------------------------------------------------------


def test_share_puts_it_before_the_parents_first(world, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://ikc.example"
    t = draft(world)
    assert t.state == "draft" and t.content_sha256
    with django_capture_on_commit_callbacks(execute=True):
        t = services.transfer_share(transfer=t, actor=world.user("staff_childcare"))
    assert t.state == Transfer.State.PARENTS_READING
    assert t.parents_read_until.date() == (t.submitted_at + datetime.timedelta(days=10)).date()
    assert not ReceivedTransfer.objects.exists()
    to_parents = [m for m in mail.outbox if "Lees eerst mee" in m.subject]
    assert sorted(m.to[0] for m in to_parents) == ["parent_a@example.nl", "parent_b@example.nl"]
    for message in to_parents:
        assert "Noah" in message.body and "Jansen" not in message.body  # first name only
        assert "/portal/link/?" in message.body
        assert "Zonder uw akkoord wordt niets verstuurd." in message.body
    # A redelivered task sends nothing twice.
    assert transfer_mail.transfer_parents_notify(transfer_id=t.pk) == 0
    actions = list(
        AuditEvent.objects.filter(action__startswith="transfer.").order_by("id").values_list("action", flat=True)
    )
    assert actions[:2] == ["transfer.created", "transfer.to_parents"]
    assert actions.count("transfer.parents_notified") == 2


def test_parents_view_travels_with_the_transfer_and_sending_makes_the_receivers_copy(
    world, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://ikc.example"
    t = reading(world)
    s = sanne(world)
    services.transfer_parents_view(
        transfer=t, guardian=s, text="Thuis praat hij veel meer.", actor=world.user("parent_a")
    )
    services.transfer_parents_confirm(transfer=t, guardian=s, actor=world.user("parent_a"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        t = services.transfer_share(transfer=t, actor=world.user("staff_childcare"))
    assert t.state == Transfer.State.SENT and t.shared_at and t.content == {}
    received = ReceivedTransfer.objects.get(transfer=t)
    assert received.organisation == world.school and received.location == world.school_location
    assert received.content["development_language"]["going_well"] == "Vertelt in korte zinnen."
    assert received.parents_view == "Thuis praat hij veel meer."
    assert received.child_name == "Noah Jansen" and received.child_id is None  # linked by a person later
    # Two records, one hash: the SHA-256 of the canonical content.
    canonical = json.dumps(
        {
            "categories": t.category_codes,
            "content": received.content,
            "parents_view": received.parents_view,
            "attachments": [],
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert t.content_sha256 == received.content_sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    # Retention from the version: 24 months after receipt.
    assert received.retention_until.year == timezone.localdate().year + 2
    # The receiving role at the location is told, without any personal data.
    [note] = mail.outbox
    assert note.to == [world.user("staff_school").email]
    assert note.subject == "Er staat een overdracht voor u klaar"
    assert "Noah" not in note.body and "Jansen" not in note.body
    # Audited in both controllers' chains, ids and codes only.
    for org in (world.childcare, world.school):
        event = AuditEvent.objects.get(organisation=org, action="transfer.sent")
        payload = json.loads(event.payload)
        assert payload["content_sha256"] == t.content_sha256 and "Noah" not in event.payload
    assert verify_chains().ok


def test_silence_never_counts_as_yes_under_consent(world):
    t = reading(world)
    Transfer.objects.filter(pk=t.pk).update(parents_read_until=timezone.now() - datetime.timedelta(days=1))
    t.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.transfer_share(transfer=t, actor=world.user("staff_childcare"))
    assert "stilte nooit als ja" in exc.value.messages[0]


def test_silence_lets_the_sender_proceed_when_the_basis_is_not_consent(world):
    v = transfer_version(world, title="VVE lezen", basis="c", codes=["vve_programme", "vve_duration"], read_days=5)
    t = reading(world, v)
    with pytest.raises(ValidationError) as exc:
        services.transfer_share(transfer=t, actor=world.user("staff_childcare"))
    assert exc.value.messages[0].startswith("De ouders lezen nog mee tot ")
    Transfer.objects.filter(pk=t.pk).update(parents_read_until=timezone.now() - datetime.timedelta(minutes=1))
    t.refresh_from_db()
    assert services.transfer_share(transfer=t, actor=world.user("staff_childcare")).state == Transfer.State.SENT


def test_a_factual_error_is_answered_before_sending(world):
    t = reading(world)
    remark = services.transfer_parents_remark(
        transfer=t, guardian=sanne(world), text="Hij spreekt ook Turks.", actor=world.user("parent_a")
    )
    services.transfer_parents_confirm(transfer=t, guardian=sanne(world), actor=world.user("parent_a"))
    with pytest.raises(ValidationError) as exc:
        services.transfer_share(transfer=t, actor=world.user("staff_childcare"))
    assert exc.value.messages == ["Beantwoord eerst de opmerkingen van de ouders."]
    # The sender corrects the text; the parents read the corrected text (their yes is reset).
    contents = content_for(DEV_CODES)
    contents["development_language"]["going_well"] = "Vertelt in korte zinnen, in het Nederlands en Turks."
    t = services.transfer_update(transfer=t, contents=contents, actor=world.user("staff_childcare"))
    assert t.state == Transfer.State.PARENTS_READING and t.parents_answer == ""
    services.transfer_remark_answer(
        remark=remark, answer="Aangepast, dank u.", corrected=True, actor=world.user("staff_childcare")
    )
    services.transfer_parents_confirm(transfer=t, guardian=sanne(world), actor=world.user("parent_a"))
    t = services.transfer_share(transfer=t, actor=world.user("staff_childcare"))
    assert t.state == Transfer.State.SENT
    assert "Turks" in ReceivedTransfer.objects.get(transfer=t).content["development_language"]["going_well"]


def test_parents_cannot_change_the_senders_text(world):
    t = reading(world)
    before = dict(t.content)
    services.transfer_parents_view(transfer=t, guardian=sanne(world), text="Onze kijk.", actor=world.user("parent_a"))
    t.refresh_from_db()
    assert t.content == before and t.parents_view == "Onze kijk."


def test_asking_to_talk_first_holds_the_transfer(world):
    t = reading(world)
    services.transfer_parents_talk(transfer=t, guardian=sanne(world), actor=world.user("parent_a"))
    with pytest.raises(ValidationError):
        services.transfer_share(transfer=t, actor=world.user("staff_childcare"))
    t = services.transfer_talked(transfer=t, actor=world.user("staff_childcare"))
    assert t.state == Transfer.State.PARENTS_READING


def test_parents_refuse_and_the_content_is_destroyed(world):
    t = reading(world)
    old_hash = t.content_sha256
    t = services.transfer_parents_refuse(
        transfer=t, guardian=sanne(world), want_pdf=False, actor=world.user("parent_a")
    )
    t.refresh_from_db()
    assert t.state == Transfer.State.STOPPED and t.stop_reason == "parents_refused"
    assert t.content == {} and t.parents_view == "" and not t.parent_pdf
    assert t.removed_content_sha256 == old_hash and set(t.category_codes) == set(DEV_CODES)  # the tombstone
    event = AuditEvent.objects.get(action="transfer.destroyed")
    assert json.loads(event.payload)["removed_content_sha256"] == old_hash
    assert "Vertelt" not in event.payload
    assert not ReceivedTransfer.objects.exists()


@pytest.mark.pdf
def test_parents_may_ask_for_the_text_themselves_as_a_pdf(world):
    t = reading(world)
    t = services.transfer_parents_refuse(transfer=t, guardian=sanne(world), want_pdf=True, actor=world.user("parent_a"))
    t.refresh_from_db()
    assert t.content == {} and t.parent_pdf
    with t.parent_pdf.open("rb") as f:
        assert f.read(5) == b"%PDF-"
    # It is removed after its term by the housekeeping task.
    later = t.parent_pdf_until + datetime.timedelta(minutes=1)
    assert retention.housekeeping(at=later)["parent_pdfs"] == 1
    t.refresh_from_db()
    assert not t.parent_pdf


def test_consent_withdrawn_before_sending_destroys_the_prepared_content(world):
    t = reading(world)
    services.transfer_parents_confirm(transfer=t, guardian=sanne(world), actor=world.user("parent_a"))
    decide(t.version, world.child_daycare, sanne(world), "withdrawn", at=timezone.now())
    t = services.transfer_share(transfer=t, actor=world.user("staff_childcare"))
    assert t.state == Transfer.State.STOPPED and t.stop_reason == "consent"
    assert t.content == {} and not t.verdict_allowed
    assert any(r.startswith("Toestemming ingetrokken door Sanne op ") for r in t.verdict_reasons)
    assert not ReceivedTransfer.objects.exists()


def test_housekeeping_stops_a_waiting_transfer_whose_consent_was_withdrawn(world):
    t = reading(world)
    other = reading(world, codes=["development_language"])
    decide(t.version, world.child_daycare, sanne(world), "withdrawn", at=timezone.now())
    assert retention.housekeeping()["stopped"] == 2
    for x in (t, other):
        x.refresh_from_db()
        assert x.state == Transfer.State.STOPPED and x.content == {}


def test_a_consent_not_yet_given_keeps_the_concept(world):
    v = transfer_version(world, read_first=False)
    t = draft(world, v)
    # Another guardian refuses under policy "one": a refusal by any guardian blocks, and the content goes.
    decide(v, world.child_daycare, guardian(world, world.child_daycare, "Mark"), "refused", at=timezone.now())
    t = services.transfer_share(transfer=t, actor=world.user("staff_childcare"))
    assert t.state == Transfer.State.STOPPED and t.stop_reason == "consent"
    # A transfer that is refused for another reason (the requester) is kept, and the refusal recorded.
    t2 = draft(world, transfer_version(world, title="Tweede", read_first=False))
    t2 = services.transfer_share(transfer=t2, actor=world.user("po_childcare"))
    assert t2.state == Transfer.State.DRAFT and not t2.verdict_allowed
    assert "Een privacy officer controleert en adviseert, maar draagt zelf geen gegevens over." in t2.verdict_reasons
    assert AuditEvent.objects.filter(action="transfer.share_refused").count() == 1


def test_an_upheld_objection_destroys_a_prepared_transfer(world):
    v = transfer_version(world, title="Gerechtvaardigd belang", basis="f", read_first=False)
    t = draft(world, v)
    Objection.objects.create(
        child=world.child_daycare,
        version=v,
        guardian=sanne(world),
        status="upheld",
        decided_at=timezone.now(),
        decision_reason="Toegewezen.",
    )
    t = services.transfer_share(transfer=t, actor=world.user("staff_childcare"))
    assert t.state == Transfer.State.STOPPED and t.stop_reason == "objection"


def test_without_reading_first_it_is_sent_at_once(world):
    v = transfer_version(world, read_first=False)
    t = services.transfer_share(transfer=draft(world, v), actor=world.user("staff_childcare"))
    assert t.state == Transfer.State.SENT


def test_cancel_destroys_and_nothing_can_be_shared_afterwards(world):
    t = draft(world)
    t = services.transfer_cancel(transfer=t, actor=world.user("staff_childcare"))
    assert t.state == Transfer.State.STOPPED and t.stop_reason == "cancelled"
    with pytest.raises(ValidationError):
        services.transfer_share(transfer=t, actor=world.user("staff_childcare"))


# --- Three-way meeting ------------------------------------------------------------------------------


def test_a_three_way_meeting_is_recorded_under_the_same_rules(world):
    v = transfer_version(world)
    t = services.meeting_record(
        child=world.child_daycare,
        version=v,
        location=world.school_location,
        meeting_date=timezone.localdate(),
        parents_present=True,
        codes=["development_language"],
        summary="Kennismaking, afspraken over de eerste weken.",
        actor=world.user("staff_childcare"),
    )
    assert t.state == Transfer.State.RECORDED and t.method == "meeting" and t.meeting_parents_present
    event = AuditEvent.objects.get(action="transfer.meeting_recorded")
    assert json.loads(event.payload)["categories"] == ["development_language"]
    with pytest.raises(ValidationError) as exc:
        services.meeting_record(
            child=world.child_daycare,
            version=v,
            location=world.school_location,
            meeting_date=timezone.localdate(),
            parents_present=False,
            codes=["development_language"],
            summary="Besproken.",
            actor=world.user("po_childcare"),
        )
    assert "Een privacy officer controleert en adviseert, maar draagt zelf geen gegevens over." in exc.value.messages
    with pytest.raises(ValidationError):
        services.meeting_record(
            child=world.child_daycare,
            version=v,
            location=world.school_location,
            meeting_date=timezone.localdate() + datetime.timedelta(days=1),
            parents_present=True,
            codes=["development_language"],
            summary="Toekomst.",
            actor=world.user("staff_childcare"),
        )


# --- Receiving side, correction, erasure -------------------------------------------------------------


def test_opening_confirming_and_linking_at_the_receiver(world):
    t = sent(world)
    received = ReceivedTransfer.objects.get(transfer=t)
    services.received_open(received=received, actor=world.user("staff_school"), function_title="Leerkracht groep 1-2")
    assert TransferAccess.objects.get(received=received).user == world.user("staff_school")
    assert AuditEvent.objects.filter(organisation=world.school, action="transfer.opened").count() == 1
    services.received_confirm(received=received, actor=world.user("staff_school"))
    with pytest.raises(ValidationError):
        services.received_confirm(received=received, actor=world.user("staff_school"))
    with pytest.raises(ValidationError):  # not the receiver's own record
        services.received_link(received=received, child=world.child_daycare, actor=world.user("staff_school"))
    child = services.received_child_create(received=received, actor=world.user("staff_school"))
    assert child.organisation == world.school and child.location == world.school_location
    assert (child.first_name, child.last_name, child.external_id) == ("Noah", "Jansen", "")
    received.refresh_from_db()
    assert received.child == child and received.linked_by == world.user("staff_school")


def test_rectification_updates_the_receivers_copy_and_tells_the_receiver(
    world, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://ikc.example"
    t = sent(world)
    received = ReceivedTransfer.objects.get(transfer=t)
    old = received.content_sha256
    mail.outbox.clear()
    fixed = {"development_language": dict(received.content["development_language"], going_well="Gecorrigeerd.")}
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer_rectify(transfer=t, contents=fixed, actor=world.user("staff_childcare"))
    received.refresh_from_db()
    t.refresh_from_db()
    assert received.content["development_language"]["going_well"] == "Gecorrigeerd."
    assert received.content_sha256 != old and t.content_sha256 == received.content_sha256
    assert received.corrections == 1 and received.corrected_at
    assert sorted(m.subject for m in mail.outbox) == [  # the teacher, and the director (art. 19)
        "Art. 19 AVG: Kinderopvang Test heeft verstrekte gegevens gecorrigeerd",
        "Een overdracht is gecorrigeerd door de verzender",
    ]
    assert AuditEvent.objects.filter(action="transfer.rectified").count() == 2  # both chains


def test_erasure_removes_the_receivers_copy_and_tells_the_receiver(world, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://ikc.example"
    t = sent(world)
    received = ReceivedTransfer.objects.get(transfer=t)
    content_hash = received.content_sha256
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer_erase(transfer=t, reason="erasure_request", actor=world.user("director_childcare"))
    received.refresh_from_db()
    assert received.is_removed and received.removal == "erasure"
    assert received.content == {} and received.child_name == "" and received.removed_content_sha256 == content_hash
    assert sorted(m.subject for m in mail.outbox) == [  # the teacher, and the director (art. 19)
        "Art. 19 AVG: Kinderopvang Test heeft verstrekte gegevens gewist",
        "Een overdracht is gewist door de verzender",
    ]
    t.refresh_from_db()
    assert t.state == Transfer.State.ERASED


def test_records_lock_child_is_the_consent_apps_lock():
    """The share takes the same row lock as consent.services.child_lock (documented): both
    call the core's one per-child lock."""
    from ikc_share import services as core_services
    from transfers.services import sharing

    assert child_lock is core_services.child_lock
    assert sharing.child_lock is core_services.child_lock
    assert "Child.objects.select_for_update().get(pk=child.pk)" in inspect.getsource(child_lock)
