"""Who may see and do what with information letters. Built on ikc_share.permissions,
the only place that decides access; views ask these helpers and nothing else.

- Anyone holding a generic letter's unguessable public URL may read it (and its PDF),
  as long as its agreement version is ACTIVE.
- Directors and privacy officers of either organisation may preview a version's letter
  (drafts carry a watermark) and see its letters page. Staff of those organisations get
  403 for an active version and 404 for a draft (staff never see drafts, as in
  agreements/permissions.py); everyone else 404.
- Directors of either organisation may ask for the generic letters to be made.
- Only directors of the SENDING organisation start a personalised batch and see its
  progress and download; other members of the sending organisation get 403.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from agreements.letters.content import LANGUAGES
from agreements.letters.models import Letter, LetterBatch
from agreements.models import AgreementVersion
from ikc_share.permissions import AUDIT, MANAGE, READ, User, has_org_perm, organisations_for


def _party(orgs: QuerySet) -> Q:
    return Q(agreement__sending_organisation__in=orgs) | Q(agreement__receiving_organisation__in=orgs)


def versions_visible(user: User) -> QuerySet[AgreementVersion]:
    """As for agreements: directors and privacy officers of either party see every version,
    drafts included; staff of either party see only the active version."""
    return AgreementVersion.objects.filter(
        _party(organisations_for(user, AUDIT))
        | (_party(organisations_for(user, READ)) & Q(status=AgreementVersion.Status.ACTIVE))
    )


def _either_side(user: User, version: AgreementVersion, perm: str) -> bool:
    agreement = version.agreement
    return has_org_perm(user, agreement.sending_organisation, perm) or has_org_perm(
        user, agreement.receiving_organisation, perm
    )


def may_preview(user: User, version: AgreementVersion) -> bool:
    return _either_side(user, version, AUDIT)  # directors and privacy officers


def may_generate(user: User, version: AgreementVersion) -> bool:
    return _either_side(user, version, MANAGE)  # directors


def may_start_batch(user: User, version: AgreementVersion) -> bool:
    return has_org_perm(user, version.agreement.sending_organisation, MANAGE)


def _get_version(user: User, pk: int) -> AgreementVersion:
    version = (
        versions_visible(user)
        .select_related("agreement__sending_organisation", "agreement__receiving_organisation", "agreement__ikc")
        .filter(pk=pk)
        .first()
    )
    if version is None:
        raise Http404
    return version


def _get_version_allowed(user: User, pk: int, allowed: Callable[[User, AgreementVersion], bool]) -> AgreementVersion:
    version = _get_version(user, pk)
    if not allowed(user, version):
        raise PermissionDenied
    return version


def get_version_for_preview(user: User, pk: int) -> AgreementVersion:
    return _get_version_allowed(user, pk, may_preview)


def get_version_for_generate(user: User, pk: int) -> AgreementVersion:
    return _get_version_allowed(user, pk, may_generate)


def get_version_for_batch(user: User, pk: int) -> AgreementVersion:
    return _get_version_allowed(user, pk, may_start_batch)


def batches_visible(user: User) -> QuerySet[LetterBatch]:
    """Batches of the sending organisations the user is a member of (directors act on them)."""
    return LetterBatch.objects.filter(version__agreement__sending_organisation__in=organisations_for(user, READ))


def get_batch(user: User, pk: int) -> LetterBatch:
    batch = (
        batches_visible(user)
        .select_related("version__agreement__sending_organisation", "version__agreement__receiving_organisation")
        .filter(pk=pk)
        .first()
    )
    if batch is None:
        raise Http404
    if not may_start_batch(user, batch.version):
        raise PermissionDenied
    return batch


def get_public_letter(token: str) -> Letter:
    """A generic letter by its unguessable token; only while its version is active."""
    letter = (
        Letter.objects.select_related(
            "version__agreement__sending_organisation", "version__agreement__receiving_organisation"
        )
        .filter(
            public_token=token,
            guardian__isnull=True,
            is_draft=False,
            version__status=AgreementVersion.Status.ACTIVE,
        )
        .first()
    )
    if letter is None:
        raise Http404
    return letter


def get_language(language: str) -> str:
    """A language of the letters from the URL; 404 for any other."""
    if language not in LANGUAGES:
        raise Http404
    return language
