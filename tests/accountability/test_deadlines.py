"""Art. 12(3) month arithmetic (Regulation 1182/71: same day number, or the month's last
day), extensions counted from the date of receipt, and the 72-hour breach clock."""

from __future__ import annotations

import datetime

import pytest

from accountability.deadlines import BreachClock, add_months, deadline_state, request_deadline, sub_months

D = datetime.date


@pytest.mark.parametrize(
    ("received", "extension", "due"),
    [
        (D(2025, 1, 15), 0, D(2025, 2, 15)),  # the same day number
        (D(2025, 1, 31), 0, D(2025, 2, 28)),  # February is shorter
        (D(2024, 1, 31), 0, D(2024, 2, 29)),  # leap year
        (D(2024, 1, 30), 0, D(2024, 2, 29)),
        (D(2025, 1, 29), 0, D(2025, 2, 28)),
        (D(2024, 2, 29), 0, D(2024, 3, 29)),  # from a leap day: the 29th of the next month
        (D(2024, 3, 31), 0, D(2024, 4, 30)),
        (D(2024, 8, 31), 0, D(2024, 9, 30)),
        (D(2023, 11, 30), 0, D(2023, 12, 30)),
        (D(2024, 12, 15), 0, D(2025, 1, 15)),  # over the year end
        (D(2024, 12, 31), 0, D(2025, 1, 31)),
        (D(2024, 1, 31), 1, D(2024, 3, 31)),  # extensions count from receipt …
        (D(2024, 1, 31), 2, D(2024, 4, 30)),  # … not from the first deadline (which would give 29 April)
        (D(2025, 11, 30), 2, D(2026, 2, 28)),
        (D(2023, 11, 30), 2, D(2024, 2, 29)),
        (D(2025, 12, 31), 2, D(2026, 3, 31)),
        (D(2025, 10, 31), 1, D(2025, 12, 31)),
    ],
)
def test_request_deadline(received, extension, due):
    assert request_deadline(received, extension_months=extension) == due


@pytest.mark.parametrize("extension", [-1, 3, 12])
def test_extension_is_zero_to_two_months(extension):
    with pytest.raises(ValueError):
        request_deadline(D(2025, 1, 1), extension_months=extension)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 3, 31), 1, D(2025, 2, 28)),
        (D(2024, 3, 31), 1, D(2024, 2, 29)),
        (D(2025, 1, 15), 24, D(2023, 1, 15)),
        (D(2025, 1, 15), 13, D(2023, 12, 15)),
        (D(2024, 2, 29), 12, D(2023, 2, 28)),
    ],
)
def test_retention_cutoff(day, months, expected):
    assert sub_months(day, months) == expected


def test_add_months_zero_is_the_same_day():
    assert add_months(D(2025, 5, 31), 0) == D(2025, 5, 31)


@pytest.mark.parametrize(
    ("today", "level", "days_left"),
    [
        (D(2025, 2, 1), "ok", 27),
        (D(2025, 2, 20), "ok", 8),
        (D(2025, 2, 21), "soon", 7),  # within 7 days: orange
        (D(2025, 2, 28), "soon", 0),  # the last day itself
        (D(2025, 3, 1), "overdue", -1),  # red
    ],
)
def test_deadline_state_levels(today, level, days_left):
    state = deadline_state(D(2025, 2, 28), today)
    assert (state.level, state.days_left) == (level, days_left)
    assert state.days_late == max(0, -days_left)


def test_breach_clock_counts_72_hours_from_discovery():
    found = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)
    clock = BreachClock(discovered_at=found, now=found + datetime.timedelta(hours=50))
    assert clock.deadline == found + datetime.timedelta(hours=72)
    assert (clock.hours_left, clock.level, clock.late) == (22, "soon", False)
    late = BreachClock(discovered_at=found, now=found + datetime.timedelta(hours=80))
    assert (late.late, late.hours_late, late.level) == (True, 8, "overdue")
    reported = BreachClock(
        discovered_at=found, now=found + datetime.timedelta(days=9), reported_at=found + datetime.timedelta(hours=30)
    )
    assert (reported.late, reported.hours_taken, reported.level) == (False, 30, "ok")
