# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import logging
import time
import unicodedata
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError

from ..tools import dial_string, numbering
from ..tools.provider import (
    ConferenceStateError,
    NotFoundError,
    ProviderError,
)
from .ir_websocket import live_channel
from .voip_pbx import RECEPTIONIST_DELAY_MAX

_logger = logging.getLogger(__name__)

# Context key: the user confirmed that the numbers routed to the rooms being
# deleted or archived go back to "not configured".
UNROUTE_CONTEXT_KEY = "voip_conference_unroute_numbers"


class VoipConference(models.Model):
    _name = "voip.conference"
    _description = "Conference Room"
    # Synced with the PBX: voip.provider.sync.mixin is added in sync/.
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(
        required=True,
        tracking=True,
        help="Up to 100 characters; blanks around it are removed.",
    )
    extension = fields.Char(
        string="Internal Extension",
        required=True,
        copy=False,
        tracking=True,
        help="What everyone on the PBX dials to join the room: 2 to 8 digits. "
        "Three to five digits are the easiest to remember and to dial.",
    )
    # Readable by managers only: a conference user never gets it from a list,
    # an export or a read; joining goes through a method that checks rights.
    access_code = fields.Char(
        copy=False,
        groups="voip_conference.voip_conference_group_manager",
        help="Optional. Digits only, up to 20, not the room's extension: "
        "callers type it after the digital receptionist's prompt, followed by #.",
    )
    has_access_code = fields.Boolean(
        string="Protected by a Code",
        compute="_compute_has_access_code",
        store=True,
        tracking=True,
    )
    admin_user_id = fields.Many2one(
        "res.users",
        string="Administrator",
        tracking=True,
        domain="[('voip_pbx_id', '=', pbx_id), ('voip_extension', '!=', False)]",
        help="The user who manages the conference. Only users with an "
        "extension on the room's PBX can be chosen.",
    )
    admin_extension = fields.Char(
        string="Administrator Extension", related="admin_user_id.voip_extension"
    )
    wait_for_admin = fields.Boolean(
        string="Wait for the Administrator",
        tracking=True,
        help="When set, nobody can use the room until the administrator has "
        "joined and started the conference.",
    )
    pbx_id = fields.Many2one(
        "voip.pbx",
        string="PBX",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,
        default=lambda self: self.env.user.voip_pbx_id,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    active = fields.Boolean(default=True, tracking=True)
    max_participants = fields.Integer(
        string="Maximum Participants",
        tracking=True,
        help="Empty means the PBX's own limit, if any.",
    )
    incoming_number_ids = fields.One2many(
        "voip.incoming.number", "conference_id", string="Incoming Numbers"
    )
    incoming_number_count = fields.Integer(
        string="Number Count", compute="_compute_incoming_number_count"
    )
    pbx_backend = fields.Selection(related="pbx_id.pbx_backend")
    receptionist_delay_source = fields.Selection(
        [("pbx", "The PBX's delay"), ("room", "This room's delay")],
        string="Receptionist Delay From",
        compute="_compute_receptionist_delay_source",
        store=True,
        readonly=False,
        help="The PBX's delay, or this room's own (0 sends the code as soon as "
        "the call is connected).",
    )
    receptionist_delay = fields.Float(
        string="Receptionist Delay (s)",
        help="How long Join waits, once connected, before sending the access "
        "code: 0 (no delay) to 60 seconds.",
    )
    call_ids = fields.One2many("voip.call", "conference_id", string="Calls")
    participation_ids = fields.One2many(
        "voip.conference.participation", "conference_id", string="Participations"
    )
    # Live state, as the PBX last reported it (events or polling).
    live_state = fields.Selection(
        [
            ("idle", "Idle"),
            ("waiting", "Waiting for the administrator"),
            ("active", "Active"),
            ("locked", "Locked"),
        ],
        default="idle",
        required=True,
        readonly=True,
        copy=False,
    )
    live_count = fields.Integer(
        string="In the Room",
        readonly=True,
        copy=False,
        help="Participants in the room now, ringing invitees included.",
    )
    live_capacity = fields.Integer(string="Capacity", compute="_compute_live_capacity")
    # Bumped on every live change; the bus carries it so that a browser
    # reloads only what is newer than what it shows.
    live_version = fields.Integer(readonly=True, copy=False)
    # The cursor of the last provider event applied to this room.
    live_event_cursor = fields.Integer(readonly=True, copy=False)
    # The cursor of the room's last conference.ended: a participant's event
    # older than it, arriving after it, is of someone the end sent away.
    live_ended_cursor = fields.Integer(readonly=True, copy=False)
    color = fields.Integer()

    _extension_pbx_uniq = models.UniqueIndex(
        "(pbx_id, extension) WHERE active IS TRUE",
        "Another active room of this PBX already uses this extension.",
    )

    @api.depends("receptionist_delay")
    def _compute_receptionist_delay_source(self):
        # A delay typed in is the room's own; setting it back to 0 keeps the
        # room's choice (no delay) instead of falling back to the PBX's.
        for room in self:
            if room.receptionist_delay:
                room.receptionist_delay_source = "room"
            elif not room.receptionist_delay_source:
                room.receptionist_delay_source = "pbx"

    @api.depends("access_code")
    def _compute_has_access_code(self):
        for room in self.sudo():
            room.has_access_code = bool(room.access_code)

    @api.depends("max_participants", "pbx_id.conference_max_participants")
    def _compute_live_capacity(self):
        for room in self:
            room.live_capacity = (
                room.max_participants or room.pbx_id.conference_max_participants
            )

    @api.depends("incoming_number_ids")
    def _compute_incoming_number_count(self):
        counts = dict(
            self.env["voip.incoming.number"]._read_group(
                [("conference_id", "in", self.ids)], ["conference_id"], ["__count"]
            )
        )
        for room in self:
            room.incoming_number_count = counts.get(room, 0)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("name")
    def _check_name(self):
        for room in self:
            error = numbering.check_room_name(room.name)
            if error == numbering.REQUIRED:
                raise ValidationError(
                    self.env._(
                        "A room needs a name, not only blanks: type the name "
                        "people know it by."
                    )
                )
            if error == numbering.TOO_LONG:
                raise ValidationError(
                    self.env._(
                        "The name of room %(extension)s has %(length)s characters; "
                        "the PBX accepts at most %(max)s. Shorten it.",
                        extension=room.extension,
                        length=len(room.name.strip()),
                        max=numbering.ROOM_NAME_MAX_LENGTH,
                    )
                )

    @api.constrains("receptionist_delay")
    def _check_receptionist_delay(self):
        for room in self:
            if not 0 <= room.receptionist_delay <= RECEPTIONIST_DELAY_MAX:
                raise ValidationError(
                    self.env._(
                        "The receptionist delay of %(room)s must be between 0 and "
                        "%(max)s seconds: 0 sends the code as soon as the call is "
                        "connected.",
                        room=room.display_name,
                        max=RECEPTIONIST_DELAY_MAX,
                    )
                )

    @api.model
    def _raise_extension_error(self, extension):
        """Raise the translated error of an invalid extension, if any."""
        error = numbering.check_extension(extension)
        if error == numbering.REQUIRED:
            raise ValidationError(
                self.env._(
                    "The extension is required: type the %(min)s to %(max)s "
                    "digits people dial (3 to 5 are the easiest to remember).",
                    min=numbering.EXTENSION_MIN_DIGITS,
                    max=numbering.EXTENSION_MAX_DIGITS,
                )
            )
        if error == numbering.NOT_DIGITS:
            raise ValidationError(
                self.env._(
                    "The extension %(extension)s may contain digits only "
                    "(no spaces, letters, # or *).",
                    extension=extension,
                )
            )
        if error in (numbering.TOO_SHORT, numbering.TOO_LONG):
            raise ValidationError(
                self.env._(
                    "The extension %(extension)s must have %(min)s to %(max)s digits "
                    "(3 to 5 are the easiest to remember).",
                    extension=extension,
                    min=numbering.EXTENSION_MIN_DIGITS,
                    max=numbering.EXTENSION_MAX_DIGITS,
                )
            )

    @api.model
    def _extension_owners(self, pbxs, extensions):
        """Map ``(pbx id, extension)`` to the active rooms and users using it.

        Two queries whatever the number of extensions; runs as superuser
        because the numbering plan spans companies and users the current user
        may not read.
        """
        owners = defaultdict(list)
        if not extensions:
            return owners
        rooms = (
            self.sudo()
            .with_context(active_test=True)
            .search([("pbx_id", "in", pbxs.ids), ("extension", "in", extensions)])
        )
        users = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("voip_pbx_id", "in", pbxs.ids + [False]),
                    ("voip_extension", "in", extensions),
                ]
            )
        )
        for room in rooms:
            owners[(room.pbx_id.id, room.extension)].append(room)
        for user in users:
            owners[(user.voip_pbx_id.id, user.voip_extension)].append(user)
        return owners

    @api.constrains("extension", "pbx_id", "active")
    def _check_extension(self):
        for room in self:
            self._raise_extension_error(room.extension)
        rooms = self.filtered("active")
        taken = self._extension_owners(rooms.pbx_id, rooms.mapped("extension"))
        for room in rooms:
            others = [
                owner
                for owner in taken.get((room.pbx_id.id, room.extension), [])
                if owner != room
            ]
            if others:
                raise ValidationError(
                    self.env._(
                        "Extension %(extension)s is already used on PBX %(pbx)s "
                        "by %(owner)s. Choose another extension.",
                        extension=room.extension,
                        pbx=room.pbx_id.display_name,
                        owner=others[0].sudo().display_name,
                    )
                )

    @api.constrains("access_code", "extension")
    def _check_access_code(self):
        for room in self.sudo():
            error = numbering.check_access_code(room.access_code)
            if error == numbering.NOT_DIGITS:
                raise ValidationError(
                    self.env._(
                        "The access code of %(room)s may contain digits only: "
                        "callers end it with #, so # cannot be part of it, "
                        "and neither can * or letters.",
                        room=room.display_name,
                    )
                )
            if error == numbering.TOO_LONG:
                raise ValidationError(
                    self.env._(
                        "The access code of %(room)s has more than %(max)s digits.",
                        room=room.display_name,
                        max=numbering.ACCESS_CODE_MAX_DIGITS,
                    )
                )
            if room.access_code and room.access_code == room.extension:
                raise ValidationError(
                    self.env._(
                        "The access code of %(room)s is its extension: anyone who "
                        "dials the room could guess it. Choose another code.",
                        room=room.display_name,
                    )
                )

    @api.constrains("admin_user_id", "pbx_id")
    def _check_admin_user(self):
        for room in self.filtered("admin_user_id"):
            admin = room.admin_user_id.sudo()
            if admin.voip_pbx_id != room.pbx_id or not admin.voip_extension:
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot administer %(room)s: the administrator "
                        "needs an extension on PBX %(pbx)s.",
                        user=admin.display_name,
                        room=room.display_name,
                        pbx=room.pbx_id.display_name,
                    )
                )

    @api.constrains("pbx_id", "active", "max_participants")
    def _check_capacity(self):
        """Keep every PBX within its room and participant limits."""
        for room in self:
            if room.max_participants < 0:
                raise ValidationError(
                    self.env._(
                        "The maximum number of participants of %(room)s cannot "
                        "be negative; leave it empty for the PBX's limit.",
                        room=room.display_name,
                    )
                )
            limit = room.pbx_id.conference_max_participants
            if limit and room.max_participants > limit:
                raise ValidationError(
                    self.env._(
                        "%(room)s allows %(count)s participants but PBX %(pbx)s "
                        "accepts at most %(limit)s per room.",
                        room=room.display_name,
                        count=room.max_participants,
                        pbx=room.pbx_id.display_name,
                        limit=limit,
                    )
                )
        pbxs = self.pbx_id.filtered("conference_max_rooms")
        if not pbxs:
            return
        counts = self.sudo()._read_group(
            [("pbx_id", "in", pbxs.ids)], ["pbx_id"], ["__count"]
        )
        for pbx, count in counts:
            if count > pbx.conference_max_rooms:
                raise ValidationError(
                    self.env._(
                        "PBX %(pbx)s accepts at most %(limit)s active rooms; "
                        "this change would make %(count)s. Archive a room first "
                        "or raise the PBX's limit.",
                        pbx=pbx.display_name,
                        limit=pbx.conference_max_rooms,
                        count=count,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model
    def _clean_vals(self, vals):
        for fname in ("extension", "access_code"):
            if vals.get(fname):
                vals[fname] = numbering.clean(vals[fname])
        if isinstance(vals.get("name"), str):
            vals["name"] = vals["name"].strip()
        return vals

    def copy(self, default=None):
        # Who may not create rooms hears that first, not why a copy fails
        # (a full numbering plan, say).
        self.check_access("create")
        return super().copy(default=default)

    def copy_data(self, default=None):
        """A copy takes the next free extension of its PBX (an extension is
        unique in the numbering plan, so the original's cannot be kept)."""
        vals_list = super().copy_data(default=default)
        default = default or {}
        taken_by_pbx = {}
        for room, vals in zip(self, vals_list, strict=True):
            if "name" not in default:
                vals["name"] = self._copy_name(room.name)
            if default.get("extension"):
                continue
            pbx = self.env["voip.pbx"].browse(vals.get("pbx_id") or room.pbx_id.id)
            if pbx.id not in taken_by_pbx:
                taken_by_pbx[pbx.id] = self._taken_extensions(pbx)
            taken = taken_by_pbx[pbx.id]
            extension = numbering.next_free_extension(room.extension, taken)
            if not extension:
                raise UserError(
                    self.env._(
                        "No free extension follows %(extension)s on PBX %(pbx)s: "
                        "create the room with an extension of your choice.",
                        extension=room.extension,
                        pbx=pbx.display_name,
                    )
                )
            taken.add(extension)
            vals["extension"] = extension
        return vals_list

    @api.model
    def _copy_name(self, name):
        """The name of a copy, "Room (copy)", shortened to fit the PBX."""
        copy_name = self.env._("%(room)s (copy)", room=name)
        excess = len(copy_name) - numbering.ROOM_NAME_MAX_LENGTH
        if excess > 0:
            copy_name = self.env._("%(room)s (copy)", room=name[:-excess].rstrip())
        return copy_name

    @api.model
    def _taken_extensions(self, pbx):
        """The extensions in use on ``pbx``: its active rooms' and users'."""
        rooms = (
            self.sudo().with_context(active_test=True).search([("pbx_id", "=", pbx.id)])
        )
        users = (
            self.env["res.users"]
            .sudo()
            .search([("voip_pbx_id", "=", pbx.id), ("voip_extension", "!=", False)])
        )
        return set(rooms.mapped("extension")) | set(users.mapped("voip_extension"))

    @api.model_create_multi
    def create(self, vals_list):
        # The unique index reads what is in the database: write pending
        # archivings and renumberings before inserting.
        self.flush_model(["active", "extension", "pbx_id"])
        return super().create([self._clean_vals(vals) for vals in vals_list])

    def write(self, vals):
        self._clean_vals(vals)
        if "pbx_id" in vals:
            moved = self.filtered(lambda r: r.pbx_id.id != vals["pbx_id"])
            if moved.incoming_number_ids:
                raise UserError(
                    self.env._(
                        "A room with incoming numbers cannot move to another "
                        "PBX: the numbers belong to its current PBX. Unroute "
                        "them first."
                    )
                )
            # Deleted on the old PBX, created on the new one.
            moved._queue_remote_deletion()
        if "active" in vals and not vals["active"]:
            self._guard_routed_numbers(mode="archive")
            self.filtered("active")._queue_remote_deletion()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_routed(self):
        self._guard_routed_numbers(mode="delete")

    def _guard_routed_numbers(self, mode="delete"):
        """Refuse to leave numbers routed to a room that goes away.

        With the user's confirmation (context key), the numbers are reset to
        "not configured" instead, in the same transaction. Without it, the
        refusal offers the confirmation itself (``mode``: "archive" or
        "delete"), wherever the user asked: card, list, form or gear menu.
        """
        numbers = self.sudo().incoming_number_ids
        if not numbers:
            return
        if self.env.context.get(UNROUTE_CONTEXT_KEY):
            numbers.write({"destination_type": "none", "conference_id": False})
            return
        listed = "\n".join(
            f"- {n.display_name} → {n.conference_id.display_name}" for n in numbers
        )
        if mode == "archive":
            message = self.env._(
                "These incoming numbers are routed to the rooms you want to "
                "archive:\n%(numbers)s\n\nRoute them elsewhere first, or reset "
                "them to 'Not configured' and archive the rooms in one step.",
                numbers=listed,
            )
            button = self.env._("Unroute and Archive")
        else:
            message = self.env._(
                "These incoming numbers are routed to the rooms you want to "
                "delete:\n%(numbers)s\n\nRoute them elsewhere first, or reset "
                "them to 'Not configured' and delete the rooms in one step.",
                numbers=listed,
            )
            button = self.env._("Unroute and Delete")
        raise RedirectWarning(
            message,
            self.with_context(
                voip_conference_unroute_mode=mode
            ).action_unroute_wizard(),
            button,
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    @api.depends("name", "extension")
    def _compute_display_name(self):
        for room in self:
            room.display_name = (
                f"{room.name} ({room.extension})" if room.extension else room.name
            )

    @api.model
    def _search_display_name(self, operator, value):
        if operator in ("ilike", "like", "=", "=like", "=ilike") and value:
            return [
                "|",
                ("name", operator, value),
                ("extension", operator, value),
            ]
        return super()._search_display_name(operator, value)

    def action_unroute_wizard(self):
        """Open the confirmation that archives or deletes routed rooms."""
        self.env["res.users"]._voip_conference_check_rights("manager")
        mode = self.env.context.get("voip_conference_unroute_mode", "archive")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Unroute and Archive")
            if mode == "archive"
            else self.env._("Unroute and Delete"),
            "res_model": "voip.conference.unroute",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_conference_ids": self.ids,
                "default_mode": mode,
            },
        }

    def action_route_number_wizard(self):
        self.env["res.users"]._voip_conference_check_rights("manager")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Route a Number to %(room)s", room=self.name),
            "res_model": "voip.conference.route.number",
            "view_mode": "form",
            "target": "new",
            "context": {"default_conference_id": self.id},
        }

    def action_view_incoming_numbers(self):
        self.env["res.users"]._voip_conference_check_rights("user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "voip_conference.voip_incoming_number_action"
        )
        action["domain"] = [("conference_id", "=", self.id)]
        action["context"] = {
            "default_pbx_id": self.pbx_id.id,
            "default_destination_type": "conference",
            "default_conference_id": self.id,
        }
        return action

    def action_join(self):
        """Join from the form or the kanban card: the phone widget dials."""
        self.env["res.users"]._voip_conference_check_rights("user")
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "voip_conference.join",
            "params": {"conference_id": self.id},
        }

    def get_join_sequence(self):
        """What the phone widget dials to join the room, for a user who may.

        The only way an access code reaches a conference user: the room must
        be readable by them (group and company rules) and active.
        """
        self.env["res.users"]._voip_conference_check_rights("user")
        self.ensure_one()
        self.check_access("read")
        if not self.active:
            raise UserError(
                self.env._("%(room)s is archived: it cannot be joined.", room=self.name)
            )
        room = self.sudo()
        code = numbering.clean(room.access_code)
        delay = (
            room.receptionist_delay
            if room.receptionist_delay_source == "room"
            else room.pbx_id.conference_receptionist_delay
        )
        return {
            "id": room.id,
            "name": room.name,
            "extension": room.extension,
            # The code and the # that ends it; nothing at all without a code.
            "dtmf": f"{code}#" if code else "",
            "delay_ms": round(max(delay, 0) * 1000),
            "dtmf_method": room.pbx_id.conference_dtmf_method,
            # The receptionist waits for the caller: the user sends the code.
            "wait": room.pbx_id.conference_code_on_request,
        }

    def _dial_in_row(self, number, code, label):
        """One dial-in line: the one-tap string as people read it
        (``+32 2 555 01 00,,1234#``, copied as it is where a mail app links
        no ``tel:`` with commas), linking its ``tel:`` URI (RFC 3966, ``#``
        written ``%23``) when the number is E.164, and its label."""
        tap = dial_string.parse(dial_string.one_tap(number, code))
        shown = numbering.one_tap_display(number, code)
        label = f" ({label})" if label else ""
        try:
            uri = dial_string.tel_uri(tap.number, tap.post_dial)
        except ValueError:  # not E.164: no tel: link without a phone-context
            return Markup("<li><span>{tap}</span>{label}</li>").format(
                tap=shown, label=label
            )
        return Markup(
            '<li><a href="{uri}" class="o_voip_conference_one_tap">{tap}</a>'
            "{label}</li>"
        ).format(uri=uri, tap=shown, label=label)

    def action_dial_in(self):
        self.ensure_one()
        sequence = self.get_join_sequence()  # the rights of Join
        code = sequence["dtmf"][:-1]
        rows = [
            self._dial_in_row(number.number, code, number.name)
            for number in self.sudo().incoming_number_ids
        ]
        if rows:
            details = Markup("<p>{}</p><ul>{}</ul>").format(
                self.env._(
                    "From any phone, tap or dial one of these: the phone dials the "
                    "number, waits, then sends the access code and #."
                ),
                Markup("").join(rows),
            )
        else:
            details = Markup("<p>{}</p>").format(
                self.env._(
                    "No incoming number reaches this room: it can only be joined "
                    "from the PBX, on extension %(extension)s.",
                    extension=self.extension,
                )
            )
        wizard = self.env["voip.conference.dial.in"].create(
            {"conference_id": self.id, "details": details}
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dial-in Details of %(room)s", room=self.name),
            "res_model": "voip.conference.dial.in",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

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

    # ------------------------------------------------------------------
    # Host controls: live state, participants panel and actions
    # ------------------------------------------------------------------

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
        (they subscribed to the room's channel, checked in ir.websocket)."""
        bus = self.env["bus.bus"].sudo()
        for room in self.sudo():
            # Only ids: each browser reads the panel through a checked RPC.
            bus._sendone(
                live_channel(self.env.cr.dbname, room.id),
                "voip_conference/live",
                {"id": room.id, "version": room.live_version},
            )

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
        if action in EMPTY_ROOM_REFUSES and not room.live_count:
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
        instead of doing nothing silently: a ConfBridge-style PBX has no
        conference to lock until someone joins."""
        messages = {
            "end": self.env._("Nobody is in %(room)s: there is no conference to end."),
            "mute_all": self.env._("Nobody is in %(room)s: there is nobody to mute."),
            "unmute_all": self.env._(
                "Nobody is in %(room)s: there is nobody to unmute."
            ),
            "lock": self.env._(
                "Nobody is in %(room)s: there is no conference to lock."
            ),
        }
        return messages[action] % {"room": self.name}

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
            shown = self._invite_shown(invited[0].number)
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
            result["message"] = self.env._(
                "The PBX is calling %(target)s.", target=shown
            )
        elif error is not None and error.outcome_unknown:
            result["outcome_unknown"] = True
            result["message"] = self.env._(
                "The PBX may already be calling %(target)s: its answer was "
                "lost. Check who is in the room before inviting again. %(reason)s",
                target=self._invite_shown(target),
                reason=result["message"],
            )
            room.message_post(body=result["message"])
        else:
            room.message_post(
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
            if error.reason == "locked":
                return self.env._(
                    "%(room)s is locked: unlock it to let someone in.", room=self.name
                )
            if error.reason == "full":
                return self.env._(
                    "%(room)s is full: at most %(count)s participants.",
                    room=self.name,
                    count=self.live_capacity or self.live_count,
                )
            return self.env._(
                "The conference in %(room)s has ended: nobody is in the room.",
                room=self.name,
            )
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
# Room actions with nothing to act on while nobody is in the room.
EMPTY_ROOM_REFUSES = {"end", "mute_all", "unmute_all", "lock"}
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
