# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import timedelta

from odoo import fields, models

from ...tools.provider import NotFoundError, ProviderError
from .voip_pbx import PBX_FAILURES


class VoipPbxDeletion(models.Model):
    """Outbox of rooms deleted or archived in Odoo, to delete on the PBX.

    The Odoo record is gone (or archived) at once; the PBX deletion is retried
    with a growing delay until it succeeds.
    """

    _name = "voip.pbx.deletion"
    _description = "Pending Deletion on the PBX"
    _order = "id"

    pbx_id = fields.Many2one("voip.pbx", required=True, ondelete="cascade", index=True)
    resource = fields.Selection(
        [("rooms", "Conference room"), ("numbers", "Incoming number")],
        required=True,
        default="rooms",
    )
    remote_id = fields.Char(string="Provider ID", required=True)
    name = fields.Char()
    attempts = fields.Integer(default=0)
    next_attempt = fields.Datetime(default=fields.Datetime.now)
    last_error = fields.Text()

    def _process(self, pbx, backend, run):
        due = self.search(
            [("pbx_id", "=", pbx.id), ("next_attempt", "<=", fields.Datetime.now())]
        )
        for deletion in due:
            try:
                backend.delete_object(deletion.resource, deletion.remote_id)
            except PBX_FAILURES:
                raise
            except NotFoundError:
                deletion.unlink()  # already gone: that is what we wanted
                run._sync_count(deleted=1)
            except ProviderError as error:
                # The reason reaches managers: on the run and in this outbox.
                reason = pbx._provider_error_message(error)
                run._sync_note(
                    self.env._(
                        "%(room)s could not be deleted on the PBX; it is tried "
                        "again later: %(reason)s",
                        room=deletion.name or deletion.remote_id,
                        reason=reason,
                    )
                )
                deletion.write(
                    {
                        "attempts": deletion.attempts + 1,
                        "last_error": reason,
                        "next_attempt": fields.Datetime.now()
                        + timedelta(minutes=min(2**deletion.attempts, 24 * 60)),
                    }
                )
                run._sync_count(errors=1)
            else:
                deletion.unlink()
                run._sync_count(deleted=1, pushed=1)
