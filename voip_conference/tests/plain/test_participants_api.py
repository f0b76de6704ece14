# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Host controls over the REST contract: the client against the loopback
server for every new endpoint and error, each answer validated against the
OpenAPI document."""

import pathlib

import jsonschema
import pytest
import requests
import yaml
from voip_conference_tools.provider import (
    ConferenceStateError,
    NotFoundError,
    ProviderValidationError,
    Room,
)
from voip_conference_tools.rest_client import RestPbxClient

SPEC = yaml.safe_load(
    (
        pathlib.Path(__file__).resolve().parents[2] / "tools" / "pbx_api.openapi.yaml"
    ).read_text()
)


@pytest.fixture
def server(server):
    room = server.pbx.create_room(
        Room(name="A", extension="8001", admin_extension="100", max_participants=3)
    )
    server.pbx.apply_changes()
    server.room_id = room.id
    return server


@pytest.fixture
def client(server):
    return RestPbxClient(server.url, server.token, sleep=lambda _s: None)


def _validate(schema_name, data):
    jsonschema.validate(data, {"$ref": f"#/components/schemas/{schema_name}"} | SPEC)


def test_live_state_and_participants(client, server):
    room = server.room_id
    assert client.room_live(room).state == "idle"
    admin = server.pbx.dial_in(room, "100", "Host")
    invitee = client.invite(room, "+3225550100")
    assert invitee.state == "ringing"
    server.pbx.answer(room, invitee.id)
    participants = client.list_participants(room)
    assert [(p.id, p.number, p.role, p.state) for p in participants] == [
        (admin.id, "100", "admin", "connected"),
        (invitee.id, "+3225550100", "member", "connected"),
    ]
    live = client.room_live(room)
    assert (live.state, live.locked, live.participant_count, live.max_participants) == (
        "active",
        False,
        2,
        3,
    )


def test_patch_and_delete_a_participant(client, server):
    room = server.room_id
    member = server.pbx.dial_in(room, "101")
    updated = client.update_participant(room, member.id, muted=True, on_hold=True)
    assert updated.muted and updated.on_hold
    assert client.update_participant(room, member.id, role="admin").role == "admin"
    client.remove_participant(room, member.id)
    assert server.requests[-1] == (
        "DELETE",
        f"/v1/conferences/{room}/participants/{member.id}",
    )
    assert client.list_participants(room) == []
    # The participant has just left: both verbs say so with a 404.
    with pytest.raises(NotFoundError, match="left"):
        client.update_participant(room, member.id, muted=False)
    with pytest.raises(NotFoundError):
        client.remove_participant(room, member.id)


def test_patch_refuses_bad_changes(client, server):
    room = server.room_id
    member = server.pbx.dial_in(room, "101")
    with pytest.raises(ProviderValidationError) as caught:
        client.update_participant(room, member.id, muted="yes")
    assert caught.value.status == 422 and "muted" in caught.value.field_errors
    with pytest.raises(ProviderValidationError) as caught:
        client.update_participant(room, member.id)
    assert caught.value.status == 400


def test_room_actions(client, server):
    room = server.room_id
    server.pbx.dial_in(room, "100")
    server.pbx.dial_in(room, "101")
    assert client.room_action(room, "lock").locked
    with pytest.raises(ConferenceStateError) as caught:
        client.invite(room, "102")
    assert (caught.value.status, caught.value.reason) == (409, "locked")
    assert not client.room_action(room, "unlock").locked
    client.room_action(room, "mute_all")
    assert [p.muted for p in client.list_participants(room)] == [False, True]
    client.room_action(room, "unmute_all")
    assert not any(p.muted for p in client.list_participants(room))
    live = client.room_action(room, "end")
    assert (live.state, live.participant_count) == ("idle", 0)
    with pytest.raises(ConferenceStateError) as caught:
        client.room_action(room, "end")
    assert caught.value.reason == "not_running"
    with pytest.raises(NotFoundError):
        client.room_action(room, "explode")
    with pytest.raises(NotFoundError):
        client.room_action("nope", "lock")


def test_capacity_over_http(client, server):
    room = server.room_id
    for number in ("101", "102", "103"):
        server.pbx.dial_in(room, number)
    with pytest.raises(ConferenceStateError) as caught:
        client.invite(room, "104")
    assert caught.value.reason == "full"


def test_events_by_cursor(client, server):
    room = server.room_id
    member = server.pbx.dial_in(room, "101")
    client.update_participant(room, member.id, muted=True)
    events, cursor = client.events()
    assert [e.type for e in events] == [
        "participant.joined",
        "conference.started",
        "participant.updated",
    ]
    assert events[-1].participant.muted and cursor == 3
    assert client.events(cursor) == ([], 3)
    two, cursor = client.events(0, limit=2)
    assert [e.cursor for e in two] == [1, 2] and cursor == 2


def test_new_answers_match_the_contract(server):
    room = server.room_id
    member = server.pbx.dial_in(room, "101")
    headers = {"Authorization": f"Bearer {server.token}"}
    base = f"{server.url}/v1/conferences/{room}"

    def call(method, url, **kwargs):
        return requests.request(method, url, headers=headers, timeout=5, **kwargs)

    _validate("ConferenceLive", call("GET", f"{base}/live").json())
    for item in call("GET", f"{base}/participants").json()["items"]:
        _validate("Participant", item)
    answer = call("PATCH", f"{base}/participants/{member.id}", json={"muted": True})
    _validate("Participant", answer.json())
    _validate("ConferenceLive", call("POST", f"{base}/actions/lock").json())
    refused = call("POST", f"{base}/invite", json={"target": "102"})
    assert refused.status_code == 409
    _validate("Error", refused.json())
    assert refused.json()["error"]["reason"] == "locked"
    events = call("GET", f"{server.url}/v1/events").json()
    for event in events["items"]:
        _validate("Event", event)
    bad = call("GET", f"{server.url}/v1/events", params={"cursor": "x"})
    assert bad.status_code == 400
    _validate("Error", bad.json())
    assert call("DELETE", f"{base}/participants/{member.id}").status_code == 204
    gone = call("DELETE", f"{base}/participants/{member.id}")
    assert gone.status_code == 404
    _validate("Error", gone.json())
    unauthorized = requests.get(f"{base}/live", timeout=5)
    assert unauthorized.status_code == 401
