# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Signed webhooks: how a PBX pushes its events to Odoo.

The PBX POSTs ``{"events": [Event, ...]}`` (see :class:`.provider.Event` and
the contract's ``WebhookDelivery``) as JSON, signed in one of two ways:

- ours (Stripe's and Slack's scheme)::

      X-Pbx-Timestamp: 1764518400            (Unix time, seconds)
      X-Pbx-Signature: v1=<hex>              (HMAC-SHA256)

  over the timestamp, a dot and the raw body, keyed with the PBX's secret;
- Standard Webhooks (the convention of webhook relays and many vendors)::

      webhook-id: msg_2a...                  (the delivery's id)
      webhook-timestamp: 1764518400
      webhook-signature: v1,<base64>         (space-separated when several)

  over ``id.timestamp.body``, keyed with the secret's bytes, or with the
  base64-decoded rest of a ``whsec_`` secret as Standard Webhooks issues them.

The receiver refuses a request whose headers are missing or garbled
(``malformed``), whose timestamp is further than ``tolerance`` seconds from
its clock (``stale``), or whose signature does not match (``forged``): the
reasons are for the receiver's log only, the sender gets a bare 401. A signed
body that is not a ``WebhookDelivery`` is refused whole (:class:`InvalidDelivery`,
a 400). A redelivery is not refused: the receiver recognises each event by its
key (:attr:`.provider.Event.key`) and applies it once.

This is the voip_conference project's contract, like pbx_api.openapi.yaml.
"""

import base64
import binascii
import hashlib
import hmac
import json
import logging
import threading
import time
import uuid

import jsonschema
import requests

from .provider import Event
from .rest_client import schema_validator

_logger = logging.getLogger(__name__)

TIMESTAMP_HEADER = "X-Pbx-Timestamp"
SIGNATURE_HEADER = "X-Pbx-Signature"
SCHEME = "v1"
STANDARD_ID_HEADER = "webhook-id"
STANDARD_TIMESTAMP_HEADER = "webhook-timestamp"
STANDARD_SIGNATURE_HEADER = "webhook-signature"
STANDARD_SECRET_PREFIX = "whsec_"
TOLERANCE = 300  # seconds


class WebhookError(Exception):
    """A refused delivery; ``reason`` is malformed, stale, forged, replayed
    or no secret (none is set for the PBX in Odoo)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class InvalidDelivery(ValueError):
    """A signed delivery whose events are not what the contract says;
    ``detail`` says where (for the receiver's log)."""

    def __init__(self, detail):
        super().__init__(detail)
        self.detail = detail


def sign(secret, timestamp, body):
    """The ``X-Pbx-Signature`` value of ``body`` (bytes) sent at ``timestamp``."""
    message = str(int(timestamp)).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def signed_headers(secret, body, now=None):
    timestamp = int(time.time() if now is None else now)
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }


def standard_key(secret):
    """The HMAC key of ``secret`` in the Standard Webhooks scheme."""
    if not secret.startswith(STANDARD_SECRET_PREFIX):
        return secret.encode()
    try:
        return base64.b64decode(secret[len(STANDARD_SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        return secret.encode()  # not base64: the secret is used as it is


def sign_standard(secret, message_id, timestamp, body):
    """The ``webhook-signature`` value of ``body`` (bytes)."""
    message = f"{message_id}.{int(timestamp)}.".encode() + body
    digest = hmac.new(standard_key(secret), message, hashlib.sha256).digest()
    return f"{SCHEME},{base64.b64encode(digest).decode()}"


def standard_headers(secret, body, message_id=None, now=None):
    """Standard Webhooks headers of ``body``; a new delivery id unless given."""
    timestamp = int(time.time() if now is None else now)
    message_id = message_id or f"msg_{uuid.uuid4().hex}"
    return {
        "Content-Type": "application/json",
        STANDARD_ID_HEADER: message_id,
        STANDARD_TIMESTAMP_HEADER: str(timestamp),
        STANDARD_SIGNATURE_HEADER: sign_standard(secret, message_id, timestamp, body),
    }


def _header(headers, name):
    """``headers[name]`` whatever the case it was sent in, else ``""``."""
    name = name.lower()
    for key, value in headers.items():
        if key.lower() == name:
            return value or ""
    return ""


def _check_timestamp(timestamp, now, tolerance):
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise WebhookError("malformed")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > tolerance:
        raise WebhookError("stale")


def _verify_ours(secret, headers, body, now, tolerance):
    timestamp = _header(headers, TIMESTAMP_HEADER)
    signature = _header(headers, SIGNATURE_HEADER)
    scheme, _sep, digest = signature.partition("=")
    if not timestamp.isdigit() or scheme != SCHEME or len(digest) != 64:
        raise WebhookError("malformed")
    _check_timestamp(timestamp, now, tolerance)
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        raise WebhookError("forged")
    return signature, int(timestamp)


def _verify_standard(secret, headers, body, now, tolerance):
    message_id = _header(headers, STANDARD_ID_HEADER)
    timestamp = _header(headers, STANDARD_TIMESTAMP_HEADER)
    signatures = _header(headers, STANDARD_SIGNATURE_HEADER).split()
    if not message_id or not signatures:
        raise WebhookError("malformed")
    _check_timestamp(timestamp, now, tolerance)
    expected = sign_standard(secret, message_id, timestamp, body)
    # Several signatures while a secret is rotated; other schemes (v1a,
    # asymmetric) are not ours to check.
    for signature in signatures:
        if hmac.compare_digest(expected.encode(), signature.encode()):
            return signature, int(timestamp)
    raise WebhookError("forged")


def verify(secret, headers, body, now=None, tolerance=TOLERANCE, seen=None):
    """Check one delivery, signed either way; return its events (a list of
    dicts, not yet checked against the contract: see :func:`parse_events`).

    ``headers`` is a mapping (any case), ``body`` the raw bytes.
    ``seen(signature, timestamp)``, when given, returns True when that
    signature was already accepted (a receiver that does not recognise
    events by their key). Raises WebhookError.
    """
    if not secret:
        # Nothing can be checked: the PBX's secret is not set in Odoo.
        raise WebhookError("no secret")
    standard = _header(headers, STANDARD_SIGNATURE_HEADER)
    check = _verify_standard if standard else _verify_ours
    signature, timestamp = check(secret, headers, body, now, tolerance)
    if seen is not None and seen(signature, timestamp):
        raise WebhookError("replayed")
    try:
        payload = json.loads(body)
    except ValueError as error:
        raise WebhookError("malformed") from error
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        raise WebhookError("malformed")
    return events


def parse_events(events):
    """``events`` (dicts from :func:`verify`) as :class:`.provider.Event`,
    every one checked before any is returned: the contract's schema, no NUL
    character (no database stores one), and each event about the room it
    names. Raises InvalidDelivery."""
    problem = jsonschema.exceptions.best_match(
        schema_validator("WebhookDelivery").iter_errors({"events": events})
    )
    if problem is not None:
        where = "/".join(str(p) for p in problem.absolute_path) or "body"
        raise InvalidDelivery(f"{where}: {problem.message[:200]}")
    if _holds_nul(events):
        raise InvalidDelivery("a text holds a NUL character")
    for index, event in enumerate(events):
        participant = event.get("participant") or {}
        rooms = {event["room"]["room_id"], participant.get("room_id")}
        if rooms - {event["room_id"], None}:
            raise InvalidDelivery(f"events/{index}: about another room")
    return [Event.from_dict(event) for event in events]


def _holds_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class ReplayCache:
    """In-memory ``seen`` for :func:`verify` (one process: tests, tools)."""

    def __init__(self, tolerance=TOLERANCE, clock=time.time):
        self.tolerance = tolerance
        self.clock = clock
        self._seen = {}
        self._lock = threading.Lock()

    def __call__(self, signature, timestamp):
        with self._lock:
            horizon = self.clock() - 2 * self.tolerance
            self._seen = {k: t for k, t in self._seen.items() if t >= horizon}
            if signature in self._seen:
                return True
            self._seen[signature] = timestamp
            return False


class WebhookSender:
    """Deliver a PBX's events to one URL, in order, signed.

    :meth:`wake` after each change; a daemon thread reads the events after
    the last delivered cursor with ``read(cursor) -> (events, cursor)`` and
    POSTs them. A failed delivery is tried again (backoff up to 30 s); the
    cursor moves only once the receiver answered 2xx.
    """

    def __init__(self, url, secret, read, timeout=5.0, session=None):
        self.url = url
        self.secret = secret
        self.read = read
        self.timeout = timeout
        self.session = session or requests.Session()
        self.cursor = 0
        # (cursor, HTTP status, sent at, answered at) for tests and benchmarks
        self.delivered = []
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self, cursor=0):
        self.cursor = cursor
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=5)

    def wake(self):
        self._wake.set()

    def deliver_once(self):
        """POST what is pending; return the HTTP status (None: nothing)."""
        events, cursor = self.read(self.cursor)
        if not events:
            return None
        body = json.dumps({"events": [e.to_dict() for e in events]}).encode()
        sent_at = time.time()
        response = self.session.post(
            self.url,
            data=body,
            headers=signed_headers(self.secret, body),
            timeout=self.timeout,
        )
        self.delivered.append((cursor, response.status_code, sent_at, time.time()))
        if 200 <= response.status_code < 300:
            self.cursor = cursor
        return response.status_code

    def _run(self):
        backoff = 0.5
        while not self._stop.is_set():
            self._wake.wait(timeout=1.0)
            self._wake.clear()
            try:
                status = self.deliver_once()
            except requests.RequestException as error:
                status = None
                _logger.info("webhook to %s failed: %s", self.url, error)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 30)
                self._wake.set()
                continue
            if status is not None and not 200 <= status < 300:
                _logger.info("webhook to %s refused: HTTP %s", self.url, status)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 30)
                self._wake.set()
            else:
                backoff = 0.5
                if status is not None:
                    self._wake.set()  # more may have come meanwhile
