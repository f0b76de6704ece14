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
    BULK_MAX,
    CAPABILITIES,
    DESTINATION_TYPES,
    RESOURCE_TYPES,
    ApplyResult,
    BadResponseError,
    Changes,
    CursorExpiredError,
    IncomingNumber,
    NotFoundError,
    PbxBackend,
    PreconditionFailedError,
    ProviderTimeout,
    ProviderValidationError,
    Room,
    UnavailableError,
    error_from_answer,
)

# Malformed answers a fault can inject, and what the client says of each.
# Faults that are not an answer of the contract: no answer in time, a
# connection reset after the request left (the client cannot know whether
# the PBX did it).
TRANSPORT_FAULTS = {
    "timeout": lambda: ProviderTimeout("The PBX did not answer in time (simulated)."),
    "reset": lambda: UnavailableError(
        "The connection was reset (simulated).", outcome_unknown=True
    ),
}
# The message of a simulated error answer, by status (else "Simulated failure").
FAULT_MESSAGES = {
    401: "Invalid API token (simulated).",
    403: "Invalid API token (simulated).",
    404: "Not found (simulated).",
    429: "Too many requests (simulated).",
}
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
        # Change sequence per resource: every write takes the next number as
        # the object's version; deletions leave a tombstone with theirs.
        "seq": {"rooms": 0, "numbers": 0},
        "tombstones": {"rooms": {}, "numbers": {}},
        # Cursors older than this are refused (410): changes were forgotten.
        "horizon": {"rooms": 0, "numbers": 0},
        # Every API call ever made, kept with the state: tests prove with it
        # that a refused action reached nothing.
        "requests": 0,
    }


