# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class VoipProviderSyncConflict(models.TransientModel):
    """A record changed in Odoo and on the PBX: show both side by side and
    let a manager keep Odoo's values, take the PBX's, or choose per field.
    Works for any synced record (rooms, incoming numbers)."""

    _name = "voip.provider.sync.conflict"
    _inherit = ["voip.conference.wizard.mixin"]
    _description = "Resolve a PBX Sync Conflict"

    res_model = fields.Char(required=True, readonly=True)
    res_id = fields.Many2oneReference(
        model_field="res_model", required=True, readonly=True
    )
    record_name = fields.Char(compute="_compute_record_name")
    line_ids = fields.One2many(
        "voip.provider.sync.conflict.line", "wizard_id", string="Values"
    )

    @api.depends("res_model", "res_id")
    def _compute_record_name(self):
        for wizard in self:
            wizard.record_name = wizard._record().display_name

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "line_ids" in fields_list and values.get("res_model"):
            record = self._record(values["res_model"], values.get("res_id"))
            values["line_ids"] = [
                Command.create(line) for line in self._lines_of(record)
            ]
        return values

    @api.model
    def _create_for(self, record):
        """The wizard of ``record``, its lines made from the record."""
        return self.create(
            {
                "res_model": record._name,
                "res_id": record.id,
                "line_ids": [Command.create(line) for line in self._lines_of(record)],
            }
        )

    def _record(self, res_model=None, res_id=None):
        res_model = res_model or self.res_model
        res_id = res_id or self.res_id
        if res_model not in self.env or not hasattr(
            self.env[res_model], "_sync_resolve"
        ):
            raise UserError(self.env._("This record is not synced with a PBX."))
        record = self.env[res_model].browse(res_id).exists()
        if not record:
            raise UserError(self.env._("This record no longer exists."))
        record.check_access("write")
        return record

    @api.model
    def _lines_of(self, record):
        synced = record.sudo()
        if synced.sync_state != "conflict" or not synced.remote_values:
            return []  # resolving says there is nothing to resolve
        ours, theirs = synced._sync_export(), synced.remote_values
        return [
            {
                "key": key,
                "name": record._sync_label(key),
                "odoo_value": record._sync_display(key, ours.get(key)),
                "pbx_value": record._sync_display(key, theirs.get(key)),
                "differs": ours.get(key) != theirs.get(key),
                "choice": "odoo",
            }
            for key in record._sync_field_table
        ]

    def _resolve(self, choices, message):
        self.env["res.users"]._voip_conference_check_rights("manager")
        self.ensure_one()
        record = self._record()
        record._sync_resolve(choices)
        if hasattr(record, "message_post"):
            record.message_post(body=message)
        return {"type": "ir.actions.act_window_close"}

    def _all_keys(self):
        """Every synced key of the record: the lines only show them."""
        self.ensure_one()
        return list(self._record()._sync_field_table)

    def action_keep_odoo(self):
        """Odoo's values win: they are pushed over the PBX's."""
        return self._resolve(
            dict.fromkeys(self._all_keys(), "odoo"),
            self.env._("Sync conflict resolved: Odoo's values kept."),
        )

    def action_take_provider(self):
        """The PBX's values win: Odoo takes them, nothing is pushed."""
        return self._resolve(
            dict.fromkeys(self._all_keys(), "pbx"),
            self.env._("Sync conflict resolved: the PBX's values taken."),
        )

    def action_apply_choices(self):
        """Each value as chosen on its line (Odoo's where no line says)."""
        chosen = {line.key: line.choice for line in self.line_ids if line.key}
        return self._resolve(
            {key: chosen.get(key, "odoo") for key in self._all_keys()},
            self.env._("Sync conflict resolved value by value."),
        )


class VoipProviderSyncConflictLine(models.TransientModel):
    _name = "voip.provider.sync.conflict.line"
    _inherit = ["voip.conference.wizard.mixin"]
    _description = "A Value of a PBX Sync Conflict"

    wizard_id = fields.Many2one(
        "voip.provider.sync.conflict", required=True, ondelete="cascade"
    )
    key = fields.Char(required=True, readonly=True)
    name = fields.Char(string="Field", readonly=True)
    odoo_value = fields.Char(string="In Odoo", readonly=True)
    pbx_value = fields.Char(string="On the PBX", readonly=True)
    differs = fields.Boolean(readonly=True)
    choice = fields.Selection(
        [("odoo", "Odoo's"), ("pbx", "The PBX's")],
        string="Keep",
        required=True,
        default="odoo",
    )
