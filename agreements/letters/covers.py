"""The cover page of a personal paper letter: its background, rendered once per batch
with empty slots measured on it, and the personal layers (names, link, QR code) of many
letters rendered in one WeasyPrint document (see agreements/letters/pdf.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from agreements.letters.content import cover_context
from agreements.letters.links import PERSONAL_QR_MASK, letter_link, qr_png
from agreements.letters.render import (
    ASSET_BASE,
    COVER_CSS,
    COVER_LAYER_CSS,
    GENERATED_BASE,
    TEMPLATE_DIR,
    font_config,
    stylesheet,
    weasy,
)

if TYPE_CHECKING:
    from weasyprint import CSS

    from agreements.letters.models import Letter
    from agreements.letters.pdf import CoverBackground, GenericPdf
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Guardian


@dataclass(frozen=True)
class Recipient:
    child: Child
    guardian: Guardian


COVER_SLOTS = ("to", "greeting", "qr", "url")
LINK_LINE = 64  # characters of the link per printed line (it has no spaces to break at)


@dataclass(frozen=True)
class CoverDesign:
    """The covers of one batch (version and language): the shared context, the rendered
    background and the slot positions measured on it."""

    context: dict[str, Any]
    background: CoverBackground
    slots: CSS


def cover_design(*, version: AgreementVersion, language: str, generic: Letter, generic_pdf: GenericPdf) -> CoverDesign:
    """Render the cover's background once and measure where its empty slots are."""
    w = weasy()
    context = cover_context(version=version, language=language, generic=generic, generic_pdf=generic_pdf)
    for compact in (False, True):  # very long names and addresses: a tighter layout
        with translation.override(language):
            document = render_to_string(f"{TEMPLATE_DIR}/covers.html", {**context, "covers": [], "compact": compact})
        rendered = w.HTML(string=document, base_url=ASSET_BASE, url_fetcher=w.StaticOnlyFetcher()).render(
            stylesheets=[stylesheet(COVER_CSS)], font_config=font_config()
        )
        if len(rendered.pages) == 1:
            break
    else:
        raise ValidationError(
            _(
                "De namen en adressen van de organisaties zijn te lang voor het voorblad van de brief. "
                "Maak ze korter en probeer het opnieuw."
            )
        )
    anchors = rendered.pages[0].anchors
    rules = []
    for slot in COVER_SLOTS:
        x1, y1, x2, y2 = anchors[f"slot-{slot}"]
        rules.append(
            f".slot-{slot} {{ left: {x1:.3f}px; top: {y1:.3f}px; width: {x2 - x1:.3f}px; height: {y2 - y1:.3f}px; }}"
        )
    return CoverDesign(
        context=context,
        background=w.pdf.CoverBackground(rendered.write_pdf()),
        slots=w.CSS(string="\n".join(rules), font_config=font_config()),
    )


def _link_lines(link: str) -> list[str]:
    return [link[i : i + LINK_LINE] for i in range(0, len(link), LINK_LINE)]


def render_covers(*, design: CoverDesign, recipients: list[Recipient], version: AgreementVersion) -> bytes:
    """The personal layers of these recipients' covers: one page each, in their order, in
    one WeasyPrint document. Logins must exist (ikc_share.logins.guardian_logins_ensure)."""
    language = design.context["language"]
    covers, images = [], {}
    for index, r in enumerate(recipients):
        link = letter_link(version=version, child=r.child, guardian=r.guardian, language=language)
        images[f"qr-{index}.png"] = qr_png(link, mask=PERSONAL_QR_MASK)
        covers.append(
            {
                "guardian_name": r.guardian.full_name,
                "child_name": r.child.full_name,
                "link": link,
                "link_text": "\n".join(_link_lines(link)),  # printed on lines of LINK_LINE characters
                "qr_url": f"{GENERATED_BASE}qr-{index}.png",
            }
        )
    with translation.override(language):
        document = render_to_string(f"{TEMPLATE_DIR}/covers.html", {**design.context, "covers": covers})
    w = weasy()
    rendered = w.LayerHTML(
        string=document, base_url=ASSET_BASE, url_fetcher=w.StaticOnlyFetcher(generated=images)
    ).render(stylesheets=[stylesheet(COVER_LAYER_CSS), design.slots], font_config=font_config())
    if len(rendered.pages) != len(recipients):
        raise RuntimeError(f"{len(recipients)} cover layers came out as {len(rendered.pages)} pages")
    return rendered.write_pdf()
