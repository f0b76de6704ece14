# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError, ValidationError
from odoo.tools.translate import LazyTranslate

from ..tools import numbering
from .voip_pbx import RECEPTIONIST_DELAY_MAX

_lt = LazyTranslate(__name__)

# What each error code of the numbering rules (tools/numbering.py, codes
# only) says, per kind of value: the one wording of every layer that checks
# a room's name, an extension (rooms, users, number destinations), an access
# code or a phone number.
_EXTENSION_LENGTH = _lt(
    "The extension %(extension)s must have %(min)s to %(max)s digits "
    "(3 to 5 are the easiest to remember)."
)
_NUMBER_NOT_IN_USE = _lt(
    "%(number)s is not a phone number in use in its country: check its area code."
)
NUMBERING_ERRORS = {
    "name": {
        numbering.REQUIRED: _lt(
            "A room needs a name, not only blanks: type the name people know it by."
        ),
        numbering.TOO_LONG: _lt(
            "The name of room %(extension)s has %(length)s characters; "
            "the PBX accepts at most %(max)s. Shorten it."
        ),
    },
    "extension": {
        numbering.REQUIRED: _lt(
            "The extension is required: type the %(min)s to %(max)s "
            "digits people dial (3 to 5 are the easiest to remember)."
        ),
        numbering.NOT_DIGITS: _lt(
            # Blanks and dashes are read away before this rule: not named.
            "The extension %(extension)s may contain digits only "
            "(no letters, # or *)."
        ),
        numbering.TOO_SHORT: _EXTENSION_LENGTH,
        numbering.TOO_LONG: _EXTENSION_LENGTH,
    },
    "access_code": {
        numbering.NOT_DIGITS: _lt(
            "The access code of %(room)s may contain digits only: "
            "callers end it with #, so # cannot be part of it, "
            "and neither can * or letters."
        ),
        numbering.TOO_LONG: _lt(
            "The access code of %(room)s has more than %(max)s digits."
        ),
    },
    "number": {
        numbering.REQUIRED: _NUMBER_NOT_IN_USE,
        numbering.NOT_A_NUMBER: _lt("%(number)s is not a phone number."),
        numbering.NO_COUNTRY: _lt(
            "%(number)s has no country code and no country is chosen to read it."
        ),
        numbering.UNKNOWN_COUNTRY_CODE: _lt(
            "%(number)s does not start with a country code that exists."
        ),
        numbering.TOO_SHORT: _lt(
            "%(number)s has too few digits for a phone number of its country."
        ),
        numbering.TOO_LONG: _lt(
            "%(number)s has too many digits for a phone number of its country."
        ),
        numbering.WRONG_LENGTH: _lt(
            "%(number)s does not have the number of digits of a phone number "
            "of its country."
        ),
        numbering.NOT_IN_USE: _NUMBER_NOT_IN_USE,
    },
}

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
            if error:
                raise ValidationError(
                    self._numbering_error(
                        "name",
                        error,
                        extension=room.extension,
                        length=len((room.name or "").strip()),
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
    def _numbering_error(self, kind, code, **values):
        """The user's words for error ``code`` of a numbering rule
        (tools/numbering.py) on a ``kind`` of value (a key of
        NUMBERING_ERRORS), filled with ``values``."""
        return self.env._(NUMBERING_ERRORS[kind][code]) % values

    @api.model
    def _raise_extension_error(self, extension):
        """Raise the translated error of an invalid extension, if any."""
        error = numbering.check_extension(extension)
        if error:
            raise ValidationError(
                self._numbering_error(
                    "extension",
                    error,
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
            if error:
                raise ValidationError(
                    self._numbering_error(
                        "access_code",
                        error,
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
