# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import json

from odoo import api, fields, models, sql_db
from odoo.tools import SQL

from ...tools.provider import Event

# A PBX retries a delivery for hours (Standard Webhooks: up to days): an
# event must be known as applied at least that long.
KEEP_DAYS = 7


class VoipPbxEvent(models.Model):
    """The events of a PBX, by key (the event's id, else its cursor): each
    is stored once, whoever delivers it (a retry, a second sender, a poll
    that overlaps a webhook), and applied once.

    An event is stored ``pending`` with its payload in the transaction that
    received it, and marked applied in the transaction that applies it,
    under its room's lock: both are committed, or neither. A delivery
    applies the events of the rooms it could lock at once; the others stay
    pending for the drain (``voip.pbx._live_apply_pending``), which nothing
    answered with a 204 escapes: the events and the drain's trigger are
    committed together."""

    _name = "voip.pbx.event"
    _description = "PBX Event"
    _log_access = False

    pbx_id = fields.Many2one("voip.pbx", required=True, ondelete="cascade")
    key = fields.Char(required=True)
    cursor = fields.Integer()
    received_at = fields.Datetime(required=True, index=True)
    room_remote_id = fields.Char(string="Provider Room ID")
    # The event as the PBX sent it (tools/provider.Event.to_dict), kept
    # until it is applied.
    payload = fields.Json()
    pending = fields.Boolean(help="Stored, not applied yet: its room was busy.")

    _pbx_key_uniq = models.UniqueIndex("(pbx_id, key)")
    _pending_idx = models.Index("(pbx_id, room_remote_id) WHERE pending")

    @api.model
    def _store(self, pbx, events):
        """Store ``events`` (:class:`~..tools.provider.Event`) of ``pbx``,
        each key once; return ``{key: pending}`` of those that were new:
        the events of a room Odoo knows are pending, the others have
        nothing to apply."""
        if not events:
            return {}
        # ON CONFLICT: a key already there (or being inserted by a
        # concurrent transaction, which this one then waits for) is skipped,
        # never an IntegrityError that would fail the request. A key twice
        # in one delivery is stored once.
        self.env.cr.execute(
            SQL(
                "INSERT INTO voip_pbx_event "
                "(pbx_id, key, cursor, room_remote_id, payload, pending, received_at) "
                "SELECT %(pbx)s, e.key, e.cursor, e.room, e.payload, "
                "EXISTS (SELECT 1 FROM voip_conference c "
                "WHERE c.pbx_id = %(pbx)s AND c.remote_id = e.room), "
                "NOW() AT TIME ZONE 'UTC' "
                "FROM unnest(%(keys)s::varchar[], %(cursors)s::int[], "
                "%(rooms)s::varchar[], %(payloads)s::jsonb[]) "
                "AS e(key, cursor, room, payload) "
                # In key order: two deliveries that share events wait for
                # each other's in one order, never in a cycle.
                "ORDER BY e.key ON CONFLICT DO NOTHING RETURNING key, pending",
                pbx=pbx.id,
                keys=[event.key for event in events],
                cursors=[event.cursor for event in events],
                rooms=[event.room_id for event in events],
                payloads=[json.dumps(event.to_dict()) for event in events],
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _take_pending(self, pbx, remote_ids, known=None):
        """Mark applied, and return as :class:`~..tools.provider.Event`, the
        pending events of ``pbx`` about the rooms ``remote_ids``, whose
        locks this transaction holds: those of this transaction and those
        others committed. ``known``: ``{key: Event}`` already read."""
        if not remote_ids:
            return []
        self.env.cr.execute(
            SQL(
                "UPDATE voip_pbx_event AS e SET pending = false, payload = NULL "
                "FROM (SELECT id, payload FROM voip_pbx_event WHERE pbx_id = %s "
                "AND pending AND room_remote_id = ANY(%s)) AS taken "
                "WHERE e.id = taken.id RETURNING e.key, taken.payload",
                pbx.id,
                list(remote_ids),
            )
        )
        known = known or {}
        return [
            known.get(key) or Event.from_dict(payload)
            for key, payload in self.env.cr.fetchall()
        ]

    @api.model
    def _pending_pbx_ids(self):
        """The PBXs with events pending."""
        self.env.cr.execute(
            "SELECT DISTINCT pbx_id FROM voip_pbx_event WHERE pending ORDER BY pbx_id"
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _pending_rooms(self, pbx):
        """The remote ids of the rooms of ``pbx`` with events pending."""
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT room_remote_id FROM voip_pbx_event "
                "WHERE pbx_id = %s AND pending",
                pbx.id,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.autovacuum
    def _gc_events(self):
        # A pending event stays until it is applied, however old.
        self.env.cr.execute(
            SQL(
                "DELETE FROM voip_pbx_event WHERE pending IS NOT TRUE "
                "AND received_at < NOW() AT TIME ZONE 'UTC' - %s * interval '1 day'",
                KEEP_DAYS,
            )
        )


def read_committed_cursor(registry):
    """A new cursor of ``registry`` in READ COMMITTED: how events are
    applied under their rooms' locks.

    Odoo's transactions are REPEATABLE READ: one that locked a room that
    another transaction changed after its snapshot would fail to serialize,
    again and again while a PBX keeps sending about that room. READ
    COMMITTED lets the row locks order them: each reads what the one before
    committed. In tests the registry hands out a cursor inside the test's
    transaction, whose isolation stays as it is."""
    cr = registry.cursor()
    if isinstance(cr, sql_db.Cursor):
        cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
    return cr
