"""Forms for the information-letter pages (shape only)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.letters.content import LANGUAGE_NAMES

LANGUAGE_CHOICES = list(LANGUAGE_NAMES.items())


class LetterBatchForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Taal van de brieven"),
        choices=LANGUAGE_CHOICES,
        initial="nl",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
