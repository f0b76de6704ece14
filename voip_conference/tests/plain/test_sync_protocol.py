# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The second sync protocol on both backends: versions and If-Match,
incremental lists with deletions and a refused cursor, bulk operations that
fail one by one, partial updates that leave other fields alone."""

import pytest
from voip_conference_tools.provider import (
    CursorExpiredError,
    NotFoundError,
    PreconditionFailedError,
    ProviderValidationError,
    Room,
)
from voip_conference_tools.rest_client import RestPbxClient
from voip_conference_tools.rest_server import SimulatedPbxServer
from voip_conference_tools.simulated_pbx import SimulatedPbx

TOKEN = "protocol-token-0123456789"


@pytest.fixture(scope="module")
def server():
    with SimulatedPbxServer(TOKEN) as srv:
        yield srv


@pytest.fixture(params=["simulator", "rest"])
def backend(request, server):
    """(the API, the simulated PBX behind it)."""
    if request.param == "simulator":
        pbx = SimulatedPbx(sleep=lambda _s: None)
        return pbx, pbx
    server.pbx = SimulatedPbx()
    client = RestPbxClient(server.url, TOKEN, page_size=2, sleep=lambda _s: None)
    return client, server.pbx


def test_capabilities_declare_the_second_protocol(backend):
    api, pbx = backend
    assert {k: api.capabilities()[k] for k in ("bulk", "incremental", "versions")} == {
        "bulk": True,
        "incremental": True,
        "versions": True,
    }
    pbx.set_capabilities(bulk=False)
    assert api.capabilities()["bulk"] is False


def test_update_changes_only_what_is_sent_and_checks_the_version(backend):
    api, _pbx = backend
    room = api.create_room(Room(name="A", extension="8001", admin_extension="201"))
    assert room.version
    renamed = api.update_room(room.id, {"name": "B"}, if_match=room.version)
    assert (renamed.name, renamed.admin_extension) == ("B", "201")
    assert renamed.version > room.version
    with pytest.raises(PreconditionFailedError) as caught:
        api.update_room(room.id, {"name": "C"}, if_match=room.version)
    assert caught.value.current.name == "B"
    assert caught.value.current.version == renamed.version
    with pytest.raises(ProviderValidationError):
        api.update_room(room.id, {"id": "x"})


def test_incremental_list_gives_changes_and_deletions(backend):
    api, pbx = backend
    first = api.create_room(Room(name="A", extension="8001"))
    second = api.create_room(Room(name="B", extension="8002"))
    third = api.create_room(Room(name="C", extension="8003"))
    everything = api.changes("rooms")
    assert everything.full
    assert {r.id for r in everything.items} == {first.id, second.id, third.id}
    api.update_room(second.id, {"name": "B2"})
    api.delete_room(third.id)
    changes = api.changes("rooms", everything.cursor)
    assert not changes.full
    assert [r.name for r in changes.items] == ["B2"]
    assert changes.deleted == [third.id]
    assert api.changes("rooms", changes.cursor).items == []
    pbx.forget_changes("rooms")
    with pytest.raises(CursorExpiredError):
        api.changes("rooms", changes.cursor)


def test_without_incremental_every_list_is_full(backend):
    api, pbx = backend
    api.create_room(Room(name="A", extension="8001"))
    pbx.set_capabilities(incremental=False)
    cursor = api.changes("rooms").cursor
    assert api.changes("rooms", cursor).full


def test_bulk_operations_succeed_or_fail_one_by_one(backend):
    api, _pbx = backend
    room = api.create_room(Room(name="A", extension="8001"))
    results = api.bulk(
        "rooms",
        [
            {"op": "create", "values": Room(name="B", extension="8002").values()},
            {"op": "create", "values": Room(name="C", extension="8002").values()},
            {"op": "update", "id": room.id, "values": {"name": "A2"}, "if_match": 1},
            {"op": "update", "id": "nope", "values": {"name": "X"}},
        ],
    )
    assert isinstance(results[0], Room) and results[0].id
    assert isinstance(results[1], ProviderValidationError)
    assert isinstance(results[2], PreconditionFailedError) is (room.version != 1)
    assert isinstance(results[3], NotFoundError)


def test_bulk_is_one_request_over_http(server):
    server.pbx = SimulatedPbx()
    client = RestPbxClient(server.url, TOKEN, sleep=lambda _s: None)
    server.requests.clear()
    client.bulk(
        "rooms",
        [
            {
                "op": "create",
                "values": Room(name=f"R{i}", extension=str(8100 + i)).values(),
            }
            for i in range(50)
        ],
    )
    assert server.requests == [("POST", "/v1/conferences/bulk")]
    assert len(server.pbx.list_rooms()) == 50
