"""What the accountability pages share: a posted form's errors as messages (the one-form
page is the core's `ikc_share.http.form_page`)."""

from __future__ import annotations

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest


def form_errors_to_messages(request: HttpRequest, form: BaseForm) -> None:
    """A posted form's errors as error messages on the page the view redirects to."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
