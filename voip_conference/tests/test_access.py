# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Nobody acts on the PBX without the right to, and no secret is readable.

The walk introspects every public method that this addon's own classes
define on models and wizards (what a button or an RPC can call), and calls
each as a plain internal user and as a conference user, against the built-in
simulator and against the REST backend on loopback: each raises AccessError
before reaching the PBX, or is on ALLOWED below. A method added later is
walked too: give it a record in ``records`` and its arguments in
``arguments`` when it needs them.
"""

import inspect
import json

from odoo import models
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from ..tools.provider import Room
from ..tools.simulated_pbx import SimulatedPbx
from .common import USER_GROUPS, LoopbackPbxMixin, VoipConferenceCase

TOKEN = "access-test-token"
ADDON_MODULE = "odoo.addons.voip_conference."

# The short allow-list: (model, method) -> who may call it. Each entry checks
# rights itself; its own tests prove what it gives.
ALLOWED = {
    # Join: what the phone widget dials; group and room read rights checked
    # in get_join_sequence (test_join.py).
    ("voip.conference", "get_join_sequence"): {"conference user"},
    ("voip.conference", "action_join"): {"conference user"},
    # Dial-in details of a room the user may join: the rights of Join.
    ("voip.conference", "action_dial_in"): {"conference user"},
    # The smart button to the numbers routed to a room the user reads.
    ("voip.conference", "action_view_incoming_numbers"): {"conference user"},
    # voip_oca's phone API, every internal user's: our overrides only add the
    # room check (create) and the room's name for a room the rule lets the
    # user read (format_call); see test_call_* below.
    ("voip.call", "create_call"): {"conference user"},
    ("voip.call", "format_call"): {"conference user"},
    # The participants panel: users who may join see it (read from Odoo, never
    # from the PBX); test_live.py.
    ("voip.conference", "get_live_panel"): {"conference user"},
    ("voip.conference", "live_poll"): {"conference user"},
    # The call view writes its parties' numbers one way: pure formatting,
    # nothing read or written (test_call_conference.py).
    ("voip.call.conference", "format_numbers"): {"plain user", "conference user"},
}


def addon_public_methods(env):
    """[(model, method name)] of the public methods this addon defines.

    ORM methods (create, write, unlink...) are left out: access rights and
    record rules guard them, tested in test_rights.py.
    """
    found = set()
    for model_name in env.registry:
        if env[model_name]._abstract:
            continue  # walked on the models that inherit it
        for cls in type(env[model_name]).__mro__:
            if not getattr(cls, "__module__", "").startswith(ADDON_MODULE):
                continue
            for name, attr in vars(cls).items():
                if (
                    name.startswith("_")
                    or not inspect.isfunction(attr)
                    or hasattr(models.BaseModel, name)
                ):
                    continue
                found.add((model_name, name))
    return sorted(found)


class AccessWalk:
    """The walk, for any backend."""

    def _requests(self):
        raise NotImplementedError

    @classmethod
    def _setup_records(cls):
        cls.room = cls._room("8001", access_code="1234")
        cls.number = cls._number(
            destination_type="conference", conference_id=cls.room.id
        )
        cls.pbx.with_context(tracking_disable=True)._sync(trigger="manual", apply=True)
        cls.call = cls.env["voip.call"].create(
            {"phone_number": "8001", "conference_id": cls.room.id}
        )
        env = cls.env
        cls.records = {
            "voip.pbx": cls.pbx,
            "voip.conference": cls.room,
            "voip.incoming.number": cls.number,
            "voip.call": cls.call,
            "voip.provider.sync.conflict": env["voip.provider.sync.conflict"].create(
                {"res_model": "voip.conference", "res_id": cls.room.id}
            ),
            "voip.conference.invite": env["voip.conference.invite"].create(
                {"conference_id": cls.room.id, "target": "201"}
            ),
            "voip.conference.route.number": env["voip.conference.route.number"].create(
                {"conference_id": cls.room.id, "incoming_number_id": cls.number.id}
            ),
            "voip.conference.unroute": env["voip.conference.unroute"].create(
                {"conference_ids": [(6, 0, cls.room.ids)], "mode": "delete"}
            ),
        }
        cls.arguments = {
            ("voip.call", "create_call"): (
                {"phone_number": "8001", "conference_id": cls.room.id},
            ),
            ("voip.conference", "live_participant_action"): (
                env["voip.conference.participation"]
                .create({"conference_id": cls.room.id, "remote_id": "part_x"})
                .id,
                "mute",
            ),
            ("voip.conference", "live_room_action"): ("lock",),
            ("voip.conference", "live_invite"): ("201",),
        }
        # Conference from a call: the phone widget's RPCs act on the user's
        # own calls only (test_call_conference.py).
        cls.records["voip.call.conference"] = env["voip.call.conference"].create(
            {"pbx_id": cls.pbx.id, "call_ids": [(4, cls.call.id)]}
        )
        cls.arguments.update(
            {
                ("voip.call.conference", "start_from_call"): (cls.call.id,),
                ("voip.call.conference", "add_leg"): ({"phone_number": "8002"},),
                ("voip.call.conference", "answer_leg"): (cls.call.id,),
                ("voip.call.conference", "end_leg"): (cls.call.id, "hangup"),
                ("voip.call.conference", "format_numbers"): (["+3225550199"],),
            }
        )

    def _record(self, model_name):
        record = self.records.get(model_name)
        if record is None:  # a model added later: any record, or none
            record = self.env[model_name].sudo().search([], limit=1)
        return record

    def _state(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*) FROM voip_pbx_sync_run WHERE pbx_id = %s", [self.pbx.id]
        )
        runs = self.env.cr.fetchone()[0]
        self.env.cr.execute(
            "SELECT write_uid FROM voip_pbx WHERE id = %s", [self.pbx.id]
        )
        writer = self.env.cr.fetchone()[0]
        return {"requests": self._requests(), "runs": runs, "pbx_writer": writer}

    def _walk(self, user, kind):
        methods = addon_public_methods(self.env)
        self.assertIn(("voip.pbx", "action_test_connection"), methods)
        self.assertIn(("voip.conference.invite", "action_invite"), methods)
        for model_name, name in methods:
            with self.subTest(user=kind, method=f"{model_name}.{name}"):
                record = self._record(model_name).with_user(user)
                args = self.arguments.get((model_name, name), ())
                before = self._state()
                self.env.cr.execute("SAVEPOINT access_walk")
                refused = None
                try:
                    getattr(record, name)(*args)
                except AccessError as error:
                    refused = error
                try:
                    after = self._state()
                finally:
                    self.env.cr.execute("ROLLBACK TO SAVEPOINT access_walk")
                    self.env.invalidate_all()
                self.assertEqual(after, before, "nothing reached the PBX")
                if kind in ALLOWED.get((model_name, name), ()):
                    continue
                self.assertIsNotNone(refused, "AccessError expected")

    def test_plain_internal_user_reaches_nothing(self):
        self._walk(self.internal_user, "plain user")

    def test_conference_user_reaches_nothing(self):
        self._walk(self.conf_user, "conference user")

    def test_walk_sees_the_actions(self):
        methods = addon_public_methods(self.env)
        for expected in [
            ("voip.conference", "action_apply_changes"),
            ("voip.conference", "action_sync_now"),
            ("voip.pbx", "action_sync"),
            ("voip.provider.sync.conflict", "action_keep_odoo"),
        ]:
            self.assertIn(expected, methods)
        for method in methods:
            self.assertFalse(method[1].startswith("_"))

    def test_empty_selection_applies_nothing(self):
        """The reported case: an empty selection applied every visible PBX."""
        before = self._state()
        with self.assertRaises(AccessError):
            self.env["voip.conference"].with_user(self.conf_user).action_apply_changes()
        with self.assertRaises(AccessError):
            self.env["voip.conference"].with_user(self.conf_user).action_sync_now()
        self.assertEqual(self._state(), before)

    def test_manager_still_syncs_and_applies(self):
        room = self.env["voip.conference"].with_user(self.manager)
        result = room.browse(self.room.id).action_sync_now()
        self.assertEqual(result["params"]["type"], "success")
        result = room.action_apply_changes()
        self.assertEqual(result["params"]["type"], "success")
        result = self.pbx.with_user(self.manager).action_sync()
        self.assertEqual(result["params"]["type"], "success")
        with self.assertRaises(AccessError):
            self.pbx.with_user(self.manager).action_test_connection()
        admin = new_test_user(self.env, login="vc_sys", groups="base.group_system")
        result = self.pbx.with_user(admin).action_test_connection()
        self.assertEqual(result["params"]["type"], "success")


@tagged("post_install", "-at_install")
class TestAccessSimulator(AccessWalk, VoipConferenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx.pbx_backend = "simulator"
        cls._setup_records()

    def _requests(self):
        self.env.cr.execute(
            "SELECT simulator_state FROM voip_pbx WHERE id = %s", [self.pbx.id]
        )
        state = self.env.cr.fetchone()[0] or {}
        if isinstance(state, str):
            state = json.loads(state)
        return state.get("requests", 0)


@tagged("post_install", "-at_install")
class TestAccessRest(LoopbackPbxMixin, AccessWalk, VoipConferenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_pbx_server(TOKEN, pbx=SimulatedPbx())
        cls.pbx.sudo().write(
            {"pbx_backend": "rest", "api_url": cls.server.url, "api_token": TOKEN}
        )
        cls._setup_records()

    def _requests(self):
        return len(self.server.requests)


@tagged("post_install", "-at_install")
class TestSecrets(VoipConferenceCase):
    """No access code nor credential in what a conference or plain user reads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # With tracking: tracking values are one of the paths checked.
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.Room = cls.env["voip.conference"]
        cls.pbx = cls.pbx.with_env(cls.env)
        cls.pbx.pbx_backend = "simulator"
        cls.room = cls._room("8001", access_code="1234")
        cls.pbx._sync(trigger="manual", apply=True)
        # Changed on both sides: a conflict that holds the PBX's code 9876.
        cls.room.name = "Renamed in Odoo"
        remote = SimulatedPbx.from_state(cls.pbx.sudo().simulator_state)
        remote.update_room(
            cls.room.remote_id,
            Room(name="Renamed on the PBX", extension="8001", access_code="9876"),
        )
        cls.pbx.sudo().simulator_state = remote.to_state()
        cls.pbx._sync(trigger="manual")
        cls.pbx.sudo().ice_servers = (
            "stun:stun.example.com\nturn:turn.example.com:3478 alice s3cretTurn"
        )
        cls.exporter = new_test_user(
            cls.env,
            login="vc_secret_exporter",
            groups=f"{USER_GROUPS},base.group_allow_export",
            voip_pbx_id=cls.pbx.id,
            voip_extension="202",
        )

    SECRETS = ("1234", "9876", "s3cretTurn")

    def _assert_clean(self, data, where):
        text = json.dumps(data, default=str)
        for secret in self.SECRETS:
            self.assertNotIn(secret, text, where)

    def test_conflict_is_set_up(self):
        self.assertEqual(self.room.sync_state, "conflict")
        self.assertEqual(self.room.sudo().remote_values["access_code"], "9876")

    def test_conference_user_reads_no_code_in_any_field(self):
        for user in (self.conf_user, self.exporter):
            Room = self.env["voip.conference"].with_user(user)
            room = Room.browse(self.room.id)
            readable = [
                name
                for name in Room.fields_get()
                if Room._fields[name].type not in ("one2many", "many2many")
            ]
            self.assertNotIn("remote_values", readable)
            self.assertNotIn("sync_agreed", readable)
            self._assert_clean(room.read(readable), "read")
            self._assert_clean(
                Room.search_read([("id", "=", self.room.id)], readable), "search_read"
            )
            spec = {name: {} for name in readable}
            self._assert_clean(room.web_read(spec), "web_read")
            self._assert_clean(
                Room.web_search_read([("id", "=", self.room.id)], spec), "web_search"
            )
            self._assert_clean(
                Room.formatted_read_group(
                    [("id", "=", self.room.id)], ["sync_state"], ["__count"]
                ),
                "read_group",
            )
            for fname in ("remote_values", "sync_agreed", "access_code"):
                with self.assertRaises(AccessError):
                    room.read([fname])
                with self.assertRaises(AccessError):
                    Room.search([(fname, "!=", False)])
            # Onchange: refused to who may neither create nor write.
            with self.assertRaises(AccessError):
                Room.onchange({"name": "x", "pbx_id": self.pbx.id}, [], spec)
            with self.assertRaises(AccessError):
                room.onchange({"name": "x"}, ["name"], spec)
            # Every message and tracking value of the room, even those the
            # chatter would hide from this user.
            messages = room.message_ids
            self._assert_clean(messages.read(["body"]), "messages")
            self._assert_clean(
                messages.sudo().tracking_value_ids.read(
                    ["old_value_char", "new_value_char"]
                ),
                "tracking values",
            )
        exported = (
            self.env["voip.conference"]
            .with_user(self.exporter)
            .browse(self.room.id)
            .export_data(["name", "extension", "sync_state", "sync_error"])
        )
        self._assert_clean(exported, "export")
        with self.assertRaises(AccessError):
            self.env["voip.conference"].with_user(self.exporter).browse(
                self.room.id
            ).export_data(["remote_values"])

    def test_provider_text_never_carries_the_code_or_the_token(self):
        """A PBX that echoes what it refused: the detail is masked."""
        self.pbx.sudo().api_token = "tok-secret-99"
        room = self._room("8100", access_code="4321")
        self.pbx._simulator_add_fault(
            "create_room",
            422,
            target="8100",
            field_errors={"access_code": "4321 refused", "auth": "tok-secret-99"},
        )
        run = self.pbx._sync(trigger="manual", pull=False)
        self.assertEqual(run.status, "partial")
        error = room.with_user(self.conf_user).read(["sync_error"])[0]["sync_error"]
        self.assertIn("refused", error)
        self.assertIn("***", error)
        self.assertNotIn("4321", error)
        self.assertNotIn("tok-secret-99", error)

    def test_ice_credentials_only_to_the_pbx_users_through_their_session(self):
        stranger = new_test_user(
            self.env, login="vc_stranger", groups="base.group_user"
        )
        for user in (self.internal_user, self.conf_user, self.manager, stranger):
            pbx = self.env["voip.pbx"].with_user(user).browse(self.pbx.id)
            self.assertNotIn("ice_servers", pbx.fields_get())
            self._assert_clean(pbx.read(), "pbx read")
            with self.assertRaises(AccessError):
                pbx.read(["ice_servers"])
        self.assertIn("s3cretTurn", json.dumps(self.conf_user._voip_get_info()))
        self.assertNotIn("s3cretTurn", json.dumps(stranger._voip_get_info()))
        self.assertNotIn("s3cretTurn", json.dumps(self.internal_user._voip_get_info()))

    def test_the_provider_api_settings_only_to_system_administrators(self):
        """Where Odoo talks to the PBX, how, and where the PBX calls back
        (the observation: a plain user read the API URL, the timeouts, the
        sync cursors and the webhook URL of the PBX)."""
        self.pbx.sudo().write(
            {"api_url": "https://pbx.example.com/secret-path", "api_read_timeout": 7}
        )
        admin_only = (
            "api_url",
            "api_connect_timeout",
            "api_read_timeout",
            "sync_cursors",
            "conference_webhook_url",
        )
        for user in (self.internal_user, self.conf_user, self.manager):
            pbx = self.env["voip.pbx"].with_user(user).browse(self.pbx.id)
            self.assertFalse(set(admin_only) & set(pbx.fields_get()), user.login)
            self.assertNotIn("secret-path", json.dumps(pbx.read(), default=str))
            for fname in admin_only:
                with self.assertRaises(AccessError, msg=f"{user.login} {fname}"):
                    pbx.read([fname])
        # What the sync says about the PBX: managers, not plain nor
        # conference users.
        for user, allowed in ((self.conf_user, False), (self.manager, True)):
            pbx = self.env["voip.pbx"].with_user(user).browse(self.pbx.id)
            self.assertEqual("sync_message" in pbx.fields_get(), allowed)
        system = new_test_user(self.env, login="vc_system", groups="base.group_system")
        pbx = self.env["voip.pbx"].with_user(system).browse(self.pbx.id)
        self.assertIn("secret-path", pbx.api_url)
        self.assertEqual(pbx.api_read_timeout, 7)


