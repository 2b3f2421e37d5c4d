"""Deadlines of the GDPR in calendar months (art. 12(3)) and hours (art. 33(1)).

Art. 12(3): a controller answers a request "without undue delay and in any event within
one month of receipt of the request", which "may be extended by two further months where
necessary". A period in months follows Regulation (EEC, Euratom) No 1182/71, art. 3(2)(c):
it ends on the day of the last month with the same number as the day of receipt, or, when
that month is shorter, on its last day. So 15 January → 15 February, 31 January → 28
February (29 in a leap year), 31 March → 30 April. An extension adds months to the date
of receipt (31 January + 3 months = 30 April), not to the first deadline (which would give
28 April).

That regulation also moves a deadline that falls on a weekend or public holiday to the
next working day; this module does not, so the deadline shown is never later than the law
allows (the safe side for the organisation and the parent).

Art. 33(1): a personal data breach is reported to the Autoriteit Persoonsgegevens "not
later than 72 hours after having become aware of it".
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

MAX_EXTENSION_MONTHS = 2
DUE_SOON_DAYS = 7
BREACH_REPORT_HOURS = 72


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day number `months` later, or the last day of that month if it is shorter."""
    if months < 0:
        raise ValueError("months must be zero or more")
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def sub_months(day: datetime.date, months: int) -> datetime.date:
    """The same day number `months` earlier (or that month's last day): the cut-off of a
    retention period of `months` that ends today."""
    if months < 0:
        raise ValueError("months must be zero or more")
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def request_deadline(received_on: datetime.date, *, extension_months: int = 0) -> datetime.date:
    """The last day to answer a request received on `received_on` (art. 12(3))."""
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"an extension is 0 to {MAX_EXTENSION_MONTHS} months")
    return add_months(received_on, 1 + extension_months)


@dataclass(frozen=True)
class DeadlineState:
    """How a deadline stands on a given day, for lists and badges."""

    due_on: datetime.date
    days_left: int  # negative: overdue by that many days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_late(self) -> int:
        return max(0, -self.days_left)

    @property
    def due_soon(self) -> bool:
        return 0 <= self.days_left <= DUE_SOON_DAYS

    @property
    def level(self) -> str:
        """One of "overdue" (red), "soon" (orange, within 7 days) or "ok"."""
        if self.overdue:
            return "overdue"
        if self.due_soon:
            return "soon"
        return "ok"


def deadline_state(due_on: datetime.date, today: datetime.date) -> DeadlineState:
    return DeadlineState(due_on=due_on, days_left=(due_on - today).days)


def breach_delay_needs_reason(
    *,
    discovered_at: datetime.datetime,
    recorded_at: datetime.datetime,
    reported_at: datetime.datetime | None,
    risk: str,
) -> bool:
    """Art. 33(1): a report to the Autoriteit Persoonsgegevens made more than 72 hours after
    discovery "shall be accompanied by reasons for the delay". Asked for when the report was
    late, and already when a breach that may have to be reported (any risk but "none") is
    recorded after those 72 hours: its report cannot be on time any more."""
    deadline = discovered_at + datetime.timedelta(hours=BREACH_REPORT_HOURS)
    if reported_at is not None:
        return reported_at > deadline
    return risk != "none" and recorded_at > deadline


@dataclass(frozen=True)
class BreachClock:
    """The 72 hours from discovery to the report to the Autoriteit Persoonsgegevens."""

    discovered_at: datetime.datetime
    now: datetime.datetime
    reported_at: datetime.datetime | None = None

    @property
    def deadline(self) -> datetime.datetime:
        return self.discovered_at + datetime.timedelta(hours=BREACH_REPORT_HOURS)

    @property
    def hours_left(self) -> int:
        """Whole hours left (negative: that many hours late). Counted to the report when made."""
        end = self.reported_at or self.now
        return int((self.deadline - end).total_seconds() // 3600)

    @property
    def hours_late(self) -> int:
        return max(0, -self.hours_left)

    @property
    def hours_taken(self) -> int | None:
        if self.reported_at is None:
            return None
        return int((self.reported_at - self.discovered_at).total_seconds() // 3600)

    @property
    def late(self) -> bool:
        end = self.reported_at or self.now
        return end > self.deadline

    @property
    def level(self) -> str:
        if self.late:
            return "overdue"
        if self.reported_at is None and self.hours_left < 24:
            return "soon"
        return "ok"
