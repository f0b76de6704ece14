# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models

from ..models.sync.voip_provider_sync_mixin import ADOPT


class VoipProviderSyncAdopt(models.TransientModel):
    """Re-create on the PBX found there an object of the same key (a room of
    the same extension): link to it, after the manager confirms."""

    _name = "voip.provider.sync.adopt"
    _inherit = ["voip.conference.wizard.mixin"]
    _description = "Link to the PBX's Object of the Same Key"

    res_model = fields.Char(required=True, readonly=True)
    res_ids = fields.Json(required=True, readonly=True)
    message = fields.Text(readonly=True)

    @api.model
    def _open_for(self, taken):
        """The confirmation of Re-create for ``taken`` ({record: the PBX's
        object of its key})."""
        records = self.env[next(iter(taken))._name].browse(r.id for r in taken)
        lines = [
            self.env._(
                "%(record)s: %(name)s, on the PBX with %(key)s",
                record=record.display_name,
                name=getattr(remote, "name", "") or remote.id,
                key=record[record._sync_key_field],
            )
            for record, remote in taken.items()
        ]
        wizard = self.create(
            {
                "res_model": records._name,
                "res_ids": records.ids,
                "message": "\n".join(lines),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Link to What the PBX Has?"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _records(self):
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_ids or [])

    def _wizard_company_depends(self):
        return super()._wizard_company_depends() + ["res_model", "res_ids"]

    def _wizard_targets(self):
        targets = super()._wizard_targets()
        if self.res_model in self.env:
            targets.append(self._records())
        return targets

    def action_confirm(self):
        """Re-create, linking each record to the PBX's object of its key."""
        self.env["res.users"]._voip_conference_check_rights("manager")
        self.ensure_one()
        self._records().with_context(**{ADOPT: True}).action_recreate_on_pbx()
        return {"type": "ir.actions.act_window_close"}
