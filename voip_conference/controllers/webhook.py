# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import contextlib
import logging

from psycopg2.extensions import TRANSACTION_STATUS_IDLE

from odoo import SUPERUSER_ID, api, http, sql_db
from odoo.http import request

from ..models.webhook.voip_pbx_event import read_committed_cursor
from ..tools.webhook import InvalidDelivery, WebhookError

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

        204 once every event of the delivery is stored, and applied unless
        its room was busy or the delivery large (then the drain applies it
        after the answer: models/live/voip_conference_participation.py);
        a bare 401 for a refused sender (unknown PBX, no secret, forged,
        stale, garbled headers), a bare 400 for a signed body that is not
        events as the contract says them, and then nothing is applied. The
        reason goes to the log only, never to the sender.
        """
        body = request.httprequest.get_data()
        headers = request.httprequest.headers
        try:
            with self._conference_events_cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                pbx = env["voip.pbx"].browse(pbx_id).exists()
                if not pbx:
                    raise WebhookError("unknown PBX")
                pbx._conference_webhook_events(headers, body)
        except WebhookError as error:
            _logger.warning(
                "Refused a conference webhook for PBX %s: %s", pbx_id, error.reason
            )
            return request.make_response("", status=401)
        except InvalidDelivery as error:
            _logger.warning(
                "Unreadable conference events from PBX %s: %s", pbx_id, error.detail
            )
            return request.make_response("", status=400)
        return request.make_response("", status=204)

    def _conference_events_cursor(self):
        """The transaction that takes a delivery, READ COMMITTED
        (models/webhook/voip_pbx_event.py says why): the request's own when
        nothing ran in it yet (one connection and one commit less per
        delivery; Odoo commits it before answering), else a new one. A
        serialization failure or deadlock rolls it back whole and Odoo
        retries the request: nothing of it was committed."""
        cr = request.env.cr
        if (
            isinstance(cr, sql_db.Cursor)
            and cr._cnx.info.transaction_status == TRANSACTION_STATUS_IDLE
        ):
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            return contextlib.nullcontext(cr)
        return read_committed_cursor(request.env.registry)
