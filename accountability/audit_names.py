"""The names an audit page shows, looked up in bulk: the payload of an event holds ids and
codes only, so names are found when the events are shown, for a whole page at once (a fixed
number of queries, whatever the page holds) and only within the organisation whose chain is
shown: a child, guardian or agreement of another organisation is shown by its number. A
person who has since been anonymised shows as such; the chain itself never changes.

Two audiences:
- staff (the privacy officer, the director): actors by name;
- a parent (the access export, art. 15): staff by their function title and organisation,
  never by name; the parent themself as "u"; another parent as "een andere ouder of
  verzorger" (art. 15(4)).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability.anonymise import ANONYMISED
from agreements import selectors as agreement_selectors
from ikc_share import selectors as core_selectors

if TYPE_CHECKING:
    from ikc_share.models import AuditEvent, Child, Guardian, Organisation

User = get_user_model()


@dataclass
class Names:
    """Names for the ids on one page of events (built by `names_for`)."""

    organisation: Organisation
    audience: str = "staff"  # staff | parent
    users: dict[int, Any] = field(default_factory=dict)
    children: dict[int, Child] = field(default_factory=dict)
    guardians: dict[int, Guardian] = field(default_factory=dict)
    versions: dict[int, str] = field(default_factory=dict)
    agreements: dict[int, str] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)  # user id -> "Leerkracht groep 1-2 (Schoolbestuur X)"
    me: int | None = None  # the parent's own user id (parent audience)
    my_guardians: set[int] = field(default_factory=set)

    def actor(self, user_id: int | None) -> str:
        if user_id is None:
            return _("Het systeem")
        if self.audience == "parent":
            if user_id == self.me:
                return _("U")
            if user_id in self.roles:
                return self.roles[user_id]
            return _("Een andere ouder of verzorger")
        user = self.users.get(user_id)
        if user is None:
            return _("Gebruiker %(id)s") % {"id": user_id}
        return user.get_full_name() or user.get_username()

    def person(self, user_id: int | None) -> str:
        """A user named in the payload (a member, an invited person)."""
        return "–" if user_id is None else self.actor(user_id)

    def child(self, child_id: int | None) -> str:
        if child_id is None:
            return "–"
        child = self.children.get(child_id)
        if child is None:
            return _("kind %(id)s") % {"id": child_id}
        if child.first_name == ANONYMISED:
            return _("geanonimiseerd kind %(id)s") % {"id": child_id}
        return child.short_name

    def guardian(self, guardian_id: int | None) -> str:
        if guardian_id is None:
            return "–"
        if self.audience == "parent":
            return _("u") if guardian_id in self.my_guardians else _("een andere ouder of verzorger")
        guardian = self.guardians.get(guardian_id)
        if guardian is None:
            return _("ouder %(id)s") % {"id": guardian_id}
        if guardian.first_name == ANONYMISED:
            return _("geanonimiseerde ouder %(id)s") % {"id": guardian_id}
        return guardian.full_name

    def version(self, version_id: int | None) -> str:
        if version_id is None:
            return "–"
        return self.versions.get(version_id) or _("afspraakversie %(id)s") % {"id": version_id}

    def agreement(self, agreement_id: int | None) -> str:
        if agreement_id is None:
            return "–"
        return self.agreements.get(agreement_id) or _("afspraak %(id)s") % {"id": agreement_id}


def payload_of(event: AuditEvent) -> dict[str, Any]:
    cached = getattr(event, "_parsed_payload", None)
    if cached is None:
        try:
            cached = json.loads(event.payload or "{}")
        except ValueError:
            cached = {}
        if not isinstance(cached, dict):
            cached = {}
        event._parsed_payload = cached
    return cached


def int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def names_for(
    events: Iterable[AuditEvent],
    *,
    organisation: Organisation,
    audience: str = "staff",
    me: int | None = None,
) -> Names:
    """Look up every name the events need: at most six queries, whatever their number."""
    events = list(events)
    names = Names(organisation=organisation, audience=audience, me=me)
    user_ids: set[int] = set()
    child_ids: set[int] = set()
    guardian_ids: set[int] = set()
    version_ids: set[int] = set()
    agreement_ids: set[int] = set()
    for e in events:
        payload = payload_of(e)
        if e.actor_id:
            user_ids.add(e.actor_id)
        if (uid := int_or_none(payload.get("user"))) is not None:
            user_ids.add(uid)
        if e.child_ref is not None:
            child_ids.add(e.child_ref)
        if e.guardian_ref is not None:
            guardian_ids.add(e.guardian_ref)
        if e.version_ref is not None:
            version_ids.add(e.version_ref)
        if e.agreement_ref is not None:
            agreement_ids.add(e.agreement_ref)
    if audience == "staff" and user_ids:
        names.users = {
            u.pk: u for u in User.objects.filter(pk__in=user_ids).only("pk", "first_name", "last_name", "username")
        }
    if audience == "parent" and user_ids:
        memberships = (
            core_selectors.memberships()
            .filter(user_id__in=user_ids, organisation__ikc_id=organisation.ikc_id)
            .select_related("function_title", "organisation")
            .order_by("-organisation_id")
        )
        for m in memberships:
            if m.organisation_id == organisation.pk or m.user_id not in names.roles:
                title = m.function_title.name if m.function_title else m.get_role_display()
                names.roles[m.user_id] = f"{title} ({m.organisation.name})"
        if me is not None:
            names.my_guardians = set(core_selectors.guardians_of_user(user_id=me).values_list("pk", flat=True))
    if child_ids:
        names.children = {
            c.pk: c
            for c in core_selectors.children_of(organisation=organisation)
            .filter(pk__in=child_ids)
            .only("pk", "first_name", "name_prefix", "last_name", "organisation_id")
        }
    if guardian_ids and audience == "staff":
        names.guardians = {
            g.pk: g
            for g in core_selectors.guardians_of(organisation=organisation)
            .filter(pk__in=guardian_ids)
            .only("pk", "first_name", "name_prefix", "last_name")
        }
    if version_ids:
        for v in (
            agreement_selectors.agreement_versions()
            .filter(pk__in=version_ids)
            .select_related("agreement")
            .only(
                "pk",
                "number",
                "agreement__title",
                "agreement__sending_organisation_id",
                "agreement__receiving_organisation_id",
            )
        ):
            if organisation.pk in (v.agreement.sending_organisation_id, v.agreement.receiving_organisation_id):
                names.versions[v.pk] = f"{v.agreement.title} v{v.number}"
    if agreement_ids:
        names.agreements = {
            a.pk: a.title
            for a in agreement_selectors.agreements()
            .filter(pk__in=agreement_ids)
            .only("pk", "title", "sending_organisation_id", "receiving_organisation_id")
            if organisation.pk in (a.sending_organisation_id, a.receiving_organisation_id)
        }
    return names


# --- Event types in words -------------------------------------------------------------------------
# What the audit browser's filter and its "Soort" column show instead of the code. An action
# without its own words here shows its group's name (accountability/sentences.py: GROUPS).
ACTION_LABELS: dict[str, Any] = {
    "consent.decided": gettext_lazy("Toestemming gegeven of geweigerd"),
    "consent.withdrawn": gettext_lazy("Toestemming ingetrokken"),
    "consent.parent_informed": gettext_lazy("Ouder geïnformeerd"),
    "consent.record_exported": gettext_lazy("Toestemmingsdossier geëxporteerd"),
    "consent.login_link_sent": gettext_lazy("Inloglink voor het ouderportaal verstuurd"),
    "consent.expiry_reminder_sent": gettext_lazy("Herinnering: toestemming verloopt"),
    "consent_round.started": gettext_lazy("Ronde om toestemming of informeren gestart"),
    "consent_round.mail_sent": gettext_lazy("Verzoek aan een ouder verstuurd"),
    "objection.filed": gettext_lazy("Bezwaar gemaakt"),
    "objection.upheld": gettext_lazy("Bezwaar toegewezen"),
    "objection.rejected": gettext_lazy("Bezwaar afgewezen"),
    "restriction.recorded": gettext_lazy("Beperking van de verwerking vastgelegd"),
    "restriction.lifted": gettext_lazy("Beperking van de verwerking opgeheven"),
    "agreement.created": gettext_lazy("Afspraak opgesteld"),
    "agreement.edited": gettext_lazy("Concept van een afspraak gewijzigd"),
    "agreement.submitted": gettext_lazy("Afspraak ter goedkeuring aangeboden"),
    "agreement.approved": gettext_lazy("Afspraak goedgekeurd"),
    "agreement.returned": gettext_lazy("Afspraak teruggestuurd"),
    "agreement.activated": gettext_lazy("Afspraak actief geworden"),
    "agreement.amended": gettext_lazy("Nieuwe versie van een afspraak begonnen"),
    "agreement.ended": gettext_lazy("Afspraak beëindigd"),
    "letter.generated": gettext_lazy("Informatiebrief gemaakt"),
    "letter.generation_failed": gettext_lazy("Informatiebrief maken mislukt"),
    "letter_batch.started": gettext_lazy("Persoonlijke brieven laten maken"),
    "letter_batch.finished": gettext_lazy("Persoonlijke brieven klaar"),
    "letter_batch.failed": gettext_lazy("Persoonlijke brieven maken mislukt"),
    "transfer.created": gettext_lazy("Overdracht gemaakt"),
    "transfer.content_updated": gettext_lazy("Inhoud van een overdracht gewijzigd"),
    "transfer.attachment_added": gettext_lazy("Bijlage toegevoegd"),
    "transfer.attachment_removed": gettext_lazy("Bijlage weggehaald"),
    "transfer.share_refused": gettext_lazy("Overdracht mocht niet worden verzonden"),
    "transfer.to_parents": gettext_lazy("Overdracht eerst aan de ouders voorgelegd"),
    "transfer.parents_notified": gettext_lazy("Ouders gevraagd een overdracht te lezen"),
    "transfer.parents_view": gettext_lazy("Zienswijze van de ouders"),
    "transfer.parents_remark": gettext_lazy("Opmerking van de ouders"),
    "transfer.parents_confirmed": gettext_lazy("Ouders akkoord met een overdracht"),
    "transfer.parents_talk": gettext_lazy("Ouders willen eerst praten"),
    "transfer.parents_refused": gettext_lazy("Ouders niet akkoord met een overdracht"),
    "transfer.parents_talked": gettext_lazy("Gesprek met de ouders vastgelegd"),
    "transfer.remark_answered": gettext_lazy("Opmerking van de ouders beantwoord"),
    "transfer.sent": gettext_lazy("Overdracht verzonden"),
    "transfer.meeting_recorded": gettext_lazy("Driegesprek vastgelegd"),
    "transfer.receivers_notified": gettext_lazy("Ontvangers van een overdracht bericht"),
    "transfer.opened": gettext_lazy("Overdracht geopend"),
    "transfer.receipt_confirmed": gettext_lazy("Ontvangst van een overdracht bevestigd"),
    "transfer.linked": gettext_lazy("Overdracht gekoppeld aan een kind"),
    "transfer.child_created": gettext_lazy("Kind aangemaakt vanuit een overdracht"),
    "transfer.rectified": gettext_lazy("Overdracht gecorrigeerd"),
    "transfer.erased": gettext_lazy("Overdracht gewist door de verzender"),
    "transfer.received_erased": gettext_lazy("Ontvangen overdracht gewist"),
    "transfer.erasure_reminder_sent": gettext_lazy("Herinnering: ontvangen overdracht wissen"),
    "transfer.destroyed": gettext_lazy("Inhoud van een niet verzonden overdracht vernietigd"),
    "transfer.purged": gettext_lazy("Overdracht verwijderd na de bewaartermijn"),
    "transfer.parent_copy_removed": gettext_lazy("Kopie voor de ouders verwijderd"),
    "child.viewed": gettext_lazy("Kinddossier bekeken"),
    "child.left": gettext_lazy("Kind vertrokken"),
    "child.anonymised": gettext_lazy("Kinddossier geanonimiseerd"),
    "guardian.anonymised": gettext_lazy("Gegevens van een ouder geanonimiseerd"),
    "organisation.created": gettext_lazy("Organisatie aangemaakt"),
    "location.created": gettext_lazy("Locatie toegevoegd"),
    "function_title.created": gettext_lazy("Functietitel toegevoegd"),
    "membership.invited": gettext_lazy("Medewerker uitgenodigd"),
    "membership.updated": gettext_lazy("Rol of locaties van een medewerker gewijzigd"),
    "membership.deactivated": gettext_lazy("Toegang van een medewerker uitgezet"),
    "membership.reactivated": gettext_lazy("Toegang van een medewerker weer aangezet"),
    "invitation.created": gettext_lazy("Uitnodiging gemaakt"),
    "invitation.sent": gettext_lazy("Uitnodiging verstuurd"),
    "invitation.resent": gettext_lazy("Uitnodiging opnieuw verstuurd"),
    "invitation.revoked": gettext_lazy("Uitnodiging ingetrokken"),
    "invitation.accepted": gettext_lazy("Uitnodiging aangenomen"),
    "guardian.login_linked": gettext_lazy("Ouder kreeg een login"),
    "import.uploaded": gettext_lazy("Importbestand geüpload"),
    "import.mapping_saved": gettext_lazy("Kolommen van een import gekoppeld"),
    "import.checked": gettext_lazy("Import gecontroleerd"),
    "import.confirmed": gettext_lazy("Import bevestigd"),
    "import.completed": gettext_lazy("Import voltooid"),
    "import.cancelled": gettext_lazy("Import geannuleerd"),
    "import.failed": gettext_lazy("Import mislukt"),
    "import.expired": gettext_lazy("Onafgemaakte import opgeruimd"),
    "import_permission.granted": gettext_lazy("Recht om te importeren gegeven"),
    "import_permission.revoked": gettext_lazy("Recht om te importeren afgenomen"),
    "auth.login": gettext_lazy("Ingelogd"),
    "auth.logout": gettext_lazy("Uitgelogd"),
    "auth.login_failed": gettext_lazy("Inlogpoging mislukt"),
    "auth.otp_enrolled": gettext_lazy("Tweestapsverificatie ingesteld"),
    "auth.otp_verified": gettext_lazy("Tweede stap bevestigd"),
    "auth.otp_failed": gettext_lazy("Verkeerde code voor de tweede stap"),
    "rights_request.submitted": gettext_lazy("Verzoek ingediend door een ouder"),
    "rights_request.recorded": gettext_lazy("Verzoek vastgelegd door een medewerker"),
    "rights_request.status_changed": gettext_lazy("Status van een verzoek gewijzigd"),
    "rights_request.extended": gettext_lazy("Termijn van een verzoek verlengd"),
    "rights_request.assigned": gettext_lazy("Verzoek toegewezen"),
    "rights_request.export_prepared": gettext_lazy("Gegevens voor inzage verzameld"),
    "rights_request.export_reviewed": gettext_lazy("Gegevens voor inzage gecontroleerd"),
    "rights_request.export_released": gettext_lazy("Inzage vrijgegeven"),
    "rights_request.export_downloaded": gettext_lazy("Inzage gedownload"),
    "rights_request.erasure_performed": gettext_lazy("Verwijdering uitgevoerd"),
    "rights_request.reminder_sent": gettext_lazy("Herinnering: termijn van een verzoek"),
    "incident.recorded": gettext_lazy("Datalek vastgelegd"),
    "incident.updated": gettext_lazy("Datalek bijgewerkt"),
    "incident.shared": gettext_lazy("Datalek gemeld aan de andere organisatie"),
    "incident.parents_notified": gettext_lazy("Ouders geïnformeerd over een datalek"),
    "incident.closed": gettext_lazy("Datalek afgesloten"),
    "advice.added": gettext_lazy("Advies geschreven"),
    "audit.exported": gettext_lazy("Audittrail geëxporteerd (CSV)"),
    "audit.verify_requested": gettext_lazy("Controle van de keten gevraagd"),
    "audit.verified": gettext_lazy("Controle van de keten klaar"),
    "audit.chain_keyed": gettext_lazy("Keten met een sleutel beveiligd"),
    "audit_report.requested": gettext_lazy("Auditrapport aangevraagd"),
    "audit_report.finished": gettext_lazy("Auditrapport klaar"),
    "register.security_updated": gettext_lazy("Beveiligingsmaatregelen gewijzigd"),
    "register.controller_updated": gettext_lazy("Gegevens van de verwerkingsverantwoordelijke gewijzigd"),
    "register.processor_saved": gettext_lazy("Verwerker vastgelegd"),
    "register.processor_ended": gettext_lazy("Verwerker beëindigd"),
    "register.exported": gettext_lazy("Verwerkingsregister geëxporteerd"),
    "retention_rule.updated": gettext_lazy("Bewaartermijn gewijzigd"),
    "retention.run": gettext_lazy("Bewaartermijnen uitgevoerd"),
}


def action_label(action: str, group_label: Any = None) -> str:
    """The event type in words; an action without its own words: its group's name."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    return str(group_label) if group_label else _("Overige gebeurtenis")
