# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models


class VoipPbxSyncRun(models.Model):
    """Audit trail: one record per sync run of a PBX."""

    _name = "voip.pbx.sync.run"
    _description = "PBX Sync Run"
    _order = "id desc"

    pbx_id = fields.Many2one(
        "voip.pbx", string="PBX", required=True, ondelete="cascade", index=True
    )
    trigger = fields.Selection(
        [
            ("manual", "Sync button"),
            ("save", "Save"),
            ("apply", "Apply changes"),
            ("cron", "Scheduled"),
        ],
        required=True,
    )
    direction = fields.Selection(
        [
            ("both", "Pull and push"),
            ("pull", "Pull"),
            ("push", "Push"),
            ("apply", "Apply"),
        ],
        required=True,
    )
    status = fields.Selection(
        [
            ("running", "Running"),
            ("done", "Done"),
            ("partial", "Done with errors"),
            ("failed", "Failed"),
            ("skipped", "Skipped"),
        ],
        default="running",
        required=True,
    )
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    created = fields.Integer()
    updated = fields.Integer()
    deleted = fields.Integer()
    pushed = fields.Integer()
    conflicts = fields.Integer()
    errors = fields.Integer()
    requests = fields.Integer(string="Requests Made")
    duration = fields.Float(string="Duration (s)", digits=(16, 3))
    message = fields.Text()
    summary = fields.Char(compute="_compute_summary")

    def _sync_count(self, **counts):
        """Add to the run's counts: ``_sync_count(pushed=3, errors=1)``."""
        counts = {key: value for key, value in counts.items() if value}
        if counts:
            self.write({key: self[key] + value for key, value in counts.items()})

    def _sync_note(self, message):
        """Add a line to the run's message."""
        self.message = "\n".join(filter(None, [self.message, message]))

    @api.depends(
        "status", "created", "updated", "deleted", "pushed", "conflicts", "errors"
    )
    def _compute_summary(self):
        statuses = dict(self._fields["status"]._description_selection(self.env))
        for run in self:
            run.summary = self.env._(
                "%(pbx)s: %(status)s. %(created)s created, %(updated)s updated, "
                "%(pushed)s pushed, %(deleted)s deleted, %(conflicts)s conflicts, "
                "%(errors)s errors.%(message)s",
                pbx=run.pbx_id.display_name,
                status=statuses.get(run.status),
                created=run.created,
                updated=run.updated,
                pushed=run.pushed,
                deleted=run.deleted,
                conflicts=run.conflicts,
                errors=run.errors,
                message=f" {run.message}" if run.message else "",
            )
