# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The simulated PBX's room runtime: ConfBridge's rules and their events."""

import pytest
from voip_conference_tools.provider import (
    ConferenceStateError,
    NotFoundError,
    ProviderValidationError,
    Room,
)
from voip_conference_tools.simulated_pbx import SimulatedPbx


class Clock:
    def __init__(self):
        self.now = 1_764_518_400.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def pbx(clock):
    return SimulatedPbx(clock=clock)


def _room(pbx, **values):
    room = pbx.create_room(
        Room(name="A", extension="8001", admin_extension="100", **values)
    )
    pbx.apply_changes()
    return room.id


def _types(pbx, cursor=0):
    events, _cursor = pbx.events(cursor)
    return [event.type for event in events]


def test_an_invite_rings_then_connects(pbx, clock):
    room = _room(pbx)
    invitee = pbx.invite(room, "+3225550100")
    assert invitee.state == "ringing" and not invitee.joined_at
    assert pbx.room_live(room).state == "idle"
    assert pbx.room_live(room).participant_count == 1  # a ringing seat counts
    clock.now += 2.5  # the invitee picks up by themselves after ring_seconds
    (connected,) = pbx.list_participants(room)
    assert connected.id == invitee.id  # a stable id
    assert connected.state == "connected" and connected.joined_at
    assert pbx.room_live(room).state == "active"
    assert _types(pbx) == [
        "participant.joined",
        "participant.updated",
        "conference.started",
    ]


def test_answer_connects_at_once(pbx):
    room = _room(pbx)
    invitee = pbx.invite(room, "101")
    assert pbx.answer(room, invitee.id).state == "connected"


def test_wait_for_the_administrator_holds_members(pbx):
    room = _room(pbx, wait_for_admin=True)
    first = pbx.dial_in(room, "+3225550100", "Alice")
    second = pbx.dial_in(room, "101")
    assert {first.state, second.state} == {"waiting"}
    assert pbx.room_live(room).state == "waiting"
    cursor = pbx.events()[1]
    admin = pbx.dial_in(room, "100")
    assert admin.role == "admin" and admin.state == "connected"
    states = {p.number: p.state for p in pbx.list_participants(room)}
    assert set(states.values()) == {"connected"} and len(states) == 3
    assert pbx.room_live(room).state == "active"
    assert _types(pbx, cursor) == [
        "participant.joined",
        "participant.updated",
        "participant.updated",
        "conference.started",
    ]


def test_a_member_promoted_to_administrator_releases_the_room(pbx):
    room = _room(pbx, wait_for_admin=True)
    member = pbx.dial_in(room, "101")
    other = pbx.dial_in(room, "102")
    assert pbx.update_participant(room, member.id, role="admin").role == "admin"
    states = {p.id: p.state for p in pbx.list_participants(room)}
    assert states == {member.id: "connected", other.id: "connected"}


def test_capacity_refuses_the_extra_participant(pbx):
    room = _room(pbx, max_participants=2)
    pbx.dial_in(room, "101")
    pbx.invite(room, "102")  # ringing: holds the last seat
    with pytest.raises(ConferenceStateError) as caught:
        pbx.dial_in(room, "103")
    assert caught.value.reason == "full" and caught.value.status == 409
    with pytest.raises(ConferenceStateError, match="full"):
        pbx.invite(room, "104")
    assert pbx.room_live(room).participant_count == 2


def test_the_pbx_limit_applies_when_the_room_has_none(pbx):
    pbx.set_limits(max_participants=1)
    room = _room(pbx)
    pbx.dial_in(room, "101")
    assert pbx.room_live(room).max_participants == 1
    with pytest.raises(ConferenceStateError, match="full"):
        pbx.dial_in(room, "102")


def test_lock_refuses_joins_and_invites_until_unlocked(pbx):
    room = _room(pbx)
    pbx.dial_in(room, "100")
    cursor = pbx.events()[1]
    assert pbx.room_action(room, "lock").locked
    for admit in (pbx.dial_in, pbx.invite):
        with pytest.raises(ConferenceStateError) as caught:
            admit(room, "101")
        assert caught.value.reason == "locked"
    pbx.room_action(room, "lock")  # twice: no second event
    assert not pbx.room_action(room, "unlock").locked
    pbx.dial_in(room, "101")
    assert _types(pbx, cursor) == [
        "conference.locked",
        "conference.unlocked",
        "participant.joined",
    ]


def test_end_removes_everyone_and_unlocks(pbx):
    room = _room(pbx)
    ids = [pbx.dial_in(room, str(101 + i)).id for i in range(3)]
    pbx.room_action(room, "lock")
    cursor = pbx.events()[1]
    live = pbx.room_action(room, "end")
    assert (live.state, live.locked, live.participant_count) == ("idle", False, 0)
    events, _cursor = pbx.events(cursor)
    left = [e.participant for e in events if e.type == "participant.left"]
    assert [p.id for p in left] == ids
    assert {p.leave_reason for p in left} == {"ended"}
    assert all(p.left_at for p in left)
    assert events[-1].type == "conference.ended"
    assert events[-1].room.state == "idle"
    pbx.dial_in(room, "101")  # a new conference may start
    with pytest.raises(ConferenceStateError) as caught:
        pbx.room_action(room, "end")
        pbx.room_action(room, "end")
    assert caught.value.reason == "not_running"


