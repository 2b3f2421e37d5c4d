"""Rendering a letter: its HTML through the templates, and HTML to PDF with WeasyPrint
(imported on first use). Only the app's own static files are reachable from a document."""

from __future__ import annotations

import functools
import hashlib
import mimetypes
import posixpath
import threading
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

TEMPLATE_DIR = "agreements/letters"
# WeasyPrint resolves the letter's asset URLs against this origin. It is not a real host
# (.invalid is reserved): the fetcher below maps it to the app's own static files on
# disk and refuses every other URL, so rendering never touches the network.
ASSET_ORIGIN = "https://letter-assets.invalid"
ASSET_BASE = f"{ASSET_ORIGIN}/static/"
ALLOWED_ASSET_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}
GENERATED_BASE = f"{ASSET_ORIGIN}/generated/"
PRINT_CSS = "css/letter-print.css"
COVER_CSS = "css/letter-cover.css"
COVER_LAYER_CSS = "css/letter-cover-layer.css"


# --- Fetching assets ----------------------------------------------------------------------


@functools.cache
def weasy() -> SimpleNamespace:
    """WeasyPrint (and pypdf, through agreements/letters/pdf.py), imported on first use: a
    web process that renders no PDF does not carry them (about 40 MB of the process's
    memory), which keeps gunicorn workers small."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    from agreements.letters import pdf as letters_pdf

    class StaticOnlyFetcher(URLFetcher):
        """Serves the app's own static files (CSS, SVG, PNG) from disk, and images the
        letters generated for the render at hand (`generated`: the QR codes of covers.py
        under GENERATED_BASE); refuses the rest: no http(s), no file://, no data: URLs, no
        path tricks."""

        def __init__(self, generated: dict[str, bytes] | None = None) -> None:
            super().__init__(allowed_protocols=("https",), allow_redirects=False)
            self.generated = generated or {}

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if url.startswith(GENERATED_BASE):
                body = self.generated.get(url.removeprefix(GENERATED_BASE))
                if body is None:
                    raise ValueError(f"letter renderer refuses {url[:80]!r}: no such generated image")
                return URLFetcherResponse(url, body=body, headers={"Content-Type": "image/png"})
            path = static_path_for(url)
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": _asset_type(path)})

    class _LayerHTML(HTML):
        """A cover layer document: rendered without WeasyPrint's HTML user-agent stylesheet,
        whose hundreds of rules, matched against every element, are most of a layer's render
        time. static/css/letter-cover-layer.css carries the few UA rules its markup needs."""

        def _ua_stylesheets(self, forms: bool = False) -> list:
            return []

    return SimpleNamespace(
        CSS=CSS,
        HTML=HTML,
        FontConfiguration=FontConfiguration,
        StaticOnlyFetcher=StaticOnlyFetcher,
        LayerHTML=_LayerHTML,
        pdf=letters_pdf,
    )


def __getattr__(name: str) -> Any:
    # render.StaticOnlyFetcher for callers outside this module (and the tests).
    if name == "StaticOnlyFetcher":
        return weasy().StaticOnlyFetcher
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _asset_type(path: Path) -> str:
    return ALLOWED_ASSET_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or ""


def static_path_for(url: str) -> Path:
    """The file on disk for an asset URL under ASSET_BASE; ValueError for anything else."""
    if not url.startswith(ASSET_BASE):
        raise ValueError(f"letter renderer refuses {url[:80]!r}: only the app's own static files")
    parts = urlsplit(url)
    relative = unquote(parts.path).removeprefix("/static/")
    normalised = posixpath.normpath(relative)
    if (
        parts.query
        or parts.fragment
        or not relative
        or normalised != relative
        or normalised.startswith(("/", ".."))
        or "\\" in relative
        or "\x00" in relative
    ):
        raise ValueError(f"letter renderer refuses {url[:80]!r}: not a plain static path")
    if Path(normalised).suffix.lower() not in ALLOWED_ASSET_TYPES:
        raise ValueError(f"letter renderer refuses {url[:80]!r}: not a stylesheet or image")
    found = finders.find(normalised)
    if not found:
        raise ValueError(f"letter renderer refuses {url[:80]!r}: no such static file")
    return Path(found)


_render_state = threading.local()


def font_config() -> FontConfiguration:
    # One per thread (fontconfig and Pango are not shared across threads): building it
    # asks fontconfig for every system font. The letter declares no @font-face, so the
    # configuration never changes.
    if getattr(_render_state, "font_config", None) is None:
        _render_state.font_config = weasy().FontConfiguration()
    return _render_state.font_config


def stylesheet(name: str) -> CSS:
    # Parsed once per thread, through the same fetcher: ~10% of a letter's render time.
    sheets = getattr(_render_state, "stylesheets", None)
    if sheets is None:
        sheets = _render_state.stylesheets = {}
    if name not in sheets:
        w = weasy()
        sheets[name] = w.CSS(url=f"{ASSET_BASE}{name}", url_fetcher=w.StaticOnlyFetcher(), font_config=font_config())
    return sheets[name]


def _print_stylesheet() -> CSS:
    return stylesheet(PRINT_CSS)


# Every PDF the app makes for people to read (letters, records, reports, exports) is a
# tagged PDF/UA-1 document: a structure tree (headings, paragraphs, lists, tables) that a
# screen reader follows, the language of <html lang> and the title of <title>, shown as the
# window title. The personal letter's cover page (covers.py) is a print layer, not tagged.
PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(document: str) -> bytes:
    """Render a full HTML document to a tagged PDF (PDF_VARIANT) with the letter's print
    stylesheet. Only the app's own static files are reachable from the document."""
    w = weasy()
    return w.HTML(string=document, base_url=ASSET_BASE, url_fetcher=w.StaticOnlyFetcher()).write_pdf(
        stylesheets=[_print_stylesheet()], font_config=font_config(), pdf_variant=PDF_VARIANT
    )


@dataclass(frozen=True)
class RenderedLetter:
    body: str  # the letter itself as HTML (what the web page shows)
    pdf: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()


def render_letter_body(context: dict[str, Any]) -> str:
    language = context["language"]
    with translation.override(language):
        return render_to_string(f"{TEMPLATE_DIR}/letter_{language}.html", context)


def render_letter(context: dict[str, Any]) -> RenderedLetter:
    """The letter as HTML (for the page) and as PDF (A4, print CSS, running header)."""
    body = render_letter_body(context)
    with translation.override(context["language"]):
        document = render_to_string(f"{TEMPLATE_DIR}/pdf.html", {**context, "body": body})
    return RenderedLetter(body=body, pdf=html_to_pdf(document))
