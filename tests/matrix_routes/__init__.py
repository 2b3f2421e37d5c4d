"""The permission matrix: every named route × every cast member → expected status.

Each app has a module here with ROUTES = {"namespace:name": Route(...)}. The matrix test
(tests/test_permission_matrix.py) collects every named route from the URL configuration
and fails when one has no entry, so a new page cannot escape the matrix.

Route fields:
- kwargs: callable(world) -> dict of URL kwargs (objects come from the `world` fixture);
- method: "get" or "post";
- data: callable(world) -> dict posted (optional; an empty/invalid post is fine when the
  point is the permission check, which happens before validation);
- expect: {cast member: status}. Cast members missing from `expect` get `default`.
- anonymous: status for a visitor who is not logged in (302 to the login page by default).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

CAST = [
    "director_childcare",
    "staff_childcare",
    "po_childcare",
    "director_school",
    "staff_school",
    "po_school",
    "parent_a",
    "parent_b",
    "stranger",
    "operator",
]


@dataclass
class Route:
    kwargs: Callable = lambda w: {}
    method: str = "get"
    data: Callable = lambda w: {}
    expect: dict[str, int] = field(default_factory=dict)
    default: int = 404
    anonymous: int = 302

    def status_for(self, member: str) -> int:
        return self.expect.get(member, self.default)


def everyone(status: int) -> dict[str, int]:
    return {m: status for m in CAST}
