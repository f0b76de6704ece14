# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who reads the access code of an event's room: its attendees and the
conference managers (of the room's company), nobody else, through any way
of reading the event (read, search_read, export, tracking, messages,
attachments, Join, the invitation preview)."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import MANAGER_GROUPS, MONDAY, CalendarConferenceCase, holds_code

CODE = "1234"


class TestCalendarConferenceRights(CalendarConferenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        other_company = cls.env["res.company"].create({"name": "Other Company"})
        cls.other_manager = new_test_user(
            cls.env,
            login="vcc_other_manager",
            groups=MANAGER_GROUPS,
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        cls.event = (
            cls.env["calendar.event"]
            .with_user(cls.manager)
            .create(
                {
                    "name": "Board meeting",
                    "start": MONDAY + timedelta(hours=8),
                    "stop": MONDAY + timedelta(hours=9),
                    "conference_id": cls.room.id,
                    "partner_ids": [
                        Command.link(cls.colleague.partner_id.id),
                        Command.link(cls.guests["en"].id),
                    ],
                }
            )
        )
        cls.readers = {
            "attendee (not a conference user)": (cls.colleague, True),
            "conference manager (not invited)": (cls.manager_not_invited(), True),
            "conference user (not invited)": (cls.conf_user, False),
            "plain user": (cls.plain_user, False),
            "manager of another company": (cls.other_manager, False),
        }
        # Export is a right of its own: given, to prove what it exports.
        export = cls.env.ref("base.group_allow_export")
        for user, _allowed in cls.readers.values():
            user.group_ids += export

    @classmethod
    def manager_not_invited(cls):
        return new_test_user(
            cls.env,
            login="vcc_manager2",
            groups=MANAGER_GROUPS,
            voip_pbx_id=cls.pbx.id,
            voip_extension="212",
        )

    def _reads(self, user):
        """Everything ``user`` gets from the event through the ORM."""
        event = self.event.with_user(user)
        fields = ["conference_dial_in", "conference_id", "description", "location"]
        # The room itself (conference_id) is exported by who may read rooms.
        exported = ["conference_dial_in", "conference_extension", "description"]
        return "\n".join(
            str(value)
            for value in [
                event.read(fields),
                event.search_read([("id", "=", event.id)], fields),
                event.web_read({f: {} for f in fields}),
                event.export_data(exported)["datas"],
            ]
        )

    def test_who_reads_the_code_on_the_event(self):
        for label, (user, allowed) in self.readers.items():
            with self.subTest(reader=label):
                self.event.invalidate_recordset()
                reads = self._reads(user)
                self.assertIn("8101", reads, "everyone may read the extension")
                self.assertEqual(CODE in reads, allowed)
                if not allowed:
                    self.assertIn(
                        "Access code: given to the attendees in their invitation.",
                        reads,
                    )

    def test_join_from_the_event(self):
        for label, (user, allowed) in self.readers.items():
            with self.subTest(reader=label):
                event = self.event.with_user(user)
                if allowed:
                    sequence = event.get_conference_join_sequence()
                    self.assertEqual(
                        (sequence["extension"], sequence["dtmf"]), ("8101", "1234#")
                    )
                    self.assertEqual(
                        event.action_conference_join()["tag"],
                        "voip_conference_calendar.join",
                    )
                else:
                    with self.assertRaises(AccessError):
                        event.get_conference_join_sequence()

    def test_invitation_preview(self):
        for label, (user, allowed) in self.readers.items():
            with self.subTest(reader=label):
                event = self.event.with_user(user)
                # Attendees read the code, yet preview no invitation: each
                # holds its attendee's answer link (organiser and managers).
                if allowed and user.has_group(MANAGER_GROUPS.split(",")[-1]):
                    action = event.action_conference_invitation_preview()
                    preview = self.env[action["res_model"]].with_user(user)
                    self.assertIn(CODE, preview.browse(action["res_id"]).body_html)
                else:
                    with self.assertRaises(AccessError):
                        event.action_conference_invitation_preview()
                    with self.assertRaises(AccessError):
                        self.env["calendar.event.invitation.preview"].with_user(
                            user
                        ).create({"event_id": event.id})

    def test_messages_and_attachments(self):
        """The invitations (body and .ics) are read by their recipient only;
        the event's chatter and tracking never carry the code."""
        event = self.event.with_user(self.manager).with_context(tracking_disable=False)
        event.write({"conference_id": self.room_b.id})
        self.env.cr.precommit.run()  # tracking values are written before commit
        event.write({"conference_id": self.room.id})
        self.env.cr.precommit.run()
        domain = [("model", "=", "calendar.event"), ("res_id", "=", self.event.id)]
        for label, (user, _allowed) in self.readers.items():
            with self.subTest(reader=label):
                messages = self.env["mail.message"].with_user(user).search(domain)
                bodies = " ".join(str(m.body) for m in messages.sudo())
                tracked = messages.sudo().tracking_value_ids
                invited = user.partner_id in self.event.partner_ids
                self.assertEqual(holds_code(bodies, CODE), invited)
                self.assertFalse(
                    holds_code(str(tracked.mapped("old_value_char")), CODE)
                )
                self.assertFalse(
                    holds_code(str(tracked.mapped("new_value_char")), CODE)
                )
                attachments = (
                    self.env["ir.attachment"]
                    .with_user(user)
                    .search(
                        [
                            "|",
                            "&",
                            ("res_model", "=", "calendar.event"),
                            ("res_id", "=", self.event.id),
                            ("res_model", "=", "mail.message"),
                        ]
                    )
                )
                self.assertEqual(
                    any(CODE.encode() in (a.raw or b"") for a in attachments), invited
                )
        # Tracking is on: the room changes were tracked, by name.
        tracked = (self.env["mail.message"].search(domain).tracking_value_ids).filtered(
            lambda t: t.field_id.name == "conference_id"
        )
        self.assertTrue(tracked)

    def test_only_conference_users_put_a_room_on_an_event(self):
        """Else any internal user would invite themselves to a room and read
        its code."""
        Event = self.env["calendar.event"].with_context(no_mail_to_attendees=True)
        vals = {
            "name": "Sneaky",
            "start": MONDAY + timedelta(hours=10),
            "stop": MONDAY + timedelta(hours=11),
            "conference_id": self.room.id,
        }
        for user in (self.plain_user, self.colleague, self.other_manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    Event.with_user(user).create(vals)
                own = Event.with_user(user).create(vals | {"conference_id": False})
                with self.assertRaises(AccessError):
                    own.write({"conference_id": self.room.id})
        event = Event.with_user(self.conf_user).create(vals)
        self.assertEqual(event.conference_id, self.room)

    def test_attendee_moves_a_recurring_meeting(self):
        """An attendee who is no conference user may still move a recurring
        meeting: its new occurrences keep the room."""
        event = (
            self.env["calendar.event"]
            .with_user(self.manager)
            .with_context(no_mail_to_attendees=True)
            .create(
                {
                    "name": "Weekly",
                    "start": MONDAY + timedelta(hours=10),
                    "stop": MONDAY + timedelta(hours=11),
                    "conference_id": self.room.id,
                    "recurrency": True,
                    "rrule_type": "weekly",
                    "mon": True,
                    "interval": 1,
                    "count": 3,
                    "end_type": "count",
                    "partner_ids": [Command.link(self.colleague.partner_id.id)],
                }
            )
        )
        event.with_user(self.colleague).with_context(no_mail_to_attendees=True).write(
            {
                "recurrence_update": "all_events",
                "start": MONDAY + timedelta(days=1, hours=10),
                "stop": MONDAY + timedelta(days=1, hours=11),
                "tue": True,
                "mon": False,
            }
        )
        occurrences = self.env["calendar.event"].search(
            [("name", "=", "Weekly")], order="start"
        )
        self.assertEqual(len(occurrences), 3)
        self.assertEqual(occurrences.conference_id, self.room)
        self.assertEqual(occurrences[0].start, MONDAY + timedelta(days=1, hours=10))
