"""What a letter and its cover say: the context the per-language templates render, built
from an agreement version. Codes, not wording (the wording is in the templates); what the
letter says about the legal basis comes from agreements/rules/bases.py."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from agreements.letters.links import letter_link, paper_link_max_age, qr_svg
from agreements.letters.render import TEMPLATE_DIR, RenderedLetter, render_letter
from agreements.letters.selectors import generic_letter
from agreements.letters.titles import title_en
from agreements.models import AgreementVersion, Approval
from agreements.rules.bases import (
    allows_erasure_of_received,
    allows_objection,
    asks_consent,
    is_legal_duty,
    letter_flags,
)
from ikc_share.choices import OrganisationKind

if TYPE_CHECKING:
    from agreements.letters.models import Letter
    from agreements.letters.pdf import GenericPdf
    from ikc_share.models import Organisation

LANGUAGES = ("nl", "en")
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}  # each in its own language
DRAFT_STATUSES = (AgreementVersion.Status.DRAFT, AgreementVersion.Status.AWAITING_APPROVAL)


def check_language(language: str) -> None:
    """Letters are written in LANGUAGES only."""
    if language not in LANGUAGES:
        raise ValidationError(_("Deze taal kennen we niet."))


# --- What goes into a letter ------------------------------------------------------------------


def contact_details(org: Organisation) -> dict[str, str]:
    return {
        "name": org.name,
        "address": org.address,
        "postal_code": org.postal_code,
        "city": org.city,
        "privacy_email": org.privacy_email,
        "privacy_officer": org.privacy_officer_name,
        # The FG's own contact details (art. 13(1)(b)); without them the letter points to the privacy address.
        "privacy_officer_email": org.privacy_officer_email,
        "privacy_officer_phone": org.privacy_officer_phone,
        "privacy_officer_address": org.privacy_officer_address,
        "is_school": org.kind == OrganisationKind.SCHOOL,
    }


def school_name(sender: Organisation, receiver: Organisation) -> str:
    """The school's own name where the letter speaks of "the school": the school among the
    two organisations (the receiver when neither or both are one)."""
    schools = [org for org in (receiver, sender) if org.kind == OrganisationKind.SCHOOL]
    return (schools[0] if len(schools) == 1 else receiver).name


def _signatory(version: AgreementVersion, org: Organisation) -> str:
    approvals: list[Approval] = [
        a for a in version.approvals.all() if a.organisation_id == org.pk and a.decision == Approval.Decision.APPROVED
    ]
    if not approvals:
        return ""
    user = approvals[-1].decided_by
    return user.get_full_name() or ""


def _free_text(name: str, dutch: str, english_text: str, english: bool) -> dict[str, Any]:
    """A director's own text for the letter: in English when the English letter has an
    English version, else the Dutch text (`<name>_dutch`: the template marks it lang="nl")."""
    use_english = english and bool(english_text.strip())
    return {name: english_text if use_english else dutch, f"{name}_dutch": not use_english}


def letter_context(
    *,
    version: AgreementVersion,
    language: str,
    link: str,
    draft: bool = False,
    letter_date=None,
) -> dict[str, Any]:
    """Everything the per-language letter templates need. Codes, not wording: the
    wording lives in templates/agreements/letters/letter_<language>.html. The letter is
    the same for every parent; what is personal goes on the cover (`cover_context`)."""
    check_language(language)
    agreement = version.agreement
    sender, receiver = agreement.sending_organisation, agreement.receiving_organisation
    english = language == "en"
    items = []
    for item in version.items.all():
        cat = item.category
        items.append(
            {
                "code": cat.code,
                "name": cat.name_en if english else cat.name_nl,
                "description": cat.description_en if english else cat.description_nl,
                **_free_text("justification", item.justification, item.justification_en, english),
                "is_special": cat.is_special,
                "is_sensitive": cat.is_sensitive,
                "statutory": cat.statutory,
                "statutory_reference": cat.statutory_reference,
            }
        )
    basis = version.legal_basis
    return {
        "language": language,
        "draft": draft,
        "version": version,
        "reference": f"IKC-{agreement.pk}-v{version.number}",
        "title": agreement.title,
        "ikc_name": agreement.ikc.name,
        "sender": contact_details(sender),
        "receiver": contact_details(receiver),
        "contacts": [contact_details(sender), contact_details(receiver)],
        "sender_signatory": _signatory(version, sender),
        "receiver_signatory": _signatory(version, receiver),
        "letter_date": letter_date or timezone.localdate(),
        "purpose": version.purpose,
        **_free_text("purpose_explanation", version.purpose_explanation, version.purpose_explanation_en, english),
        "items": items,
        "justifications_dutch": any(i["justification_dutch"] for i in items),
        "has_special": any(i["is_special"] for i in items),
        "has_statutory": any(i["statutory"] for i in items),
        "art9_condition": version.art9_condition,
        "method_in_app": version.method_in_app,
        "method_meeting": version.method_meeting,
        # Function titles are kept in Dutch; the English letter names them in English.
        "receiving_roles": sorted(title_en(r.name) if english else r.name for r in version.receiving_roles.all()),
        "receiving_locations": sorted(loc.name for loc in version.receiving_locations.all()),
        "retention_months": version.retention_months,
        "valid_from": version.valid_from,
        "valid_until": version.valid_until,
        "basis": basis,
        **letter_flags(basis),  # is_consent, may_object, has_portability
        "is_legal_duty": is_legal_duty(basis),
        # c and e: what the duty or the task requires is not erased on request (art. 17(3)(b)).
        "erasure_limited": not allows_erasure_of_received(basis),
        **_free_text("balancing_test", version.balancing_test, version.balancing_test_en, english),
        "school_name": school_name(sender, receiver),
        "statutory_provision": version.statutory_provision,
        "guardian_policy": version.guardian_policy,
        "consent_per_category": version.consent_per_category,
        "consent_valid_months": version.consent_valid_months,
        "parents_read_first": version.parents_read_first,
        "parents_read_days": version.parents_read_days,
        "objection_wait_days": version.objection_wait_days,
        "link": link,
        "qr_svg": mark_safe(qr_svg(link)),  # noqa: S308 - segno's own SVG markup, no user input
    }


def is_draft_version(version: AgreementVersion) -> bool:
    return version.status in DRAFT_STATUSES


def preview_link(version: AgreementVersion, language: str) -> str:
    """Where a preview's link and QR code point: the real letter page once the version is
    active and its letter exists; otherwise a placeholder that shows where it will go."""
    letter = generic_letter(version=version, language=language)
    return letter_link(generic_token=letter.public_token if letter else "voorbeeld-preview")


def letter_preview_context(*, version: AgreementVersion, language: str) -> dict[str, Any]:
    return letter_context(
        version=version, language=language, link=preview_link(version, language), draft=is_draft_version(version)
    )


def letter_preview_render(*, version: AgreementVersion, language: str) -> RenderedLetter:
    """A preview for directors and privacy officers. Never stored (see the module doc)."""
    return render_letter(letter_preview_context(version=version, language=language))


def cover_context(*, version: AgreementVersion, language: str, generic: Letter, generic_pdf: GenericPdf) -> dict:
    """What every cover of a version and language shares (codes, not wording: the wording
    is in templates/agreements/letters/cover_<language>.html and cover_layer_<language>.html)."""
    check_language(language)
    agreement = version.agreement
    today = timezone.localdate()
    return {
        "language": language,
        "cover_template": f"{TEMPLATE_DIR}/cover_{language}.html",
        "layer_template": f"{TEMPLATE_DIR}/cover_layer_{language}.html",
        "reference": f"IKC-{agreement.pk}-v{version.number}",
        "sender": contact_details(agreement.sending_organisation),
        "receiver": contact_details(agreement.receiving_organisation),
        "letter_date": today,
        "link_valid_until": today + paper_link_max_age() - timedelta(days=1),
        "is_consent": asks_consent(version),
        "may_object": allows_objection(version),
        "generic_sha256": generic.sha256,
        "generic_pages": generic_pdf.page_count,
    }


def cover_label(language: str) -> str:
    """The cover's page label in PDF viewers (the generic letter's pages stay 1, 2, 3 …)."""
    return "Cover page" if language == "en" else "Voorblad"
