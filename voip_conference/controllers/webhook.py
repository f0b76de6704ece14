# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import logging

from odoo import SUPERUSER_ID, api, http, sql_db
from odoo.http import request

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

        204 once every event of the delivery is applied (or was already);
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
        """The transaction that applies a delivery: its own, READ COMMITTED.

        The request's transaction took its snapshot before this code runs;
        with REPEATABLE READ, a delivery that waited for the lock of a room
        that another delivery was changing would fail to serialize, again
        and again while senders keep delivering about that room. READ
        COMMITTED lets the row lock order them: each reads what the one
        before committed. A serialization failure or deadlock still raised
        here rolls this transaction back whole and Odoo retries the
        request: nothing of it was committed, the events are applied then.
        In tests the registry hands out a cursor inside the test's
        transaction, whose isolation stays as it is.
        """
        cr = request.env.registry.cursor()
        if isinstance(cr, sql_db.Cursor):
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        return cr
