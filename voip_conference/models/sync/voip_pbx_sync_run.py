# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import format_datetime

# Bus notification sent when a run ends: open views of rooms and numbers
# reload what the run changed (see static/src/sync/).
SYNC_DONE_NOTIFICATION = "voip_conference/sync_run_done"


class VoipPbxSyncRun(models.Model):
    """Audit trail: one record per sync run of a PBX.

    Runs are kept for the PBX's retention (``sync_run_retention_days``, 90
    days by default), then deleted by the daily clean-up (autovacuum).
    """

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
            ("conflicts", "Conflicts left"),
            ("partial", "Done with errors"),
            ("failed", "Failed"),
            ("skipped", "Skipped"),
        ],
        default="running",
        required=True,
        index=True,
    )
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    created = fields.Integer()
    updated = fields.Integer()
    deleted = fields.Integer()
    pushed = fields.Integer()
    applied = fields.Integer(help="Pushed changes put in production on the PBX.")
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

    @api.depends("pbx_id", "trigger", "create_date")
    def _compute_display_name(self):
        triggers = dict(self._fields["trigger"]._description_selection(self.env))
        for run in self:
            run.display_name = self.env._(
                "%(pbx)s, %(trigger)s, %(date)s",
                pbx=run.pbx_id.display_name,
                trigger=triggers.get(run.trigger, ""),
                # With its seconds: the runs of a minute of saves differ.
                date=format_datetime(self.env, run.create_date, dt_format="medium")
                if run.create_date
                else "",
            )

    @api.depends(
        "status",
        "created",
        "updated",
        "deleted",
        "pushed",
        "applied",
        "conflicts",
        "errors",
    )
    def _compute_summary(self):
        statuses = dict(self._fields["status"]._description_selection(self.env))
        for run in self:
            # Only what happened; "nothing to do" is news too.
            done = run._summary_counts()
            if done:
                details = ", ".join(done) + "."
            elif run.status in ("done", "conflicts", "partial"):
                details = self.env._("Nothing to change: Odoo and the PBX agree.")
            else:
                details = ""
            run.summary = " ".join(
                part
                for part in (
                    self.env._(
                        "%(pbx)s: %(status)s.",
                        pbx=run.pbx_id.display_name,
                        status=statuses.get(run.status),
                    ),
                    details,
                    run.message or "",
                )
                if part
            )

    def _summary_counts(self):
        """The counts of this run that are not zero, in words."""
        self.ensure_one()
        counts = [
            (self.created, self.env._("%(count)s created", count=self.created)),
            (self.updated, self.env._("%(count)s updated", count=self.updated)),
            (self.pushed, self.env._("%(count)s pushed", count=self.pushed)),
            (
                self.applied,
                self.env._("%(count)s put in production", count=self.applied),
            ),
            (self.deleted, self.env._("%(count)s deleted", count=self.deleted)),
            (self.conflicts, self.env._("%(count)s conflicts", count=self.conflicts)),
            (self.errors, self.env._("%(count)s errors", count=self.errors)),
        ]
        return [text for value, text in counts if value]

    @api.model
    def _final_status(self, status, counts):
        """The status a finished run records, from how it ended (``status``:
        "done" or "failed") and its counts (dict of the count fields).

        A run that left errors or conflicts behind is not "done": it shows
        under the Problems filter.
        """
        if status != "done":
            return status
        if counts.get("errors"):
            return "partial"
        if counts.get("conflicts"):
            return "conflicts"
        return "done"

    def write(self, vals):
        result = super().write(vals)
        if vals.get("status", "running") != "running":
            self._notify_finished()
        return result

    def _notify_finished(self):
        """Tell the open views of rooms and numbers that a run ended, so they
        show its outcome without a reload. Sent to conference users; the
        bus delivers it once this transaction commits."""
        group = self.env.ref(
            "voip_conference.voip_conference_group_user", raise_if_not_found=False
        )
        if group:
            self.env["bus.bus"]._sendone(
                group.sudo(),
                SYNC_DONE_NOTIFICATION,
                {"pbx_ids": self.pbx_id.ids},
            )

    @api.autovacuum
    def _gc_sync_runs(self):
        """Delete the runs older than their PBX's retention (none when 0)."""
        pbxs = self.env["voip.pbx"].sudo().search([("sync_run_retention_days", ">", 0)])
        for pbx in pbxs:
            limit = fields.Datetime.now() - timedelta(days=pbx.sync_run_retention_days)
            self.sudo().search(
                [("pbx_id", "=", pbx.id), ("create_date", "<", limit)]
            ).unlink()
