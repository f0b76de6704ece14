# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one interface every PBX backend offers, its typed results and errors.

Backends: :class:`~.simulated_pbx.SimulatedPbx` (built-in, the default) and
:class:`~.rest_client.RestPbxClient` (the project's REST provider API). Models
only ever talk to this interface: they never build a URL nor read HTTP.

Field names and values are Axivox-shaped: a room has a ``name``, an
``extension``, an optional ``access_code``, an ``admin_extension`` and
``wait_for_admin``; an incoming number has a ``number`` (E.164) and a voice
destination (``destination_type`` plus ``destination``).
"""

import dataclasses
from abc import ABC, abstractmethod

DESTINATION_TYPES = (
    "none",
    "extension",
    "dial_plan",
    "voicemail",
    "hangup",
    "conference",
)

# What a backend may declare it can do (``PbxBackend.capabilities``):
# participants: list a room's participants and its live state;
# mute / remove / lock / end: the host actions of the same names (mute covers
# mute all and unmute all; lock covers unlock);
# events: participant and conference events, readable by cursor and pushed as
# signed webhooks (see webhook.py).
# bulk: POST /v1/<resource>/bulk, up to BULK_MAX operations per request;
# incremental: lists accept ``updated_since`` (a change sequence) and return
# the ids deleted since; versions: objects carry a version, updates accept
# ``If-Match`` and answer 412 when the object changed meanwhile.
CAPABILITIES = (
    "participants",
    "mute",
    "remove",
    "lock",
    "end",
    "events",
    "bulk",
    "incremental",
    "versions",
)
# The synced resources, in the order a sync handles them (numbers route to
# rooms, so rooms first).
RESOURCES = ("rooms", "numbers")
BULK_MAX = 200


class _FromDict:
    @classmethod
    def from_dict(cls, data):
        """Build from a dict, ignoring keys that are not fields."""
        fields = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in fields})


@dataclasses.dataclass(frozen=True)
class Room(_FromDict):
    name: str
    extension: str
    access_code: str = ""
    admin_extension: str = ""
    wait_for_admin: bool = False
    max_participants: int = 0
    id: str = ""
    # The PBX's change sequence number at the room's last change (its ETag).
    version: int = 0

    def values(self):
        """The synced values, without the provider's id and version."""
        data = dataclasses.asdict(self)
        data.pop("id")
        data.pop("version")
        return data


@dataclasses.dataclass(frozen=True)
class IncomingNumber(_FromDict):
    number: str
    name: str = ""
    destination_type: str = "none"
    # The room's provider id for "conference", an extension for "extension"
    # and "voicemail", a dial plan's name for "dial_plan"; else empty.
    destination: str = ""
    id: str = ""
    version: int = 0

    def values(self):
        """What the API changes: the voice destination. The number is the
        key and the label belongs to the operator's console."""
        return {
            "destination_type": self.destination_type,
            "destination": self.destination,
        }


PARTICIPANT_ROLES = ("admin", "member")
# ringing: the PBX is calling them (an invite); waiting: in the room, held
# until the administrator is in; connected: in the conference; left: gone.
PARTICIPANT_STATES = ("ringing", "waiting", "connected", "left")
LEAVE_REASONS = ("hangup", "removed", "ended")
ROOM_STATES = ("idle", "waiting", "active")
ROOM_ACTIONS = ("lock", "unlock", "mute_all", "unmute_all", "end")
EVENT_TYPES = (
    "participant.joined",
    "participant.updated",
    "participant.left",
    "conference.started",
    "conference.ended",
    "conference.locked",
    "conference.unlocked",
)


@dataclasses.dataclass(frozen=True)
class Participant(_FromDict):
    """One call in a room. ``id`` is the provider's, stable for the call's
    life; ``number`` is an extension or an E.164 number; times are ISO 8601
    UTC strings (``joined_at`` once waiting or connected, empty while
    ringing); ``leave_reason`` is one of :data:`LEAVE_REASONS`."""

    id: str
    room_id: str
    number: str
    name: str = ""
    role: str = "member"
    state: str = "ringing"
    muted: bool = False
    on_hold: bool = False
    talking: bool = False
    joined_at: str = ""
    left_at: str = ""
    leave_reason: str = ""


@dataclasses.dataclass(frozen=True)
class RoomLive(_FromDict):
    """A room's live state: ``state`` is one of :data:`ROOM_STATES`;
    ``participant_count`` counts everyone not gone (ringing included: they
    hold a seat) against ``max_participants`` (0: no limit)."""

    room_id: str
    state: str = "idle"
    locked: bool = False
    participant_count: int = 0
    max_participants: int = 0


@dataclasses.dataclass(frozen=True)
class Event:
    """A change in a room. ``cursor`` grows by one per event of a PBX;
    ``participant`` is set for ``participant.*`` events; ``room`` is the
    room's live state after the change."""

    cursor: int
    type: str
    room_id: str
    at: str
    room: RoomLive
    participant: Participant = None
    # The PBX's own id of the event when it gives one (Standard Webhooks
    # senders do); else the cursor identifies it.
    id: str = ""

    @property
    def key(self):
        """What identifies the event among its PBX's: a redelivery has the
        same key, whatever its signature or its delivery id."""
        return self.id or str(self.cursor)

    @classmethod
    def from_dict(cls, data):
        participant = data.get("participant")
        return cls(
            cursor=int(data["cursor"]),
            type=data["type"],
            room_id=data["room_id"],
            at=data.get("at", ""),
            room=RoomLive.from_dict(data["room"]),
            participant=Participant.from_dict(participant) if participant else None,
            id=data.get("id") or "",
        )

    def to_dict(self):
        data = dataclasses.asdict(self)
        if not data["id"]:
            del data["id"]
        return data


RESOURCE_TYPES = {"rooms": Room, "numbers": IncomingNumber}


@dataclasses.dataclass(frozen=True)
class Changes:
    """What a list answered: ``items`` changed since the cursor (every item
    when ``full``), ``deleted`` ids deleted since, and ``cursor`` to send next
    time. With ``full``, an object not in ``items`` is gone from the PBX."""

    items: list
    deleted: list = dataclasses.field(default_factory=list)
    cursor: str = ""
    full: bool = True


@dataclasses.dataclass(frozen=True)
class ApplyResult:
    applied: int
    pending: int = 0


# ----------------------------------------------------------------------
# Errors: one family, each with what a caller needs to decide what to do.
# ----------------------------------------------------------------------


class ProviderError(Exception):
    """Any failure of a PBX backend. ``retryable`` says if trying later may help.

    ``outcome_unknown`` is true when the request may have been carried out
    although no answer says so (a timeout or a connection lost after the
    request was sent): a caller must not claim it failed.
    """

    retryable = False
    outcome_unknown = False
    # The status a PBX answers this error with when it carries none.
    default_status = 500

    def __init__(self, message="", status=None, outcome_unknown=None):
        super().__init__(message)
        self.message = message
        self.status = status
        if outcome_unknown is not None:
            self.outcome_unknown = outcome_unknown

    @classmethod
    def from_answer(cls, message, status, answer):
        """This error from a PBX's error answer: ``answer`` holds what the
        contract's error body carried (``fields``, ``reason``, ``current``,
        ``retry_after``); each kind takes what it knows."""
        return cls(message, status)

    def answer(self):
        """The contract's ``error`` body of this error (the REST server's and
        the bulk results' side of :meth:`from_answer`)."""
        return {"code": error_code(self.http_status()), "message": self.message}

    def http_status(self):
        return self.status if isinstance(self.status, int) else self.default_status


class AuthError(ProviderError):
    """The token is missing, wrong or expired (401/403)."""

    default_status = 401


class NotFoundError(ProviderError):
    """The object does not exist on the PBX (404)."""

    default_status = 404


class ProviderValidationError(ProviderError):
    """The PBX refused the values (422); ``field_errors`` maps field to message."""

    default_status = 422

    def __init__(self, message="", status=422, field_errors=None):
        super().__init__(message, status)
        self.field_errors = dict(field_errors or {})

    @classmethod
    def from_answer(cls, message, status, answer):
        return cls(message, status, answer.get("fields"))

    def answer(self):
        answer = super().answer()
        if self.field_errors:
            answer["fields"] = self.field_errors
        return answer

    def __str__(self):
        details = "; ".join(f"{k}: {v}" for k, v in sorted(self.field_errors.items()))
        return f"{self.message} ({details})" if details else self.message


class ConferenceStateError(ProviderValidationError):
    """The room refuses the action in its present state (409); ``reason`` is
    ``locked``, ``full`` or ``not_running`` (the conference has ended or
    never started)."""

    default_status = 409

    def __init__(self, message="", status=409, reason=""):
        super().__init__(message, status)
        self.reason = reason

    @classmethod
    def from_answer(cls, message, status, answer):
        return cls(message, status, answer.get("reason", ""))

    def answer(self):
        return {"code": "conflict", "message": self.message, "reason": self.reason}


class RateLimitedError(ProviderError):
    """Too many requests (429); ``retry_after`` is in seconds."""

    retryable = True
    default_status = 429

    def __init__(self, message="", status=429, retry_after=1.0):
        super().__init__(message, status)
        self.retry_after = retry_after

    @classmethod
    def from_answer(cls, message, status, answer):
        return cls(message, status, answer.get("retry_after", 1.0))


class UnavailableError(ProviderError):
    """The PBX cannot answer now (5xx, connection refused)."""

    retryable = True
    default_status = 503


class ProviderTimeout(ProviderError):
    """No answer in time. The request may or may not have been carried out."""

    retryable = True
    outcome_unknown = True


class BadResponseError(ProviderError):
    """The PBX answered, but not as the contract (``pbx_api.openapi.yaml``)
    describes: a body that is not JSON, an HTML page from a proxy, JSON of
    another shape, or a status the operation does not document.
    ``detail`` says what was wrong."""

    # A 2xx answered badly: the PBX may well have done what was asked.
    outcome_unknown = True

    def __init__(self, message="", status=None, detail=""):
        super().__init__(message, status)
        self.detail = detail

    def __str__(self):
        return f"{self.message} ({self.detail})" if self.detail else self.message


class PreconditionFailedError(ProviderError):
    """The object changed on the PBX since the version sent in If-Match
    (412); ``current`` is the object as the PBX has it now (or None)."""

    default_status = 412

    def __init__(self, message="", status=412, current=None):
        super().__init__(message, status)
        self.current = current

    @classmethod
    def from_answer(cls, message, status, answer):
        current = answer.get("current")
        if current:
            kind = Room if "extension" in current else IncomingNumber
            current = kind.from_dict(current)
        return cls(message, status, current or None)


class CursorExpiredError(ProviderError):
    """The PBX no longer knows what changed since this cursor (410): list
    everything again."""

    default_status = 410


# The contract's error answers, one row per status: its ``error.code`` and
# the error it raises. The REST client reads it to raise, the REST server
# and the simulator to answer; a 409 with a ``reason`` is a room refusing
# in its state (``conflict``), see :func:`error_from_answer`.
ERROR_STATUSES = {
    400: ("bad_request", ProviderValidationError),
    401: ("unauthorized", AuthError),
    403: ("unauthorized", AuthError),
    404: ("not_found", NotFoundError),
    409: ("validation_error", ProviderValidationError),
    410: ("cursor_expired", CursorExpiredError),
    412: ("precondition_failed", PreconditionFailedError),
    422: ("validation_error", ProviderValidationError),
    429: ("rate_limited", RateLimitedError),
}


def error_code(status):
    """The contract's ``error.code`` of an error answered with ``status``."""
    return ERROR_STATUSES.get(status, ("unavailable", None))[0]


def error_from_answer(status, message, answer=None):
    """The ProviderError of an error answer: ``status``, its message and what
    its body carried (see :meth:`ProviderError.from_answer`)."""
    answer = answer or {}
    if status == 409 and answer.get("reason"):
        kind = ConferenceStateError
    elif status in ERROR_STATUSES:
        kind = ERROR_STATUSES[status][1]
    else:
        kind = UnavailableError if status >= 500 else ProviderError
    return kind.from_answer(message, status, answer)


# The errors of one operation of a bulk, returned in its place; any other
# (AuthError, UnavailableError, ...) fails the PBX as a whole and is raised.
BULK_OPERATION_ERRORS = (
    NotFoundError,
    ProviderValidationError,
    PreconditionFailedError,
)


class PbxBackend(ABC):
    """What every backend does. Lists return every item (pagination is the
    backend's business); writes are *staged* until :meth:`apply_changes`."""

    request_count = 0
    # Set when another owner took this PBX's state over: nothing to keep.
    released = False

    def state_to_keep(self):
        """What the caller keeps of this backend after a call (the built-in
        simulator's state); None for a PBX that keeps its own."""
        return None

    def capabilities(self):
        """What this PBX supports: ``{name: bool}`` for every name of
        :data:`CAPABILITIES` (more keys may come, e.g. ``bulk``). A backend
        that declares nothing supports nothing beyond rooms and invites."""
        return dict.fromkeys(CAPABILITIES, False)

    # -- the generic verbs of the sync, per resource ("rooms", "numbers") --

    @abstractmethod
    def changes(self, resource, cursor=""):
        """What changed since ``cursor`` (everything when empty): Changes.

        Raises CursorExpiredError when the PBX refuses the cursor. A backend
        without the ``incremental`` capability always answers everything."""

    @abstractmethod
    def create_object(self, resource, values, idempotency_key=None):
        """Create an object from ``values`` (a dict); return it with its id
        and version. The same ``idempotency_key`` never creates twice."""

    @abstractmethod
    def update_object(self, resource, object_id, values, if_match=None):
        """Change only the keys of ``values`` of object ``object_id``; return
        the object. With ``if_match`` (a version), raise
        PreconditionFailedError if the object's version differs."""

    @abstractmethod
    def delete_object(self, resource, object_id):
        """Delete an object. Deleting a missing object raises NotFoundError."""

    def bulk(self, resource, operations):
        """Carry out up to BULK_MAX operations in order, in one request when
        the PBX has the ``bulk`` capability.

        :param operations: dicts ``{"op": "create", "values", "idempotency_key"}``
            or ``{"op": "update", "id", "values", "if_match"}``
        :return: one result per operation: the object, or the ProviderError
            that operation raised. Failures of the PBX as a whole
            (AuthError, UnavailableError, ...) are raised.
        """
        return [
            self._bulk_operation(
                resource, operation, self.create_object, self.update_object
            )
            for operation in operations
        ]

    @staticmethod
    def _bulk_operation(resource, operation, create, update):
        """Carry out one operation of a bulk with ``create(resource, values,
        idempotency_key)`` or ``update(resource, id, values, if_match)``:
        the object, or the error of that operation alone."""
        try:
            if operation["op"] == "create":
                return create(
                    resource, operation["values"], operation.get("idempotency_key")
                )
            return update(
                resource,
                operation["id"],
                operation["values"],
                operation.get("if_match"),
            )
        except BULK_OPERATION_ERRORS as error:
            return error

    # -- the named verbs, for callers that are not the sync --------------

    def list_rooms(self):
        """Return the rooms as the PBX has them now (staged state): [Room]."""
        return self.changes("rooms").items

    def create_room(self, room, idempotency_key=None):
        """Create ``room``; return it with its provider ``id``."""
        return self.create_object("rooms", room.values(), idempotency_key)

    def update_room(self, room_id, values, if_match=None):
        """Change room ``room_id``: ``values`` is a dict of the keys to change
        (or a Room, all of them); return the room."""
        if isinstance(values, Room):
            values = values.values()
        return self.update_object("rooms", room_id, values, if_match)

    def delete_room(self, room_id):
        """Delete room ``room_id``. Deleting a missing room raises NotFoundError."""
        return self.delete_object("rooms", room_id)

    def list_numbers(self):
        """Return the incoming numbers: [IncomingNumber]."""
        return self.changes("numbers").items

    def set_number_destination(self, number_id, destination_type, destination=""):
        """Set the voice destination of number ``number_id``; return it."""
        return self.update_object(
            "numbers",
            number_id,
            {"destination_type": destination_type, "destination": destination or ""},
        )

    @abstractmethod
    def apply_changes(self):
        """Put every staged change in production: ApplyResult."""

    @abstractmethod
    def invite(self, room_id, target, idempotency_key=None):
        """Have the PBX call ``target`` (extension or E.164) into the room:
        return the new Participant. The same ``idempotency_key`` sent again
        returns the first participant: the invitee's phone rings once."""

    @abstractmethod
    def list_participants(self, room_id):
        """Return the participants of the room now: [Participant]."""

    # Host controls: what :meth:`capabilities` declares. A backend without a
    # capability keeps these defaults, which refuse.

    def room_live(self, room_id):
        """The room's live state: RoomLive. Needs ``participants``."""
        raise ProviderError("This PBX does not report a room's live state.")

    def update_participant(self, room_id, participant_id, **changes):
        """Change ``muted``, ``on_hold`` or ``role`` of a participant; return
        it (Participant). NotFoundError when they have left. Needs ``mute``."""
        raise ProviderError("This PBX cannot change a participant.")

    def remove_participant(self, room_id, participant_id):
        """Disconnect a participant (ConfBridge's Kick). NotFoundError when
        they have left. Needs ``remove``."""
        raise ProviderError("This PBX cannot remove a participant.")

    def room_action(self, room_id, action):
        """One of :data:`ROOM_ACTIONS` on a running conference; return the
        RoomLive after it. ConferenceStateError(``not_running``) on an idle
        room. Needs ``lock`` (lock, unlock), ``mute`` (mute_all, unmute_all)
        or ``end``."""
        raise ProviderError("This PBX has no conference actions.")

    def events(self, cursor=0, limit=100):
        """The events after ``cursor``, oldest first: ``(events, cursor)``
        where ``cursor`` is the last one's (or the one given when none).
        Needs ``events``."""
        raise ProviderError("This PBX does not report events.")
