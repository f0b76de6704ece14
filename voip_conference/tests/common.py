# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from urllib.parse import urlsplit

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user
from odoo.tests.common import _super_send

from ..tools import simulated_pbx
from ..tools.rest_server import SimulatedPbxServer

MANAGER_GROUPS = "base.group_user,voip_conference.voip_conference_group_manager"
USER_GROUPS = "base.group_user,voip_conference.voip_conference_group_user"


class VoipConferenceCase(TransactionCase):
    """Two PBXs, a manager, a conference user and a plain internal user.

    Nothing here depends on demo data.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.country_id = cls.env.ref("base.be")
        cls.pbx = cls.env["voip.pbx"].create({"name": "Test PBX"})
        cls.other_pbx = cls.env["voip.pbx"].create({"name": "Other PBX"})
        cls.manager = new_test_user(
            cls.env,
            login="vc_manager",
            groups=MANAGER_GROUPS,
            voip_pbx_id=cls.pbx.id,
            voip_extension="200",
        )
        cls.conf_user = new_test_user(
            cls.env,
            login="vc_user",
            groups=USER_GROUPS,
            voip_pbx_id=cls.pbx.id,
            voip_extension="201",
        )
        cls.internal_user = new_test_user(
            cls.env, login="vc_internal", groups="base.group_user"
        )
        cls.Room = cls.env["voip.conference"]
        cls.Number = cls.env["voip.incoming.number"]

    @classmethod
    def _room(cls, extension="8001", **vals):
        return cls.Room.create(
            {"name": f"Room {extension}", "extension": extension, "pbx_id": cls.pbx.id}
            | vals
        )

    @classmethod
    def _number(cls, number="+3225550100", **vals):
        return cls.Number.create({"number": number, "pbx_id": cls.pbx.id} | vals)

    @contextmanager
    def assertRefused(self, exception=ValidationError, regex=""):
        """The block raises ``exception`` and leaves nothing behind.

        As in a real request, the refused change is rolled back: the
        savepoint undoes it and the cache is read again from the database.
        """
        with self.assertRaisesRegex(exception, regex) as caught:
            with self.env.cr.savepoint():
                yield caught
        self.env.invalidate_all()


class LoopbackPbxMixin:
    """A test class whose PBX is our REST server (``tools/rest_server.py``)
    on loopback, reached for real over HTTP.

    Put it first among the bases. ``start_pbx_server(token, **kwargs)``
    starts the server for the class (stopped at its end) and sets
    ``cls.server``.
    """

    server = None

    @classmethod
    def start_pbx_server(cls, token, **kwargs):
        cls.server = SimulatedPbxServer(token, **kwargs).start()
        cls.addClassCleanup(cls.server.stop)
        return cls.server

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Odoo's test handler raises every timeout to 10 s and compares it
        # with a number: the client's (connect, read) tuple and the short
        # timeouts of these tests must reach our loopback server unchanged.
        # Any other request still goes through Odoo's handler, which blocks
        # what is not on this machine.
        url = urlsplit(r.url)
        ours = cls.server and cls.server.httpd.server_address[:2]
        if ours and (url.hostname, url.port) == ours:
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)


class SimulatorPbxMixin:
    """The tests' PBX on the built-in simulator: its side is read and
    written through the PBX's record, as the addon keeps it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx.pbx_backend = "simulator"

    def _remote(self):
        return simulated_pbx.load(self.pbx.sudo().simulator_state)

    def _save_remote(self, remote):
        """Store changes made on the provider's own side."""
        self.pbx.sudo().simulator_state = remote.state_to_keep()

    def _add_fault(self, operation, status, **kwargs):
        self.pbx._simulator_add_fault(operation, status, **kwargs)


class RestPbxMixin(LoopbackPbxMixin):
    """The tests' PBX on our REST server over loopback HTTP, a fresh
    simulated PBX behind it for each test (the server outlives the
    rollback). Patient: a busy machine answers late, and that must not read
    as a PBX that does not answer; a test that means a timeout shortens
    ``api_read_timeout`` itself. Put it first among the bases."""

    pbx_token = "loopback-pbx-token-42"
    pbx_read_timeout = 30

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_pbx_server(cls.pbx_token)
        cls.pbx.sudo().write(
            {
                "pbx_backend": "rest",
                "api_url": cls.server.url,
                "api_token": cls.pbx_token,
                "api_read_timeout": cls.pbx_read_timeout,
            }
        )

    def setUp(self):
        super().setUp()
        self.pbx.sudo().api_read_timeout = self.pbx_read_timeout
        self.server.pbx = simulated_pbx.SimulatedPbx()
        for recorded in (self.server.requests, self.server.slow, self.server.rewrites):
            recorded.clear()

    def _remote(self):
        return self.server.pbx

    def _add_fault(self, operation, status, **kwargs):
        self.server.pbx.add_fault(operation, status, **kwargs)


class TourCase(HttpCase):
    """A browser test as patient as a loaded machine needs: a tour may take
    up to 10 minutes in all, each of its steps up to 30 s for its trigger
    (static/tests/tours/patient.esm.js). The steps wait for the element
    that proves a state, never for a time: patience costs nothing when the
    machine is fast, and a CI runner under load still passes."""

    tour_timeout = 600

    def start_tour(self, url_path, tour_name, step_delay=None, **kwargs):
        kwargs.setdefault("timeout", self.tour_timeout)
        return super().start_tour(url_path, tour_name, step_delay, **kwargs)
