# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Signed webhooks: how a PBX pushes its events to Odoo.

The PBX POSTs ``{"events": [Event, ...]}`` (see :class:`.provider.Event`) as
JSON with two headers::

    X-Pbx-Timestamp: 1764518400            (Unix time, seconds)
    X-Pbx-Signature: v1=<hex>              (HMAC-SHA256)

The signature is HMAC-SHA256, keyed with the PBX's webhook secret, over the
timestamp, a dot and the raw body (the scheme of Stripe and Slack). The
receiver refuses a request whose headers are missing or garbled
(``malformed``), whose timestamp is further than ``tolerance`` seconds from
its clock (``stale``), whose signature does not match (``forged``), whose
signature it has already accepted within the window (``replayed``), or whose
body is not the expected JSON (``malformed``). The reasons are for the
receiver's log only: the sender gets a bare 401.

This is the voip_conference project's contract, like pbx_api.openapi.yaml.
"""

import hashlib
import hmac
import json
import logging
import threading
import time

import requests

_logger = logging.getLogger(__name__)

TIMESTAMP_HEADER = "X-Pbx-Timestamp"
SIGNATURE_HEADER = "X-Pbx-Signature"
SCHEME = "v1"
TOLERANCE = 300  # seconds; the replay window is as long


class WebhookError(Exception):
    """A refused delivery; ``reason`` is malformed, stale, forged or replayed."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


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


def verify(secret, headers, body, now=None, tolerance=TOLERANCE, seen=None):
    """Check one delivery; return its events (a list of dicts).

    ``headers`` is a mapping (case as sent), ``body`` the raw bytes.
    ``seen(signature, timestamp)`` returns True when that signature was
    already accepted (and remembers it otherwise): the replay check, which
    the caller stores where every worker sees it. Raises WebhookError.
    """
    if not secret:
        raise WebhookError("forged")
    timestamp = headers.get(TIMESTAMP_HEADER) or ""
    signature = headers.get(SIGNATURE_HEADER) or ""
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise WebhookError("malformed")
    scheme, _sep, digest = signature.partition("=")
    if scheme != SCHEME or len(digest) != 64:
        raise WebhookError("malformed")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > tolerance:
        raise WebhookError("stale")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        raise WebhookError("forged")
    if seen is not None and seen(signature, int(timestamp)):
        raise WebhookError("replayed")
    try:
        payload = json.loads(body)
    except ValueError as error:
        raise WebhookError("malformed") from error
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        raise WebhookError("malformed")
    return events


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
