# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import pytest
from voip_conference_tools.provider import (
    AuthError,
    NotFoundError,
    ProviderTimeout,
    ProviderValidationError,
    RateLimitedError,
    Room,
    UnavailableError,
)
from voip_conference_tools.simulated_pbx import SimulatedPbx


@pytest.fixture
def pbx():
    return SimulatedPbx()


def test_create_is_staged_until_apply(pbx):
    room = pbx.create_room(Room(name="Sales", extension="8001", access_code="1234"))
    assert room.id
    assert [r.extension for r in pbx.list_rooms()] == ["8001"]
    assert pbx.production_rooms() == []
    result = pbx.apply_changes()
    assert result.applied == 1
    assert pbx.production_rooms() == [room]
    assert pbx.apply_changes().applied == 0


def test_update_and_delete_staged(pbx):
    room = pbx.create_room(Room(name="Sales", extension="8001"))
    pbx.apply_changes()
    pbx.update_room(room.id, Room(name="Sales EU", extension="8001"))
    assert pbx.list_rooms()[0].name == "Sales EU"
    assert pbx.production_rooms()[0].name == "Sales"
    pbx.delete_room(room.id)
    assert pbx.list_rooms() == []
    assert len(pbx.production_rooms()) == 1
    pbx.apply_changes()
    assert pbx.production_rooms() == []


@pytest.mark.parametrize(
    "room, field",
    [
        (Room(name="A", extension="1"), "extension"),
        (Room(name="A", extension="80a1"), "extension"),
        (Room(name="A", extension="8001", access_code="12#"), "access_code"),
        (Room(name="", extension="8001"), "name"),
        (Room(name="   ", extension="8001"), "name"),
        (Room(name="x" * 101, extension="8001"), "name"),
        (Room(name="A", extension="8001", admin_extension="x"), "admin_extension"),
    ],
)
def test_rules_refuse_with_field_errors(pbx, room, field):
    with pytest.raises(ProviderValidationError) as caught:
        pbx.create_room(room)
    assert field in caught.value.field_errors
    assert pbx.list_rooms() == []


def test_extensions_unique_with_users(pbx):
    pbx.set_user_extensions(["100"])
    with pytest.raises(ProviderValidationError):
        pbx.create_room(Room(name="A", extension="100"))
    room = pbx.create_room(Room(name="A", extension="8001"))
    with pytest.raises(ProviderValidationError):
        pbx.create_room(Room(name="B", extension="8001"))
    pbx.update_room(room.id, Room(name="A2", extension="8001"))  # itself: fine


def test_capacity(pbx):
    pbx.set_limits(max_rooms=2, max_participants=3)
    pbx.create_room(Room(name="A", extension="8001"))
    pbx.create_room(Room(name="B", extension="8002"))
    with pytest.raises(ProviderValidationError, match="At most 2"):
        pbx.create_room(Room(name="C", extension="8003"))
    with pytest.raises(ProviderValidationError):
        pbx.create_room(Room(name="C", extension="8003", max_participants=4))


def test_idempotency_key_returns_the_same_room(pbx):
    first = pbx.create_room(Room(name="A", extension="8001"), idempotency_key="k1")
    again = pbx.create_room(Room(name="A", extension="8001"), idempotency_key="k1")
    assert again == first
    assert len(pbx.list_rooms()) == 1


def test_numbers_and_destinations(pbx):
    number = pbx.add_number("+3225550100", "Brussels")
    room = pbx.create_room(Room(name="A", extension="8001"))
    updated = pbx.set_number_destination(number.id, "conference", room.id)
    assert (updated.destination_type, updated.destination) == ("conference", room.id)
    with pytest.raises(ProviderValidationError):
        pbx.set_number_destination(number.id, "conference", "conf_999")
    with pytest.raises(ProviderValidationError):
        pbx.set_number_destination(number.id, "extension", "abc")
    with pytest.raises(ProviderValidationError):
        pbx.set_number_destination(number.id, "hangup", "8001")
    with pytest.raises(NotFoundError):
        pbx.set_number_destination("num_999", "hangup")
    # A room that numbers reach cannot be deleted.
    with pytest.raises(ProviderValidationError, match="still reach"):
        pbx.delete_room(room.id)
    pbx.set_number_destination(number.id, "none")
    pbx.delete_room(room.id)


def test_invite_adds_participants_in_production_rooms_only(pbx):
    room = pbx.create_room(
        Room(name="A", extension="8001", admin_extension="100", max_participants=2)
    )
    with pytest.raises(NotFoundError, match="apply changes"):
        pbx.invite(room.id, "101")
    pbx.apply_changes()
    admin = pbx.invite(room.id, "100")
    guest = pbx.invite(room.id, "+3225550100")
    assert admin.role == "admin" and guest.role == "member"
    assert [p.number for p in pbx.list_participants(room.id)] == ["100", "+3225550100"]
    with pytest.raises(ProviderValidationError, match="full"):
        pbx.invite(room.id, "102")
    with pytest.raises(ProviderValidationError):
        pbx.invite(room.id, "call me")


def test_state_round_trip(pbx):
    pbx.set_user_extensions(["100"])
    room = pbx.create_room(Room(name="A", extension="8001"), idempotency_key="k")
    pbx.apply_changes()
    copy = SimulatedPbx.from_state(pbx.to_state())
    assert copy.list_rooms() == [room]
    assert copy.production_rooms() == [room]
    with pytest.raises(ProviderValidationError):
        copy.create_room(Room(name="B", extension="100"))
    assert (
        copy.create_room(Room(name="A", extension="8001"), idempotency_key="k") == room
    )


@pytest.mark.parametrize(
    "status, exception",
    [
        (401, AuthError),
        (404, NotFoundError),
        (422, ProviderValidationError),
        (429, RateLimitedError),
        (500, UnavailableError),
        (503, UnavailableError),
        ("timeout", ProviderTimeout),
    ],
)
def test_fault_injection(pbx, status, exception):
    pbx.add_fault("list_rooms", status, retry_after=7)
    with pytest.raises(exception) as caught:
        pbx.list_rooms()
    if status == 429:
        assert caught.value.retry_after == 7
    assert pbx.list_rooms() == []  # one time only


def test_partial_failure_and_latency(pbx):
    slept = []
    pbx.sleep = slept.append
    a = pbx.create_room(Room(name="A", extension="8001"))
    b = pbx.create_room(Room(name="B", extension="8002"))
    pbx.add_fault("update_room", 500, target=b.id, latency=0.25)
    pbx.update_room(a.id, Room(name="A2", extension="8001"))
    with pytest.raises(UnavailableError):
        pbx.update_room(b.id, Room(name="B2", extension="8002"))
    assert slept == [0.25]
    assert {r.name for r in pbx.list_rooms()} == {"A2", "B"}


def test_timeout_after_the_work_is_done(pbx):
    pbx.add_fault("create_room", "timeout", after=True)
    with pytest.raises(ProviderTimeout):
        pbx.create_room(Room(name="A", extension="8001"), idempotency_key="k")
    assert len(pbx.list_rooms()) == 1
    again = pbx.create_room(Room(name="A", extension="8001"), idempotency_key="k")
    assert len(pbx.list_rooms()) == 1
    assert again.extension == "8001"


def test_requests_are_counted(pbx):
    pbx.list_rooms()
    pbx.list_numbers()
    assert pbx.request_count == 2
