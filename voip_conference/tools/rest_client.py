# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A ``requests`` client of the project's REST provider API.

The contract is ``pbx_api.openapi.yaml`` beside this file. One transport
method, :meth:`RestPbxClient._request`, does the timeouts, retries, error
mapping, answer validation and logging; the verbs below are thin.

Retries, with exponential backoff: only requests that are safe to repeat are
retried (GET, PUT, PATCH that sets absolute values, DELETE, and POST with an
Idempotency-Key, which the contract makes the server honour), after a
connection failure, a read timeout, 429 (after Retry-After) or 502/503/504. A
connection that was never made (refused, connect timeout) sent nothing: any
request is retried then. Room creation and Invite carry an Idempotency-Key,
so a retry never makes a second room nor rings the invitee twice.

Answers are validated against the contract with ``jsonschema``: a 2xx whose
status the operation does not document, whose body is not JSON (an HTML page
from a proxy, a truncated body) or whose JSON has another shape raises
:class:`~.provider.BadResponseError`, so client and contract cannot drift.

Errors map to the :mod:`.provider` family:

=========================  =========================
HTTP                       exception
=========================  =========================
401, 403                   AuthError
404                        NotFoundError
409 with a reason          ConferenceStateError (locked, full, not_running)
410                        CursorExpiredError (list everything again)
412                        PreconditionFailedError (with the current object)
400, 409, 422              ProviderValidationError (with the field errors)
429                        RateLimitedError (retry_after)
5xx, connection error      UnavailableError
timeout                    ProviderTimeout (outcome unknown)
2xx not as documented      BadResponseError
=========================  =========================
"""

import datetime
import email.utils
import functools
import logging
import pathlib
import re
import time
import uuid

import jsonschema
import requests
import urllib3
import yaml

from .provider import (
    CAPABILITIES,
    RESOURCE_TYPES,
    ApplyResult,
    AuthError,
    BadResponseError,
    Changes,
    Event,
    Participant,
    PbxBackend,
    ProviderTimeout,
    RateLimitedError,
    RoomLive,
    UnavailableError,
    error_from_answer,
)

_logger = logging.getLogger(__name__)

# PATCH is here because the contract's only PATCH sets absolute values.
IDEMPOTENT_METHODS = {"GET", "PUT", "PATCH", "DELETE", "HEAD"}
RETRY_STATUSES = {429, 502, 503, 504}
CONTRACT_PATH = pathlib.Path(__file__).with_name("pbx_api.openapi.yaml")
# Pages of one list read at most: 1,000 pages of 1,000 objects is more than
# any PBX holds; a list longer than that is a bridge that never ends.
MAX_PAGES = 1000


@functools.cache
def contract():
    """The OpenAPI document (a dict), read once."""
    return yaml.safe_load(CONTRACT_PATH.read_text(encoding="utf-8"))


@functools.cache
def _templates():
    """[(compiled path regex, path template)] of the contract's paths."""
    return [
        (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"), template)
        for template in contract()["paths"]
    ]


@functools.cache
def _validator(method, template, status):
    """``(documented, validator)`` of an answer: whether the contract
    documents ``status`` for the operation, and a jsonschema validator of
    its JSON body (None when the answer has no body)."""
    operation = contract()["paths"].get(template, {}).get(method.lower())
    documented = operation and operation["responses"].get(str(status))
    if not documented:
        return False, None
    if "$ref" in documented:
        name = documented["$ref"].rsplit("/", 1)[-1]
        documented = contract()["components"]["responses"][name]
    content = documented.get("content")
    if not content:
        return True, None
    # References resolved once: validating a page of 1,000 rooms then costs
    # no reference lookups (a third faster).
    schema = _inline(content["application/json"]["schema"], contract())
    return True, jsonschema.Draft202012Validator(schema)


@functools.cache
def schema_validator(name):
    """A jsonschema validator of the contract's schema ``name`` (in
    ``components/schemas``), its references resolved."""
    schema = _inline(contract()["components"]["schemas"][name], contract())
    return jsonschema.Draft202012Validator(schema)


def _inline(node, document):
    """``node`` with its local ``$ref`` replaced by what they point to (the
    contract's schemas are not recursive)."""
    if isinstance(node, dict):
        if "$ref" in node and node["$ref"].startswith("#/"):
            target = document
            for part in node["$ref"][2:].split("/"):
                target = target[part]
            return _inline(target, document)
        return {key: _inline(value, document) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(value, document) for value in node]
    return node


def _refused(error):
    """True when a ConnectionError means nothing was sent (no connection)."""
    reason = error.args[0] if error.args else None
    reason = getattr(reason, "reason", reason)
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def _utcnow():
    return datetime.datetime.now(datetime.UTC)


def retry_after_seconds(value, now):
    """The wait a ``Retry-After`` header asks for, in seconds (never < 0).

    RFC 9110 §10.2.3: either seconds or an HTTP date (IMF-fixdate, or the
    obsolete RFC 850 and asctime forms), read against ``now`` (an aware
    datetime). Anything else is 1 s.
    """
    value = (value or "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return 0.0 if _is_negative_number(value) else 1.0
    if when.tzinfo is None:  # asctime has no zone; HTTP dates are GMT
        when = when.replace(tzinfo=datetime.UTC)
    return max((when - now).total_seconds(), 0.0)


def _is_negative_number(value):
    try:
        return float(value) < 0
    except ValueError:
        return False


def mask(secret):
    """Show at most the last 4 characters of a secret in logs."""
    if not secret:
        return ""
    return "***" + secret[-4:] if len(secret) > 8 else "***"


class RestPbxClient(PbxBackend):
    def __init__(
        self,
        base_url,
        token,
        connect_timeout=3.05,
        read_timeout=10.0,
        max_retries=3,
        backoff=0.5,
        max_backoff=30.0,
        page_size=1000,
        sleep=time.sleep,
        session=None,
        max_pages=MAX_PAGES,
        now=_utcnow,
    ):
        if not base_url:
            raise ValueError("The PBX API URL is required.")
        self.base_url = base_url.rstrip("/")
        # A token pasted with its line break is still the token.
        self.token = (token or "").strip()
        self.timeout = (connect_timeout, read_timeout)
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.page_size = page_size
        self.max_pages = max_pages
        self.sleep = sleep
        # The clock a Retry-After date is read against (injected in tests).
        self.now = now
        self.session = session or requests.Session()
        self.request_count = 0

    # ------------------------------------------------------------------
    # Transport
    # ------------------------------------------------------------------

    def _request(self, method, path, json=None, params=None, headers=None):
        """Send one API call, with retries; return the decoded JSON (or None).

        :raises ProviderError: one of the family (see the module's table).
        """
        url = f"{self.base_url}{path}"
        headers = dict(headers or {})
        headers["Authorization"] = f"Bearer {self.token}"
        headers["Accept"] = "application/json"
        retryable = method in IDEMPOTENT_METHODS or "Idempotency-Key" in headers
        attempt = 0
        while True:
            attempt += 1
            self.request_count += 1
            _logger.debug(
                "PBX API %s %s (attempt %s, token %s)",
                method,
                url,
                attempt,
                mask(self.token),
            )
            kwargs = {"json": json, "params": params, "headers": headers}
            response, failure, can_retry = self._attempt(
                method, url, path, retryable, kwargs
            )
            if failure is None:
                return self._decode(method, path, response)
            if not self._retry_allowed(failure, can_retry, attempt):
                _logger.info(
                    "PBX API %s %s failed after %s attempt(s): %s",
                    method,
                    url,
                    attempt,
                    failure,
                )
                raise failure
            self.sleep(self._wait(failure, attempt))

    def _attempt(self, method, url, path, retryable, kwargs):
        """One try: ``(response, None, _)`` when answered below 400, else
        ``(None, failure, whether a retry is safe)``. Raises what no retry
        can help."""
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.exceptions.ConnectTimeout as error:
            # Not connected: nothing was carried out, retrying is safe.
            return (
                None,
                UnavailableError(f"Cannot connect to the PBX API: {error}"),
                True,
            )
        except requests.exceptions.ReadTimeout:
            failure = ProviderTimeout(
                f"The PBX API did not answer {method} {path} within "
                f"{self.timeout[1]} s."
            )
            return None, failure, retryable
        except requests.exceptions.ConnectionError as error:
            sent = not _refused(error)
            failure = UnavailableError(
                f"Cannot reach the PBX API: {error}",
                # The request left: the PBX may have carried it out.
                outcome_unknown=sent and method != "GET",
            )
            return None, failure, retryable or not sent
        except (requests.exceptions.InvalidHeader, ValueError) as error:
            # A token or URL no HTTP request can carry: no retry helps.
            raise AuthError(f"The API URL or token cannot be sent: {error}") from error
        except requests.exceptions.RequestException as error:
            raise UnavailableError(f"Cannot reach the PBX API: {error}") from error
        if response.status_code < 400:
            return response, None, False
        can_retry = response.status_code == 429 or (
            retryable and response.status_code in RETRY_STATUSES
        )
        return None, self._error(response, self.now()), can_retry

    def _retry_allowed(self, failure, can_retry, attempt):
        if isinstance(failure, RateLimitedError) and (
            failure.retry_after > self.max_backoff
        ):
            # Asked to wait longer than a request may: give up now rather
            # than come back before the PBX allows (the next sync will).
            return False
        return can_retry and attempt <= self.max_retries

    @staticmethod
    def _decode(method, path, response):
        """The JSON of a successful answer, as the contract describes it.

        :raises BadResponseError: undocumented status, not JSON, other shape.
        """
        status = response.status_code
        template = next(
            (
                tpl
                for regex, tpl in _templates()
                if regex.match(path) and method.lower() in contract()["paths"][tpl]
            ),
            None,
        )
        documented, validator = (
            _validator(method, template, status) if template else (False, None)
        )
        what = f"{method} {path} answered {status}"
        if not documented:
            raise BadResponseError(
                "The PBX's answer is not in the provider API's contract.",
                status,
                detail=what,
            )
        if validator is None:
            return None
        content_type = response.headers.get("Content-Type", "")
        try:
            if "json" not in content_type:
                raise ValueError(content_type or "no content type")
            data = response.json()
        except ValueError as error:
            raise BadResponseError(
                "The PBX's answer is not JSON.",
                status,
                detail=f"{what}: {content_type or '-'}, {response.text[:80]!r}",
            ) from error
        problem = jsonschema.exceptions.best_match(validator.iter_errors(data))
        if problem is not None:
            where = "/".join(str(p) for p in problem.absolute_path) or "body"
            raise BadResponseError(
                "The PBX's answer does not have the documented shape.",
                status,
                detail=f"{what}: {where}: {problem.message[:200]}",
            )
        return data

    def _wait(self, failure, attempt):
        if isinstance(failure, RateLimitedError):
            return max(failure.retry_after, 0)
        return min(self.backoff * 2 ** (attempt - 1), self.max_backoff)

    @classmethod
    def _error(cls, response, now=None):
        try:
            body = response.json()
        except ValueError:  # not JSON
            body = {}
        return cls._error_from(response.status_code, body, response.headers, now)

    @staticmethod
    def _error_from(status, body, headers, now=None):
        """The ProviderError of an error answer (the contract's table,
        ``provider.ERROR_STATUSES``)."""
        error = (body.get("error") if isinstance(body, dict) else None) or {}
        if not isinstance(error, dict):
            error = {}
        answer = dict(error)
        if isinstance(body, dict) and body.get("current"):
            answer["current"] = body["current"]
        if status == 429:
            answer["retry_after"] = retry_after_seconds(
                headers.get("Retry-After", "1"), now or _utcnow()
            )
        return error_from_answer(
            status, error.get("message") or f"HTTP {status}", answer
        )

    # ------------------------------------------------------------------
    # Verbs
    # ------------------------------------------------------------------

    def capabilities(self):
        """GET /v1/capabilities -> {participants, mute, remove, lock, end,
        events: bool, ...}; a key the PBX does not send is False."""
        data = self._request("GET", "/v1/capabilities")
        capabilities = dict.fromkeys(CAPABILITIES, False)
        capabilities.update(
            {key: value for key, value in data.items() if isinstance(value, bool)}
        )
        return capabilities

    def changes(self, resource, cursor=""):
        """GET /v1/{conferences,incoming-numbers}[?updated_since=cursor] (every
        page) -> Changes; 410 -> CursorExpiredError."""
        path, kind = self._path(resource), RESOURCE_TYPES[resource]
        params = {"per_page": self.page_size}
        if cursor:
            params["updated_since"] = cursor
        items, page, first = [], 1, None
        for _count in range(self.max_pages):
            data = self._request("GET", path, params=params | {"page": page})
            # The first page's cursor: what changes while we page comes next time.
            first = first or data
            items += [kind.from_dict(item) for item in data["items"]]
            page = self._next_page(path, page, data.get("next_page"))
            if page is None:
                break
        else:
            raise BadResponseError(
                "The PBX's list does not end.",
                detail=f"GET {path}: over {self.max_pages} pages",
            )
        return Changes(
            items=items,
            deleted=list(first.get("deleted") or []),
            cursor=str(first.get("cursor") or ""),
            full=bool(first.get("full", True)),
        )

    @staticmethod
    def _next_page(path, page, next_page):
        """The page after ``page``, or None at the end.

        :raises BadResponseError: a next page that does not come after this
            one (the same page again would list the same objects for ever).
        """
        if next_page is None:
            return None
        if isinstance(next_page, bool) or not isinstance(next_page, int):
            next_page = repr(next_page)
        if isinstance(next_page, str) or next_page <= page:
            raise BadResponseError(
                "The PBX's pages do not advance.",
                detail=f"GET {path}: page {page} says the next page is {next_page}",
            )
        return next_page

    def create_object(self, resource, values, idempotency_key=None):
        """POST /v1/conferences {name, extension, ...} -> Room with id and version"""
        key = idempotency_key or uuid.uuid4().hex
        data = self._request(
            "POST", self._path(resource), json=values, headers={"Idempotency-Key": key}
        )
        return RESOURCE_TYPES[resource].from_dict(data)

    def update_object(self, resource, object_id, values, if_match=None):
        """PATCH /v1/{resource}/{id} {the keys to change} [If-Match: "version"]
        -> the object; 412 -> PreconditionFailedError with the current one"""
        headers = {"If-Match": f'"{if_match}"'} if if_match is not None else None
        data = self._request(
            "PATCH", f"{self._path(resource)}/{object_id}", json=values, headers=headers
        )
        return RESOURCE_TYPES[resource].from_dict(data)

    def delete_object(self, resource, object_id):
        """DELETE /v1/conferences/{id} -> 204"""
        self._request("DELETE", f"{self._path(resource)}/{object_id}")

    def bulk(self, resource, operations):
        """POST /v1/{resource}/bulk {operations: [...]} -> {results: [...]}, one
        request for up to BULK_MAX operations (see PbxBackend.bulk)."""
        data = self._request(
            "POST",
            f"{self._path(resource)}/bulk",
            json={"operations": operations},
            # Creations carry their own keys; updates carry If-Match.
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        kind = RESOURCE_TYPES[resource]
        results = []
        for result in data["results"]:
            if result["status"] < 300:
                results.append(kind.from_dict(result["item"]))
            else:
                results.append(self._error_from(result["status"], result, {}))
        return results

    @staticmethod
    def _path(resource):
        return {"rooms": "/v1/conferences", "numbers": "/v1/incoming-numbers"}[resource]

    def apply_changes(self):
        """POST /v1/apply -> {applied, pending}"""
        # Applying twice is harmless: let a timeout or a 503 be retried.
        data = self._request(
            "POST", "/v1/apply", headers={"Idempotency-Key": uuid.uuid4().hex}
        )
        return ApplyResult(applied=data["applied"], pending=data.get("pending", 0))

    def invite(self, room_id, target, idempotency_key=None):
        """POST /v1/conferences/{id}/invite {target} -> Participant

        Carries an Idempotency-Key, so a retry rings the invitee once.
        """
        data = self._request(
            "POST",
            f"/v1/conferences/{room_id}/invite",
            json={"target": target},
            headers={"Idempotency-Key": idempotency_key or uuid.uuid4().hex},
        )
        return Participant.from_dict(data)

    def list_participants(self, room_id):
        """GET /v1/conferences/{id}/participants -> [Participant]"""
        data = self._request("GET", f"/v1/conferences/{room_id}/participants")
        return [Participant.from_dict(item) for item in data["items"]]

    def room_live(self, room_id):
        """GET /v1/conferences/{id}/live -> RoomLive"""
        return RoomLive.from_dict(
            self._request("GET", f"/v1/conferences/{room_id}/live")
        )

    def update_participant(self, room_id, participant_id, **changes):
        """PATCH /v1/conferences/{id}/participants/{pid} {muted, on_hold, role}
        -> Participant; 404 once they have left."""
        data = self._request(
            "PATCH",
            f"/v1/conferences/{room_id}/participants/{participant_id}",
            json=changes,
        )
        return Participant.from_dict(data)

    def remove_participant(self, room_id, participant_id):
        """DELETE /v1/conferences/{id}/participants/{pid} -> 204"""
        self._request(
            "DELETE", f"/v1/conferences/{room_id}/participants/{participant_id}"
        )

    def room_action(self, room_id, action):
        """POST /v1/conferences/{id}/actions/{action} -> RoomLive; 409
        (ConferenceStateError) when the conference is not running."""
        data = self._request("POST", f"/v1/conferences/{room_id}/actions/{action}")
        return RoomLive.from_dict(data)

    def events(self, cursor=0, limit=100):
        """GET /v1/events?cursor=&limit= -> ([Event], cursor)"""
        data = self._request(
            "GET", "/v1/events", params={"cursor": cursor, "limit": limit}
        )
        return [Event.from_dict(item) for item in data["items"]], data["cursor"]
