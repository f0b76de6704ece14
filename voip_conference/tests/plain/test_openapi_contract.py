# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Contract test: every answer of the simulated PBX server matches the
OpenAPI document shipped with the addon, and every route is documented.

Each case sends a real request over loopback and validates the status code
and the JSON body against the document's schema for that operation.
"""

import pathlib
import re

import jsonschema
import pytest
import requests
import yaml
from voip_conference_tools.provider import Room
from voip_conference_tools.rest_server import ROUTES, SimulatedPbxServer

SPEC_PATH = (
    pathlib.Path(__file__).resolve().parents[2] / "tools" / "pbx_api.openapi.yaml"
)
TOKEN = "contract-token"


@pytest.fixture(scope="module")
def spec():
    return yaml.safe_load(SPEC_PATH.read_text())


@pytest.fixture
def server():
    with SimulatedPbxServer(TOKEN) as srv:
        room = srv.pbx.create_room(
            Room(name="A", extension="8001", admin_extension="100")
        )
        srv.pbx.add_number("+3225550100", "Brussels")
        srv.pbx.apply_changes()
        srv.room_id = room.id
        yield srv


def _operation(spec, method, path):
    for template, item in spec["paths"].items():
        regex = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(regex, path) and method.lower() in item:
            return item[method.lower()]
    raise AssertionError(f"{method} {path} is not documented")


def _check(spec, method, path, response):
    operation = _operation(spec, method, path)
    status = str(response.status_code)
    assert status in operation["responses"], f"{method} {path}: undocumented {status}"
    documented = operation["responses"][status]
    if "$ref" in documented:
        documented = spec["components"]["responses"][documented["$ref"].split("/")[-1]]
    for header in documented.get("headers", {}):
        assert header in response.headers, f"{method} {path}: no {header} header"
    content = documented.get("content")
    if not content:
        assert not response.content
        return
    schema = dict(content["application/json"]["schema"])
    schema["components"] = spec["components"]
    jsonschema.validate(response.json(), schema)
    if status == "429":
        assert int(response.headers["Retry-After"]) >= 0


def _call(server, method, path, json=None, token=TOKEN, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    headers.update(kwargs.pop("headers", {}))
    return requests.request(
        method, f"{server.url}{path}", json=json, headers=headers, timeout=5, **kwargs
    )


def test_spec_is_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    assert "project's contract" in spec["info"]["description"]


def test_every_route_is_documented(spec):
    for method, pattern, _handler, _operation_name in ROUTES:
        _operation(spec, method, pattern.pattern.replace("([^/]+)", "x"))


def test_success_answers_match(spec, server):
    room_id = server.room_id
    number_id = server.pbx.list_numbers()[0].id
    cases = [
        ("GET", "/v1/conferences", None, {}),
        ("GET", "/v1/conferences", None, {"params": {"page": 1, "per_page": 1}}),
        ("POST", "/v1/conferences", {"name": "B", "extension": "8002"}, {}),
        (
            "POST",
            "/v1/conferences",
            {"name": "C", "extension": "8003"},
            {"headers": {"Idempotency-Key": "k"}},
        ),
        (
            "POST",
            "/v1/conferences",
            {"name": "C", "extension": "8003"},
            {"headers": {"Idempotency-Key": "k"}},
        ),
        ("PATCH", f"/v1/conferences/{room_id}", {"name": "A2"}, {}),
        (
            "PATCH",
            f"/v1/conferences/{room_id}",
            {"wait_for_admin": True},
            {"headers": {"If-Match": '"4"'}},
        ),
        ("GET", "/v1/conferences", None, {"params": {"updated_since": "1"}}),
        (
            "POST",
            "/v1/conferences/bulk",
            {
                "operations": [
                    {"op": "create", "values": {"name": "E", "extension": "8005"}},
                    {"op": "update", "id": room_id, "values": {"name": "A3"}},
                    {
                        "op": "update",
                        "id": room_id,
                        "if_match": 1,
                        "values": {"name": "A4"},
                    },
                    {"op": "update", "id": "nope", "values": {"name": "X"}},
                ]
            },
            {},
        ),
        ("GET", "/v1/incoming-numbers", None, {}),
        (
            "PATCH",
            f"/v1/incoming-numbers/{number_id}",
            {"destination_type": "conference", "destination": room_id},
            {},
        ),
        (
            "POST",
            "/v1/incoming-numbers/bulk",
            {
                "operations": [
                    {
                        "op": "update",
                        "id": number_id,
                        "values": {"destination_type": "hangup", "destination": ""},
                    }
                ]
            },
            {},
        ),
        ("POST", "/v1/apply", None, {}),
        ("POST", f"/v1/conferences/{room_id}/invite", {"target": "100"}, {}),
        ("GET", f"/v1/conferences/{room_id}/participants", None, {}),
        ("GET", "/v1/capabilities", None, {}),
    ]
    statuses = []
    for method, path, body, kwargs in cases:
        response = _call(server, method, path, body, **kwargs)
        _check(spec, method, path.split("?")[0], response)
        statuses.append(response.status_code)
    assert (
        statuses
        == [200, 200, 201, 201, 200] + [200] * 4 + [200] * 4 + [201] + [200] * 2
    )
    created = _call(
        server, "POST", "/v1/conferences", {"name": "D", "extension": "8004"}
    )
    deleted = _call(server, "DELETE", f"/v1/conferences/{created.json()['id']}")
    _check(spec, "DELETE", "/v1/conferences/x", deleted)
    assert deleted.status_code == 204


def test_error_answers_match(spec, server):
    room_id = server.room_id
    server.pbx.add_fault("list_numbers", 429, retry_after=3)
    server.pbx.add_fault("apply_changes", 503)
    cases = [
        ("GET", "/v1/conferences", None, {"token": "bad"}, 401),
        ("GET", "/v1/conferences", None, {"token": None}, 401),
        ("PATCH", "/v1/conferences/nope", {"name": "A"}, {}, 404),
        (
            "PATCH",
            f"/v1/conferences/{room_id}",
            {"name": "B"},
            {"headers": {"If-Match": '"999"'}},
            412,
        ),
        ("PATCH", f"/v1/conferences/{room_id}", {"name": "B", "id": "x"}, {}, 422),
        ("GET", "/v1/conferences", None, {"params": {"updated_since": "x"}}, 410),
        ("POST", "/v1/conferences/bulk", {"operations": []}, {}, 422),
        ("POST", "/v1/conferences", {"name": "A", "extension": "8001"}, {}, 422),
        ("POST", "/v1/conferences", {"name": "A", "extension": 8001}, {}, 422),
        ("POST", "/v1/conferences", {"name": "A"}, {}, 422),
        ("POST", "/v1/conferences", {"name": "x" * 101, "extension": "80"}, {}, 422),
        ("POST", "/v1/conferences", {"name": "A", "extension": "80", "x": 1}, {}, 422),
        ("PATCH", "/v1/incoming-numbers/nope", {"destination_type": "none"}, {}, 404),
        ("POST", f"/v1/conferences/{room_id}/invite", {"target": "x y"}, {}, 422),
        ("GET", "/v1/conferences/nope/participants", None, {}, 404),
        ("GET", "/v1/incoming-numbers", None, {}, 429),
        ("POST", "/v1/apply", None, {}, 503),
        ("DELETE", "/v1/conferences/nope", None, {}, 404),
        ("GET", "/v1/capabilities", None, {"token": "bad"}, 401),
    ]
    for method, path, body, kwargs, expected in cases:
        response = _call(server, method, path, body, **kwargs)
        assert response.status_code == expected, (method, path, response.text)
        _check(spec, method, path, response)


def _one_request_per_operation(server):
    """{operation: (method, path, body)}: a valid request of every route."""
    room_id = server.room_id
    number_id = server.pbx.list_numbers()[0].id
    room = f"/v1/conferences/{room_id}"
    return {
        "capabilities": ("GET", "/v1/capabilities", None),
        "list_rooms": ("GET", "/v1/conferences", None),
        "create_room": ("POST", "/v1/conferences", {"name": "B", "extension": "8002"}),
        "bulk_rooms": (
            "POST",
            "/v1/conferences/bulk",
            {"operations": [{"op": "update", "id": room_id, "values": {"name": "X"}}]},
        ),
        "update_room": ("PATCH", room, {"name": "A2"}),
        "delete_room": ("DELETE", room, None),
        "invite": ("POST", f"{room}/invite", {"target": "100"}),
        "list_participants": ("GET", f"{room}/participants", None),
        "room_live": ("GET", f"{room}/live", None),
        "update_participant": ("PATCH", f"{room}/participants/p1", {"muted": True}),
        "remove_participant": ("DELETE", f"{room}/participants/p1", None),
        "room_action": ("POST", f"{room}/actions/lock", None),
        "events": ("GET", "/v1/events", None),
        "list_numbers": ("GET", "/v1/incoming-numbers", None),
        "bulk_numbers": (
            "POST",
            "/v1/incoming-numbers/bulk",
            {
                "operations": [
                    {
                        "op": "update",
                        "id": number_id,
                        "values": {"destination_type": "hangup", "destination": ""},
                    }
                ]
            },
        ),
        "set_number_destination": (
            "PATCH",
            f"/v1/incoming-numbers/{number_id}",
            {"destination_type": "hangup", "destination": ""},
        ),
        "apply_changes": ("POST", "/v1/apply", None),
    }


@pytest.mark.parametrize(
    "status, methods",
    [
        # A token without the right for this operation: any route.
        (403, {"GET", "POST", "PATCH", "DELETE"}),
        # The PBX refuses a change for a reason of its own (a room in use,
        # locked or full, an extension taken meanwhile): every change.
        (409, {"POST", "PATCH", "DELETE"}),
    ],
)
def test_refusals_of_every_operation_are_documented(spec, server, status, methods):
    requests_by_operation = _one_request_per_operation(server)
    assert set(requests_by_operation) == {route[3] for route in ROUTES}
    for operation, (method, path, body) in requests_by_operation.items():
        if method not in methods:
            continue
        server.pbx.add_fault(operation, status)
        response = _call(server, method, path, body)
        assert response.status_code == status, (operation, response.text)
        _check(spec, method, path, response)
