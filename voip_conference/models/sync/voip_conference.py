# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, models

from ...tools import sync_planner


class VoipConference(models.Model):
    """A room kept in sync with its PBX (see voip_provider_sync_mixin.py)."""

    _name = "voip.conference"
    _inherit = ["voip.conference", "voip.provider.sync.mixin"]
    _sync_resource = "rooms"
    _sync_field_table = {
        "name": ("name",),
        "extension": ("extension",),
        "access_code": ("access_code",),
        "admin_extension": ("admin_user_id",),
        "wait_for_admin": ("wait_for_admin",),
        "max_participants": ("max_participants",),
    }
    _sync_key_field = "extension"
    _sync_unique_key = "extension"
    # Archiving deletes the room on the PBX; restoring or moving it to
    # another PBX creates it there.
    _sync_trigger_fields = ("active", "pbx_id")

    def unlink(self):
        self.filtered("active")._queue_remote_deletion()
        pbxs = self.pbx_id
        result = super().unlink()
        self._register_push(pbxs)
        return result

    def _queue_remote_deletion(self):
        """Delete these rooms on the PBX through the outbox (retried)."""
        # A room missing on the PBX has nothing left to delete there.
        synced = self.sudo().filtered(
            lambda r: r.remote_id and r.sync_state != "missing"
        )
        if not synced:
            return
        self.env["voip.pbx.deletion"].sudo().create(
            [
                {
                    "pbx_id": room.pbx_id.id,
                    "remote_id": room.remote_id,
                    "name": room.name,
                }
                for room in synced
            ]
        )
        for room in synced:
            room._sync_write(
                {
                    "remote_id": False,
                    "remote_version": 0,
                    "sync_agreed": False,
                    "sync_generation": room.sync_generation + 1,
                    "sync_state": "pending",
                }
            )
        self._register_push(synced.pbx_id)

    @api.model
    def _sync_domain(self, pbx):
        return super()._sync_domain(pbx) + [("active", "=", True)]

    def _sync_export_admin_extension(self):
        # The engine runs as superuser: no sudo() here, it would read each
        # record alone (one query per room).
        return self.admin_user_id.voip_extension or ""

    def _sync_secrets(self):
        room = self.sudo()
        return [room.access_code, (room.remote_values or {}).get("access_code")]

    @api.model
    def _sync_import_admin_extension(self, values, pbx):
        extension = values["admin_extension"]
        if not extension:
            return {"admin_user_id": False}
        users = self._sync_memo(
            ("admin_users", pbx.id),
            lambda: {
                user.voip_extension: user.id
                for user in self.env["res.users"]
                .sudo()
                .search([("voip_pbx_id", "=", pbx.id), ("voip_extension", "!=", False)])
            },
        )
        # None: no user of this PBX has it; the PBX's value is kept as is.
        return {"admin_user_id": users[extension]} if extension in users else None

    def _sync_label(self, key):
        if key == "admin_extension":
            return self._fields["admin_extension"]._description_string(self.env)
        return super()._sync_label(key)

    def _sync_display(self, key, value):
        if key == "access_code" and not self.env.user.has_group(
            "voip_conference.voip_conference_group_manager"
        ):
            return "•" * len(value or "")
        return super()._sync_display(key, value)

    @api.model
    def _sync_temporary_key(self, pbx, taken):
        """The highest free 8-digit extension: a parking place for a swap."""
        taken = set(taken)
        while True:
            candidate = sync_planner.temporary_extension(taken)
            if not self._extension_owners(pbx, [candidate]):
                return candidate
            taken.add(candidate)

    def action_apply_changes(self):
        """Push what is pending and put it in production on the PBXs of
        these rooms (all the user's PBXs when none is selected)."""
        self.env["res.users"]._voip_conference_check_rights("manager")
        pbxs = self.pbx_id or self.search([]).pbx_id
        return pbxs.sudo().action_apply_changes()

    def action_sync_now(self):
        self.env["res.users"]._voip_conference_check_rights("manager")
        return self.pbx_id.sudo().action_sync()
