"""Fixtures for the information-letter tests: private storage in a temporary folder,
seeded data categories and agreement versions per legal basis (built with the ORM)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.builders import letter_version, seed_letter_categories


@pytest.fixture(autouse=True)
def letter_storage(request, settings, tmp_path):
    """Generated letters go to a temporary folder, never to var/private. Not for the
    real-worker test: the worker process writes to its own configured storage."""
    if request.node.get_closest_marker("worker"):
        return None
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    return root


@pytest.fixture
def categories(db):
    return seed_letter_categories()


@pytest.fixture
def version_factory(world):
    def _make(**kwargs):
        return letter_version(world, **kwargs)

    return _make


@pytest.fixture
def consent_version(world):
    return letter_version(world, basis="a")


def pdf_text(data: bytes | Path) -> str:
    """The text of a PDF, whitespace collapsed (pdftotext when present, else pypdf)."""
    if isinstance(data, Path):
        data = data.read_bytes()
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
        text = out.stdout.decode("utf-8")
    else:  # pragma: no cover
        import io

        text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def pdf_pages(data: bytes) -> int:
    import io

    return len(PdfReader(io.BytesIO(data)).pages)
