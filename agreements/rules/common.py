"""What every rule module shares: the local calendar (validity dates are Dutch calendar
days), how dates and lists of names read in a sentence, and the transfer methods."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext as _

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

METHOD_IN_APP = "in_app"
METHOD_MEETING = "meeting"
METHOD_EMAIL = "email"  # never allowed; named so that the rules can refuse it explicitly
ALLOWED_METHODS = (METHOD_IN_APP, METHOD_MEETING)


def method_label(method: str) -> str:
    """The method in words ('delen in de app')."""
    return {
        METHOD_IN_APP: _("delen in de app"),
        METHOD_MEETING: _("driegesprek met ouders"),
        METHOD_EMAIL: _("e-mail"),
    }.get(method, method)


def local_date(at: datetime.datetime) -> datetime.date:
    """The calendar date in Europe/Amsterdam: validity dates are local calendar days."""
    if at.tzinfo is None:
        raise ValueError("check_transfer needs an aware datetime")
    return at.astimezone(AMSTERDAM).date()


def format_day(at: datetime.datetime | datetime.date) -> str:
    """'3 december 2026': a date as it is, a moment as its day in Europe/Amsterdam."""
    day = at.astimezone(AMSTERDAM).date() if isinstance(at, datetime.datetime) else at
    return formats.date_format(day, "j F Y")


def join_names(things: Iterable) -> str:
    """'a', 'a en b', 'a, b en c' (in the active language); things are names or have a `.name`."""
    names = [str(getattr(t, "name", t)) for t in things]
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s en %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}
