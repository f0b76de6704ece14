# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import time

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import webhook


class VoipPbxWebhookDelivery(models.Model):
    """The signatures of accepted webhook deliveries, kept for the replay
    window: a delivery whose signature is here is a replay. In the database
    so that every worker sees every delivery."""

    _name = "voip.pbx.webhook.delivery"
    _description = "PBX Webhook Delivery"
    _log_access = False

    pbx_id = fields.Many2one("voip.pbx", required=True, ondelete="cascade")
    signature = fields.Char(required=True)
    timestamp = fields.Integer(required=True, index=True)

    _pbx_signature_uniq = models.UniqueIndex("(pbx_id, signature)")

    @api.model
    def _seen(self, pbx, signature, timestamp):
        """Remember ``signature``; True when it was already there."""
        self.env.cr.execute(
            SQL(
                "INSERT INTO voip_pbx_webhook_delivery (pbx_id, signature, timestamp) "
                "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING RETURNING id",
                pbx.id,
                signature,
                timestamp,
            )
        )
        return not self.env.cr.fetchone()

    @api.autovacuum
    def _gc_deliveries(self):
        horizon = int(time.time()) - 2 * webhook.TOLERANCE
        self.env.cr.execute(
            SQL("DELETE FROM voip_pbx_webhook_delivery WHERE timestamp < %s", horizon)
        )
