# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.tools import SQL

# A PBX retries a delivery for hours (Standard Webhooks: up to days): an
# event must be known as applied at least that long.
KEEP_DAYS = 7


class VoipPbxEvent(models.Model):
    """The events of a PBX already applied, by key (the event's id, else its
    cursor): an event delivered again, by a retry, by a second sender or
    by a poll that overlaps a webhook, is recognised and applied no more.

    Written in the transaction that applies the events: both are committed,
    or neither (a rolled back apply leaves the event to be applied again)."""

    _name = "voip.pbx.event"
    _description = "PBX Event Applied"
    _log_access = False

    pbx_id = fields.Many2one("voip.pbx", required=True, ondelete="cascade")
    key = fields.Char(required=True)
    cursor = fields.Integer()
    received_at = fields.Datetime(required=True, index=True)

    _pbx_key_uniq = models.UniqueIndex("(pbx_id, key)")

    @api.model
    def _claim(self, pbx, events):
        """Record ``events`` (:class:`~..tools.provider.Event`) as applied;
        return the keys that were not already: those to apply now."""
        if not events:
            return set()
        keys = [event.key for event in events]
        cursors = [event.cursor for event in events]
        # ON CONFLICT: a key already there (or being inserted by a
        # concurrent transaction, which this one then waits for) is skipped,
        # never an IntegrityError that would fail the request.
        self.env.cr.execute(
            SQL(
                "INSERT INTO voip_pbx_event (pbx_id, key, cursor, received_at) "
                "SELECT %s, key, cursor, NOW() AT TIME ZONE 'UTC' "
                "FROM unnest(%s::varchar[], %s::int[]) AS e(key, cursor) "
                "ON CONFLICT DO NOTHING RETURNING key",
                pbx.id,
                keys,
                cursors,
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.autovacuum
    def _gc_events(self):
        self.env.cr.execute(
            SQL(
                "DELETE FROM voip_pbx_event WHERE received_at < "
                "NOW() AT TIME ZONE 'UTC' - %s * interval '1 day'",
                KEEP_DAYS,
            )
        )
