"""The handover journey in a browser: childcare staff hand over the development line to the
school with the parents reading first; a parent (e-mail link, on a phone) adds a view and
agrees in the portal; the staff member sends it; the school's teacher is told by e-mail,
opens it and confirms receipt; the parent's timeline shows the opening (by role and
organisation, no name) and the sender sees who read it. Plus an axe-core scan of the
parent's pages (no serious or critical violations)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.browser.conftest import login_with_password
from tests.browser.test_consent_journey import axe_violations, load_axe
from tests.builders import transfer_version
from transfers.models import ReceivedTransfer, Transfer, TransferAccess

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _link(message) -> str:
    return re.search(r"http://\S+/portal/link/\?\S+", message.body).group(0)


def test_development_line_handover_with_parents_reading_first(world, page_for, live_server, settings):
    settings.SITE_URL = live_server.url
    teacher_user = world.user("staff_school")
    teacher_user.first_name, teacher_user.last_name = "Jeroen", "de Vries"
    teacher_user.save(update_fields=["first_name", "last_name"])
    v = transfer_version(world)  # consent (Sanne said yes), parents informed, parents read first
    noah = world.child_daycare

    # 1. The pedagogisch medewerker sees "May I share?" on Noah's page and prepares the handover.
    staff = page_for()
    login_with_password(staff, live_server, "staff_childcare")
    staff.goto(f"{live_server.url}/children/{noah.pk}/")
    assert staff.get_by_text("mag worden gedeeld (grondslag a. Toestemming van de ouders)").first.is_visible()
    staff.get_by_role("link", name="Overdragen en eerdere overdrachten").click()
    staff.get_by_role("link", name="Overdracht voorbereiden").click()
    staff.wait_for_load_state()
    staff.get_by_label("Ontwikkeling: sociaal-emotioneel").check()
    staff.get_by_label("Ontwikkeling: taal").check()
    staff.locator("#id_development_social_emotional-going_well").fill("Speelt graag samen en troost anderen.")
    staff.locator("#id_development_language-going_well").fill("Vertelt in korte zinnen over thuis.")
    staff.get_by_role("button", name="Opslaan en voorbeeld bekijken").click()
    staff.wait_for_load_state()
    assert staff.get_by_role("heading", name="Voorbeeld: dit ziet de ontvanger").is_visible()
    staff.get_by_role("button", name="Delen: eerst ter inzage aan de ouders").click()
    staff.wait_for_load_state()
    assert staff.get_by_text("De ouders lezen eerst mee. Zij krijgen een e-mail met een link.").is_visible()
    transfer = Transfer.objects.get()
    assert transfer.state == Transfer.State.PARENTS_READING

    # 2. Sanne gets an e-mail (first name only), opens the link on her phone, adds her view, agrees.
    message = next(m for m in mail.outbox if m.to == ["parent_a@example.nl"] and "Lees eerst mee" in m.subject)
    assert "Noah" in message.body and "Jansen" not in message.body
    parent = page_for(width=360, height=740)
    load_axe(parent)
    parent.goto(_link(message))
    parent.get_by_role("button", name="Verder").click()
    parent.wait_for_load_state()
    assert parent.get_by_role("heading", name="Over Noah naar Schoolbestuur Test").is_visible()
    assert parent.get_by_text("Vertelt in korte zinnen over thuis.").is_visible()
    violations = {"portal-transfer": axe_violations(parent)}
    parent.get_by_role("textbox", name="Uw zienswijze").fill(
        "Thuis praat Noah veel meer; hij heeft tijd nodig om te wennen."
    )
    parent.get_by_role("button", name="Zienswijze opslaan").click()
    parent.wait_for_load_state()
    parent.get_by_role("button", name="Akkoord, het mag worden gedeeld").click()
    parent.wait_for_load_state()
    assert parent.get_by_text("U bent akkoord").first.is_visible()

    # 3. The staff member sends it: the school's teacher is told, without personal data.
    mail.outbox.clear()
    staff.reload()
    staff.get_by_role("button", name="Versturen").click()
    staff.wait_for_load_state()
    assert staff.get_by_text("Verzonden naar OBS Test van Schoolbestuur Test.").is_visible()
    [note] = [m for m in mail.outbox if m.to == [teacher_user.email]]
    assert note.subject == "Er staat een overdracht voor u klaar" and "Noah" not in note.body

    # 4. The teacher opens the inbox from the e-mail, reads the handover with the parents' view, confirms.
    teacher = page_for()
    login_with_password(teacher, live_server, "staff_school")
    inbox = re.search(r"http://\S+/transfers/organisations/\d+/inbox/", note.body).group(0)
    teacher.goto(inbox)
    teacher.get_by_role("link", name="Noah Jansen").click()
    teacher.wait_for_load_state()
    assert teacher.get_by_text("Thuis praat Noah veel meer; hij heeft tijd nodig om te wennen.").is_visible()
    assert teacher.get_by_text("Speelt graag samen en troost anderen.").is_visible()
    teacher.get_by_role("button", name="Ontvangst bevestigen").click()
    teacher.wait_for_load_state()
    received = ReceivedTransfer.objects.get(transfer=transfer)
    assert received.confirmed_at and TransferAccess.objects.filter(received=received).exists()

    # 5. Sanne's timeline shows the opening by role and organisation, never the teacher's name.
    parent.goto(f"{live_server.url}/portal/children/{noah.pk}/transfers/")
    assert parent.get_by_text(
        re.compile(r"Geopend door Leerkracht groep 1-2 van Schoolbestuur Test op")
    ).first.is_visible()
    assert "de Vries" not in parent.content()
    violations["portal-timeline"] = axe_violations(parent)

    # 6. The sender sees who read it and that receipt was confirmed.
    staff.reload()
    assert staff.get_by_text(re.compile(r"Gelezen door J\. de Vries \(Leerkracht groep 1-2\) op")).is_visible()
    assert staff.get_by_text(re.compile("Ontvangst bevestigd op")).is_visible()
    assert not any(violations.values()), violations
    assert v.pk == transfer.version_id
