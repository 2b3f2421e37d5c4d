"""The consent section of the staff child page (registered in ConsentConfig.ready; the
core never imports this app). The child page has already checked access to the child."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse

from agreements import selectors as agreement_selectors
from agreements.rules import bases
from agreements.rules.consent import summary_from_facts
from consent import letters_adapter
from consent import permissions as perms
from consent.models import ParentNotice

if TYPE_CHECKING:
    from agreements.letters.models import LetterBatch
    from ikc_share.models import Child


def child_section(*, child: Child, user, shared: dict | None = None) -> dict[str, Any] | None:
    """The consent state of the child under each active agreement its organisation sends,
    from the facts the child page reads once for all its sections (agreements/selectors.py:
    child_page), at the page's moment."""
    page = agreement_selectors.child_page(child=child, shared=shared)
    if not page.concerning:  # only the agreements whose scope concerns the child
        return None
    rows = [
        {
            "version": v,
            "summary": summary_from_facts(
                facts=page.consent_facts[child.pk, v.pk], version=v, categories=page.categories(v), at=page.at
            ),
            "is_consent": bases.asks_consent(v),
        }
        for v in page.concerning
    ]
    # Not every parent was informed: the way to do it, for those who may start a round (the
    # permission is read only then).
    uninformed = [row for row in rows if not row["summary"].informed]
    if uninformed and perms.may(user, child.organisation, perms.ACT):
        for row in uninformed:
            row["ask_url"] = reverse("consent:round-start", kwargs={"version_pk": row["version"].pk})
    return {"template": "consent/_child_section.html", "child": child, "rows": rows}


def letter_batch_section(*, batch: LetterBatch, user) -> dict[str, Any] | None:
    """On the paper-batch page (registered in ConsentConfig.ready; the agreements app never
    imports this one): confirm that the letters were handed over or posted, which records
    the guardians as informed. The batch page has already checked access to the batch."""
    if batch.status != batch.Status.DONE:
        return None
    given = letters_adapter.batch_letters(batch)
    recorded = ParentNotice.objects.filter(
        version_id=batch.version_id, how=ParentNotice.How.PAPER, letter__in=given
    ).count()
    return {
        "template": "consent/_letter_batch_handover.html",
        "batch": batch,
        "letters": len(given),
        "recorded": recorded,
        "open": len(given) - recorded,
    }
