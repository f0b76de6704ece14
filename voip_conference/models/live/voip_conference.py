# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import functools
import logging
import time
import unicodedata

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from odoo.addons.bus.models.bus import json_dump

from ...tools import dial_string, numbering
from ...tools.provider import ConferenceStateError, NotFoundError, ProviderError
from . import bus_notify
from .ir_websocket import live_channel

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)


class VoipConference(models.Model):
    """Host controls: the room's live state, its participants panel and the
    host's actions on it (mute, remove, lock, end, invite)."""

    _inherit = "voip.conference"

    def action_invite_wizard(self):
        self.env["res.users"]._voip_conference_check_rights("manager")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invite to %(room)s", room=self.name),
            "res_model": "voip.conference.invite",
            "view_mode": "form",
            "target": "new",
            "context": {"default_conference_id": self.id},
        }

    def _live_is_host(self):
        """The room's administrator and conference managers act on it."""
        self.ensure_one()
        user = self.env.user
        return user == self.sudo().admin_user_id or user.has_group(
            "voip_conference.voip_conference_group_manager"
        )

    def _live_check_read(self):
        self.env["res.users"]._voip_conference_check_rights("user")
        self.check_access("read")

    def _live_check_host(self):
        self._live_check_read()
        for room in self:
            if not room._live_is_host():
                raise AccessError(
                    self.env._(
                        "Only the administrator of %(room)s and conference "
                        "managers can control it.",
                        room=room.name,
                    )
                )
            if not room.sudo().remote_id:
                raise UserError(
                    self.env._(
                        "%(room)s is not on the PBX yet: save it and apply the "
                        "changes first.",
                        room=room.name,
                    )
                )

    def _live_check_capability(self, capability):
        reason = self.pbx_id.sudo()._conference_missing_reasons().get(capability)
        if reason:
            raise UserError(reason)

    def _live_set(self, live, cursor=0):
        """Write a RoomLive (from tools/provider.py) on this room; ``None``
        only gives the room a new version (its participants changed)."""
        self.ensure_one()
        vals = {"live_version": self.live_version + 1}
        if live is not None:
            state = "locked" if live.locked and live.state != "idle" else live.state
            vals.update(live_state=state, live_count=live.participant_count)
        if cursor:
            vals["live_event_cursor"] = cursor
        self.sudo().write(vals)

    def _live_changed(self):
        """Tell open panels that these rooms changed: one bus message per
        room and transaction, with the version it commits. Nothing waits:
        a flood of events is coalesced by each browser, which reads a room
        once more at most while a read is under way (participants_panel)."""
        if not self:
            return
        data = self.env.cr.precommit.data
        if "voip_conference.live" not in data:
            data["voip_conference.live"] = set()

            # Precommit hooks run in order, and one added while they run is
            # run too: the bus's own hook (which writes bus.bus) sees these.
            @self.env.cr.precommit.add
            def notify():
                ids = data.pop("voip_conference.live", set())
                self.browse(ids).exists()._live_notify()

        data["voip_conference.live"].update(self.ids)

    def _live_notify(self):
        """Send each room's live version to the browsers with its panel open
        (they subscribed to the room's channel, checked in ir.websocket):
        ``bus.bus`` messages in this transaction, the websocket process
        woken after the commit (bus_notify.py says why not through
        ``bus.bus._sendone``)."""
        rooms = self.sudo()
        if not rooms:
            return
        dbname = self.env.cr.dbname
        channels = [live_channel(dbname, room.id) for room in rooms]
        # Only ids: each browser reads the panel through a checked RPC.
        # The rows bus.bus._sendone would create, in one statement.
        self.env.cr.execute(
            SQL(
                "INSERT INTO bus_bus (channel, message, create_uid, create_date, "
                "write_uid, write_date) SELECT c, m, %(uid)s, %(now)s, %(uid)s, "
                "%(now)s FROM unnest(%(channels)s::varchar[], %(messages)s::text[]) "
                "AS b(c, m)",
                uid=self.env.uid,
                now=self.env.cr.now(),
                channels=[json_dump(channel) for channel in channels],
                messages=[
                    json_dump(
                        {
                            "type": "voip_conference/live",
                            "payload": {"id": room.id, "version": room.live_version},
                        }
                    )
                    for room in rooms
                ],
            )
        )
        self.env.cr.postcommit.add(functools.partial(bus_notify.notify, channels))

    def _live_refresh(self, backend=None):
        """Read the live state of these rooms (one PBX) from the provider:
        its events after the last cursor, else a snapshot of each room."""
        pbx = self.pbx_id.sudo()
        pbx.ensure_one()
        caps = pbx._conference_capabilities()
        if not (caps.get("events") or caps.get("participants")):
            return
        if backend is None:
            with pbx._provider() as backend:
                return self._live_refresh(backend)
        Rows = self.env["voip.conference.participation"]
        if caps.get("events"):
            pbx._conference_pull_events(backend)
            return
        for room in self.sudo().filtered("remote_id"):
            Rows._live_reconcile(
                room,
                backend.room_live(room.remote_id),
                backend.list_participants(room.remote_id),
            )

    def _live_reread(self, backend):
        """Read these rooms (one PBX) whole from the provider, whatever the
        events said: who is not there any more has left. How a lost or late
        event is made good. A room the PBX no longer has is left to the
        sync, which flags it."""
        Rows = self.env["voip.conference.participation"]
        for room in self.sudo().filtered("remote_id"):
            try:
                live = backend.room_live(room.remote_id)
                participants = backend.list_participants(room.remote_id)
            except NotFoundError:
                continue
            Rows._live_reconcile(room, live, participants)

    def _live_panel(self):
        """The participants panel's content for the current user."""
        self.ensure_one()
        room = self.sudo()
        pbx = room.pbx_id
        host = self._live_is_host()
        # Only hosts make Odoo ask the PBX what it supports.
        missing = pbx._conference_missing_reasons(fetch=host)
        now = fields.Datetime.now()
        rows = room.participation_ids.filtered(lambda row: not row.left_at).sorted(
            lambda row: (
                row.role != "admin",
                row.joined_at or now,
                row.id,
            )
        )
        states = dict(self._fields["live_state"]._description_selection(self.env))
        return {
            "id": room.id,
            "name": room.name,
            "state": room.live_state,
            "state_label": states[room.live_state],
            "count": room.live_count,
            "capacity": room.live_capacity,
            "version": room.live_version,
            "synced": bool(room.remote_id),
            "can_act": host and bool(room.remote_id),
            # The PBX calls people into a room it has put in production.
            "can_invite": host and bool(room.remote_id) and room.sync_state != "pushed",
            "is_host": host,
            # The conference's in-call menu, for the host's own call view
            # when the PBX has no participant API (ConfBridge, FreePBX).
            "menu": room._live_menu_keys() if host else [],
            "actions": {
                name: not missing.get(name)
                for name in ("participants", "mute", "remove", "lock", "end")
            },
            "missing": [
                {"capability": name, "reason": reason}
                for name, reason in missing.items()
                if host or name == "participants"
            ],
            "poll_ms": 0 if pbx._conference_pushes(fetch=host) else LIVE_POLL_MS,
            "participants": rows._live_panel_values()
            if not missing.get("participants")
            else [],
        }

    def _live_menu_keys(self):
        """``[{"label", "keys"}]`` of the PBX's in-call administrator menu."""
        pbx = self.pbx_id
        entries = (
            (pbx.conference_menu_mute_self, self.env._("Mute or unmute me")),
            (pbx.conference_menu_lock, self.env._("Lock or unlock")),
            (pbx.conference_menu_kick_last, self.env._("Remove the last to join")),
            (pbx.conference_menu_mute_others, self.env._("Mute or unmute the others")),
        )
        return [
            {"label": label, "keys": keys.strip()}
            for keys, label in entries
            if keys and keys.strip()
        ]

    def get_live_panel(self):
        """The participants panel (RPC), for users who may join the room."""
        self.ensure_one()
        self._live_check_read()
        return self._live_panel()

    def live_poll(self, refresh=False):
        """The panel, read again from the PBX when it does not push its
        events (or when ``refresh``): what an open panel calls while it is
        open. Never raises for a provider failure: the panel says it.

        Only a host's panel reads the PBX: a conference user's panel reads
        what Odoo knows (kept current by events, hosts' panels and actions),
        so that users who may not act never reach the provider."""
        self.ensure_one()
        self._live_check_read()
        pbx = self.pbx_id.sudo()
        error = False
        reads_pbx = self._live_is_host() and self.sudo().remote_id
        if reads_pbx and (refresh or not pbx._conference_pushes()):
            if _live_poll_due(self.env.cr.dbname, self.id):
                try:
                    self._live_refresh()
                except (ProviderError, UserError) as failure:
                    error = self._live_error_message(failure)
        return dict(self._live_panel(), error=error)

    def live_participant_action(self, participation_id, action):
        """Mute, unmute or remove one participant (RPC, hosts only).

        Returns ``{"ok", "message", "panel"}``: a participant who has just
        left or a refusal of the PBX is a message, and the panel is fresh.
        """
        self.ensure_one()
        self._live_check_host()
        if action not in PARTICIPANT_ACTIONS:
            raise UserError(self.env._("Unknown action %(action)s.", action=action))
        row = self.env["voip.conference.participation"].sudo()
        if isinstance(participation_id, int) and not isinstance(participation_id, bool):
            row = row.browse(participation_id).exists()
        if not row or row.conference_id != self:
            raise UserError(
                self.env._("This participant is not in %(room)s.", room=self.name)
            )
        self._live_check_capability(PARTICIPANT_ACTIONS[action])
        if row.left_at:
            return self._live_result(
                self.env._("%(name)s has already left the conference.", name=row.name)
            )
        room = self.sudo()

        def call(backend):
            if action == "remove":
                backend.remove_participant(room.remote_id, row.remote_id)
                row._live_close("removed")
            else:
                backend.update_participant(
                    room.remote_id, row.remote_id, muted=action == "mute"
                )

        return self._live_do(call, row)[0]

    def live_room_action(self, action):
        """Lock, unlock, mute all but administrators, unmute all, or end the
        conference for everyone (RPC, hosts only; the panel confirms End)."""
        self.ensure_one()
        self._live_check_host()
        if action not in ROOM_ACTIONS:
            raise UserError(self.env._("Unknown action %(action)s.", action=action))
        self._live_check_capability(ROOM_ACTIONS[action])
        room = self.sudo()
        if action in EMPTY_ROOM_MESSAGES and not room.live_count:
            # Nobody there as far as Odoo knows: read the room before saying so.
            self._live_do(lambda backend: None)
            if not room.live_count:
                return self._live_result(self._live_empty_room_message(action))

        def call(backend):
            backend.room_action(room.remote_id, action)
            if action == "end":
                room.participation_ids._live_close("ended")

        return self._live_do(call)[0]

    def _live_empty_room_message(self, action):
        """What End, Mute All, Unmute All or Lock say on an empty room,
        instead of doing nothing silently (see EMPTY_ROOM_MESSAGES)."""
        return self.env._(EMPTY_ROOM_MESSAGES[action]) % {"room": self.name}

    def live_invite(self, target=False, partner_id=False):
        """Have the PBX call an extension, a number or a contact's phone into
        the room (RPC, hosts only)."""
        self.ensure_one()
        self._live_check_host()
        country = self.env.company.country_id
        if partner_id:
            if not isinstance(partner_id, int) or isinstance(partner_id, bool):
                raise UserError(self.env._("Choose a contact to invite."))
            partner = self.env["res.partner"].browse(partner_id).exists()
            if not partner:
                raise UserError(self.env._("This contact no longer exists."))
            partner.check_access("read")
            extension = self._invite_extension_of(partner)
            if extension:
                target = extension
            elif not partner.phone:
                raise UserError(
                    self.env._(
                        "%(name)s has no phone number to call.", name=partner.name
                    )
                )
            else:
                target = partner.phone
                country = partner.country_id or country
        if not isinstance(target, str) or not target.strip():
            raise UserError(
                self.env._("Type an extension or a phone number to invite.")
            )
        return self._invite(self._invite_target(target, country))

    def _invite_extension_of(self, partner):
        """The extension of ``partner``'s user on this room's PBX, or ``""``:
        a colleague is called on the PBX, not on an outside line."""
        users = partner.sudo().user_ids.filtered(
            lambda u: u.voip_pbx_id == self.pbx_id and u.voip_extension
        )
        return users[:1].voip_extension or ""

    @api.model
    def _invite_target(self, target, country):
        """The extension as typed, or the number in E.164 (ValidationError).

        The target is read with the dial-string grammar: a label pasted after
        it (``+32 2 555 01 00 BE (Brussels)``) is ignored; tones after it
        (``,,1234#``) are refused, the PBX has no way to send them.
        """
        dial = dial_string.parse(target)
        if dial.post_dial:
            raise UserError(
                self.env._(
                    "The PBX calls %(number)s but cannot send tones after it: "
                    "remove %(tones)s from the number.",
                    number=dial.number,
                    tones=dial.post_dial,
                )
            )
        value = dial.number or numbering.clean(target or "")
        if all(unicodedata.category(char)[0] in "ZC" for char in value):
            # Spaces, controls or format characters only: nothing to call
            # (phone_validation would read an empty number from a record
            # that is not there).
            raise UserError(
                self.env._("Type an extension or a phone number to invite.")
            )
        if numbering.check_extension(value) is None:
            return value
        return self.env["voip.incoming.number"]._normalize_number(value, country)

    def _invite(self, target):
        """Invite ``target`` (an extension or E.164); record it in the chatter.
        Returns ``{"ok", "message", "panel", "outcome_unknown", "simulated"}``;
        ``simulated``: the built-in simulator accepted it and nobody is called."""
        self.ensure_one()
        self._invite_check(target)
        room = self.sudo()
        if room.live_state == "locked":
            # Refused here, before the PBX is asked: it would refuse too.
            return self._live_result(
                self._live_error_message(ConferenceStateError(reason="locked"))
            )
        invited = []

        # One key per click: neither the client's retries nor Odoo's retry
        # of this request ring twice; a second click invites again.
        key = room.pbx_id._callout_key("invite", room.id, target)

        def call(backend):
            invited.append(backend.invite(room.remote_id, target, idempotency_key=key))

        result, error = self._live_do(call)
        if invited:
            return self._invite_done(result, invited[0].number)
        if error is not None and error.outcome_unknown:
            return self._invite_unknown(result, target)
        return self._invite_failed(result, target)

    def _invite_check(self, target):
        """Refuse an invitation the PBX cannot make (UserError)."""
        if not self.sudo().remote_id:
            raise UserError(
                self.env._(
                    "%(room)s is not on the PBX yet: save it, apply the changes, "
                    "then invite.",
                    room=self.name,
                )
            )
        if self.sudo().sync_state == "pushed":
            raise UserError(
                self.env._(
                    "The PBX has not applied the changes of %(room)s yet: apply "
                    "them, then invite.",
                    room=self.name,
                )
            )
        if target == self.extension:
            raise UserError(
                self.env._(
                    "%(extension)s is the extension of %(room)s itself: type the "
                    "extension or the number of the person to call.",
                    extension=target,
                    room=self.name,
                )
            )

    def _invite_done(self, result, number):
        """The PBX accepted to call ``number``: say so, here and in the chatter."""
        room = self.sudo()
        shown = self._invite_shown(number)
        if room.pbx_id.pbx_backend == "simulator":
            # Nobody is called: say what a real PBX would do, plainly.
            result["simulated"] = True
            room.message_post(
                body=self.env._(
                    "Test invitation of %(target)s on the built-in simulator: "
                    "nobody was called.",
                    target=shown,
                )
            )
            result["message"] = self.env._(
                "Built-in simulator: nobody is called. A real PBX would now "
                "call %(target)s into %(room)s.",
                target=shown,
                room=room.name,
            )
            return result
        message = self.env._(
            "%(target)s invited: the PBX is calling them into the room.",
            target=shown,
        )
        room.message_post(body=message)
        result["message"] = self.env._("The PBX is calling %(target)s.", target=shown)
        return result

    def _invite_unknown(self, result, target):
        """The PBX's answer was lost: it may be calling ``target`` already."""
        result["outcome_unknown"] = True
        result["message"] = self.env._(
            "The PBX may already be calling %(target)s: its answer was "
            "lost. Check who is in the room before inviting again. %(reason)s",
            target=self._invite_shown(target),
            reason=result["message"],
        )
        self.sudo().message_post(body=result["message"])
        return result

    def _invite_failed(self, result, target):
        """The PBX refused to call ``target``: say why, here and in the chatter."""
        self.sudo().message_post(
            body=self.env._(
                "Invitation of %(target)s failed: %(error)s",
                target=self._invite_shown(target),
                error=result["message"],
            )
        )
        result["message"] = self.env._(
            "The PBX could not call %(target)s: %(error)s",
            target=self._invite_shown(target),
            error=result["message"],
        )
        return result

    def _invite_shown(self, target):
        """An invitee as people read it: +32 2 555 01 99, or the extension."""
        return numbering.format_international(target) if target[:1] == "+" else target

    def _live_do(self, call, row=None):
        """Run one host action on the PBX, then read the room again, so the
        panel is right whatever happened. A refusal is a message, not an
        exception: the fresh state is kept. Returns ``(result, error)``."""
        room = self.sudo()
        error = None
        try:
            with room.pbx_id._provider() as backend:
                try:
                    call(backend)
                except ProviderError as failure:
                    error = failure
                try:
                    self._live_refresh(backend)
                except ProviderError as failure:
                    _logger.info("Reading %s after an action failed: %s", room, failure)
        except (ProviderError, UserError) as failure:
            error = failure
        message = False
        if error is not None:
            message = self._live_error_message(error, row)
            if not isinstance(error, NotFoundError | ConferenceStateError):
                _logger.info("Host action on %s refused by the PBX: %s", room, error)
        return self._live_result(message, ok=error is None), error

    def _live_result(self, message=False, ok=False):
        return {"ok": ok, "message": message, "panel": self._live_panel()}

    def _live_error_message(self, error, row=None):
        """A provider failure in the user's words; ``row``: the participant
        acted on (a 404 then means they have just left: their row closes)."""
        if isinstance(error, UserError):
            return error.args[0]
        if isinstance(error, NotFoundError) and row:
            row._live_close("hangup")
            return self.env._(
                "%(name)s has just left the conference: the list is up to date.",
                name=row.name,
            )
        if isinstance(error, NotFoundError):
            return self.env._(
                "The PBX does not know %(room)s: apply the changes, then try again.",
                room=self.name,
            )
        if isinstance(error, ConferenceStateError):
            message = ROOM_STATE_ERRORS.get(
                error.reason, ROOM_STATE_ERRORS["not_running"]
            )
            return self.env._(message) % {
                "room": self.name,
                "count": self.live_capacity or self.live_count,
            }
        return self.pbx_id.sudo()._provider_error_message(error, self._sync_secrets())


