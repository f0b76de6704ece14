# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, models

# The queue_job channel of the addon's jobs (configure its capacity in the
# [queue_job] section of Odoo's configuration: root.voip_conference:2).
CHANNEL = "root.voip_conference"


class VoipConferenceJob(models.AbstractModel):
    """Work that need not block anyone: applying a PBX's pending events,
    pushing rooms after Save, calling attendees into a meeting.

    With OCA ``queue_job`` installed, each runs as a job on its channel
    (retries, capacity, across workers and machines), one per identity key:
    a job still waiting for its turn is not made twice. Without it, the
    addon works as it always did: a scheduled action woken now, or the
    work done at once."""

    _name = "voip.conference.job"
    _description = "Conference Background Work"

    @api.model
    def _queue_installed(self):
        return "queue.job" in self.env

    @api.model
    def _delay(self, records, method, identity_key, *args, cron=None, description=""):
        """Run ``records.<method>(*args)`` outside this transaction.

        ``identity_key`` names the work (``"<operation>:<record ids>"``):
        no second job while one with the same key waits. Without queue_job:
        ``cron`` (an ``ir.cron`` whose run does this work) is woken, or,
        without one, the method runs now. The work is committed with this
        transaction's, or not at all."""
        if self._queue_installed():
            delayable = records.with_delay(
                channel=CHANNEL,
                identity_key=identity_key,
                description=description or None,
            )
            return getattr(delayable, method)(*args)
        if cron is not None:
            return cron.sudo()._trigger()
        return getattr(records, method)(*args)
