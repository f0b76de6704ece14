# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Provider answers that are errors, not JSON, or not of the contract's
shape become typed errors, on both backends; only what is safe to repeat is
repeated; an Invite whose outcome is unknown says so."""

import socket

import pytest
import requests
from voip_conference_tools.provider import (
    ERROR_STATUSES,
    AuthError,
    BadResponseError,
    NotFoundError,
    ProviderError,
    ProviderTimeout,
    ProviderValidationError,
    RateLimitedError,
    Room,
    UnavailableError,
    error_code,
)
from voip_conference_tools.rest_client import RestPbxClient
from voip_conference_tools.simulated_pbx import SimulatedPbx

EXPECTED = {
    401: AuthError,
    403: AuthError,
    404: NotFoundError,
    409: ProviderValidationError,
    422: ProviderValidationError,
    429: RateLimitedError,
    500: UnavailableError,
    503: UnavailableError,
    "timeout": ProviderTimeout,
    "reset": UnavailableError,
    "not_json": BadResponseError,
    "html": BadResponseError,
    "wrong_shape": BadResponseError,
}


@pytest.fixture
def server(server):
    server.fault_timeout = 0.5
    return server


def patient_unless_timed_out(request):
    """A short read timeout only where the PBX is meant not to answer: any
    other answer may come late on a busy machine, and must still count."""
    params = getattr(getattr(request.node, "callspec", None), "params", {})
    if params.get("fault") == "timeout" or request.node.get_closest_marker("hangs"):
        return 0.2
    return 30.0


@pytest.fixture
def client(request, server, clock):
    return RestPbxClient(
        server.url,
        server.token,
        read_timeout=patient_unless_timed_out(request),
        max_retries=2,
        sleep=clock.append,
    )


@pytest.fixture(params=["simulator", "rest"])
def backend(request, server, client):
    """(client, simulated PBX behind it): the same faults on both."""
    if request.param == "simulator":
        pbx = SimulatedPbx(sleep=lambda _s: None)
        return pbx, pbx
    return client, server.pbx


@pytest.mark.parametrize("fault", sorted(EXPECTED, key=str))
@pytest.mark.parametrize(
    "operation", ["list_rooms", "list_numbers", "create_room", "apply_changes"]
)
def test_every_fault_is_typed_on_both_backends(backend, operation, fault):
    api, pbx = backend
    pbx.add_fault(operation, fault, times=0, retry_after=0)
    calls = {
        "list_rooms": api.list_rooms,
        "list_numbers": api.list_numbers,
        "create_room": lambda: api.create_room(
            Room(name="A", extension="8001"), idempotency_key="k1"
        ),
        "apply_changes": api.apply_changes,
    }
    with pytest.raises(EXPECTED[fault]) as caught:
        calls[operation]()
    assert str(caught.value)


@pytest.mark.parametrize("fault", ["not_json", "html", "wrong_shape"])
def test_malformed_answer_says_what_was_wrong(client, server, fault):
    server.pbx.add_fault("list_rooms", fault)
    with pytest.raises(BadResponseError) as caught:
        client.list_rooms()
    assert caught.value.status == 200
    assert "GET /v1/conferences answered 200" in caught.value.detail


def test_reported_truncated_body(client, server):
    """The reported answer: `{"items": [ this is not`, a 200."""
    server.pbx.add_fault("list_numbers", "not_json")
    with pytest.raises(BadResponseError, match="not JSON"):
        client.list_numbers()


def test_item_of_another_shape_is_refused(client, server):
    server.pbx.create_room(Room(name="A", extension="8001"))
    server.pbx.state["rooms"]["conf_1"]["extension"] = "80a1"  # not digits
    with pytest.raises(BadResponseError, match="documented shape") as caught:
        client.list_rooms()
    assert "items/0/extension" in caught.value.detail


def test_error_answers_that_are_not_json_keep_their_status(client, server):
    server.pbx.add_fault("create_room", 422)
    with pytest.raises(ProviderValidationError):
        client.create_room(Room(name="A", extension="8001"))


def test_token_with_surrounding_whitespace(server, clock):
    client = RestPbxClient(server.url, f"  {server.token}\n", sleep=clock.append)
    assert client.list_rooms() == []


def test_token_no_header_can_carry_is_an_auth_error(server, clock):
    client = RestPbxClient(server.url, "abc\ndef", sleep=clock.append)
    with pytest.raises(AuthError):
        client.list_rooms()


def test_reset_during_invite_rings_once(client, server, clock):
    """The reported case: a reset during Invite rang the phone four times."""
    room = client.create_room(Room(name="A", extension="8001"))
    client.apply_changes()
    server.pbx.add_fault("invite", "reset", after=True, times=2)
    participant = client.invite(room.id, "100")
    assert len(clock) == 2  # retried, with the same key
    assert client.list_participants(room.id) == [participant]


def test_reset_of_a_post_without_key_is_not_repeated(client, server, clock):
    room = client.create_room(Room(name="A", extension="8001"))
    client.apply_changes()
    server.pbx.add_fault("invite", "reset", after=True)
    with pytest.raises(UnavailableError) as caught:
        client._request(
            "POST", f"/v1/conferences/{room.id}/invite", json={"target": "100"}
        )
    assert caught.value.outcome_unknown
    assert clock == []
    assert len(server.pbx.list_participants(room.id)) == 1


@pytest.mark.hangs
def test_invite_timeout_outcome_unknown(client, server, clock):
    room = client.create_room(Room(name="A", extension="8001"))
    client.apply_changes()
    server.pbx.add_fault("invite", "timeout", after=True, times=0)
    with pytest.raises(ProviderTimeout) as caught:
        client.invite(room.id, "100")
    assert caught.value.outcome_unknown
    # Three attempts, one call: the key made the PBX call once.
    assert len(server.pbx.list_participants(room.id)) == 1


def test_refused_connection_is_retried_and_known_not_sent(clock):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = RestPbxClient(
        f"http://127.0.0.1:{port}", "token", max_retries=1, sleep=clock.append
    )
    with pytest.raises(UnavailableError) as caught:
        client.invite("conf_1", "100")
    assert not caught.value.outcome_unknown
    assert clock == [0.5]


def test_simulator_faults_match_the_server(server):
    """The in-process simulator raises what the client makes of the answer."""
    pbx = SimulatedPbx()
    for fault, expected in EXPECTED.items():
        pbx.add_fault("list_rooms", fault)
        with pytest.raises(expected):
            pbx.list_rooms()


@pytest.mark.parametrize("status", sorted(ERROR_STATUSES) + [500, 503])
def test_one_error_table_for_client_server_and_simulator(backend, status):
    """An error answer of the contract raises the same error whether the
    simulator raises it in-process or the REST server answers it over HTTP
    (provider.ERROR_STATUSES: the simulator once raised UnavailableError
    for 400, 410 and 412 while the client read them as what they are)."""
    api, pbx = backend
    pbx.add_fault("create_room", status, times=0, retry_after=0)
    with pytest.raises(ProviderError) as caught:
        api.create_room(Room(name="A", extension="8001"), idempotency_key="k1")
    expected = ERROR_STATUSES.get(status, (None, UnavailableError))[1]
    assert type(caught.value) is expected
    assert caught.value.http_status() == status


@pytest.mark.parametrize("status", sorted(ERROR_STATUSES) + [503])
def test_server_answers_the_tables_code(server, status):
    server.pbx.add_fault("list_rooms", status, retry_after=0)
    response = requests.get(
        f"{server.url}/v1/conferences",
        headers={"Authorization": f"Bearer {server.token}"},
        timeout=30,
    )
    assert response.status_code == status
    assert response.json()["error"]["code"] == error_code(status)
