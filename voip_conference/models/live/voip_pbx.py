# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import hashlib
import json
import logging
import time
import uuid

from odoo import api, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from ...tools.provider import CAPABILITIES, ProviderError

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)


class VoipPbx(models.Model):
    """Host controls on a PBX: what it can do (cached per process), its
    events, the re-reading of rooms, the keys of its call-outs."""

    _inherit = "voip.pbx"

    def _callout_key(self, *parts, once=False):
        """The Idempotency-Key of a call-out of this PBX (an invite, a
        call-in): the key of the action, not of the attempt.

        Odoo runs a request again, whole, after a serialization failure: the
        PBX must recognise the call it has already made, so every attempt of
        one request sends the same key (a salt kept on the request), while
        the next request (another click) sends a new one. ``once``: ``parts``
        name a call-out made once ever (an event's call-in of an attendee),
        whatever the request or scheduled run that makes it."""
        self.ensure_one()
        salt = "" if once else _request_salt()
        data = json.dumps([self.env.cr.dbname, self.id, salt, *map(str, parts)])
        return hashlib.sha256(data.encode()).hexdigest()

    def _conference_capabilities(self, fetch=True):
        """``{capability: bool}`` of this PBX (tools/provider.py), read from
        the provider at most every 5 minutes per process. ``fetch=False``
        never asks the provider (users who may not act never reach it):
        what was read last, else everything assumed."""
        self.ensure_one()
        pbx = self.sudo()
        if pbx.pbx_backend == "none":
            return dict.fromkeys(CAPABILITIES, False)
        if pbx.pbx_backend == "simulator":
            state = pbx.simulator_state or {}
            return dict.fromkeys(CAPABILITIES, True) | state.get("capabilities", {})
        key = (self.env.cr.dbname, pbx.id, pbx.api_url, pbx.write_date)
        cached = _CAPABILITIES.get(key)
        if cached and (not fetch or time.monotonic() - cached[0] < CAPABILITIES_TTL):
            return dict(cached[1])
        if not fetch:
            return dict.fromkeys(CAPABILITIES, True)
        try:
            capabilities = pbx._provider_backend().capabilities()
        except (ProviderError, UserError) as error:
            _logger.info("PBX %s did not give its capabilities: %s", pbx.id, error)
            capabilities = dict.fromkeys(CAPABILITIES, False) | {"error": str(error)}
        _CAPABILITIES[key] = (time.monotonic(), capabilities)
        return dict(capabilities)

    def _conference_pushes(self, fetch=True):
        """True when the PBX pushes its events to Odoo's webhook: open panels
        then only listen; otherwise they poll while open."""
        self.ensure_one()
        pbx = self.sudo()
        return bool(
            pbx.pbx_backend == "rest"
            and pbx.conference_webhook_secret
            and pbx._conference_capabilities(fetch).get("events")
        )

    def _conference_missing_reasons(self, fetch=True):
        """``{capability: why it is missing}`` for what this PBX cannot do."""
        self.ensure_one()
        if self.sudo().pbx_backend == "none":
            reason = self.env._(
                "PBX %(pbx)s has no provider API: the host controls the "
                "conference with the keys of its in-call menu, from the call.",
                pbx=self.display_name,
            )
            return dict.fromkeys(HOST_CAPABILITIES, reason)
        capabilities = self._conference_capabilities(fetch)
        if capabilities.get("error"):
            reason = self.env._(
                "PBX %(pbx)s did not say what it supports: %(error)s",
                pbx=self.display_name,
                error=capabilities["error"],
            )
            return dict.fromkeys(HOST_CAPABILITIES, reason)
        return {
            name: self.env._(reason) % {"pbx": self.display_name}
            for name, reason in CAPABILITY_MISSING.items()
            if not capabilities.get(name)
        }

    def _conference_pull_events(self, backend, pages=10):
        """Apply the PBX's events after the last cursor its rooms have seen
        (at most ``pages`` pages of 200 per call)."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(MAX(live_event_cursor), 0) FROM voip_conference "
                "WHERE pbx_id = %s",
                self.id,
            )
        )
        cursor = self.env.cr.fetchone()[0]
        Rows = self.env["voip.conference.participation"]
        for _page in range(pages):
            events, next_cursor = backend.events(cursor, limit=200)
            Rows._live_apply_events(self, events)
            if len(events) < 200 or next_cursor == cursor:
                break
            cursor = next_cursor

    @api.model
    def _cron_live_reread(self):
        """Read again, from their PBX, the rooms with a participant that no
        event nor read confirmed for a while: with events lost or late,
        Odoo still converges, panel open or not (open panels hear of it
        through the bus)."""
        rooms = self.env["voip.conference.participation"]._live_unconfirmed_rooms()
        for pbx, pbx_rooms in rooms.grouped("pbx_id").items():
            if not pbx._conference_capabilities().get("participants"):
                continue
            try:
                with self.env.cr.savepoint(), pbx._provider() as backend:
                    pbx_rooms._live_reread(backend)
            except (ProviderError, UserError) as error:
                _logger.info("PBX %s was not read again: %s", pbx.id, error)


def _request_salt():
    """A random value of the current HTTP request, the same in each of its
    attempts (a new one outside a request)."""
    if not request:
        return uuid.uuid4().hex
    salt = getattr(request, "_voip_conference_callout_salt", None)
    if not salt:
        salt = request._voip_conference_callout_salt = uuid.uuid4().hex
    return salt


# Why a host control is missing, per capability the PBX does not have (the
# participants panel greys the control and says this).
CAPABILITY_MISSING = {
    "participants": _lt("PBX %(pbx)s does not report who is in its rooms."),
    "mute": _lt("PBX %(pbx)s cannot mute participants through its API."),
    "remove": _lt("PBX %(pbx)s cannot remove participants through its API."),
    "lock": _lt("PBX %(pbx)s cannot lock conferences through its API."),
    "end": _lt("PBX %(pbx)s cannot end conferences through its API."),
}
HOST_CAPABILITIES = tuple(CAPABILITY_MISSING)

CAPABILITIES_TTL = 300

_CAPABILITIES = {}
