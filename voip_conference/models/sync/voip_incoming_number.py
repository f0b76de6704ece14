# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, models

from ..voip_incoming_number import DESTINATION_FIELDS


class VoipIncomingNumber(models.Model):
    """A number kept in sync with its PBX (see voip_provider_sync_mixin.py)."""

    _name = "voip.incoming.number"
    _inherit = ["voip.incoming.number", "voip.provider.sync.mixin"]
    _sync_resource = "numbers"
    # The number and its label belong to the PBX's operator: Odoo syncs the
    # voice destination only.
    _sync_field_table = {
        "destination_type": ("destination_type",),
        "destination": ("conference_id", "destination_extension", "dial_plan"),
    }
    _sync_key_field = "number"
    _sync_creatable = False

    def _sync_export_destination(self):
        fname = DESTINATION_FIELDS.get(self.destination_type)
        if fname == "conference_id":
            return self.conference_id.remote_id or ""
        return (fname and self[fname]) or ""

    @api.model
    def _sync_import_destination_type(self, values, pbx):
        destination_type = values["destination_type"]
        destination = values.get("destination") or ""
        vals = self._sync_unmapped_vals("destination") | {
            "destination_type": destination_type
        }
        fname = DESTINATION_FIELDS.get(destination_type)
        if fname == "conference_id":
            rooms = self._sync_memo(
                ("rooms", pbx.id),
                lambda: {
                    room.remote_id: room.id
                    for room in self.env["voip.conference"].search_fetch(
                        [("pbx_id", "=", pbx.id), ("remote_id", "!=", False)],
                        ["remote_id"],
                    )
                },
            )
            if destination not in rooms:
                return None  # a room Odoo does not know: kept as the PBX has it
            vals["conference_id"] = rooms[destination]
        elif fname:
            vals[fname] = destination
        return vals

    @api.model
    def _sync_import_destination(self, values, pbx):
        # Imported with its type; unmapped with it too.
        if "destination_type" not in values:
            values = values | {"destination_type": "none"}
        mapped = self._sync_import_destination_type(values, pbx)
        return None if mapped is None else {}

    def _sync_touched_keys(self, vals):
        # A type and its destination go together: setting one replaces both.
        touched = super()._sync_touched_keys(vals)
        return set(self._sync_field_table) if touched else touched

    @api.model
    def _sync_unmapped_vals(self, key):
        return {
            "destination_type": "none",
            "conference_id": False,
            "destination_extension": False,
            "dial_plan": False,
        }

    @api.model
    def _sync_create_vals(self, remote, pbx):
        vals = super()._sync_create_vals(remote, pbx)
        return vals | ({"name": remote.name} if remote.name else {})

    def _sync_label(self, key):
        if key == "destination":
            return self._fields["destination_display"]._description_string(self.env)
        return super()._sync_label(key)

    def _sync_display(self, key, value):
        if key == "destination" and value:
            room = self.env["voip.conference"].search(
                [("pbx_id", "=", self.pbx_id.id), ("remote_id", "=", value)], limit=1
            )
            if room:
                return room.display_name
        return super()._sync_display(key, value)

    def _sync_not_creatable_message(self):
        return self.env._(
            "This number is not provisioned on the PBX: ask the operator to add "
            "it, then sync."
        )
