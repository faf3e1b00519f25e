"""The routing table against Google's discovery document, and routing over the wire."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from pulumi_meet.emulator import Emulator
from pulumi_meet.emulator.urls import MEET_ROUTES, resolve


def _methods(resource: dict[str, Any], prefix: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, method in resource.get("methods", {}).items():
        yield f"{prefix}.{name}", method
    for name, child in resource.get("resources", {}).items():
        yield from _methods(child, f"{prefix}.{name}")


@pytest.fixture(scope="module")
def discovery_methods(meet_discovery: dict[str, Any]) -> dict[str, dict[str, Any]]:
    methods: dict[str, dict[str, Any]] = {}
    for name, resource in meet_discovery["resources"].items():
        methods.update(_methods(resource, name))
    return methods


def _example_path(method: dict[str, Any]) -> str:
    """A concrete URL path for the method, from its flatPath (``{spacesId}`` → an id)."""
    return "/" + re.sub(r"\{(\w+)\}", lambda m: f"{m.group(1)[:-2]}-id1", method["flatPath"])


def test_every_discovery_method_is_routed_with_its_verb_path_and_scopes(
    discovery_methods: dict[str, dict[str, Any]],
) -> None:
    # spaces (4) + members (6) + conferenceRecords and its children (14)
    assert len(discovery_methods) == 24
    routed = {route.api_method: route for route in MEET_ROUTES}
    assert set(routed) == set(discovery_methods)
    for method_id, method in discovery_methods.items():
        route = routed[method_id]
        assert method["id"] == f"meet.{method_id}"
        assert route.verb == method["httpMethod"], method_id
        assert route.template == method["path"], method_id
        assert route.scopes == frozenset(method["scopes"]), method_id
        match, _ = resolve(method["httpMethod"], _example_path(method))
        assert match is not None and match.route is route, method_id
        for name, parameter in method.get("parameters", {}).items():
            if parameter["location"] == "path":
                assert re.fullmatch(parameter["pattern"], match.params[name]), (method_id, name)
            else:
                assert name in {q.json_name for q in route.query}, (method_id, name)


def test_meet_routes_take_only_the_documented_query_parameters(
    discovery_methods: dict[str, dict[str, Any]],
) -> None:
    for route in MEET_ROUTES:
        parameters = discovery_methods[route.api_method].get("parameters", {})
        documented = {name for name, p in parameters.items() if p["location"] == "query"}
        assert {q.json_name for q in route.query} == documented


def test_unknown_paths_and_verbs(emulator: Emulator) -> None:
    missing = requests.get(f"{emulator.base_url}/v2/nothing/here", timeout=5)
    assert missing.status_code == 404
    assert missing.json()["error"]["status"] == "NOT_FOUND"
    wrong_verb = requests.put(f"{emulator.base_url}/v2/spaces/abc", timeout=5)
    assert wrong_verb.status_code == 405
    assert "error" in wrong_verb.json()
