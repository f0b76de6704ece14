# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import timedelta

from odoo import api, fields, models

# Call-ins older than this are forgotten (the meeting is long over).
KEPT = timedelta(days=30)


class CalendarEventCallIn(models.Model):
    """Who the PBX was asked to call in, per attendee and meeting.

    Written in a transaction of its own, committed before the PBX is asked:
    a call-in run that dies afterwards (its own transaction rolled back) and
    is run again calls nobody twice. Its key is also the idempotency key sent
    to the PBX, which rings once per key whatever the retries.
    """

    _name = "calendar.event.call.in"
    _description = "Call-in of a Meeting Attendee"

    key = fields.Char(required=True, readonly=True)
    state = fields.Selection(
        [("calling", "Calling"), ("called", "Called")],
        required=True,
        readonly=True,
    )

    _key_unique = models.Constraint("UNIQUE(key)", "A call-in is recorded once.")

    @api.model
    def _conference_claim_key(self, key):
        """Record ``key`` as calling (committed at once); return its state
        before: False (new), "calling" (asked, answer unknown) or "called"."""
        with self.env.registry.cursor() as cr:
            cr.execute(
                """
                INSERT INTO calendar_event_call_in
                       (key, state, create_uid, create_date, write_uid, write_date)
                VALUES (%s, 'calling', %s, now() at time zone 'UTC',
                        %s, now() at time zone 'UTC')
                ON CONFLICT (key) DO NOTHING
                RETURNING id
                """,
                [key, self.env.uid, self.env.uid],
            )
            if cr.fetchone():
                return False
            cr.execute("SELECT state FROM calendar_event_call_in WHERE key = %s", [key])
            return cr.fetchone()[0]

    @api.model
    def _conference_mark_called(self, key):
        with self.env.registry.cursor() as cr:
            cr.execute(
                """
                UPDATE calendar_event_call_in
                   SET state = 'called', write_date = now() at time zone 'UTC'
                 WHERE key = %s
                """,
                [key],
            )

    @api.autovacuum
    def _gc_call_ins(self):
        self.sudo().search(
            [("create_date", "<", fields.Datetime.now() - KEPT)]
        ).unlink()
