# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The REST client against the simulated PBX server, over loopback HTTP."""

import logging

import pytest
import requests
from voip_conference_tools.provider import (
    AuthError,
    NotFoundError,
    ProviderTimeout,
    ProviderValidationError,
    RateLimitedError,
    Room,
    UnavailableError,
)
from voip_conference_tools.rest_client import RestPbxClient, mask
from voip_conference_tools.rest_server import SimulatedPbxServer


@pytest.fixture
def client(server, clock):
    return RestPbxClient(
        server.url,
        server.token,
        read_timeout=2,
        backoff=0.5,
        sleep=clock.append,
        page_size=3,
    )


def test_rooms_round_trip(client, server):
    room = client.create_room(Room(name="Sales", extension="8001", access_code="1234"))
    assert room.id and room.access_code == "1234"
    client.update_room(room.id, Room(name="Sales EU", extension="8001"))
    assert [r.name for r in client.list_rooms()] == ["Sales EU"]
    assert server.pbx.production_rooms() == []
    assert client.apply_changes().applied == 1
    assert server.pbx.production_rooms()[0].name == "Sales EU"
    client.delete_room(room.id)
    assert client.list_rooms() == []


def test_pagination(client, server):
    for i in range(8):
        server.pbx.create_room(Room(name=f"R{i}", extension=str(8100 + i)))
    before = client.request_count
    rooms = client.list_rooms()
    assert [r.extension for r in rooms] == [str(8100 + i) for i in range(8)]
    assert client.request_count - before == 3  # pages of 3: 3 + 3 + 2
    assert server.requests[-1] == ("GET", "/v1/conferences")


def test_numbers_invite_participants(client, server):
    number = server.pbx.add_number("+3225550100", "Brussels")
    room = client.create_room(Room(name="A", extension="8001", admin_extension="100"))
    updated = client.set_number_destination(number.id, "conference", room.id)
    assert updated.destination == room.id
    assert client.list_numbers()[0].destination_type == "conference"
    client.apply_changes()
    participant = client.invite(room.id, "100")
    assert participant.role == "admin"
    assert [p.number for p in client.list_participants(room.id)] == ["100"]


def test_auth_error(server, clock):
    client = RestPbxClient(server.url, "wrong", sleep=clock.append)
    with pytest.raises(AuthError):
        client.list_rooms()
    assert clock == []  # never retried
    with pytest.raises(AuthError):
        RestPbxClient(server.url, "", sleep=clock.append).list_rooms()


def test_not_found(client):
    with pytest.raises(NotFoundError):
        client.update_room("conf_404", Room(name="A", extension="8001"))
    with pytest.raises(NotFoundError):
        client.delete_room("conf_404")


def test_validation_error_with_fields(client):
    with pytest.raises(ProviderValidationError) as caught:
        client.create_room(Room(name="A", extension="8001", access_code="12#"))
    assert caught.value.status == 422
    assert "access_code" in caught.value.field_errors
    assert "access_code" in str(caught.value)


def test_rate_limited_waits_retry_after_then_succeeds(client, server, clock):
    server.pbx.add_fault("list_rooms", 429, retry_after=7)
    assert client.list_rooms() == []
    assert clock == [7]


def test_rate_limited_gives_up_after_max_retries(client, server, clock):
    server.pbx.add_fault("list_rooms", 429, times=0, retry_after=2)
    with pytest.raises(RateLimitedError) as caught:
        client.list_rooms()
    assert caught.value.retry_after == 2
    assert clock == [2, 2, 2]


def test_unavailable_backoff_for_idempotent_calls(client, server, clock):
    server.pbx.add_fault("list_rooms", 503, times=2)
    assert client.list_rooms() == []
    assert clock == [0.5, 1.0]  # exponential backoff


def test_server_error_gives_up(client, server, clock):
    server.pbx.add_fault("list_rooms", 500, times=0)
    with pytest.raises(UnavailableError) as caught:
        client.list_rooms()
    assert caught.value.status == 500
    assert clock == []  # a 500 is not retried: the server failed, not overloaded


def test_invite_retried_with_its_key_calls_once(client, server, clock):
    room = client.create_room(Room(name="A", extension="8001"))
    client.apply_changes()
    server.pbx.add_fault("invite", 503, after=True)  # called, then 503
    participant = client.invite(room.id, "100")
    assert clock == [0.5]
    assert client.list_participants(room.id) == [participant]


def test_create_timeout_retry_creates_one_room(server, clock):
    # The retry must be answered within the timeout: long enough for a busy
    # machine, and the late answer later still.
    client = RestPbxClient(
        server.url, server.token, read_timeout=2.0, sleep=clock.append
    )
    server.delays["create_room"] = 4.0  # the room is created, the answer is late
    room = client.create_room(
        Room(name="A", extension="8001"), idempotency_key="odoo-1"
    )
    assert room.extension == "8001"
    assert clock == [0.5]
    assert len(server.pbx.list_rooms()) == 1
    creates = [r for r in server.requests if r == ("POST", "/v1/conferences")]
    assert len(creates) == 2


def test_read_timeout_without_retry_budget(server, clock):
    client = RestPbxClient(
        server.url, server.token, read_timeout=0.2, max_retries=0, sleep=clock.append
    )
    server.delays["apply_changes"] = 0.6
    with pytest.raises(ProviderTimeout):
        client.apply_changes()


def test_connection_refused_is_unavailable(clock):
    with SimulatedPbxServer("token") as srv:
        url = srv.url  # the server stops: its port no longer answers
    client = RestPbxClient(url, "token", max_retries=1, sleep=clock.append)
    with pytest.raises(UnavailableError):
        client.list_rooms()
    assert clock == [0.5]


def test_token_never_logged(client, server, caplog):
    caplog.set_level(logging.DEBUG)
    client.list_rooms()
    assert caplog.records
    assert server.token not in caplog.text
    assert mask(server.token) in caplog.text
    assert mask("short") == "***"


def test_server_listens_on_loopback_only():
    with pytest.raises(ValueError):
        SimulatedPbxServer("token", host="0.0.0.0")


def test_raw_http_errors_have_the_documented_shape(server):
    response = requests.post(
        f"{server.url}/v1/conferences",
        data="not json",
        headers={"Authorization": f"Bearer {server.token}"},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
