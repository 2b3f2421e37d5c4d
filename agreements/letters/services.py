"""State changes around information letters that enqueue background work. The work
itself (rendering, storing, zipping) is in storage.py, personal.py and batches.py, which
the tasks call; this module sits above the tasks so that nothing imports in a circle."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agreements import tasks
from agreements.letters import batches
from agreements.letters.content import LANGUAGES, check_language
from agreements.letters.models import LetterBatch
from agreements.letters.selectors import batch_recipients, generic_letters
from agreements.letters.storage import check_active
from agreements.models import AgreementVersion
from ikc_share import outbox
from ikc_share.audit import audit_record


def letters_generate(*, version: AgreementVersion, actor: Any = None) -> list[str]:
    """Queue the generic letter of an active version in every language that is not there
    yet, rendered by a task after commit. Returns the languages queued. Called when a
    version becomes active (agreements.services.agreement_version_approve) and by the
    "make the letters" button."""
    check_active(version)
    existing = set(generic_letters(version).values_list("language", flat=True))
    missing = [lang for lang in LANGUAGES if lang not in existing]
    actor_id = getattr(actor, "pk", None)
    for lang in missing:
        outbox.enqueue(tasks.letter_generate, version.pk, lang, actor_id)
    return missing


@transaction.atomic
def letter_batch_start(*, version: AgreementVersion, language: str, actor: Any) -> LetterBatch:
    """A director asks for personalised paper letters for all children of the sending
    organisation. The batch runs in Celery; its page shows the progress."""
    check_language(language)
    version = (
        AgreementVersion.objects.select_for_update()
        .select_related("agreement__sending_organisation")
        .get(pk=version.pk)
    )
    if version.status != AgreementVersion.Status.ACTIVE:
        raise ValidationError(_("Brieven op papier maken kan alleen voor een actieve afspraak."))
    if batches.batch_in_the_way(version_id=version.pk, language=language) is not None:
        raise ValidationError(_("Deze brieven worden al gemaakt. Wacht tot die reeks klaar is."))
    total = batch_recipients(version).count()
    if total == 0:
        raise ValidationError(_("Er zijn geen ouders met gezag bij de kinderen van deze organisatie."))
    batch = LetterBatch.objects.create(version=version, language=language, requested_by=actor, total=total)
    audit_record(
        organisation=version.agreement.sending_organisation,
        actor=actor,
        action="letter_batch.started",
        target=batch,
        payload={"version": version.pk, "language": language, "total": total},
    )
    outbox.enqueue(tasks.letter_batch_run, batch.pk)
    return batch
