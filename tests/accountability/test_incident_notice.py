"""Incidents: a report or a record more than 72 hours after discovery needs the reason for
the delay (art. 33(1)), asked on the form and checked by the service; the notice to the
parents (art. 34) is recorded with its text, channel and moment, shown on the incident's
page and audited without its text; a high risk cannot be closed without it."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accountability import services
from accountability.models import Incident
from ikc_share.models import AuditEvent
from tests.builders import incident


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _form(world, *, hours_ago: int, **extra):
    data = {
        "title": "Map met dossiers kwijt",
        "discovered_at": _local(timezone.now() - datetime.timedelta(hours=hours_ago)),
        "description": "Een map met overdrachtsdossiers is niet meer te vinden.",
        "children": [world.child_daycare.pk],
        "data_categories": ["identification"],
        "risk": "risk",
    }
    data.update(extra)
    return data


def test_recording_after_72_hours_needs_the_reason_for_the_delay(world, login):
    director = login(world.user("director_childcare"))
    url = f"/organisations/{world.childcare.pk}/incidents/new/"
    response = director.post(url, _form(world, hours_ago=80))
    assert response.status_code == 200 and not Incident.objects.exists()
    assert "schrijf de reden van de vertraging op" in response.content.decode()
    reason = "Ontdekt in het weekend; de directeur was op vakantie."
    response = director.post(url, _form(world, hours_ago=80, delay_reason=reason))
    item = Incident.objects.get()
    assert response.status_code == 302 and item.delay_reason == reason
    event = AuditEvent.objects.get(action="incident.recorded")
    assert json.loads(event.payload)["delay_reason"] is True and "vakantie" not in event.canonical
    page = director.get(f"/incidents/{item.pk}/").content.decode()
    assert "Reden van de vertraging (art. 33 lid 1)" in page and reason in page


def test_no_reason_is_asked_in_time_or_without_risk(world, login):
    director = login(world.user("director_childcare"))
    url = f"/organisations/{world.childcare.pk}/incidents/new/"
    assert director.post(url, _form(world, hours_ago=10)).status_code == 302
    assert director.post(url, _form(world, hours_ago=100, risk="none")).status_code == 302
    assert Incident.objects.count() == 2


def test_a_late_report_needs_the_reason_on_the_form_and_in_the_service(world, login):
    item = incident(world)
    Incident.objects.filter(pk=item.pk).update(discovered_at=timezone.now() - datetime.timedelta(hours=90))
    item.refresh_from_db()
    director = login(world.user("director_childcare"))
    data = {
        "title": item.title,
        "discovered_at": _local(item.discovered_at),
        "description": item.description,
        "risk": "risk",
        "ap_reported": "on",
        "ap_reported_at": _local(timezone.now() - datetime.timedelta(hours=1)),
        "ap_reference": "M-77",
    }
    response = director.post(f"/incidents/{item.pk}/edit/", data)
    assert response.status_code == 200 and "reden van de vertraging" in response.content.decode()
    item.refresh_from_db()
    assert not item.ap_reported
    with pytest.raises(ValidationError, match="art. 33 lid 1"):
        services.incident_update(incident=item, actor=world.user("director_childcare"), ap_reported=True)
    response = director.post(f"/incidents/{item.pk}/edit/", {**data, "delay_reason": "Eerst uitgezocht wie."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.ap_reported and item.delay_reason == "Eerst uitgezocht wie."
    # A report time before the discovery is refused.
    other = services.incident_record(
        organisation=world.childcare, actor=world.user("director_childcare"), title="x",
        discovered_at=timezone.now() - datetime.timedelta(hours=2), description="x",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="tussen het moment van ontdekken en nu"):
        services.incident_update(
            incident=other,
            actor=world.user("director_childcare"),
            ap_reported=True,
            ap_reported_at=timezone.now() - datetime.timedelta(hours=3),
        )


def test_the_notice_to_the_parents_is_recorded_shown_and_audited(world, login):
    item = incident(world)
    url = f"/incidents/{item.pk}/parents-notice/"
    assert login(world.user("po_childcare")).get(url).status_code == 403  # the FG advises
    director = login(world.user("director_childcare"))
    page = director.get(f"/incidents/{item.pk}/").content.decode()
    assert "Bericht aan de ouders (art. 34)" in page and "Bericht aan de ouders vastleggen" in page
    text = "Beste ouders,\nEen lijst met namen lag op de printer. Vragen? Mail de FG."
    sent = timezone.now() - datetime.timedelta(hours=1)
    response = director.post(url, {"text": text, "channel": "email", "sent_at": _local(sent)})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.parents_informed and item.parents_notice_text.replace("\r\n", "\n") == text
    assert item.parents_notice_channel == "email"
    assert abs(item.parents_informed_at - sent) < datetime.timedelta(minutes=1)  # the moment given, to the minute
    page = director.get(f"/incidents/{item.pk}/").content.decode()
    assert "Een lijst met namen lag op de printer." in page and "E-mail" in page and "Verstuurd op" in page
    event = AuditEvent.objects.get(action="incident.parents_notified")
    assert json.loads(event.payload)["channel"] == "email" and "printer" not in event.canonical
    # Once: a second notice is refused with a message, nothing changes.
    response = director.post(url, {"text": "Nog een.", "channel": "letter", "sent_at": _local(sent)})
    assert response.status_code == 200 and "al vastgelegd" in response.content.decode()
    item.refresh_from_db()
    assert item.parents_notice_channel == "email"


def test_a_notice_before_the_discovery_or_without_text_is_refused(world):
    item = incident(world)
    director = world.user("director_childcare")
    with pytest.raises(ValidationError, match="tussen het moment van ontdekken en nu"):
        services.incident_parents_notice_record(
            incident=item, actor=director, text="x", channel="email",
            sent_at=item.discovered_at - datetime.timedelta(hours=1),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="tekst"):
        services.incident_parents_notice_record(
            incident=item, actor=director, text=" ", channel="email", sent_at=timezone.now()
        )


def test_high_risk_closes_only_after_the_notice(world):
    item = incident(world)
    director = world.user("director_childcare")
    item = services.incident_update(incident=item, actor=director, risk="high", ap_reported=True)
    with pytest.raises(ValidationError, match="leg het bericht vast"):
        services.incident_close(incident=item, actor=director)
    services.incident_parents_notice_record(
        incident=item, actor=director, text="Beste ouders …", channel="letter", sent_at=timezone.now()
    )
    item.refresh_from_db()
    assert services.incident_close(incident=item, actor=director).status == "closed"
