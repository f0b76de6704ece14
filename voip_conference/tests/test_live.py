# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Host controls against the built-in simulator: who may see and act, the
participation history, a full room, and the messages of refused actions."""

import json

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged, users

from ..tools.provider import RoomLive
from .common import MANAGER_GROUPS, USER_GROUPS, VoipConferenceCase


class LiveCase(VoipConferenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx.conference_max_participants = 10
        cls.host = new_test_user(
            cls.env,
            login="vc_host",
            groups=USER_GROUPS,
            voip_pbx_id=cls.pbx.id,
            voip_extension="100",
            name="Hannah Host",
        )
        cls.room = cls._room("8001", admin_user_id=cls.host.id)
        cls.pbx._sync(trigger="manual", apply=True)
        cls.contact = cls.env["res.partner"].create(
            {"name": "Carla Contact", "phone": "+32 2 555 01 11"}
        )
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        new_test_user(
            cls.env,
            login="vc_other_manager",
            groups=MANAGER_GROUPS,
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )

    def _on_pbx(self, method, *args, **kwargs):
        """Something happens on the PBX itself (someone calls in, hangs up)."""
        with self.pbx._provider() as backend:
            return getattr(backend, method)(self.room.remote_id, *args, **kwargs)

    def _refresh(self):
        self.room._live_refresh()

    def _rows(self):
        return self.room.participation_ids.sorted("id")


@tagged("post_install", "-at_install")
class TestLiveRights(LiveCase):
    """Every action as the room's administrator, a manager, a conference
    user, a plain user and a manager of another company."""

    ACTIONS = (
        ("mute", lambda room, row: room.live_participant_action(row.id, "mute")),
        ("unmute", lambda room, row: room.live_participant_action(row.id, "unmute")),
        ("remove", lambda room, row: room.live_participant_action(row.id, "remove")),
        ("lock", lambda room, row: room.live_room_action("lock")),
        ("unlock", lambda room, row: room.live_room_action("unlock")),
        ("mute_all", lambda room, row: room.live_room_action("mute_all")),
        ("unmute_all", lambda room, row: room.live_room_action("unmute_all")),
        ("end", lambda room, row: room.live_room_action("end")),
        ("invite", lambda room, row: room.live_invite("+3225550177")),
    )

    def setUp(self):
        super().setUp()
        self._on_pbx("dial_in", "100")
        self._on_pbx("dial_in", "+3225550111")
        self._on_pbx("dial_in", "+3225550122")
        self._refresh()
        self.member = self._rows()[1]

    def _act_as(self, login, allowed):
        user = self.env["res.users"].search([("login", "=", login)])
        for name, act in self.ACTIONS:
            with self.subTest(user=login, action=name):
                room = self.room.with_user(user)
                row = self.member
                if allowed:
                    result = act(room, row)
                    self.assertTrue(result["ok"], (name, result["message"]))
                    if name == "remove":
                        self.assertEqual(row.leave_reason, "removed")
                        self.member = self._rows().filtered(lambda r: not r.left_at)[1]
                    if name == "end":
                        self._on_pbx("dial_in", "100")
                        self._on_pbx("dial_in", "+3225550133")
                        self._refresh()
                        self.member = self._rows().filtered(lambda r: not r.left_at)[1]
                else:
                    with self.assertRaises(AccessError):
                        act(room, row)

    def test_the_rooms_administrator_acts(self):
        self._act_as("vc_host", True)

    def test_a_manager_acts(self):
        self._act_as("vc_manager", True)

    def test_a_conference_user_acts_on_nothing(self):
        self._act_as("vc_user", False)

    def test_a_plain_user_acts_on_nothing(self):
        self._act_as("vc_internal", False)

    def test_a_manager_of_another_company_acts_on_nothing(self):
        self._act_as("vc_other_manager", False)

    def test_nothing_changed_when_refused(self):
        self._act_as("vc_user", False)
        self.assertEqual(self.room.live_state, "active")
        self.assertEqual(len(self._on_pbx("list_participants")), 3)
        self.assertFalse(any(p.muted for p in self._on_pbx("list_participants")))

    @users("vc_user")
    def test_a_conference_user_sees_the_panel_without_actions(self):
        panel = self.room.with_env(self.env).get_live_panel()
        self.assertFalse(panel["can_act"])
        self.assertEqual(panel["count"], 3)
        # A caller nobody knows: the number as people read it, stored E.164.
        self.assertEqual(
            [(p["name"], p["number"]) for p in panel["participants"]],
            [
                ("Hannah Host", "100"),
                ("Carla Contact", "+32 2 555 01 11"),
                ("+32 2 555 01 22", "+32 2 555 01 22"),
            ],
        )
        self.assertEqual(panel["participants"][0]["role"], "admin")
        rows = self.env["voip.conference.participation"].search(
            [("conference_id", "=", self.room.id)]
        )
        self.assertEqual(
            sorted(rows.mapped("number_display")),
            ["+32 2 555 01 11", "+32 2 555 01 22", "100"],
        )
        self.assertIn("+3225550122", rows.mapped("number"))

    @users("vc_host")
    def test_the_administrator_sees_the_panel_with_actions(self):
        panel = self.room.with_env(self.env).live_poll(refresh=True)
        self.assertTrue(panel["can_act"])
        self.assertEqual(panel["state"], "active")
        self.assertFalse(panel["error"])

    @users("vc_internal")
    def test_a_plain_user_sees_nothing(self):
        room = self.room.with_env(self.env)
        with self.assertRaises(AccessError):
            room.get_live_panel()
        with self.assertRaises(AccessError):
            room.live_poll()

    @users("vc_other_manager")
    def test_another_company_sees_nothing(self):
        with self.assertRaises(AccessError):
            self.room.with_env(self.env).get_live_panel()


@tagged("post_install", "-at_install")
class TestLiveHistory(LiveCase):
    def test_one_row_per_person_and_visit_matched_to_users_and_contacts(self):
        host = self._on_pbx("dial_in", "100")
        contact = self._on_pbx("dial_in", "+3225550111")
        stranger = self._on_pbx("dial_in", "+3225550199", "Sam")
        self._refresh()
        self._on_pbx("hang_up", contact.id)
        self._refresh()
        self._on_pbx("dial_in", "+3225550111")  # Carla calls back: a new visit
        self._refresh()
        self.room.live_participant_action(
            self._rows().filtered(lambda r: r.remote_id == stranger.id).id, "remove"
        )
        self.room.live_room_action("end")
        rows = self._rows()
        self.assertEqual(
            [(r.name, r.number, r.role, r.leave_reason) for r in rows],
            [
                ("Hannah Host", "100", "admin", "ended"),
                ("Carla Contact", "+3225550111", "member", "hangup"),
                ("Sam", "+3225550199", "member", "removed"),
                ("Carla Contact", "+3225550111", "member", "ended"),
            ],
        )
        self.assertEqual(rows[0].user_id, self.host)
        self.assertEqual(rows[0].remote_id, host.id)
        self.assertEqual(rows[1].partner_id, self.contact)
        self.assertFalse(rows[2].partner_id)
        self.assertTrue(all(r.joined_at and r.left_at for r in rows))
        self.assertTrue(all(r.joined_at <= r.left_at for r in rows))
        self.assertEqual(self.contact.voip_participation_ids, rows[1] | rows[3])
        self.assertEqual((self.room.live_state, self.room.live_count), ("idle", 0))

    def test_applying_the_same_events_twice_changes_nothing(self):
        self._on_pbx("dial_in", "100")
        self._refresh()
        with self.pbx._provider() as backend:
            events, _cursor = backend.events(0)
        Rows = self.env["voip.conference.participation"]
        self.assertFalse(Rows._live_apply_events(self.pbx, events))
        self.assertEqual(len(self._rows()), 1)

    def test_a_pbx_without_events_is_read_by_snapshot(self):
        with self.pbx._provider() as backend:
            backend.set_capabilities(events=False)
        first = self._on_pbx("dial_in", "100")
        self._on_pbx("dial_in", "+3225550111")
        self._refresh()
        self.assertEqual(len(self._rows()), 2)
        self._on_pbx("hang_up", first.id)
        self._refresh()
        self.assertEqual(self._rows()[0].leave_reason, "hangup")
        self.assertEqual(self.room.live_count, 1)
        panel = self.room.live_poll()
        self.assertEqual(panel["poll_ms"], 3000)

    def test_invite_from_the_panel_rings_an_odoo_contact(self):
        result = self.room.live_invite(partner_id=self.contact.id)
        self.assertTrue(result["ok"], result["message"])
        (row,) = self._rows()
        self.assertEqual((row.state, row.partner_id), ("ringing", self.contact))
        self.assertFalse(row.joined_at)
        self._on_pbx("answer", row.remote_id)
        self._refresh()
        self.assertEqual(row.state, "connected")
        self.assertTrue(row.joined_at)
        # Named as people read it; the simulator says nobody was called.
        self.assertIn("+32 2 555 01 11", self.room.message_ids[0].body)
        self.assertIn("nobody was called", self.room.message_ids[0].body)

    def test_the_simulators_people_are_marked_as_such(self):
        """Test mode records nothing that looks like a real call: the
        simulator's invitee is a simulated participation, in the panel and
        in the history (was an attendance of minutes, like any other)."""
        self.room.live_invite(partner_id=self.contact.id)
        (row,) = self._rows()
        self.assertTrue(row.simulated)
        panel = self.room.get_live_panel()
        self.assertTrue(panel["participants"][0]["simulated"])
        History = self.env["voip.conference.participation"]
        self.assertFalse(
            History.search([("id", "=", row.id), ("simulated", "=", False)])
        )

    def test_a_colleague_is_invited_on_the_pbx_not_on_an_outside_line(self):
        # The host's contact has an outside phone too: the PBX rings the
        # extension (a free, internal call), the user is recognised.
        self.host.partner_id.phone = "+32 470 12 34 56"
        result = self.room.live_invite(partner_id=self.host.partner_id.id)
        self.assertTrue(result["ok"], result["message"])
        (row,) = self._rows()
        self.assertEqual((row.number, row.user_id), ("100", self.host))
        # A contact whose user is on another PBX keeps the outside line.
        other_pbx_user = new_test_user(
            self.env,
            login="vc_elsewhere",
            groups=USER_GROUPS,
            voip_pbx_id=self.other_pbx.id,
            voip_extension="100",
        )
        other_pbx_user.partner_id.phone = "+32 2 555 01 44"
        self.room.live_invite(partner_id=other_pbx_user.partner_id.id)
        self.assertEqual(self._rows()[1].number, "+3225550144")

    def test_end_or_mute_all_on_an_empty_room_says_so(self):
        for action, words in (
            ("end", "no conference to end"),
            ("mute_all", "nobody to mute"),
            ("unmute_all", "nobody to unmute"),
            ("lock", "no conference to lock"),
        ):
            result = self.room.live_room_action(action)
            self.assertFalse(result["ok"], action)
            self.assertIn("Nobody is in Room 8001", result["message"])
            self.assertIn(words, result["message"])
        # Someone Odoo has not heard of yet: the room is read, the action done.
        self._on_pbx("dial_in", "+3225550111")
        result = self.room.live_room_action("mute_all")
        self.assertTrue(result["ok"], result["message"])
        self.assertTrue(self._rows().muted)

    def test_malformed_calls_are_refused_in_words(self):
        """What the screens never send, a script may: a clear refusal, never
        a Python error."""
        for bad in ("abc", None, [1], 1.5, True, "12"):
            with self.assertRaises(UserError, msg=repr(bad)):
                self.room.live_participant_action(bad, "mute")
        for bad in (12, ["8002"], None, "", "   "):
            with self.assertRaises(UserError, msg=repr(bad)):
                self.room.live_invite(bad)
        for bad in ("x", [1], -1, 10**9):
            with self.assertRaises(UserError, msg=repr(bad)):
                self.room.live_invite(partner_id=bad)
        self.assertFalse(self._rows())

    def test_a_room_does_not_invite_itself(self):
        for target in ("8001", " 80 01 "):
            with self.assertRaisesRegex(UserError, "extension of Room 8001 itself"):
                self.room.live_invite(target)
        self._refresh()
        self.assertFalse(self._rows(), "the PBX called nobody")


@tagged("post_install", "-at_install")
class TestLiveFullRoom(LiveCase):
    def test_a_room_of_ten(self):
        self._on_pbx("dial_in", "100")
        for index in range(9):
            self._on_pbx("dial_in", f"+322555020{index}")
        self._refresh()
        self.assertEqual((self.room.live_count, self.room.live_capacity), (10, 10))
        panel = self.room.get_live_panel()
        self.assertEqual(len(panel["participants"]), 10)
        # Capacity: the eleventh is refused, with the room's words.
        result = self.room.live_invite("+3225550299")
        self.assertFalse(result["ok"])
        self.assertIn("full", result["message"])
        rows = self._rows()
        self.room.live_participant_action(rows[3].id, "mute")
        self.assertTrue(rows[3].muted)
        self.room.live_participant_action(rows[3].id, "unmute")
        self.assertFalse(rows[3].muted)
        self.room.live_room_action("mute_all")
        self.assertEqual(rows.mapped("muted"), [False] + [True] * 9)
        self.room.live_participant_action(rows[5].id, "remove")
        self.assertEqual((rows[5].leave_reason, self.room.live_count), ("removed", 9))
        self.room.live_room_action("lock")
        self.assertEqual(self.room.live_state, "locked")
        result = self.room.live_invite("+3225550299")
        self.assertIn("locked", result["message"])
        self.room.live_room_action("end")
        self.assertEqual(self.room.live_state, "idle")
        self.assertEqual(self.room.live_count, 0)
        self.assertEqual(
            rows.mapped("leave_reason"), ["ended"] * 5 + ["removed"] + ["ended"] * 4
        )
        self.assertEqual(self.room.get_live_panel()["participants"], [])


@tagged("post_install", "-at_install")
class TestLiveRefusals(LiveCase):
    def test_acting_on_someone_who_has_just_left(self):
        member = self._on_pbx("dial_in", "+3225550111")
        self._refresh()
        (row,) = self._rows()
        self._on_pbx("hang_up", member.id)  # Odoo has not heard of it yet
        for action in ("mute", "remove"):
            result = self.room.live_participant_action(row.id, action)
            self.assertFalse(result["ok"])
            self.assertIn("left", result["message"])
            self.assertEqual(result["panel"]["participants"], [])
        self.assertEqual(row.leave_reason, "hangup")

    def test_acting_on_a_room_that_ended(self):
        self._on_pbx("dial_in", "+3225550111")
        self._refresh()
        self._on_pbx("room_action", "end")  # ended from the PBX's side
        result = self.room.live_room_action("lock")
        self.assertFalse(result["ok"])
        self.assertIn("has ended", result["message"])
        self.assertEqual(result["panel"]["state"], "idle")
        self.assertEqual(self._rows().leave_reason, "ended")

    def test_a_refusal_of_the_pbx_loses_nothing(self):
        self._on_pbx("dial_in", "+3225550111")
        self._refresh()
        self.pbx._simulator_add_fault("update_participant", 503)
        result = self.room.live_participant_action(self._rows().id, "mute")
        self.assertFalse(result["ok"])
        self.assertIn("cannot be reached", result["message"])
        self.assertFalse(self._rows().muted)
        self.assertEqual(result["panel"]["count"], 1)

    def test_missing_capabilities_are_refused_with_their_reason(self):
        self._on_pbx("dial_in", "+3225550111")
        self._refresh()
        with self.pbx._provider() as backend:
            backend.set_capabilities(lock=False, remove=False)
        panel = self.room.get_live_panel()
        self.assertFalse(panel["actions"]["lock"])
        self.assertTrue(panel["actions"]["mute"])
        reasons = {m["capability"]: m["reason"] for m in panel["missing"]}
        self.assertIn("cannot lock", reasons["lock"])
        with self.assertRaisesRegex(UserError, "cannot remove"):
            self.room.live_participant_action(self._rows().id, "remove")

    def test_a_pbx_without_api_says_why(self):
        self.pbx.pbx_backend = "none"
        panel = self.room.get_live_panel()
        self.assertFalse(any(panel["actions"].values()))
        self.assertIn("in-call menu", panel["missing"][0]["reason"])

    def test_a_room_not_on_the_pbx(self):
        room = self._room("8002")
        with self.assertRaisesRegex(UserError, "not on the PBX yet"):
            room.live_room_action("lock")


@tagged("post_install", "-at_install")
class TestLiveNotifications(LiveCase):
    def _commit_messages(self):
        """What the bus would carry at commit: run the transaction's
        pre-commit hooks, as a commit does, and read the live messages."""
        self.env.cr.precommit.run()
        return [
            json.loads(bus.message)["payload"]
            for bus in self.env["bus.bus"].sudo().search([], order="id")
            if "voip_conference/live" in bus.message
        ]

    def test_a_flood_in_one_transaction_is_one_message_with_the_last_version(self):
        self.env["bus.bus"].sudo().search([]).unlink()
        for count in range(1, 60):  # a flood of changes, one transaction
            self.room._live_set(self._live(count))
            self.room._live_changed()
        self.assertEqual(
            self._commit_messages(),
            [{"id": self.room.id, "version": self.room.live_version}],
        )

    def test_each_transaction_tells_its_own_version(self):
        """Nothing is held back or waited for: the next transaction's change
        is told at its own commit (the browser coalesces reads)."""
        self.env["bus.bus"].sudo().search([]).unlink()
        versions = []
        for count in (1, 2, 3):
            self.room._live_set(self._live(count))
            self.room._live_changed()
            versions.append(self.room.live_version)
            self.env.cr.precommit.run()
        self.assertEqual(
            self._commit_messages(),
            [{"id": self.room.id, "version": version} for version in versions],
        )

    def test_the_message_travels_on_the_rooms_own_channel(self):
        self.env["bus.bus"].sudo().search([]).unlink()
        self.room._live_set(self._live(1))
        self.room._live_changed()
        self.env.cr.precommit.run()
        channels = [
            json.loads(bus.channel)
            for bus in self.env["bus.bus"].sudo().search([])
            if "voip_conference/live" in bus.message
        ]
        self.assertEqual(
            channels, [[self.env.cr.dbname, "voip_conference_live", self.room.id]]
        )

    def test_a_rooms_channel_is_granted_to_those_who_may_read_its_panel(self):
        """A browser asks for "voip_conference_live:<id>"; only a reader of
        that room's panel gets it (not a plain user, not another company)."""
        for login, granted in (
            ("vc_host", True),
            ("vc_internal", False),
            ("vc_other_manager", False),
        ):
            with self.subTest(login=login):
                user = self.env["res.users"].search([("login", "=", login)])
                rooms = (
                    self.env["ir.websocket"]
                    .with_user(user)
                    ._voip_conference_readable_rooms({self.room.id, 10**9})
                )
                self.assertEqual(rooms.ids, self.room.ids if granted else [])

    def test_a_room_deleted_in_the_same_transaction_is_not_told(self):
        room = self._room("8009")
        room._live_changed()
        room.unlink()
        self.env["bus.bus"].sudo().search([]).unlink()
        self.assertEqual(self._commit_messages(), [])

    def _live(self, count):
        return RoomLive(
            room_id=self.room.remote_id, state="active", participant_count=count
        )
