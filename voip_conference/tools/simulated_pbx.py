# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A simulated hosted PBX: the built-in default backend.

It enforces what a real hosted PBX does with conference rooms and incoming
numbers: unique digits-only extensions (rooms and users share one numbering
plan), digits-only access codes, capacity limits, and *staged* changes that
reach production only with :meth:`SimulatedPbx.apply_changes` (a list before
apply shows the staged state). What happens in a room once it is in
production (invites, participants, host actions, events) is in
conference_runtime.py.

Its whole state is a JSON-serialisable dict (:meth:`to_state` /
:meth:`from_state`), so Odoo keeps it in the database and every worker agrees.

Faults can be injected for tests (:meth:`add_fault`): a status or a timeout
on a given operation, for the next N calls, optionally for one object only,
with latency, and 429 with Retry-After.
"""

import copy
import dataclasses
import time

from . import numbering
from .conference_runtime import ConferenceRuntime
from .provider import (
    CAPABILITIES,
    DESTINATION_TYPES,
    ApplyResult,
    AuthError,
    BadResponseError,
    IncomingNumber,
    NotFoundError,
    PbxBackend,
    ProviderTimeout,
    ProviderValidationError,
    RateLimitedError,
    Room,
    UnavailableError,
)

# Malformed answers a fault can inject, and what the client says of each.
MALFORMED = {
    "not_json": "the body is not JSON",
    "html": "an HTML page instead of JSON",
    "wrong_shape": "the JSON does not have the documented shape",
}


@dataclasses.dataclass
class Fault:
    """Make ``operation`` fail: ``status`` is an HTTP status (401, 403, 404,
    409, 422, 429, 500, 503), ``"timeout"``, ``"reset"`` (the connection is
    lost), or a malformed answer: ``"not_json"``, ``"html"`` (a proxy's
    page), ``"wrong_shape"`` (JSON the contract does not describe);
    ``times`` calls (0 = every call); only for ``target`` (an object id) when
    set. ``after`` carries the operation out before failing (a timeout or a
    reset after the PBX did the work). The REST server turns the same faults
    into the same answers over HTTP (see rest_server.py)."""

    operation: str
    status: object = 500
    times: int = 1
    target: str = ""
    retry_after: float = 1.0
    latency: float = 0.0
    after: bool = False
    field_errors: dict = dataclasses.field(default_factory=dict)


def _empty_state():
    return {
        "rooms": {},
        "numbers": {},
        "production": {"rooms": {}, "numbers": {}},
        "user_extensions": [],
        "participants": {},
        "idempotency": {},
        "limits": {"max_rooms": 0, "max_participants": 0},
        "capabilities": dict.fromkeys(CAPABILITIES, True),
        "next_id": 1,
        # Every API call ever made, kept with the state: tests prove with it
        # that a refused action reached nothing.
        "requests": 0,
    }


class SimulatedPbx(ConferenceRuntime, PbxBackend):
    def __init__(self, state=None, sleep=time.sleep, clock=None):
        self.state = copy.deepcopy(state) if state else _empty_state()
        for key, value in _empty_state().items():
            self.state.setdefault(key, value)
        self.faults = []
        self.sleep = sleep
        if clock:
            self.clock = clock
        self.request_count = 0
        self.calls = []

    # ------------------------------------------------------------------
    # State
    # ------------------------------------------------------------------

    @classmethod
    def from_state(cls, state, **kwargs):
        return cls(state=state, **kwargs)

    def to_state(self):
        return copy.deepcopy(self.state)

    def set_user_extensions(self, extensions):
        """The extensions of the PBX's users, which rooms may not take."""
        self.state["user_extensions"] = sorted(set(extensions))

    def set_limits(self, max_rooms=0, max_participants=0):
        self.state["limits"] = {
            "max_rooms": max_rooms or 0,
            "max_participants": max_participants or 0,
        }

    def set_capabilities(self, **capabilities):
        """Declare what this PBX supports (tests switch features off):
        ``set_capabilities(events=False)``."""
        unknown = set(capabilities) - set(self.state["capabilities"])
        if unknown:
            raise ValueError(f"Unknown capabilities: {sorted(unknown)}")
        self.state["capabilities"].update(
            {key: bool(value) for key, value in capabilities.items()}
        )

    def production_rooms(self):
        return [Room.from_dict(r) for r in self.state["production"]["rooms"].values()]

    def production_numbers(self):
        return [
            IncomingNumber.from_dict(n)
            for n in self.state["production"]["numbers"].values()
        ]

    def add_number(self, number, name="", destination_type="none", destination=""):
        """Provision an incoming number (the operator's job, not the API's)."""
        number_id = self._new_id("num")
        record = IncomingNumber(
            number=number,
            name=name,
            destination_type=destination_type,
            destination=destination,
            id=number_id,
        )
        self.state["numbers"][number_id] = dataclasses.asdict(record)
        self.state["production"]["numbers"][number_id] = dataclasses.asdict(record)
        return record

    def _new_id(self, prefix):
        value = self.state["next_id"]
        self.state["next_id"] = value + 1
        return f"{prefix}_{value}"

    # ------------------------------------------------------------------
    # Faults
    # ------------------------------------------------------------------

    def add_fault(self, operation, status=500, **kwargs):
        fault = Fault(operation=operation, status=status, **kwargs)
        self.faults.append(fault)
        return fault

    def _fault_for(self, operation, target):
        for fault in self.faults:
            if fault.operation not in (operation, "*"):
                continue
            if fault.target and fault.target != target:
                continue
            if fault.times:
                fault.times -= 1
                if not fault.times:
                    self.faults.remove(fault)
            return fault
        return None

    @staticmethod
    def _raise(fault):
        status = fault.status
        message = f"Simulated failure ({status})"
        if status == "timeout":
            raise ProviderTimeout("The PBX did not answer in time (simulated).")
        if status == "reset":
            error = UnavailableError(
                "The connection was reset (simulated).",
                # The request left: the client cannot know if the PBX did it.
                outcome_unknown=True,
            )
            error.simulated = status
            raise error
        if status in MALFORMED:
            error = BadResponseError(
                "The PBX's answer is not what the contract describes.",
                200,
                detail=MALFORMED[status],
            )
            error.simulated = status
            raise error
        if status in (401, 403):
            raise AuthError("Invalid API token (simulated).", status)
        if status == 404:
            raise NotFoundError("Not found (simulated).", status)
        if status == 422:
            raise ProviderValidationError(message, 422, fault.field_errors)
        if status == 429:
            raise RateLimitedError(
                "Too many requests (simulated).", 429, fault.retry_after
            )
        if status == 409:
            raise ProviderValidationError(message, 409, fault.field_errors)
        raise UnavailableError(message, status)

    def _call(self, operation, target, func):
        """Run one API operation with its faults; count it."""
        self.request_count += 1
        self.state["requests"] += 1
        self.calls.append((operation, target))
        fault = self._fault_for(operation, target)
        if fault and fault.latency:
            self.sleep(fault.latency)
        if fault and fault.status is not None and not fault.after:
            self._raise(fault)
        result = func()
        if fault and fault.status is not None and fault.after:
            self._raise(fault)
        return result

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------

    def _validate_room(self, room, room_id=None):
        errors = {}
        if not (room.name or "").strip():
            errors["name"] = "A name is required."
        extension_error = numbering.check_extension(room.extension)
        if extension_error:
            errors["extension"] = f"Invalid extension ({extension_error})."
        else:
            taken = {
                r["extension"]
                for rid, r in self.state["rooms"].items()
                if rid != room_id
            } | set(self.state["user_extensions"])
            if room.extension in taken:
                errors["extension"] = "This extension is already used."
        code_error = numbering.check_access_code(room.access_code)
        if code_error:
            errors["access_code"] = f"Invalid access code ({code_error})."
        if room.admin_extension and numbering.check_extension(room.admin_extension):
            errors["admin_extension"] = "Invalid administrator extension."
        limit = self.state["limits"]["max_participants"]
        if room.max_participants < 0 or (limit and room.max_participants > limit):
            errors["max_participants"] = f"At most {limit} participants per room."
        if room_id is None:
            limit = self.state["limits"]["max_rooms"]
            if limit and len(self.state["rooms"]) >= limit:
                errors["extension"] = f"At most {limit} conference rooms."
        if errors:
            raise ProviderValidationError(
                "The conference room is invalid.", 422, errors
            )

    def _room(self, room_id):
        if room_id not in self.state["rooms"]:
            raise NotFoundError(f"No conference room {room_id}.", 404)
        return self.state["rooms"][room_id]

    def _number(self, number_id):
        if number_id not in self.state["numbers"]:
            raise NotFoundError(f"No incoming number {number_id}.", 404)
        return self.state["numbers"][number_id]

    # ------------------------------------------------------------------
    # API
    # ------------------------------------------------------------------

    def capabilities(self):
        return self._call("capabilities", "", lambda: dict(self.state["capabilities"]))

    def list_rooms(self):
        return self._call(
            "list_rooms",
            "",
            lambda: [Room.from_dict(r) for r in self.state["rooms"].values()],
        )

    def create_room(self, room, idempotency_key=None):
        def create():
            if idempotency_key and idempotency_key in self.state["idempotency"]:
                known = self.state["idempotency"][idempotency_key]
                if known in self.state["rooms"]:
                    return Room.from_dict(self.state["rooms"][known])
            self._validate_room(room)
            room_id = self._new_id("conf")
            created = dataclasses.replace(room, id=room_id)
            self.state["rooms"][room_id] = dataclasses.asdict(created)
            if idempotency_key:
                self.state["idempotency"][idempotency_key] = room_id
            return created

        return self._call("create_room", room.extension, create)

    def update_room(self, room_id, room):
        def update():
            self._room(room_id)
            self._validate_room(room, room_id)
            updated = dataclasses.replace(room, id=room_id)
            self.state["rooms"][room_id] = dataclasses.asdict(updated)
            return updated

        return self._call("update_room", room_id, update)

    def delete_room(self, room_id):
        def delete():
            self._room(room_id)
            routed = [
                n["number"]
                for n in self.state["numbers"].values()
                if n["destination_type"] == "conference" and n["destination"] == room_id
            ]
            if routed:
                raise ProviderValidationError(
                    "Incoming numbers still reach this room.",
                    422,
                    {"numbers": ", ".join(sorted(routed))},
                )
            del self.state["rooms"][room_id]

        return self._call("delete_room", room_id, delete)

    def list_numbers(self):
        return self._call(
            "list_numbers",
            "",
            lambda: [
                IncomingNumber.from_dict(n) for n in self.state["numbers"].values()
            ],
        )

    def set_number_destination(self, number_id, destination_type, destination=""):
        def update():
            number = self._number(number_id)
            errors = {}
            if destination_type not in DESTINATION_TYPES:
                errors["destination_type"] = "Unknown destination type."
            elif destination_type == "conference":
                if destination not in self.state["rooms"]:
                    errors["destination"] = "No such conference room."
            elif destination_type in ("extension", "voicemail"):
                if numbering.check_extension(destination):
                    errors["destination"] = "Invalid extension."
            elif destination_type == "dial_plan":
                if not destination:
                    errors["destination"] = "A dial plan is required."
            elif destination:
                errors["destination"] = "This destination type takes no destination."
            if errors:
                raise ProviderValidationError(
                    "The destination is invalid.", 422, errors
                )
            number.update(destination_type=destination_type, destination=destination)
            return IncomingNumber.from_dict(number)

        return self._call("set_number_destination", number_id, update)

    def apply_changes(self):
        def apply():
            production = self.state["production"]
            changed = sum(
                1
                for kind in ("rooms", "numbers")
                for key in set(self.state[kind]) | set(production[kind])
                if self.state[kind].get(key) != production[kind].get(key)
            )
            production["rooms"] = copy.deepcopy(self.state["rooms"])
            production["numbers"] = copy.deepcopy(self.state["numbers"])
            for room_id in list(self.state["participants"]):
                if room_id not in production["rooms"]:
                    del self.state["participants"][room_id]
            return ApplyResult(applied=changed, pending=0)

        return self._call("apply_changes", "", apply)
