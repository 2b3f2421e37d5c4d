"""The home page's to-do list: what is waiting for this person, from every app.

The core never imports the apps above it, so each app registers a provider in its
AppConfig.ready() (`register_todo_provider`). A provider is called as
`provider(user=, memberships=)` with the user's active memberships (each with its
organisation) and returns a list of `Todo`; it decides itself what this person may see
and do (through its own permissions), and keeps to a fixed number of queries however
much is waiting. The page lists the urgent ones first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Todo:
    text: str  # one sentence in the page's language, without names of children
    url: str
    organisation: str = ""  # the organisation it is for (empty: personal, e.g. as a parent)
    urgent: bool = False  # a deadline is near or past
    order: int = 50  # lower first, within urgent / not urgent


TodoProvider = Callable[..., "list[Todo]"]
_providers: list[TodoProvider] = []


def register_todo_provider(provider: TodoProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def todos_for(*, user, memberships: list[Any]) -> list[Todo]:
    out: list[Todo] = []
    for provider in _providers:
        out.extend(provider(user=user, memberships=memberships))
    return sorted(out, key=lambda t: (not t.urgent, t.order, t.organisation, t.text))
