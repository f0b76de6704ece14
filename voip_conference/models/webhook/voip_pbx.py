# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import secrets

from odoo import models
from odoo.exceptions import AccessError

from ...tools import webhook
from .voip_pbx_event import read_committed_cursor

# Rounds of the drain before it hands over to a next run (each round
# applies every event pending when it starts).
DRAIN_ROUNDS = 20


class VoipPbx(models.Model):
    """The PBX's signed event deliveries: their secret, their intake, and
    the drain that applies the events a delivery left pending."""

    _inherit = "voip.pbx"

    def action_generate_webhook_secret(self):
        """A new secret for the PBX's signed webhooks (system administrators)."""
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(
                self.env._("Only system administrators manage webhook secrets.")
            )
        for pbx in self:
            pbx.conference_webhook_secret = secrets.token_urlsafe(32)

    def _conference_webhook_events(self, headers, body):
        """Check a webhook delivery (tools/webhook.py) and apply its events,
        all or none. Raises WebhookError (refused: bad signature) or
        InvalidDelivery (signed, but not events as the contract says them)
        before anything is written."""
        self.ensure_one()
        pbx = self.sudo()
        events = webhook.parse_events(
            webhook.verify(pbx.conference_webhook_secret or "", headers, body)
        )
        return self.env["voip.conference.participation"]._live_apply_events(pbx, events)

    def _live_schedule_drain(self):
        """Have the pending events of this PBX applied after this
        transaction commits: a queue_job job (one per PBX while it waits),
        else the drain's scheduled action woken now. Once per transaction."""
        self.ensure_one()
        scheduled = self.env.cr.precommit.data.setdefault(
            "voip_conference.drain", set()
        )
        if self.id in scheduled:
            return
        scheduled.add(self.id)
        self.env["voip.conference.job"]._delay(
            self.sudo(),
            "_live_apply_pending",
            f"voip_conference_live_drain:{self.id}",
            cron=self.env.ref(
                "voip_conference.voip_pbx_cron_live_apply_pending",
                raise_if_not_found=False,
            ),
            description=f"Apply the pending events of PBX {self.id}",
        )

    def _live_apply_pending(self):
        """The drain: apply the pending events of these PBXs (of every PBX
        with some, called on none) until none is left. Each round is its own
        READ COMMITTED transaction that waits for its rooms' locks (this
        runs outside any request); a round with nothing to do ends it.
        Running it twice, or at once in two places, applies nothing twice:
        an event is taken under its room's lock."""
        Event = self.env["voip.pbx.event"]
        pbx_ids = self.ids or Event._pending_pbx_ids()
        self.env.flush_all()
        for pbx_id in pbx_ids:
            for _round in range(DRAIN_ROUNDS):
                with read_committed_cursor(self.env.registry) as cr:
                    env = self.env(cr=cr, su=True)
                    pbx = env["voip.pbx"].browse(pbx_id).exists()
                    Rows = env["voip.conference.participation"]
                    if not pbx or not Rows._live_apply_pending(pbx):
                        break
            else:
                # Still more: a next run, rather than one without end.
                self.browse(pbx_id)._live_schedule_drain()
        self.env.invalidate_all()
