"""The form with which the receiving organisation erases its own copy (art. 17 AVG). Shape
only: whether it may be erased, and why not, is transfers/services/erasure.py's answer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from transfers.choices import ReceivedErasureReason


class ReceivedEraseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Waarom wist u deze gegevens?"),
        error_messages={"required": _("Kies waarom u deze gegevens wist.")},
    )
    confirm = forms.BooleanField(
        label=_(
            "Ik begrijp dat de inhoud en de bijlagen definitief worden verwijderd; alleen een grafsteen zonder "
            "inhoud blijft (wie, wanneer, waarom, welke categorieën)"
        ),
        error_messages={"required": _("Bevestig dat de inhoud definitief wordt verwijderd.")},
    )

    def __init__(self, *args, withdrawn: bool, **kwargs):
        """`withdrawn`: consent was withdrawn for this copy (the reason offered first and
        chosen); without it that reason is not offered."""
        super().__init__(*args, **kwargs)
        reasons = [(value, label) for value, label in ReceivedErasureReason.choices if value]
        if not withdrawn:
            reasons = [r for r in reasons if r[0] != ReceivedErasureReason.CONSENT_WITHDRAWN]
        self.fields["reason"].choices = [("", _("— kies een reden —")), *reasons]
        if withdrawn and not self.is_bound:
            self.initial["reason"] = ReceivedErasureReason.CONSENT_WITHDRAWN