class SimulatedPbx(ConferenceRuntime, PbxBackend):
    def __init__(self, state=None, sleep=time.sleep, clock=None):
        self.state = copy.deepcopy(state) if state else _empty_state()
        for key, value in _empty_state().items():
            self.state.setdefault(key, value)
        for key in CAPABILITIES:
            self.state["capabilities"].setdefault(key, True)
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

    def state_to_keep(self):
        """The state with its pending faults, to store (see :func:`load`)."""
        if self.released:
            return None
        state = self.to_state()
        if self.faults:
            state["faults"] = [vars(fault) for fault in self.faults]
        return state

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
            version=self._next_version("numbers"),
        )
        self.state["numbers"][number_id] = dataclasses.asdict(record)
        self.state["production"]["numbers"][number_id] = dataclasses.asdict(record)
        return record

    def forget_changes(self, resource):
        """Forget the change history of ``resource``: every cursor given out
        so far is refused (410), as a PBX does after its retention period."""
        self.state["horizon"][resource] = self._next_version(resource)
        self.state["tombstones"][resource] = {}

    def _next_version(self, resource):
        self.state["seq"][resource] += 1
        return self.state["seq"][resource]

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
        """Raise what ``fault`` stands for: a transport fault (no answer, a
        reset, an answer of another shape), else the contract's error answer
        of its status (``provider.ERROR_STATUSES``)."""
        status = fault.status
        if status in TRANSPORT_FAULTS:
            error = TRANSPORT_FAULTS[status]()
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
        message = FAULT_MESSAGES.get(status, f"Simulated failure ({status})")
        answer = {"fields": fault.field_errors, "retry_after": fault.retry_after}
        raise error_from_answer(status, message, answer)

    def _raise_fault_before(self, resource, verb, target):
        fault = self._fault_for(self._operation(resource, verb), target)
        if fault and fault.status is not None and not fault.after:
            self._raise(fault)

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
        # Rebuilt per request: tests edit the state directly.
        self._extension_index = None
        result = func()
        if fault and fault.status is not None and fault.after:
            self._raise(fault)
        return result

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------

    def _extensions(self):
        """{extension: room id} of the rooms, kept up to date by this request's
        writes (a PBX's unique index: checking a room costs no scan)."""
        if getattr(self, "_extension_index", None) is None:
            self._extension_index = {
                r["extension"]: rid for rid, r in self.state["rooms"].items()
            }
        return self._extension_index

    def _validate_room(self, room, room_id=None):
        errors = {}
        name_error = numbering.check_room_name(room.name)
        if name_error == numbering.REQUIRED:
            errors["name"] = "A name is required."
        elif name_error:
            errors["name"] = f"At most {numbering.ROOM_NAME_MAX_LENGTH} characters."
        extension_error = numbering.check_extension(room.extension)
        if extension_error:
            errors["extension"] = f"Invalid extension ({extension_error})."
        else:
            holder = self._extensions().get(room.extension, room_id)
            if holder != room_id or room.extension in self.state["user_extensions"]:
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

    # ------------------------------------------------------------------
    # API
    # ------------------------------------------------------------------

    def capabilities(self):
        return self._call("capabilities", "", lambda: dict(self.state["capabilities"]))

    # Operation names, as faults and ``calls`` know them.
    OPERATIONS = {
        ("rooms", "list"): "list_rooms",
        ("rooms", "create"): "create_room",
        ("rooms", "update"): "update_room",
        ("rooms", "delete"): "delete_room",
        ("rooms", "bulk"): "bulk_rooms",
        ("numbers", "list"): "list_numbers",
        ("numbers", "update"): "set_number_destination",
        ("numbers", "bulk"): "bulk_numbers",
    }

    def _operation(self, resource, verb):
        try:
            return self.OPERATIONS[(resource, verb)]
        except KeyError:
            raise ProviderValidationError(
                f"The PBX API cannot {verb} {resource}.", 405
            ) from None

    def _object(self, resource, data):
        return RESOURCE_TYPES[resource].from_dict(data)

    def changes(self, resource, cursor=""):
        def changes():
            objects = self.state[resource]
            seq = self.state["seq"][resource]
            if not cursor or not self.state["capabilities"]["incremental"]:
                items = [self._object(resource, o) for o in objects.values()]
                return Changes(items=items, cursor=str(seq), full=True)
            try:
                since = int(cursor)
            except ValueError:
                since = -1
            if since < self.state["horizon"][resource] or since > seq:
                raise CursorExpiredError(
                    "This cursor is too old: list everything again.", 410
                )
            items = sorted(
                (o for o in objects.values() if o.get("version", 0) > since),
                key=lambda o: o["version"],
            )
            deleted = [
                object_id
                for object_id, version in self.state["tombstones"][resource].items()
                if version > since
            ]
            return Changes(
                items=[self._object(resource, o) for o in items],
                deleted=deleted,
                cursor=str(seq),
                full=False,
            )

        return self._call(self._operation(resource, "list"), "", changes)

    def create_object(self, resource, values, idempotency_key=None):
        operation = self._operation(resource, "create")
        target = values.get("extension", "")
        return self._call(
            operation, target, lambda: self._create(resource, values, idempotency_key)
        )

    def _create(self, resource, values, idempotency_key=None):
        if idempotency_key and idempotency_key in self.state["idempotency"]:
            known = self.state["idempotency"][idempotency_key]
            if known in self.state[resource]:
                return self._object(resource, self.state[resource][known])
        room = Room.from_dict(values)
        self._validate_room(room)
        created = dataclasses.replace(
            room, id=self._new_id("conf"), version=self._next_version(resource)
        )
        self.state[resource][created.id] = dataclasses.asdict(created)
        self._extensions()[created.extension] = created.id
        if idempotency_key:
            self.state["idempotency"][idempotency_key] = created.id
        return created

    def update_object(self, resource, object_id, values, if_match=None):
        operation = self._operation(resource, "update")
        return self._call(
            operation,
            object_id,
            lambda: self._update(resource, object_id, values, if_match),
        )

    def _update(self, resource, object_id, values, if_match=None):
        current = self._get(resource, object_id)
        if if_match is not None and int(if_match) != current.get("version", 0):
            raise PreconditionFailedError(
                "The object changed on the PBX since you read it.",
                412,
                self._object(resource, current),
            )
        allowed = set(self._object(resource, current).values())
        unknown = set(values) - allowed
        if unknown:
            raise ProviderValidationError(
                "Unknown fields.", 422, dict.fromkeys(sorted(unknown), "Unknown field.")
            )
        merged = self._object(resource, current | values)
        if resource == "rooms":
            self._validate_room(merged, object_id)
        else:
            self._validate_destination(merged)
        updated = dataclasses.replace(merged, version=self._next_version(resource))
        self.state[resource][object_id] = dataclasses.asdict(updated)
        if resource == "rooms" and current["extension"] != updated.extension:
            self._extensions().pop(current["extension"], None)
            self._extensions()[updated.extension] = object_id
        return updated

    def delete_object(self, resource, object_id):
        operation = self._operation(resource, "delete")
        return self._call(operation, object_id, lambda: self._delete(object_id))

    def _delete(self, room_id):
        self._get("rooms", room_id)
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
        self._extensions().pop(self.state["rooms"][room_id]["extension"], None)
        del self.state["rooms"][room_id]
        self.state["tombstones"]["rooms"][room_id] = self._next_version("rooms")

    def bulk(self, resource, operations):
        """One request for up to BULK_MAX operations, carried out in order;
        each operation may fail on its own (faults of its single verb apply)."""
        if not self.state["capabilities"]["bulk"]:
            return super().bulk(resource, operations)

        def bulk():
            if len(operations) > BULK_MAX:
                raise ProviderValidationError(
                    f"At most {BULK_MAX} operations per request.", 422
                )
            return [
                self._bulk_operation(resource, operation, create, update)
                for operation in operations
            ]

        # Each operation meets the faults of its single verb.
        def create(resource, values, idempotency_key):
            self._raise_fault_before(resource, "create", values.get("extension", ""))
            return self._create(resource, values, idempotency_key)

        def update(resource, object_id, values, if_match):
            self._raise_fault_before(resource, "update", object_id)
            return self._update(resource, object_id, values, if_match)

        return self._call(self._operation(resource, "bulk"), "", bulk)

    def _get(self, resource, object_id):
        if object_id not in self.state[resource]:
            label = "conference room" if resource == "rooms" else "incoming number"
            raise NotFoundError(f"No {label} {object_id}.", 404)
        return self.state[resource][object_id]

    def _validate_destination(self, number):
        errors = {}
        destination_type, destination = number.destination_type, number.destination
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
            raise ProviderValidationError("The destination is invalid.", 422, errors)

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


def load(state, **kwargs):
    """The simulator of a stored state (:meth:`SimulatedPbx.state_to_keep`),
    its pending faults included."""
    state = dict(state or {})
    faults = [Fault(**fault) for fault in state.pop("faults", [])]
    backend = SimulatedPbx.from_state(state, **kwargs)
    backend.faults = faults
    return backend


def with_fault(state, operation, status=500, **kwargs):
    """A stored state (see :func:`load`) that fails ``operation`` as
    :class:`Fault` says."""
    state = dict(state or {})
    fault = Fault(operation=operation, status=status, **kwargs)
    state["faults"] = state.get("faults", []) + [vars(fault)]
    return state
