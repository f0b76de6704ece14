# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.models import LOG_ACCESS_COLUMNS


class VoipConferenceWizardMixin(models.AbstractModel):
    """What every wizard of the conference addons inherits: it is its
    creator's.

    A wizard shows what it points to (a room's name, a conflict's access
    codes), so nobody may make one on records they cannot read: every record
    it points to is checked when it is made or changed. Its company is that
    of those records, and a record rule per wizard (see
    ``security/voip_conference_security.xml``) lets only its creator read or
    write it, while that company is one of theirs.
    """

    _name = "voip.conference.wizard.mixin"
    _description = "Wizard of Conference Rooms (its creator's)"

    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=True,
    )

    def _wizard_target_fields(self):
        """The stored fields that point to records: {name: field}."""
        return {
            name: field
            for name, field in self._fields.items()
            if field.store
            and name not in LOG_ACCESS_COLUMNS
            and name != "company_id"
            and (
                field.type == "many2one_reference"
                or (
                    field.type in ("many2one", "many2many")
                    and field.comodel_name != "res.company"
                )
            )
        }

    def _wizard_company_depends(self):
        depends = []
        for name, field in self._wizard_target_fields().items():
            if field.type == "many2one_reference":
                depends += [field.model_field, name]
            elif "company_id" in self.env[field.comodel_name]._fields:
                depends.append(f"{name}.company_id")
            else:
                depends.append(name)
        return depends

    def _wizard_targets(self):
        """The records this wizard points to, one recordset per field."""
        self.ensure_one()
        targets = []
        for name, field in self._wizard_target_fields().items():
            if field.type != "many2one_reference":
                targets.append(self[name])
            elif self[field.model_field] in self.env and self[name]:
                targets.append(self.env[self[field.model_field]].browse(self[name]))
        return targets

    def _wizard_company_records(self):
        """The records whose company the wizard takes (what it points to)."""
        return self._wizard_targets()

    @api.depends(lambda self: self._wizard_company_depends())
    def _compute_company_id(self):
        for wizard in self:
            companies = self.env["res.company"]
            for target in wizard.sudo()._wizard_company_records():
                if "company_id" in target._fields:
                    companies |= target.exists().company_id
            wizard.company_id = companies[:1]

    def _wizard_check_targets(self):
        """Refuse a wizard on records its user may not read."""
        if self.env.su:
            return
        for wizard in self:
            for target in wizard._wizard_targets():
                target.exists().check_access("read")

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards._wizard_check_targets()
        return wizards

    def write(self, vals):
        result = super().write(vals)
        if any(name in self._wizard_target_fields() for name in vals):
            self._wizard_check_targets()
        return result
