"""The per-category forms of the compose, edit and rectify pages: one form per chosen
category, their content, and the rows that pair each category's verdict with its form."""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext as _

from transfers import forms, selectors


def category_forms(*, request, child, categories, content: dict | None) -> dict[str, forms.CategoryForm]:
    """One bound (POST) or prefilled (GET) form per category."""
    out = {}
    for category in categories:
        cls = forms.form_class(category.code)
        if request.method == "POST":
            out[category.code] = cls(request.POST, prefix=category.code, child=child)
        else:
            data = (content or {}).get(category.code)
            initial = cls.initial_from(data) if data else cls.initial_for(child)
            out[category.code] = cls(initial=initial, prefix=category.code, child=child)
    return out


def chosen_contents(request, category_forms: dict[str, forms.CategoryForm], codes: list[str]) -> dict[str, dict] | None:
    """The content of the chosen categories, or None (with a message to the user) when one
    of their forms is invalid."""
    valid = True
    contents = {}
    for code in codes:
        form = category_forms[code]
        if form.is_valid():
            contents[code] = form.content()
        else:
            valid = False
    if not valid:
        messages.error(request, _("Niet alles is goed ingevuld; zie hieronder."))
        return None
    return contents


def verdict_rows(verdict: selectors.VersionVerdict, category_forms, chosen: list[str]) -> list[dict]:
    return [
        {"verdict": cv, "form": category_forms.get(cv.category.code), "chosen": cv.category.code in chosen}
        for cv in verdict.categories
    ]
