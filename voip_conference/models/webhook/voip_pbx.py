# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import secrets

from odoo import models
from odoo.exceptions import AccessError

from ...tools import webhook


class VoipPbx(models.Model):
    """The PBX's signed event deliveries: their secret, their intake."""

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