# A panel of a PBX that does not push events polls this often while open.
LIVE_POLL_MS = 3000
PARTICIPANT_ACTIONS = {"mute": "mute", "unmute": "mute", "remove": "remove"}
ROOM_ACTIONS = {
    "lock": "lock",
    "unlock": "lock",
    "mute_all": "mute",
    "unmute_all": "mute",
    "end": "end",
}
# What a room refusing an action in its state says, per reason
# (ConferenceStateError.reason; an unknown reason reads as not running).
ROOM_STATE_ERRORS = {
    "locked": _lt("%(room)s is locked: unlock it to let someone in."),
    "full": _lt("%(room)s is full: at most %(count)s participants."),
    "not_running": _lt("The conference in %(room)s has ended: nobody is in the room."),
}
# The room actions with nothing to act on while nobody is in the room, and
# what they say then: a ConfBridge-style PBX has no conference to lock until
# someone joins.
EMPTY_ROOM_MESSAGES = {
    "end": _lt("Nobody is in %(room)s: there is no conference to end."),
    "mute_all": _lt("Nobody is in %(room)s: there is nobody to mute."),
    "unmute_all": _lt("Nobody is in %(room)s: there is nobody to unmute."),
    "lock": _lt("Nobody is in %(room)s: there is no conference to lock."),
}
_last_polls = {}


def _live_poll_due(dbname, room_id, interval=1.0):
    """At most one read of a room from the PBX per second in this process,
    however many panels are open on it."""
    now = time.monotonic()
    key = (dbname, room_id)
    if now - _last_polls.get(key, -interval) < interval:
        return False
    _last_polls[key] = now
    return True