def test_actions_on_an_idle_room_are_refused(pbx):
    room = _room(pbx)
    for action in ("lock", "unlock", "mute_all", "unmute_all", "end"):
        with pytest.raises(ConferenceStateError) as caught:
            pbx.room_action(room, action)
        assert caught.value.reason == "not_running"
    with pytest.raises(NotFoundError):
        pbx.room_action(room, "explode")


def test_mute_all_spares_administrators(pbx):
    room = _room(pbx)
    admin = pbx.dial_in(room, "100")
    members = [pbx.dial_in(room, n) for n in ("101", "102")]
    pbx.room_action(room, "mute_all")
    muted = {p.id: p.muted for p in pbx.list_participants(room)}
    assert muted == {admin.id: False, members[0].id: True, members[1].id: True}
    pbx.room_action(room, "unmute_all")
    assert not any(p.muted for p in pbx.list_participants(room))


def test_update_one_participant(pbx):
    room = _room(pbx)
    member = pbx.dial_in(room, "101")
    cursor = pbx.events()[1]
    updated = pbx.update_participant(room, member.id, muted=True, on_hold=True)
    assert updated.muted and updated.on_hold
    pbx.update_participant(room, member.id, muted=True)  # no change: no event
    events, _cursor = pbx.events(cursor)
    assert [(e.type, e.participant.muted) for e in events] == [
        ("participant.updated", True)
    ]
    with pytest.raises(ProviderValidationError) as caught:
        pbx.update_participant(room, member.id, muted="yes", colour="red")
    assert set(caught.value.field_errors) == {"muted", "colour"}
    with pytest.raises(ProviderValidationError):
        pbx.update_participant(room, member.id, role="king")


def test_talk_detection_is_an_update(pbx):
    room = _room(pbx)
    member = pbx.dial_in(room, "101")
    pbx.set_talking(room, member.id, True)
    (participant,) = pbx.list_participants(room)
    assert participant.talking
    assert _types(pbx)[-1] == "participant.updated"


def test_remove_and_hang_up(pbx):
    room = _room(pbx)
    first = pbx.dial_in(room, "101")
    second = pbx.dial_in(room, "102")
    pbx.remove_participant(room, first.id)
    events, _cursor = pbx.events()
    assert events[-1].type == "participant.left"
    assert events[-1].participant.leave_reason == "removed"
    # Acting on someone who has just left: 404, whatever the action.
    with pytest.raises(NotFoundError, match="left"):
        pbx.update_participant(room, first.id, muted=True)
    with pytest.raises(NotFoundError):
        pbx.remove_participant(room, first.id)
    pbx.hang_up(room, second.id)
    events, _cursor = pbx.events()
    assert [e.type for e in events[-2:]] == ["participant.left", "conference.ended"]
    assert events[-2].participant.leave_reason == "hangup"


def test_rooms_not_in_production_have_no_runtime(pbx):
    room = pbx.create_room(Room(name="A", extension="8001"))
    for call in (
        lambda: pbx.invite(room.id, "101"),
        lambda: pbx.dial_in(room.id, "101"),
        lambda: pbx.room_live(room.id),
        lambda: pbx.room_action(room.id, "lock"),
        lambda: pbx.list_participants(room.id),
    ):
        with pytest.raises(NotFoundError):
            call()


def test_invalid_invitee(pbx):
    room = _room(pbx)
    with pytest.raises(ProviderValidationError, match="Invalid"):
        pbx.invite(room, "call me")


def test_events_by_cursor_and_limit(pbx):
    room = _room(pbx)
    for number in ("101", "102", "103"):
        pbx.dial_in(room, number)
    everything, last = pbx.events()
    assert [e.cursor for e in everything] == list(range(1, last + 1))
    first_two, cursor = pbx.events(0, limit=2)
    assert [e.cursor for e in first_two] == [1, 2] and cursor == 2
    rest, cursor = pbx.events(cursor)
    assert [e.cursor for e in rest] == list(range(3, last + 1))
    assert pbx.events(last) == ([], last)
    # Each event carries the room's state after the change.
    assert everything[-1].room.participant_count == 3


def test_runtime_survives_the_state_round_trip(pbx, clock):
    room = _room(pbx, wait_for_admin=True)
    member = pbx.dial_in(room, "101")
    copy = SimulatedPbx.from_state(pbx.to_state(), clock=clock)
    assert copy.list_participants(room)[0].id == member.id
    assert copy.events() == pbx.events()
    copy.dial_in(room, "100")
    assert copy.room_live(room).state == "active"
