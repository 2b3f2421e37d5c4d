"""Fixtures for the accountability tests: private files in a temporary folder, Dutch."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_storage(private_files, dutch):
    return private_files