@tagged("post_install", "-at_install")
class TestCallsOfRooms(VoipConferenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx.pbx_backend = "none"
        cls.room = cls._room("8001")
        other_company = cls.env["res.company"].create({"name": "Call Co"})
        cls.foreign_room = cls.Room.with_company(other_company).create(
            {
                "name": "Foreign",
                "extension": "8003",
                "pbx_id": cls.pbx.id,
                "company_id": other_company.id,
            }
        )
        Call = cls.env["voip.call"]
        cls.call = Call.create({"phone_number": "8001", "conference_id": cls.room.id})
        cls.foreign_call = Call.create(
            {"phone_number": "8003", "conference_id": cls.foreign_room.id}
        )
        cls.plain_call = Call.create({"phone_number": "+3225550100"})

    def test_plain_user_sees_no_call_linked_to_a_room(self):
        Call = self.env["voip.call"].with_user(self.internal_user)
        self.assertEqual(Call.search([]) & (self.call | self.foreign_call), Call)
        self.assertIn(self.plain_call, Call.search([]))
        with self.assertRaises(AccessError):
            Call.browse(self.call.id).read(["conference_id", "phone_number"])
        with self.assertRaises(AccessError):
            Call.browse(self.call.id).format_call()

    def test_conference_user_sees_calls_of_their_company_rooms_only(self):
        Call = self.env["voip.call"].with_user(self.conf_user)
        found = Call.search([])
        self.assertIn(self.call, found)
        self.assertNotIn(self.foreign_call, found)
        self.assertEqual(
            Call.browse(self.call.id).format_call()["conference"]["name"], "Room 8001"
        )
        with self.assertRaises(AccessError):
            Call.browse(self.foreign_call.id).format_call()

    def test_link_only_to_a_readable_room(self):
        for user in (self.internal_user, self.conf_user):
            Call = self.env["voip.call"].with_user(user)
            with self.assertRaises(AccessError):
                Call.create(
                    {"phone_number": "8003", "conference_id": self.foreign_room.id}
                )
            own = Call.create({"phone_number": "123"})
            with self.assertRaises(AccessError):
                own.write({"conference_id": self.foreign_room.id})
        with self.assertRaises(AccessError):
            self.env["voip.call"].with_user(self.internal_user).create(
                {"phone_number": "8001", "conference_id": self.room.id}
            )
        call = (
            self.env["voip.call"]
            .with_user(self.conf_user)
            .create({"phone_number": "8001", "conference_id": self.room.id})
        )
        self.assertEqual(call.conference_id, self.room)
        # Nor a call of someone who may not read the room.
        manager_calls = self.env["voip.call"].with_user(self.manager)
        with self.assertRaises(AccessError):
            manager_calls.create(
                {
                    "phone_number": "8001",
                    "conference_id": self.room.id,
                    "user_id": self.internal_user.id,
                }
            )
        with self.assertRaises(AccessError):
            manager_calls.browse(call.id).write({"user_id": self.internal_user.id})


@tagged("post_install", "-at_install")
class TestAccessOverRpc(HttpCase):
    """The reported probes, as JSON-RPC calls to a running Odoo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx = cls.env["voip.pbx"].create(
            {"name": "RPC PBX", "pbx_backend": "simulator"}
        )
        cls.room = cls.env["voip.conference"].create(
            {"name": "RPC room", "extension": "8501", "pbx_id": cls.pbx.id}
        )
        cls.pbx._sync(trigger="manual", apply=True)
        new_test_user(cls.env, login="vc_rpc_user", groups=USER_GROUPS)
        new_test_user(cls.env, login="vc_rpc_plain", groups="base.group_user")

    def _call(self, model, method, ids):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": [ids], "kwargs": {}},
        )

    def _state(self):
        self.env.invalidate_all()
        return (
            self.pbx.sudo().simulator_state["requests"],
            len(self.pbx.sudo().sync_run_ids),
            self.pbx.write_uid,
        )

    def test_probes_are_refused_before_the_pbx(self):
        before = self._state()
        self.authenticate("vc_rpc_user", "vc_rpc_user")
        for method, ids in (
            ("action_apply_changes", [self.room.id]),
            ("action_apply_changes", []),
            ("action_sync_now", [self.room.id]),
        ):
            with self.subTest(method=method, ids=ids):
                with self.assertRaisesRegex(JsonRpcException, "AccessError"):
                    self._call("voip.conference", method, ids)
        self.authenticate("vc_rpc_plain", "vc_rpc_plain")
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self._call("voip.pbx", "action_test_connection", [self.pbx.id])
        self.assertEqual(self._state(), before)
