# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The live side of the simulated PBX: who is in each room, host actions and
the events they emit.

The rules are those of Asterisk ConfBridge and the hosted PBXs built on it
(Axivox, FreePBX):

- an invite rings the invitee (``ringing``); they are in the room once they
  answer (:meth:`ConferenceRuntime.answer`, or by themselves after
  ``ring_seconds`` of the clock);
- in a room that waits for the administrator, members are held (``waiting``,
  ConfBridge's ``wait_marked``) until a participant with the ``admin`` role
  is connected; then they are all connected at once;
- a room full up to its capacity (the room's, else the PBX's limit; ringing
  invitees hold a seat) refuses the next participant (``full``);
- a locked room refuses joins and invites (``locked``);
- ending the conference disconnects everyone (reason ``ended``) and unlocks
  the room; so does the last participant hanging up;
- every change appends one event (see :class:`.provider.Event`) with a cursor
  that grows by one, readable with :meth:`ConferenceRuntime.events`.

State lives in the simulator's JSON state: ``participants`` (room id → list
of participant dicts, present only), ``live`` (room id → ``{"locked"}``),
``events`` (the last :data:`EVENT_KEEP`) and ``event_cursor``.
"""

import dataclasses
import re
import time

from . import numbering
from .provider import (
    ROOM_ACTIONS,
    ConferenceStateError,
    Event,
    NotFoundError,
    Participant,
    ProviderValidationError,
    RoomLive,
)

E164 = re.compile(r"\+[1-9][0-9]{6,14}")
EVENT_KEEP = 1000
PARTICIPANT_CHANGES = {"muted": bool, "on_hold": bool, "role": str}


def _iso(timestamp):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


class ConferenceRuntime:
    """Mixed into :class:`.simulated_pbx.SimulatedPbx`; needs its ``state``,
    ``_call`` and ``_new_id``, and a ``clock`` (seconds, like time.time)."""

    clock = staticmethod(time.time)

    # ------------------------------------------------------------------
    # Internals
    # ------------------------------------------------------------------

    def _runtime_state(self):
        self.state.setdefault("participants", {})
        self.state.setdefault("live", {})
        self.state.setdefault("events", [])
        self.state.setdefault("event_cursor", 0)
        self.state.setdefault("ring_seconds", 2.0)

    def _live_room(self, room_id):
        """The room as in production (a room lives only once applied)."""
        self._runtime_state()
        room = self.state["production"]["rooms"].get(room_id)
        if not room:
            raise NotFoundError(
                f"No conference room {room_id} in production: apply changes first.",
                404,
            )
        return room

    def _present(self, room_id):
        return self.state["participants"].setdefault(room_id, [])

    def _find(self, room_id, participant_id):
        for participant in self._present(room_id):
            if participant["id"] == participant_id:
                return participant
        raise NotFoundError(
            f"Participant {participant_id} is not in room {room_id}: "
            "they have left or the conference has ended.",
            404,
        )

    def _capacity(self, room):
        return room.get("max_participants") or self.state["limits"].get(
            "max_participants", 0
        )

    def _live(self, room_id):
        room = self.state["production"]["rooms"].get(room_id, {})
        present = self.state["participants"].get(room_id, [])
        states = {p["state"] for p in present}
        if "connected" in states:
            state = "active"
        elif "waiting" in states:
            state = "waiting"
        else:
            state = "idle"
        return RoomLive(
            room_id=room_id,
            state=state,
            locked=bool(self.state["live"].get(room_id, {}).get("locked")),
            participant_count=len(present),
            max_participants=self._capacity(room) if room else 0,
        )

    def _emit(self, event_type, room_id, participant=None):
        self.state["event_cursor"] += 1
        event = Event(
            cursor=self.state["event_cursor"],
            type=event_type,
            room_id=room_id,
            at=_iso(self.clock()),
            room=self._live(room_id),
            participant=Participant.from_dict(participant) if participant else None,
        )
        self.state["events"].append(event.to_dict())
        del self.state["events"][:-EVENT_KEEP]
        return event

    def _admin_in(self, room_id):
        return any(
            p["role"] == "admin" and p["state"] == "connected"
            for p in self._present(room_id)
        )

    def _settle(self, room_id):
        """Connect who may be connected: answered invitees whose ring time is
        over, and members held while the administrator was away. The first
        connected participant starts the conference."""
        room = self.state["production"]["rooms"].get(room_id)
        if not room:
            return
        now = self.clock()
        for participant in self._present(room_id):
            if (
                participant["state"] == "ringing"
                and participant.get("_answer_at", now + 1) <= now
            ):
                self._enter(room, participant)
        present = self._present(room_id)
        # An administrator is never held (a member promoted while waiting).
        held_admins = [
            p for p in present if p["state"] == "waiting" and p["role"] == "admin"
        ]
        if self._admin_in(room_id) or held_admins:
            for participant in held_admins + present:
                if participant["state"] == "waiting":
                    participant["state"] = "connected"
                    self._emit("participant.updated", room_id, participant)
        live = self.state["live"].setdefault(room_id, {})
        if self._live(room_id).state == "active" and not live.get("started"):
            live["started"] = True
            self._emit("conference.started", room_id)
        if not live:
            del self.state["live"][room_id]

    def _enter(self, room, participant, emit=True):
        """A participant's call is up: held or connected, by the room's rule."""
        held = (
            room.get("wait_for_admin")
            and participant["role"] != "admin"
            and not self._admin_in(room["id"])
        )
        participant["state"] = "waiting" if held else "connected"
        participant["joined_at"] = _iso(self.clock())
        participant.pop("_answer_at", None)
        if emit:
            self._emit("participant.updated", room["id"], participant)

    def _settle_all(self):
        self._runtime_state()
        for room_id in list(self.state["participants"]):
            self._settle(room_id)

    def _admit(self, room_id, number, name, state):
        """Add a participant (an invitee ringing or a caller dialling in)."""
        room = self._live_room(room_id)
        self._settle(room_id)
        target = numbering.clean(number)
        if not (numbering.check_extension(target) is None or E164.fullmatch(target)):
            raise ProviderValidationError(
                "Invalid invitee.", 422, {"target": "An extension or an E.164 number."}
            )
        live = self._live(room_id)
        if live.locked:
            raise ConferenceStateError(
                "The conference is locked: it accepts nobody new.", reason="locked"
            )
        limit = live.max_participants
        if limit and live.participant_count >= limit:
            raise ConferenceStateError(
                f"The conference room is full (at most {limit}).", reason="full"
            )
        participant = dataclasses.asdict(
            Participant(
                id=self._new_id("part"),
                room_id=room_id,
                number=target,
                name=name or "",
                role="admin"
                if room.get("admin_extension") and target == room["admin_extension"]
                else "member",
                state="ringing",
            )
        )
        participant["_answer_at"] = self.clock() + self.state["ring_seconds"]
        if state != "ringing":
            self._enter(room, participant, emit=False)
        self._present(room_id).append(participant)
        self._emit("participant.joined", room_id, participant)
        self._settle(room_id)
        return Participant.from_dict(participant)

    def _leave(self, room_id, participant, reason):
        self._present(room_id).remove(participant)
        participant.update(
            state="left",
            left_at=_iso(self.clock()),
            leave_reason=reason,
            talking=False,
        )
        self._emit("participant.left", room_id, participant)

    def _close_if_empty(self, room_id):
        """The last one out ends the conference and unlocks the room."""
        if not self._present(room_id) and room_id in self.state["live"]:
            del self.state["live"][room_id]
            self._emit("conference.ended", room_id)

    # ------------------------------------------------------------------
    # The PBX's own side (tests, demos): people answer, call in, hang up.
    # ------------------------------------------------------------------

    def answer(self, room_id, participant_id):
        """The invitee picks up: waiting or connected."""
        self._live_room(room_id)
        participant = self._find(room_id, participant_id)
        if participant["state"] == "ringing":
            self._enter(self.state["production"]["rooms"][room_id], participant)
            self._settle(room_id)
        return Participant.from_dict(participant)

    def dial_in(self, room_id, number, name=""):
        """Someone calls the room (its extension or a routed number)."""
        return self._admit(room_id, number, name, state="entered")

    def hang_up(self, room_id, participant_id):
        """A participant hangs up."""
        self._live_room(room_id)
        self._leave(room_id, self._find(room_id, participant_id), "hangup")
        self._close_if_empty(room_id)

    def set_talking(self, room_id, participant_id, talking=True):
        """The PBX's talk detection (ConfBridge's TALK_DETECT)."""
        participant = self._find(room_id, participant_id)
        if participant["talking"] != bool(talking):
            participant["talking"] = bool(talking)
            self._emit("participant.updated", room_id, participant)

    # ------------------------------------------------------------------
    # API
    # ------------------------------------------------------------------

    def invite(self, room_id, target, idempotency_key=None):
        def invite():
            invites = self.state.setdefault("invites", {})
            if idempotency_key and idempotency_key in invites:
                return Participant.from_dict(invites[idempotency_key])
            participant = self._admit(room_id, target, "", "ringing")
            if idempotency_key:
                invites[idempotency_key] = dataclasses.asdict(participant)
            return participant

        return self._call("invite", room_id, invite)

    def list_participants(self, room_id):
        def participants():
            self._live_room(room_id)
            self._settle(room_id)
            return [Participant.from_dict(p) for p in self._present(room_id)]

        return self._call("list_participants", room_id, participants)

    def room_live(self, room_id):
        def live():
            self._live_room(room_id)
            self._settle(room_id)
            return self._live(room_id)

        return self._call("room_live", room_id, live)

    def update_participant(self, room_id, participant_id, **changes):
        def update():
            self._live_room(room_id)
            self._settle(room_id)
            errors = {
                key: "Unknown field."
                for key in changes
                if key not in PARTICIPANT_CHANGES
            }
            for key, kind in PARTICIPANT_CHANGES.items():
                if key in changes and not isinstance(changes[key], kind):
                    errors[key] = f"Must be a {kind.__name__}."
            if changes.get("role", "member") not in ("admin", "member"):
                errors["role"] = "admin or member."
            if errors:
                raise ProviderValidationError("The change is invalid.", 422, errors)
            participant = self._find(room_id, participant_id)
            changed = {k: v for k, v in changes.items() if participant[k] != v}
            if changed:
                participant.update(changed)
                self._emit("participant.updated", room_id, participant)
                self._settle(room_id)
            return Participant.from_dict(participant)

        return self._call("update_participant", participant_id, update)

    def remove_participant(self, room_id, participant_id):
        def remove():
            self._live_room(room_id)
            self._settle(room_id)
            participant = self._find(room_id, participant_id)
            self._leave(room_id, participant, "removed")
            self._close_if_empty(room_id)

        return self._call("remove_participant", participant_id, remove)

    def room_action(self, room_id, action):
        def act():
            self._live_room(room_id)
            self._settle(room_id)
            if action not in ROOM_ACTIONS:
                raise NotFoundError(f"No room action {action}.", 404)
            present = self._present(room_id)
            if not present:
                raise ConferenceStateError(
                    "The conference is not running: nobody is in the room.",
                    reason="not_running",
                )
            live = self.state["live"].setdefault(room_id, {})
            if action in ("lock", "unlock"):
                locked = action == "lock"
                if bool(live.get("locked")) != locked:
                    live["locked"] = locked
                    self._emit(f"conference.{action}ed", room_id)
            elif action in ("mute_all", "unmute_all"):
                muted = action == "mute_all"
                for participant in present:
                    if participant["role"] != "admin" and participant["muted"] != muted:
                        participant["muted"] = muted
                        self._emit("participant.updated", room_id, participant)
            else:  # end
                for participant in list(present):
                    self._leave(room_id, participant, "ended")
                self._close_if_empty(room_id)
            return self._live(room_id)

        return self._call("room_action", room_id, act)

    def events(self, cursor=0, limit=100):
        def events():
            self._settle_all()
            items = [
                Event.from_dict(e) for e in self.state["events"] if e["cursor"] > cursor
            ][:limit]
            return items, items[-1].cursor if items else cursor

        return self._call("events", "", events)
