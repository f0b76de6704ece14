# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import contextlib
import re

from odoo import models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from ...tools import simulated_pbx
from ...tools.provider import (
    AuthError,
    BadResponseError,
    NotFoundError,
    ProviderError,
    ProviderTimeout,
    ProviderValidationError,
    RateLimitedError,
    UnavailableError,
)
from ...tools.rest_client import RestPbxClient

_lt = LazyTranslate(__name__)

# What a provider error says to the user, per kind (tools/provider.py); the
# most specific kind of an error wins. Every path reads it: sync, push,
# deletion, host actions, invite, connection test.
PROVIDER_ERRORS = {
    AuthError: _lt(
        "The PBX refused the API token: check the token and its "
        "rights in the PBX's settings."
    ),
    NotFoundError: _lt(
        "The PBX does not know this object: it may have been deleted there."
    ),
    ProviderValidationError: _lt("The PBX refused the values."),
    RateLimitedError: _lt("The PBX asks to slow down: the next sync tries again."),
    ProviderTimeout: _lt("The PBX did not answer in time: the next sync tries again."),
    UnavailableError: _lt("The PBX cannot be reached now: the next sync tries again."),
    BadResponseError: _lt(
        "The PBX answered something the provider API does not describe: "
        "its address may lead elsewhere (a proxy, a web page)."
    ),
    ProviderError: _lt("The PBX answered with an error."),
}


class VoipPbx(models.Model):
    """The PBX's client (REST or built-in simulator) and its errors' wording."""

    _inherit = "voip.pbx"

    def _provider_error_message(self, error, secrets=()):
        """The translated message of a provider error, its text as detail.

        One table (PROVIDER_ERRORS) for every path; the provider's own words,
        which are not translated, follow, with this PBX's token and
        ``secrets`` (access codes) masked: the message lands in fields every
        conference user reads.
        """
        kind = next(
            (kind for kind in type(error).__mro__ if kind in PROVIDER_ERRORS),
            ProviderError,
        )
        message = self.env._(PROVIDER_ERRORS[kind])
        detail = self._mask_secrets(str(error), secrets)
        if not detail:
            return message
        return self.env._(
            "%(message)s (PBX: %(detail)s)", message=message, detail=detail
        )

    def _mask_secrets(self, text, secrets=()):
        """``text`` without this PBX's API token nor any of ``secrets``."""
        token = self.sudo().api_token if len(self) == 1 else False
        if token:
            text = text.replace(token, "***")
        for secret in {str(s) for s in secrets if s}:
            # Digits only as a whole number: "12" is masked, "HTTP 412" not.
            text = re.sub(rf"(?<!\d){re.escape(secret)}(?!\d)", "***", text)
        return text

    def _provider_backend(self):
        """The backend object of this PBX (see tools/provider.py)."""
        self.ensure_one()
        pbx = self.sudo()
        if pbx.pbx_backend == "rest":
            if not pbx.api_url:
                raise UserError(
                    self.env._("Set the API URL of PBX %(pbx)s.", pbx=self.display_name)
                )
            return RestPbxClient(
                pbx.api_url,
                pbx.api_token,
                connect_timeout=pbx.api_connect_timeout or 3.05,
                read_timeout=pbx.api_read_timeout or 10.0,
            )
        if pbx.pbx_backend == "simulator":
            backend = simulated_pbx.load(pbx.simulator_state, sleep=lambda _s: None)
            users = self.env["res.users"].sudo().search([("voip_pbx_id", "=", self.id)])
            backend.set_user_extensions(
                users.filtered("voip_extension").mapped("voip_extension")
            )
            backend.set_limits(
                self.conference_max_rooms, self.conference_max_participants
            )
            return backend
        raise UserError(
            self.env._(
                "PBX %(pbx)s has no provider API to sync with.", pbx=self.display_name
            )
        )

    @contextlib.contextmanager
    def _provider(self):
        """Yield the backend; keep the simulator's state in the database."""
        backend = self._provider_backend()
        try:
            yield backend
        finally:
            self._provider_save(backend)

    def _provider_save(self, backend):
        """Keep what the backend asks to keep (the built-in simulator's
        state) in the database."""
        state = backend.state_to_keep()
        if state is not None:
            self.sudo().simulator_state = state

    def _simulator_add_fault(self, operation, status=500, **kwargs):
        """Make the built-in simulator fail (tests and demos)."""
        self.ensure_one()
        self.sudo().simulator_state = simulated_pbx.with_fault(
            self.sudo().simulator_state, operation, status, **kwargs
        )

    def _demo_setup_simulator(self):
        """Demo data: the operator has provisioned the PBX's incoming numbers
        on the simulator; a first sync then puts everything in production."""
        for pbx in self.filtered(lambda p: p.pbx_backend == "simulator"):
            numbers = self.env["voip.incoming.number"].search([("pbx_id", "=", pbx.id)])
            with pbx._provider() as backend:
                known = {number.number for number in backend.list_numbers()}
                for number in numbers:
                    if number.number not in known:
                        backend.add_number(number.number, number.name or "")
            pbx._sync(trigger="manual", apply=True)

    def action_test_connection(self):
        self.env["res.users"]._voip_conference_check_rights("system")
        self.ensure_one()
        try:
            with self._provider() as backend:
                rooms = backend.list_rooms()
        except ProviderError as error:
            raise UserError(
                self.env._(
                    "The PBX API did not answer as expected: %(error)s",
                    error=self._provider_error_message(error),
                )
            ) from error
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Connected: the PBX has %(count)s conference rooms.",
                    count=len(rooms),
                ),
            },
        }
