"""What the accountability pages share: the one-form page of the core's layout, a posted
form's errors as messages."""

from __future__ import annotations

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def form_page(request: HttpRequest, *, organisation, form: BaseForm, title: str, back: str) -> HttpResponse:
    """A page with one form (ikc_share/form_page.html), a title and a link back."""
    return render(
        request,
        "ikc_share/form_page.html",
        {"organisation": organisation, "form": form, "title": title, "back": back},
    )


def form_errors_to_messages(request: HttpRequest, form: BaseForm) -> None:
    """A posted form's errors as error messages on the page the view redirects to."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
