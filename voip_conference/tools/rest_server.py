# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The simulated PBX served over the project's REST contract.

``pbx_api.openapi.yaml`` beside this file is the contract. The tests start
this server on a loopback port and talk to it over real HTTP; anyone can run
it on its own to try the REST backend::

    python3 voip_conference/tools/rest_server.py --port 8765 --token s3cret

It listens on loopback only and requires the token on every request.
"""

import argparse
import dataclasses
import hmac
import json
import logging
import os
import re
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

if __package__ in (None, ""):  # run as a script: load the tools package by path
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "tools"  # noqa: A001

from .provider import (  # noqa: E402
    BULK_MAX,
    BadResponseError,
    ProviderError,
    ProviderTimeout,
    RateLimitedError,
    UnavailableError,
    error_code,
)
from .simulated_pbx import SimulatedPbx  # noqa: E402
from .webhook import WebhookSender  # noqa: E402

_logger = logging.getLogger(__name__)

ROOM_FIELDS = {
    "name": str,
    "extension": str,
    "access_code": str,
    "admin_extension": str,
    "wait_for_admin": bool,
    "max_participants": int,
}
# What a malformed-answer fault of the simulator sends over HTTP: status,
# content type, body (a truncated JSON, a proxy's page, another shape).
MALFORMED_ANSWERS = {
    "not_json": (200, "application/json", b'{"items": [ this is not'),
    "html": (
        200,
        "text/html",
        b"<html><body><h1>502 Bad Gateway</h1>nginx</body></html>",
    ),
    "wrong_shape": (200, "application/json", b'{"unexpected": "shape"}'),
}


class ApiError(Exception):
    def __init__(self, status, message, fields=None, headers=None, reason=""):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}
        self.reason = reason


class SimulatedPbxServer:
    """A threaded HTTP server exposing one :class:`SimulatedPbx`.

    ``delays`` holds response delays for tests: ``{"create_room": 2.0}``
    makes the server carry out the next creation, then wait 2 s before
    answering (a client with a shorter read timeout sees a timeout although
    the room exists). ``slow`` does the same for every call.

    ``rewrites`` makes it a bridge that answers badly: ``{"list_rooms":
    func}`` passes each answer of the operation, ``(status, payload[,
    headers])``, through ``func``, which returns the answer sent (a list
    whose ``next_page`` never advances, a 429 with ``Retry-After`` as a date).
    """

    def __init__(
        self,
        token,
        pbx=None,
        host="127.0.0.1",
        port=0,
        webhook_url=None,
        webhook_secret=None,
    ):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("The simulated PBX server listens on loopback only.")
        self.token = token
        self.pbx = pbx or SimulatedPbx()
        self.lock = threading.RLock()
        self.delays = {}
        self.slow = {}
        self.rewrites = {}
        # How long a "timeout" fault keeps the client waiting: more than the
        # client's read timeout in the tests.
        self.fault_timeout = 1.0
        self.requests = []
        # Events pushed to Odoo as signed webhooks, when a URL is given.
        self.webhook = None
        if webhook_url:
            self.webhook = WebhookSender(webhook_url, webhook_secret, self._events)
        handler = type("Handler", (_Handler,), {"server_app": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.thread = None

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        if self.webhook:
            self.webhook.start(self.pbx.state.get("event_cursor", 0))
        return self

    def stop(self):
        if self.webhook:
            self.webhook.stop()
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread:
            self.thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------------

    def _events(self, cursor):
        with self.lock:
            return self.pbx.events(cursor)

    def act(self, func, *args, **kwargs):
        """Change the PBX from its own side (someone dials in, hangs up):
        ``server.act(server.pbx.dial_in, room_id, "+32...")``. The change
        is pushed like any other."""
        with self.lock:
            result = func(*args, **kwargs)
        if self.webhook:
            self.webhook.wake()
        return result

    def check_token(self, header):
        expected = f"Bearer {self.token}"
        if not header or not hmac.compare_digest(header.encode(), expected.encode()):
            raise ApiError(401, "Missing or invalid API token.")

    def delay(self, operation):
        seconds = self.delays.pop(operation, 0) or self.slow.get(operation, 0)
        if seconds:
            time.sleep(seconds)

    def dispatch(self, method, path, query, body, headers):
        for route_method, pattern, handler, operation in ROUTES:
            if route_method != method:
                continue
            match = pattern.fullmatch(path)
            if match:
                try:
                    with self.lock:
                        result = handler(
                            self,
                            *match.groups(),
                            query=query,
                            body=body,
                            headers=headers,
                        )
                finally:
                    if self.webhook and method != "GET":
                        self.webhook.wake()
                rewrite = self.rewrites.get(operation)
                if rewrite:
                    result = rewrite(*result)
                # Outside the lock: a late answer does not hold other requests.
                self.delay(operation)
                return result
        raise ApiError(404, f"No route {method} {path}.")


RESOURCE_PATHS = {"rooms": "conferences", "numbers": "incoming-numbers"}


def _page(changes, query):
    try:
        page = int(query.get("page", ["1"])[0])
        per_page = int(query.get("per_page", ["100"])[0])
    except ValueError as error:
        raise ApiError(400, "page and per_page are integers.") from error
    if page < 1 or not 1 <= per_page <= 1000:
        raise ApiError(400, "page >= 1 and 1 <= per_page <= 1000.")
    items = changes.items
    start = (page - 1) * per_page
    chunk = items[start : start + per_page]
    has_next = start + per_page < len(items)
    return 200, {
        "items": [dataclasses.asdict(item) for item in chunk],
        "deleted": changes.deleted,
        "cursor": changes.cursor,
        "full": changes.full,
        "page": page,
        "per_page": per_page,
        "total": len(items),
        "next_page": page + 1 if has_next else None,
    }


def _etag(version):
    return {"ETag": f'"{version}"'}


def _if_match(headers):
    value = headers.get("If-Match")
    if value is None:
        return None
    try:
        return int(value.strip().strip('"'))
    except ValueError as error:
        raise ApiError(400, "If-Match is a version in double quotes.") from error


def _room_input(body, partial=False):
    if not isinstance(body, dict):
        raise ApiError(400, "A JSON object is expected.")
    errors = {}
    for key, value in body.items():
        expected = ROOM_FIELDS.get(key)
        if expected is None:
            errors[key] = "Unknown field."
        elif not isinstance(value, expected) or (
            expected is int and isinstance(value, bool)
        ):
            errors[key] = f"Must be a {expected.__name__}."
    if not partial:
        for key in ("name", "extension"):
            if key not in body:
                errors[key] = "Required."
    elif not body:
        errors["body"] = "Nothing to change."
    if errors:
        raise ApiError(422, "The conference room is invalid.", errors)
    return body


def _number_input(body):
    if not isinstance(body, dict) or not body:
        raise ApiError(422, "The destination is invalid.", {"body": "Required."})
    errors = {
        key: "Unknown field."
        for key in body
        if key not in ("destination_type", "destination")
    }
    errors.update(
        {
            key: "Must be a str."
            for key in ("destination_type", "destination")
            if key in body and not isinstance(body[key], str)
        }
    )
    if errors:
        raise ApiError(422, "The destination is invalid.", errors)
    return body


INPUTS = {
    "rooms": lambda body: _room_input(body, partial=True),
    "numbers": _number_input,
}


def _list(resource):
    def handler(app, query, **_kw):
        cursor = query.get("updated_since", [""])[0]
        return _page(app.pbx.changes(resource, cursor), query)

    return handler


def _create_room(app, body, headers, **_kw):
    values = _room_input(body)
    key = headers.get("Idempotency-Key")
    replay = bool(key) and key in app.pbx.state["idempotency"]
    created = app.pbx.create_object("rooms", values, idempotency_key=key)
    return (200 if replay else 201), dataclasses.asdict(created), _etag(created.version)


def _update(resource):
    def handler(app, object_id, body, headers, **_kw):
        values = INPUTS[resource](body)
        updated = app.pbx.update_object(resource, object_id, values, _if_match(headers))
        return 200, dataclasses.asdict(updated), _etag(updated.version)

    return handler


def _bulk(resource):
    def handler(app, body, **_kw):
        operations = body.get("operations") if isinstance(body, dict) else None
        if not isinstance(operations, list) or not operations:
            raise ApiError(
                422, "operations: a list is required.", {"operations": "Required."}
            )
        if len(operations) > BULK_MAX:
            raise ApiError(
                422,
                f"At most {BULK_MAX} operations per request.",
                {"operations": "Too many."},
            )
        checked = []
        for operation in operations:
            verb = operation.get("op") if isinstance(operation, dict) else None
            if verb not in ("create", "update") or (
                verb == "create" and resource != "rooms"
            ):
                raise ApiError(422, "Unknown operation.", {"op": str(verb)})
            if verb == "create":
                values = _room_input(operation.get("values"))
            else:
                values = INPUTS[resource](operation.get("values"))
            checked.append(operation | {"values": values})
        results = []
        for result in app.pbx.bulk(resource, checked):
            if isinstance(result, Exception):
                results.append(_error_result(result))
            else:
                results.append({"status": 200, "item": dataclasses.asdict(result)})
        return 200, {"results": results}

    return handler


def _error_result(error):
    """A bulk result (and an answer's body) for ``error``."""
    result = {"status": error.http_status(), "error": error.answer()}
    if getattr(error, "current", None) is not None:
        result["current"] = dataclasses.asdict(error.current)
    return result


def _delete_room(app, room_id, **_kw):
    app.pbx.delete_object("rooms", room_id)
    return 204, None


def _invite(app, room_id, body, headers, **_kw):
    if not isinstance(body, dict) or not isinstance(body.get("target"), str):
        raise ApiError(422, "The invitee is invalid.", {"target": "Required."})
    participant = app.pbx.invite(
        room_id, body["target"], idempotency_key=headers.get("Idempotency-Key")
    )
    return 201, dataclasses.asdict(participant)


def _participants(app, room_id, **_kw):
    items = app.pbx.list_participants(room_id)
    return 200, {"items": [dataclasses.asdict(p) for p in items]}


def _room_live(app, room_id, **_kw):
    return 200, dataclasses.asdict(app.pbx.room_live(room_id))


def _update_participant(app, room_id, participant_id, body, **_kw):
    if not isinstance(body, dict) or not body:
        raise ApiError(400, "A JSON object with muted, on_hold or role is expected.")
    participant = app.pbx.update_participant(room_id, participant_id, **body)
    return 200, dataclasses.asdict(participant)


def _remove_participant(app, room_id, participant_id, **_kw):
    app.pbx.remove_participant(room_id, participant_id)
    return 204, None


def _room_action(app, room_id, action, **_kw):
    return 200, dataclasses.asdict(app.pbx.room_action(room_id, action))


def _events(app, query, **_kw):
    try:
        cursor = int(query.get("cursor", ["0"])[0])
        limit = int(query.get("limit", ["100"])[0])
    except ValueError as error:
        raise ApiError(400, "cursor and limit are integers.") from error
    if cursor < 0 or not 1 <= limit <= 1000:
        raise ApiError(400, "cursor >= 0 and 1 <= limit <= 1000.")
    events, cursor = app.pbx.events(cursor, limit)
    return 200, {"items": [event.to_dict() for event in events], "cursor": cursor}


def _capabilities(app, **_kw):
    return 200, app.pbx.capabilities()


def _apply(app, **_kw):
    result = app.pbx.apply_changes()
    return 200, dataclasses.asdict(result)


# (method, path, handler, operation name used by ``delays``)
ROUTES = [
    ("GET", re.compile(r"/v1/capabilities"), _capabilities, "capabilities"),
    ("GET", re.compile(r"/v1/conferences"), _list("rooms"), "list_rooms"),
    ("POST", re.compile(r"/v1/conferences"), _create_room, "create_room"),
    ("POST", re.compile(r"/v1/conferences/bulk"), _bulk("rooms"), "bulk_rooms"),
    ("PATCH", re.compile(r"/v1/conferences/([^/]+)"), _update("rooms"), "update_room"),
    ("DELETE", re.compile(r"/v1/conferences/([^/]+)"), _delete_room, "delete_room"),
    ("POST", re.compile(r"/v1/conferences/([^/]+)/invite"), _invite, "invite"),
    (
        "GET",
        re.compile(r"/v1/conferences/([^/]+)/participants"),
        _participants,
        "list_participants",
    ),
    ("GET", re.compile(r"/v1/conferences/([^/]+)/live"), _room_live, "room_live"),
    (
        "PATCH",
        re.compile(r"/v1/conferences/([^/]+)/participants/([^/]+)"),
        _update_participant,
        "update_participant",
    ),
    (
        "DELETE",
        re.compile(r"/v1/conferences/([^/]+)/participants/([^/]+)"),
        _remove_participant,
        "remove_participant",
    ),
    (
        "POST",
        re.compile(r"/v1/conferences/([^/]+)/actions/([^/]+)"),
        _room_action,
        "room_action",
    ),
    ("GET", re.compile(r"/v1/events"), _events, "events"),
    ("GET", re.compile(r"/v1/incoming-numbers"), _list("numbers"), "list_numbers"),
    (
        "POST",
        re.compile(r"/v1/incoming-numbers/bulk"),
        _bulk("numbers"),
        "bulk_numbers",
    ),
    (
        "PATCH",
        re.compile(r"/v1/incoming-numbers/([^/]+)"),
        _update("numbers"),
        "set_number_destination",
    ),
    ("POST", re.compile(r"/v1/apply"), _apply, "apply_changes"),
]


class _Handler(BaseHTTPRequestHandler):
    server_app = None
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes: without TCP_NODELAY each answer
    # on a kept-alive connection waits for the client's delayed ACK (40 ms).
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - http.server's signature
        _logger.debug("simulated PBX: " + format, *args)

    def handle_one_request(self):
        try:
            return super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (its read timeout): nothing to answer to.
            _logger.debug("simulated PBX: the client left before the answer")
            self.close_connection = True
            return None

    def _handle(self):
        app = self.server_app
        url = urlsplit(self.path)
        app.requests.append((self.command, url.path))
        try:
            app.check_token(self.headers.get("Authorization"))
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError as error:
                raise ApiError(400, "The body is not JSON.") from error
            status, payload, *headers = app.dispatch(
                self.command, url.path, parse_qs(url.query), body, self.headers
            )
            self._send(status, payload, headers[0] if headers else None)
        except ApiError as error:
            self._send_error(error.status, error.message, error.fields, error.headers)
        except BadResponseError as error:
            status, content_type, data = MALFORMED_ANSWERS[error.simulated]
            self._send_raw(status, content_type, data)
        except ProviderTimeout as error:
            # A real timeout: the client gives up before this answer.
            time.sleep(app.fault_timeout)
            self._send_error(503, error.message)
        except UnavailableError as error:
            if getattr(error, "simulated", None) == "reset":
                self._reset()
                return
            self._send_answer(error)
        except ProviderError as error:
            self._send_answer(error)

    def _send_answer(self, error):
        """Answer ``error`` as the contract says (``provider.ERROR_STATUSES``)."""
        body = _error_result(error)
        status = body.pop("status")
        headers = None
        if isinstance(error, RateLimitedError):
            headers = {"Retry-After": str(int(error.retry_after))}
        self._send(status, body, headers)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    def _send_error(self, status, message, fields=None, headers=None, reason=""):
        code = "conflict" if reason else error_code(status)
        error = {"code": code, "message": message}
        if fields:
            error["fields"] = fields
        if reason:
            error["reason"] = reason
        self._send(status, {"error": error}, headers)

    def _reset(self):
        """Lose the connection without answering, as a crashed proxy does."""
        self.close_connection = True
        sock = self.connection
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()

    def _send_raw(self, status, content_type, data):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send(self, status, payload, headers=None):
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if data:
            self.wfile.write(data)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Serve a simulated PBX on loopback.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--token",
        default=os.environ.get("VOIP_PBX_TOKEN"),
        help="required API token (or VOIP_PBX_TOKEN)",
    )
    parser.add_argument("--max-rooms", type=int, default=0)
    parser.add_argument("--max-participants", type=int, default=0)
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("a token is required: --token or VOIP_PBX_TOKEN")
    server = SimulatedPbxServer(args.token, host=args.host, port=args.port)
    server.pbx.set_limits(args.max_rooms, args.max_participants)
    sys.stdout.write(f"Simulated PBX API on {server.url}/v1 (Ctrl-C stops it)\n")
    sys.stdout.flush()
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        _logger.info("simulated PBX: stopped")
    finally:
        server.httpd.server_close()


if __name__ == "__main__":
    main()
