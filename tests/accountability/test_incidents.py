"""The incident register (meldplicht datalekken): the director or a privacy contact records,
the privacy officer advises, the other organisation of the IKC is told in the app when
exchanged data is involved, the 72-hour clock is shown, and closing follows the risk."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accountability import services
from accountability.models import AdviceNote, Incident, IncidentNotice
from ikc_share.models import AuditEvent, Membership
from tests.builders import incident


def _form(world, **extra):
    data = {
        "title": "USB-stick kwijt",
        "discovered_at": (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "description": "Een USB-stick met een overdrachtslijst is kwijt.",
        "children": [world.child_daycare.pk],
        "data_categories": ["identification"],
        "risk": "risk",
        "risk_assessment": "Namen en geboortedata van kinderen.",
        "touches_exchange": "on",
    }
    data.update(extra)
    return data


def test_director_records_an_incident_and_the_other_organisation_is_told(world, login):
    client = login(world.user("director_childcare"))
    response = client.post(f"/organisations/{world.childcare.pk}/incidents/new/", _form(world))
    item = Incident.objects.get()
    assert response.url == f"/incidents/{item.pk}/" and item.number == 1
    assert list(item.children.all()) == [world.child_daycare] and item.data_categories == ["identification"]
    notices = IncidentNotice.objects.filter(incident=item)
    assert {n.recipient for n in notices} == {world.user("director_school"), world.user("po_school")}
    assert AuditEvent.objects.filter(organisation=world.childcare, action="incident.recorded").exists()
    page = client.get(response.url).content.decode()
    assert "Nog niet gemeld: nog 69 uur" in page or "Nog niet gemeld: nog 70 uur" in page
    # The school's privacy officer opens the notice (read-only, without the childcare's children).
    po_school = login(world.user("po_school"))
    notice = notices.get(recipient=world.user("po_school"))
    body = po_school.get(f"/incident-notices/{notice.pk}/").content.decode()
    assert "USB-stick kwijt" in body and "Noah" not in body
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert po_school.get(f"/incidents/{item.pk}/").status_code == 404  # not the incident itself


def test_no_notice_when_no_exchanged_data_is_involved(world):
    services.incident_record(
        organisation=world.childcare, actor=world.user("director_childcare"), title="Kast open",
        discovered_at=timezone.now(), description="De dossierkast stond open.",
    )  # fmt: skip
    assert not IncidentNotice.objects.exists()


def test_clock_is_late_after_72_hours_and_reporting_stops_it(world):
    item = incident(world)
    Incident.objects.filter(pk=item.pk).update(discovered_at=timezone.now() - datetime.timedelta(hours=80))
    item.refresh_from_db()
    director = world.user("director_childcare")
    with pytest.raises(ValidationError, match="Autoriteit Persoonsgegevens"):
        services.incident_close(incident=item, actor=director)
    with pytest.raises(ValidationError, match="reden van de vertraging"):  # art. 33(1): reported late
        services.incident_update(incident=item, actor=director, ap_reported=True, ap_reference="M-123")
    item = services.incident_update(
        incident=item, actor=director, ap_reported=True, ap_reference="M-123", delay_reason="Vakantie."
    )
    assert item.ap_reported_at is not None
    assert AuditEvent.objects.filter(action="incident.updated").latest("id").payload.find("ap_reported") > 0
    item = services.incident_close(incident=item, actor=director)
    assert item.status == "closed"
    with pytest.raises(ValidationError):
        services.incident_update(incident=item, actor=director, measures="Nieuwe stick.")


def test_high_risk_needs_informed_parents_before_closing(world):
    item = incident(world)
    director = world.user("director_childcare")
    item = services.incident_update(incident=item, actor=director, risk="high", ap_reported=True)
    with pytest.raises(ValidationError, match="ouders"):
        services.incident_close(incident=item, actor=director)
    item = services.incident_parents_notice_record(
        incident=item, actor=director, text="Beste ouders, …", channel="letter", sent_at=timezone.now()
    )
    assert services.incident_close(incident=item, actor=director).status == "closed"


def test_privacy_officer_advises_but_does_not_record_or_edit(world, login):
    item = incident(world)
    po = login(world.user("po_childcare"))
    assert po.get(f"/organisations/{world.childcare.pk}/incidents/").status_code == 200
    assert po.post(f"/organisations/{world.childcare.pk}/incidents/new/", _form(world)).status_code == 403
    assert po.post(f"/incidents/{item.pk}/close/").status_code == 403
    po.post(
        f"/organisations/{world.childcare.pk}/advice/",
        {"subject": "incident", "subject_id": item.pk, "text": "Meld dit bij de AP.", "next": f"/incidents/{item.pk}/"},
    )
    note = AdviceNote.objects.get()
    assert (note.subject, note.subject_id, note.author) == ("incident", item.pk, world.user("po_childcare"))
    assert "Meld dit bij de AP." in po.get(f"/incidents/{item.pk}/").content.decode()
    # Advice about another organisation's incident is refused.
    response = po.post(
        f"/organisations/{world.childcare.pk}/advice/", {"subject": "incident", "subject_id": 999999, "text": "x"}
    )
    assert response.status_code == 404


def test_a_privacy_contact_may_record_incidents(world, login):
    Membership.objects.filter(user=world.user("staff_childcare")).update(is_privacy_contact=True)
    client = login(world.user("staff_childcare"))
    response = client.post(
        f"/organisations/{world.childcare.pk}/incidents/new/", _form(world, touches_exchange="", children=[])
    )
    assert response.status_code == 302 and Incident.objects.count() == 1


def test_incident_children_must_belong_to_the_organisation(world):
    with pytest.raises(ValidationError):
        services.incident_record(
            organisation=world.childcare, actor=world.user("director_childcare"), title="x",
            discovered_at=timezone.now(), description="x", children=[world.child_school],
        )  # fmt: skip
