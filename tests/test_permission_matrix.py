"""Every named route × every cast member → the expected status. Built from the URL
configuration itself: a route without an entry in tests/matrix_routes fails the test."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.db import transaction
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver

import tests.matrix_routes as matrix_pkg
from tests.matrix_routes import CAST, Route

EXCLUDED_NAMESPACES = {"admin"}  # the Django admin: superusers only, its own permission system
EXCLUDED = {"set_language", "javascript-catalog"}  # Django's language switch (no data)


def _named_routes(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            if ns in EXCLUDED_NAMESPACES:
                continue
            names |= _named_routes(p, f"{prefix}{ns}:" if ns else prefix)
        elif isinstance(p, URLPattern) and p.name and p.name not in EXCLUDED:
            names.add(prefix + p.name)
    return names


def _matrix() -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for info in pkgutil.iter_modules(matrix_pkg.__path__):
        module = importlib.import_module(f"tests.matrix_routes.{info.name}")
        overlap = set(routes) & set(module.ROUTES)
        assert not overlap, f"routes listed twice: {overlap}"
        routes.update(module.ROUTES)
    return routes


MATRIX = _matrix()


def test_every_named_route_is_in_the_matrix():
    missing = _named_routes() - set(MATRIX)
    assert not missing, f"routes without a permission-matrix entry: {sorted(missing)}"
    stale = set(MATRIX) - _named_routes()
    assert not stale, f"matrix entries for routes that no longer exist: {sorted(stale)}"


def _request(client, route: Route, world, name: str):
    url = reverse(name, kwargs=route.kwargs(world))
    if route.method == "post":
        return client.post(url, route.data(world))
    return client.get(url)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_route_statuses(name, world, client):
    route = MATRIX[name]
    failures = []
    anon = _request(client, route, world, name)
    if anon.status_code != route.anonymous:
        failures.append(f"anonymous: got {anon.status_code}, expected {route.anonymous}")
    for member in CAST:
        # Each member starts from the same state: a director's POST is rolled back
        # before the next member tries.
        with transaction.atomic():
            client.force_login(world.user(member))
            response = _request(client, route, world, name)
            transaction.set_rollback(True)
        expected = route.status_for(member)
        if response.status_code != expected:
            failures.append(f"{member}: got {response.status_code}, expected {expected}")
        client.logout()
    assert not failures, f"{name}: " + "; ".join(failures)


def test_matrix_size_is_reported(capsys):
    """Not a check: prints routes × roles so the CI log shows the matrix size."""
    print(f"permission matrix: {len(MATRIX)} routes × {len(CAST) + 1} roles")
