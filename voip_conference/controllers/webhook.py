# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import logging

from odoo import http
from odoo.http import request

from ..tools.webhook import WebhookError

_logger = logging.getLogger(__name__)


class VoipConferenceWebhook(http.Controller):
    @http.route(
        "/voip_conference/webhook/<int:pbx_id>",
        type="http",
        auth="none",
        # Odoo makes auth="none" routes read-only unless told otherwise.
        readonly=False,
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def conference_events(self, pbx_id):
        """A PBX pushes its conference events (tools/webhook.py).

        204 when applied; a bare 401 for anything refused (unknown PBX, no
        secret, forged, stale, replayed, malformed): the reason goes to the
        log only, never to the sender.
        """
        pbx = request.env["voip.pbx"].sudo().browse(pbx_id).exists()
        body = request.httprequest.get_data()
        try:
            if not pbx:
                raise WebhookError("unknown PBX")
            pbx._conference_webhook_events(request.httprequest.headers, body)
        except WebhookError as error:
            _logger.warning(
                "Refused a conference webhook for PBX %s: %s", pbx_id, error.reason
            )
            return request.make_response("", status=401)
        except ValueError:
            _logger.warning("Unreadable conference events from PBX %s", pbx_id)
            return request.make_response("", status=400)
        return request.make_response("", status=204)
