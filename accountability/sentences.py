"""Audit events in words: "Sanne de Boer gaf toestemming voor Doorgaande lijn v2 (kind:
Noah J.)". The names come from audit_names.py (looked up in bulk, per audience: staff see
actors by name, a parent sees staff by function title, themself as "u").
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from accountability.audit_names import Names, int_or_none, names_for, payload_of

if TYPE_CHECKING:
    from ikc_share.models import AuditEvent, Organisation

# Event types the filter offers, grouped. The group value is a prefix ("consent"); an action
# is matched exactly. Unknown actions still show (with a generic sentence).
GROUPS: dict[str, Any] = {
    "consent": gettext_lazy("Toestemming en informeren"),
    "objection": gettext_lazy("Bezwaren"),
    "agreement": gettext_lazy("Afspraken"),
    "letter": gettext_lazy("Informatiebrieven"),
    "transfer": gettext_lazy("Overdrachten"),
    "rights_request": gettext_lazy("Verzoeken van ouders"),
    "incident": gettext_lazy("Datalekken"),
    "child": gettext_lazy("Kinddossiers"),
    "membership": gettext_lazy("Medewerkers"),
    "invitation": gettext_lazy("Uitnodigingen"),
    "import": gettext_lazy("Import"),
    "auth": gettext_lazy("Inloggen"),
    "audit": gettext_lazy("Audittrail en verantwoording"),
    "retention": gettext_lazy("Bewaartermijnen"),
    "admin": gettext_lazy("Technisch beheer"),
}
# Actions whose group is not their own prefix.
GROUP_OF = {
    "consent_round.started": "consent",
    "consent_round.mail_sent": "consent",
    "letter_batch.started": "letter",
    "letter_batch.finished": "letter",
    "letter_batch.failed": "letter",
    "advice.added": "audit",
    "audit_report.requested": "audit",
    "audit_report.finished": "audit",
    "register.security_updated": "audit",
    "register.exported": "audit",
    "register.processor_saved": "audit",
    "register.processor_ended": "audit",
    "register.controller_updated": "audit",
    "guardian.login_linked": "invitation",
    "function_title.created": "membership",
    "organisation.created": "membership",
    "location.created": "membership",
    "import_permission.granted": "import",
    "import_permission.revoked": "import",
    "retention_rule.updated": "retention",
    "retention.run": "retention",
    "child.anonymised": "child",
    "guardian.anonymised": "child",
}


def group_of(action: str) -> str:
    return GROUP_OF.get(action) or action.split(".", 1)[0]


@functools.cache
def _actions_by_group() -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for action in sorted(SENTENCES):
        groups.setdefault(group_of(action), []).append(action)
    return {group: tuple(actions) for group, actions in groups.items()}


def actions_in_group(group: str) -> list[str]:
    return list(_actions_by_group().get(group, ()))


# --- Sentences ----------------------------------------------------------------------------------

Sentence = Callable[["AuditEvent", dict[str, Any], Names], str]


def _simple(template: str) -> Sentence:
    """A sentence from a template with %(actor)s, %(child)s, %(guardian)s, %(version)s,
    %(agreement)s, %(transfer)s, %(target)s and %(user)s."""

    def render(e: AuditEvent, p: dict[str, Any], n: Names) -> str:
        return _(template) % {
            "actor": n.actor(e.actor_id),
            "child": n.child(e.child_ref),
            "guardian": n.guardian(e.guardian_ref),
            "version": n.version(e.version_ref),
            "agreement": n.agreement(e.agreement_ref),
            "transfer": e.transfer_ref if e.transfer_ref is not None else "–",
            "target": e.target_id or "–",
            "user": n.person(int_or_none(p.get("user"))),
        }

    return render


def _recorded_by_staff(p: dict[str, Any]) -> bool:
    """A choice on paper or by phone, recorded by staff for the guardian named."""
    return p.get("channel") in ("paper", "staff")


def _consent_decided(e: AuditEvent, p: dict[str, Any], n: Names) -> str:
    states = set(p.get("states") or [])
    verb = {
        frozenset({"given"}): _("gaf toestemming voor"),
        frozenset({"refused"}): _("weigerde toestemming voor"),
        frozenset({"withdrawn"}): _("trok de toestemming in voor"),
    }.get(frozenset(states), _("legde keuzes vast voor"))
    values = {
        "actor": n.actor(e.actor_id),
        "verb": verb,
        "version": n.version(e.version_ref),
        "child": n.child(e.child_ref),
    }
    if _recorded_by_staff(p):
        values["guardian"] = n.guardian(e.guardian_ref)
        return _("%(actor)s legde vast: %(guardian)s %(verb)s %(version)s (kind: %(child)s)") % values
    return _("%(actor)s %(verb)s %(version)s (kind: %(child)s)") % values


def _consent_withdrawn(e: AuditEvent, p: dict[str, Any], n: Names) -> str:
    values = {"actor": n.actor(e.actor_id), "version": n.version(e.version_ref), "child": n.child(e.child_ref)}
    if _recorded_by_staff(p):
        values["guardian"] = n.guardian(e.guardian_ref)
        return (
            _("%(actor)s legde vast dat %(guardian)s de toestemming introk voor %(version)s (kind: %(child)s)") % values
        )
    return _("%(actor)s trok de toestemming in voor %(version)s (kind: %(child)s)") % values


HOW = {
    "email": gettext_lazy("per e-mail"),
    "paper": gettext_lazy("met een papieren brief"),
    "meeting": gettext_lazy("in een driegesprek"),
}


def _parent_informed(e: AuditEvent, p: dict[str, Any], n: Names) -> str:
    children = p.get("children") or []
    return _("%(actor)s legde vast dat %(guardian)s %(how)s is geïnformeerd over %(version)s (%(n)s kind(eren))") % {
        "actor": n.actor(e.actor_id),
        "guardian": n.guardian(e.guardian_ref),
        "how": HOW.get(p.get("how"), p.get("how") or ""),
        "version": n.version(e.version_ref),
        "n": len(children),
    }


def _round_started(e: AuditEvent, p: dict[str, Any], n: Names) -> str:
    return _(
        "%(actor)s startte een ronde (%(kind)s) voor %(version)s: %(n)s kinderen, %(emails)s e-mails, %(paper)s brieven"
    ) % {
        "actor": n.actor(e.actor_id),
        "kind": p.get("kind") or "",
        "version": n.version(e.version_ref),
        "n": len(p.get("children") or []),
        "emails": p.get("emails", 0),
        "paper": p.get("paper", 0),
    }


def _auth(template: str) -> Sentence:
    def render(e: AuditEvent, p: dict[str, Any], n: Names) -> str:
        return _(template) % {"actor": n.actor(e.actor_id), "method": p.get("method") or ""}

    return render


def _rights(template: str) -> Sentence:
    def render(e: AuditEvent, p: dict[str, Any], n: Names) -> str:
        return _(template) % {
            "actor": n.actor(e.actor_id),
            "id": e.target_id,
            "kind": KIND_WORDS.get(p.get("kind"), p.get("kind") or ""),
            "status": STATUS_WORDS.get(p.get("status"), p.get("status") or ""),
            "child": n.child(e.child_ref),
            "months": p.get("extension_months", ""),
            "assignee": n.person(int_or_none(p.get("assignee"))),
        }

    return render


# What the operator changed in the Django admin (ikc_share/admin.py), by the payload's model.
ADMIN_OBJECTS = {
    "ikc_share.ikc": gettext_lazy("het IKC"),
    "ikc_share.organisation": gettext_lazy("de organisatie"),
    "ikc_share.location": gettext_lazy("een locatie"),
    "ikc_share.functiontitle": gettext_lazy("een functietitel"),
    "agreements.datacategory": gettext_lazy("een gegevenscategorie"),
}


def _admin(template: str) -> Sentence:
    def render(e: AuditEvent, p: dict[str, Any], n: Names) -> str:
        return _(template) % {
            "actor": n.actor(e.actor_id),
            "what": ADMIN_OBJECTS.get(p.get("model"), p.get("model") or "–"),
            "fields": ", ".join(str(f) for f in p.get("fields") or []) or "–",
            "user": n.person(int_or_none(p.get("user"))),
        }

    return render


def _count(template: str, key: str) -> Sentence:
    def render(e: AuditEvent, p: dict[str, Any], n: Names) -> str:
        value = p.get(key)
        count = len(value) if isinstance(value, list) else value
        return _(template) % {"actor": n.actor(e.actor_id), "n": count if count is not None else 0}

    return render


KIND_WORDS = {
    "access": gettext_lazy("inzage"),
    "rectification": gettext_lazy("correctie"),
    "erasure": gettext_lazy("verwijdering"),
    "restriction": gettext_lazy("beperking"),
    "objection": gettext_lazy("bezwaar"),
    "portability": gettext_lazy("gegevens meenemen"),
}
STATUS_WORDS = {
    "received": gettext_lazy("ontvangen"),
    "acknowledged": gettext_lazy("ontvangst bevestigd"),
    "in_progress": gettext_lazy("in behandeling"),
    "needs_info": gettext_lazy("wacht op informatie"),
    "fulfilled": gettext_lazy("afgehandeld"),
    "rejected": gettext_lazy("afgewezen"),
}

SENTENCES: dict[str, Sentence] = {
    # Consent
    "consent.decided": _consent_decided,
    "consent.withdrawn": _consent_withdrawn,
    "consent.parent_informed": _parent_informed,
    "consent.record_exported": _simple(N_("%(actor)s exporteerde het toestemmingsdossier van %(child)s")),
    "consent.login_link_sent": _simple(N_("Het systeem stuurde %(actor)s een inloglink voor het ouderportaal")),
    "consent.expiry_reminder_sent": _simple(
        N_("Het systeem herinnerde %(guardian)s aan het verlopen van toestemming voor %(version)s (kind: %(child)s)")
    ),
    "consent_round.started": _round_started,
    "consent_round.mail_sent": _simple(N_("Het systeem stuurde %(guardian)s het verzoek over %(version)s")),
    "objection.filed": _simple(N_("%(actor)s maakte bezwaar tegen %(version)s (kind: %(child)s)")),
    "objection.upheld": _simple(N_("%(actor)s wees het bezwaar tegen %(version)s toe (kind: %(child)s)")),
    "objection.rejected": _simple(N_("%(actor)s wees het bezwaar tegen %(version)s af (kind: %(child)s)")),
    "restriction.recorded": _simple(
        N_("%(actor)s legde een beperking van de verwerking vast (art. 18 AVG; kind: %(child)s)")
    ),
    "restriction.lifted": _simple(N_("%(actor)s hief een beperking van de verwerking op (kind: %(child)s)")),
    # Agreements and letters
    "agreement.created": _simple(N_("%(actor)s stelde de afspraak %(agreement)s op")),
    "agreement.edited": _simple(N_("%(actor)s wijzigde het concept van %(agreement)s")),
    "agreement.submitted": _simple(N_("%(actor)s legde %(agreement)s ter goedkeuring voor")),
    "agreement.approved": _simple(N_("%(actor)s keurde %(agreement)s goed")),
    "agreement.returned": _simple(N_("%(actor)s stuurde %(agreement)s terug")),
    "agreement.activated": _simple(N_("%(agreement)s werd actief")),
    "agreement.amended": _simple(N_("%(actor)s begon een nieuwe versie van %(agreement)s")),
    "agreement.ended": _simple(N_("%(actor)s beëindigde %(agreement)s")),
    "letter.generated": _simple(N_("De informatiebrief over %(version)s werd gemaakt")),
    "letter.generation_failed": _simple(N_("Het maken van de informatiebrief over %(version)s mislukte")),
    "letter_batch.started": _simple(N_("%(actor)s liet persoonlijke brieven maken over %(version)s")),
    "letter_batch.finished": _count(N_("De persoonlijke brieven zijn klaar (%(n)s brieven)"), "letters"),
    "letter_batch.failed": _simple(N_("Het maken van de persoonlijke brieven over %(version)s mislukte")),
    # Transfers
    "transfer.created": _simple(N_("%(actor)s maakte een overdracht over %(child)s onder %(version)s")),
    "transfer.content_updated": _simple(N_("%(actor)s wijzigde de inhoud van overdracht %(transfer)s")),
    "transfer.attachment_added": _simple(N_("%(actor)s voegde een bijlage toe aan overdracht %(transfer)s")),
    "transfer.attachment_removed": _simple(N_("%(actor)s haalde een bijlage weg uit overdracht %(transfer)s")),
    "transfer.share_refused": _simple(
        N_("Overdracht %(transfer)s mocht niet worden verzonden (controle van de grondslag)")
    ),
    "transfer.to_parents": _simple(N_("%(actor)s legde overdracht %(transfer)s eerst aan de ouders voor")),
    "transfer.parents_notified": _simple(N_("Het systeem vroeg de ouders overdracht %(transfer)s te lezen")),
    "transfer.parents_view": _simple(N_("%(guardian)s schreef een eigen zienswijze bij overdracht %(transfer)s")),
    "transfer.parents_remark": _simple(N_("%(guardian)s maakte een opmerking bij overdracht %(transfer)s")),
    "transfer.parents_confirmed": _simple(N_("%(guardian)s ging akkoord met overdracht %(transfer)s")),
    "transfer.parents_talk": _simple(N_("%(guardian)s wil eerst praten over overdracht %(transfer)s")),
    "transfer.parents_refused": _simple(N_("%(guardian)s ging niet akkoord met overdracht %(transfer)s")),
    "transfer.parents_talked": _simple(N_("%(actor)s sprak met de ouders over overdracht %(transfer)s")),
    "transfer.remark_answered": _simple(N_("%(actor)s beantwoordde een opmerking bij overdracht %(transfer)s")),
    "transfer.sent": _simple(N_("%(actor)s verzond overdracht %(transfer)s onder %(version)s")),
    "transfer.meeting_recorded": _simple(
        N_("%(actor)s legde een driegesprek vast onder %(version)s (kind: %(child)s)")
    ),
    "transfer.receivers_notified": _simple(N_("Het systeem meldde overdracht %(transfer)s bij de ontvangers")),
    "transfer.opened": _simple(N_("%(actor)s opende overdracht %(transfer)s")),
    "transfer.receipt_confirmed": _simple(N_("%(actor)s bevestigde de ontvangst van overdracht %(transfer)s")),
    "transfer.linked": _simple(N_("%(actor)s koppelde overdracht %(transfer)s aan %(child)s")),
    "transfer.child_created": _simple(N_("%(actor)s maakte %(child)s aan vanuit overdracht %(transfer)s")),
    "transfer.rectified": _simple(N_("%(actor)s corrigeerde overdracht %(transfer)s")),
    "transfer.erased": _simple(N_("%(actor)s wiste overdracht %(transfer)s")),
    "transfer.received_erased": _simple(N_("%(actor)s wiste de ontvangen kopie van overdracht %(transfer)s")),
    "transfer.erasure_reminder_sent": _simple(
        N_("Het systeem vroeg %(user)s ontvangen gegevens te wissen (toestemming ingetrokken)")
    ),
    "transfer.destroyed": _simple(N_("%(actor)s vernietigde de inhoud van overdracht %(transfer)s (niet verzonden)")),
    "transfer.purged": _simple(N_("Overdracht %(transfer)s werd verwijderd: de bewaartermijn was voorbij")),
    "transfer.parent_copy_removed": _simple(
        N_("De kopie voor de ouders van een overdracht over %(child)s werd verwijderd")
    ),
    # Children, members, invitations, imports, logins
    "child.viewed": _simple(N_("%(actor)s bekeek het dossier van %(child)s")),
    "child.left": _simple(N_("%(actor)s legde vast dat %(child)s is vertrokken")),
    "child.anonymised": _simple(N_("%(actor)s anonimiseerde het dossier van kind %(target)s")),
    "guardian.anonymised": _simple(N_("%(actor)s anonimiseerde de gegevens van ouder %(target)s")),
    "organisation.created": _simple(N_("%(actor)s maakte de organisatie aan")),
    "location.created": _simple(N_("%(actor)s voegde een locatie toe")),
    "function_title.created": _simple(N_("%(actor)s voegde een functietitel toe")),
    "membership.invited": _simple(N_("%(actor)s nodigde %(user)s uit als medewerker")),
    "membership.updated": _simple(N_("%(actor)s wijzigde de rol of locaties van een medewerker")),
    "membership.deactivated": _simple(N_("%(actor)s zette de toegang van %(user)s uit")),
    "membership.reactivated": _simple(N_("%(actor)s zette de toegang van %(user)s weer aan")),
    "invitation.created": _simple(N_("%(actor)s maakte een uitnodiging")),
    "invitation.sent": _simple(N_("Het systeem verstuurde een uitnodiging")),
    "invitation.resent": _simple(N_("%(actor)s verstuurde een uitnodiging opnieuw")),
    "invitation.revoked": _simple(N_("%(actor)s trok een uitnodiging in")),
    "invitation.accepted": _simple(N_("%(actor)s nam een uitnodiging aan")),
    "guardian.login_linked": _simple(N_("Een ouder kreeg een login")),
    "import.uploaded": _simple(N_("%(actor)s uploadde een bestand met kinderen en ouders")),
    "import.mapping_saved": _simple(N_("%(actor)s koppelde de kolommen van een import")),
    "import.checked": _simple(N_("Het systeem controleerde een import")),
    "import.confirmed": _simple(N_("%(actor)s bevestigde een import")),
    "import.completed": _simple(N_("Een import is voltooid")),
    "import.cancelled": _simple(N_("%(actor)s annuleerde een import")),
    "import.failed": _simple(N_("Een import mislukte")),
    "import.expired": _simple(N_("Een onafgemaakte import werd opgeruimd")),
    "import_permission.granted": _simple(N_("%(actor)s gaf een medewerker het recht om te importeren")),
    "import_permission.revoked": _simple(N_("%(actor)s nam het recht om te importeren af")),
    "auth.login": _auth(N_("%(actor)s logde in")),
    "auth.logout": _auth(N_("%(actor)s logde uit")),
    "auth.login_failed": _auth(N_("Een inlogpoging van %(actor)s mislukte")),
    "auth.otp_enrolled": _auth(N_("%(actor)s stelde tweestapsverificatie in")),
    "auth.otp_verified": _auth(N_("%(actor)s bevestigde de tweede stap")),
    "auth.otp_failed": _auth(N_("%(actor)s gaf een verkeerde code voor de tweede stap")),
    # Rights requests (accountability/rights/services.py)
    "rights_request.submitted": _rights(N_("%(actor)s diende een verzoek om %(kind)s in (kind: %(child)s)")),
    "rights_request.recorded": _rights(N_("%(actor)s legde een verzoek om %(kind)s vast (kind: %(child)s)")),
    "rights_request.status_changed": _rights(N_("%(actor)s zette verzoek %(id)s op ‘%(status)s’")),
    "rights_request.extended": _rights(
        N_("%(actor)s verlengde de termijn van verzoek %(id)s met %(months)s maand(en)")
    ),
    "rights_request.assigned": _rights(N_("%(actor)s wees verzoek %(id)s toe aan %(assignee)s")),
    "rights_request.export_prepared": _rights(N_("De gegevens voor inzageverzoek %(id)s werden verzameld")),
    "rights_request.export_reviewed": _rights(
        N_("%(actor)s controleerde de vrije teksten van de inzage bij verzoek %(id)s")
    ),
    "rights_request.export_released": _rights(N_("%(actor)s gaf de inzage bij verzoek %(id)s vrij")),
    "rights_request.export_downloaded": _rights(N_("%(actor)s downloadde de inzage bij verzoek %(id)s")),
    "rights_request.erasure_performed": _rights(
        N_("%(actor)s voerde de verwijdering uit bij verzoek %(id)s (kind: %(child)s)")
    ),
    "rights_request.reminder_sent": _rights(N_("Het systeem herinnerde aan de termijn van verzoek %(id)s")),
    # Accountability (this package)
    "incident.recorded": _simple(N_("%(actor)s legde incident %(target)s vast")),
    "incident.updated": _simple(N_("%(actor)s werkte incident %(target)s bij")),
    "incident.shared": _simple(N_("%(actor)s meldde incident %(target)s aan de andere organisatie van het IKC")),
    "incident.closed": _simple(N_("%(actor)s sloot incident %(target)s af")),
    "incident.parents_notified": _simple(N_("%(actor)s legde het bericht aan de ouders over incident %(target)s vast")),
    "advice.added": _simple(N_("%(actor)s schreef een advies")),
    "audit.exported": _simple(N_("%(actor)s exporteerde de audittrail (CSV)")),
    "audit.verify_requested": _simple(N_("%(actor)s liet de keten van de audittrail controleren")),
    "audit.verified": _simple(N_("De controle van de keten van de audittrail is klaar")),
    "audit.chain_keyed": _simple(N_("De keten van de audittrail is vanaf hier met een sleutel beveiligd")),
    "audit_report.requested": _simple(N_("%(actor)s vroeg een auditrapport (PDF) aan")),
    "audit_report.finished": _simple(N_("Het auditrapport (PDF) is klaar")),
    "register.security_updated": _simple(
        N_("%(actor)s wijzigde de beveiligingsmaatregelen in het verwerkingsregister")
    ),
    "register.exported": _simple(N_("%(actor)s exporteerde het verwerkingsregister")),
    "register.processor_saved": _simple(N_("%(actor)s legde verwerker %(target)s vast in het verwerkingsregister")),
    "register.processor_ended": _simple(N_("%(actor)s beëindigde verwerker %(target)s in het verwerkingsregister")),
    "register.controller_updated": _simple(
        N_("%(actor)s wijzigde de gegevens van de verwerkingsverantwoordelijke in het verwerkingsregister")
    ),
    "retention_rule.updated": _simple(N_("%(actor)s wijzigde een bewaartermijn")),
    "retention.run": _count(N_("De bewaartermijnen werden uitgevoerd (%(n)s records)"), "total"),
    # The Django admin (operators; ikc_share/admin.py)
    "admin.changed": _admin(N_("%(actor)s wijzigde via het technisch beheer %(what)s (velden: %(fields)s)")),
    "admin.deleted": _admin(N_("%(actor)s verwijderde via het technisch beheer %(what)s")),
    "admin.two_factor_removed": _admin(
        N_("%(actor)s verwijderde via het technisch beheer de tweestapsverificatie van %(user)s")
    ),
}


def _generic(event: AuditEvent, names: Names) -> str:
    """The sentence of an unknown action, or of a payload its sentence cannot read."""
    return _("%(actor)s: %(action)s") % {"actor": names.actor(event.actor_id), "action": event.action}


def sentence(event: AuditEvent, names: Names) -> str:
    payload = payload_of(event)
    render = SENTENCES.get(event.action)
    if render is None:
        return _generic(event, names)
    try:
        return render(event, payload, names)
    except (KeyError, TypeError, ValueError):
        return _generic(event, names)


def describe(events: Iterable[AuditEvent], *, organisation: Organisation, audience: str = "staff", me=None) -> list:
    """Attach `.sentence` (and `.actor_name`) to each event; returns the list."""
    events = list(events)
    names = names_for(events, organisation=organisation, audience=audience, me=me)
    for e in events:
        e.sentence = sentence(e, names)
        e.actor_name = names.actor(e.actor_id)
    return events
