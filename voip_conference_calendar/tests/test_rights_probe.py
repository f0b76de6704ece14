# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Ways around "only conference users give a room's access code away",
tried as low-rights users: inviting oneself (or an address one reads) to an
event that has a room, making an occurrence of someone else's recurring
meeting, previewing another meeting's invitation."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import MANAGER_GROUPS, MONDAY, CalendarConferenceCase, holds_code

CODE = "1234"
OTHER_CODE = "97531"


class TestCalendarConferenceProbe(CalendarConferenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        other_company = cls.env["res.company"].create({"name": "Probe Company"})
        cls.other_pbx = cls.env["voip.pbx"].create(
            {"name": "Probe PBX", "company_id": other_company.id}
        )
        cls.other_room = (
            cls.env["voip.conference"]
            .with_company(other_company)
            .create(
                {
                    "name": "Other board",
                    "extension": "8901",
                    "access_code": OTHER_CODE,
                    "pbx_id": cls.other_pbx.id,
                    "company_id": other_company.id,
                }
            )
        )
        cls.other_manager = new_test_user(
            cls.env,
            login="vcc_probe_other_manager",
            groups=MANAGER_GROUPS,
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        # A public meeting of the room with a code; the colleague attends.
        cls.event = cls._event(
            partner_ids=[Command.link(cls.colleague.partner_id.id)],
        )
        # The other company's recurring meeting in its own room.
        cls.other_weekly = (
            cls.env["calendar.event"]
            .with_user(cls.other_manager)
            .with_context(no_mail_to_attendees=True)
            .create(
                {
                    "name": "Other weekly",
                    "start": MONDAY + timedelta(hours=10),
                    "stop": MONDAY + timedelta(hours=11),
                    "conference_id": cls.other_room.id,
                    "recurrency": True,
                    "rrule_type": "weekly",
                    "mon": True,
                    "interval": 1,
                    "count": 2,
                    "end_type": "count",
                }
            )
        )

    def _code_read_by(self, user, event):
        event = event.with_user(user)
        event.invalidate_recordset()
        return event.read(["conference_dial_in"])[0]["conference_dial_in"] or ""

    def test_plain_user_cannot_invite_themselves(self):
        """Any internal user may edit a public event: adding oneself as an
        attendee would give the room's code."""
        event = self.event.with_user(self.plain_user).with_context(
            no_mail_to_attendees=True
        )
        self.assertFalse(
            holds_code(self._code_read_by(self.plain_user, self.event), CODE)
        )
        # The refusal says what was refused: inviting, not choosing a room.
        with self.assertRaises(AccessError) as refused:
            event.write({"partner_ids": [Command.link(self.plain_user.partner_id.id)]})
        self.assertIn("may invite people to a meeting", str(refused.exception))
        with self.assertRaises(AccessError):
            self.env["calendar.attendee"].with_user(self.plain_user).create(
                {"event_id": self.event.id, "partner_id": self.guests["fr"].id}
            )
        self.assertNotIn(self.plain_user.partner_id, self.event.partner_ids)
        # Editing the event otherwise, and removing oneself, stays possible.
        event.write({"name": "Board meeting (moved)"})
        self.event.with_user(self.colleague).write(
            {"partner_ids": [Command.unlink(self.colleague.partner_id.id)]}
        )
        # A conference user may invite people (as they may put the room on).
        self.event.with_user(self.conf_user).with_context(
            no_mail_to_attendees=True
        ).write({"partner_ids": [Command.link(self.guests["fr"].id)]})
        self.assertIn(self.guests["fr"], self.event.partner_ids)

    def test_occurrence_of_another_recurrence(self):
        """Naming another recurrence must not let a user put its room (here
        another company's) on an event of their own."""
        for user in (self.plain_user, self.conf_user, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["calendar.event"].with_user(user).with_context(
                        no_mail_to_attendees=True
                    ).create(
                        {
                            "name": "Sneaky occurrence",
                            "start": MONDAY + timedelta(weeks=2, hours=10),
                            "stop": MONDAY + timedelta(weeks=2, hours=11),
                            "conference_id": self.other_room.id,
                            "recurrence_id": self.other_weekly.recurrence_id.id,
                            "partner_ids": [Command.link(user.partner_id.id)],
                        }
                    )

    def test_preview_of_another_meetings_attendee(self):
        """The preview renders the invitation of the attendee it is given:
        an attendee of one meeting must not get another meeting's."""
        other_event = (
            self.env["calendar.event"]
            .with_user(self.other_manager)
            .with_context(no_mail_to_attendees=True)
            .create(
                {
                    "name": "Other meeting",
                    "start": MONDAY + timedelta(days=1, hours=10),
                    "stop": MONDAY + timedelta(days=1, hours=11),
                    "conference_id": self.other_room.id,
                    "partner_ids": [Command.link(self.guests["es"].id)],
                }
            )
        )
        foreign = other_event.attendee_ids.filtered(
            lambda a: a.partner_id == self.guests["es"]
        )
        Preview = self.env["calendar.event.invitation.preview"].with_user(
            self.manager  # the organiser: attendees preview nothing
        )
        with self.assertRaises(AccessError):
            Preview.create({"event_id": self.event.id, "attendee_id": foreign.id})
        preview = Preview.create({"event_id": self.event.id})
        with self.assertRaises(AccessError):
            preview.write({"attendee_id": foreign.id})
        own = self.event.attendee_ids.filtered(
            lambda a: a.partner_id == self.colleague.partner_id
        )
        preview.write({"attendee_id": own.id})
        self.assertIn(CODE, preview.body_html)
        self.assertFalse(holds_code(preview.body_html, OTHER_CODE))

    def test_plain_user_cannot_switch_call_in_on(self):
        """Call-in makes the PBX dial the external attendees: not for who may
        not put the room on the event."""
        self.event.write({"partner_ids": [Command.link(self.guests["fr"].id)]})
        with self.assertRaises(AccessError) as refused:
            self.event.with_user(self.plain_user).write({"conference_call_in": True})
        self.assertIn("call a meeting's attendees", str(refused.exception))
        with self.assertRaises(AccessError):
            self.event.with_user(self.other_manager).write({"conference_call_in": True})
        self.assertFalse(self.event.conference_call_in)
        self.event.with_user(self.conf_user).write({"conference_call_in": True})
        self.assertTrue(self.event.conference_call_in)
        # Once on, editing the event otherwise stays open to its editors.
        self.event.with_user(self.plain_user).write(
            {"name": "Board meeting", "conference_call_in": True}
        )

    def test_plain_user_cannot_become_the_organiser(self):
        """The invitations are written as the organiser, who reads them
        (author): taking over a meeting would hand its codes over."""
        self.plain_user.email = "plain@example.com"
        event = self.event.with_user(self.plain_user)
        for organiser in (self.plain_user.id, False):
            with self.assertRaises(AccessError) as refused:
                event.write({"user_id": organiser})
            self.assertIn("may organise a meeting", str(refused.exception))
        event.action_sendmail()
        messages = (
            self.env["mail.message"]
            .with_user(self.plain_user)
            .search([("author_id", "=", self.plain_user.partner_id.id)])
        )
        self.assertFalse(holds_code(str(messages.mapped("body")), CODE))
        attachments = messages.sudo().attachment_ids.with_user(self.plain_user)
        self.assertFalse(
            any(
                CODE.encode() in (a.raw or b"")
                for a in attachments._filtered_access("read")
            )
        )

    def test_no_code_oracle_through_a_search(self):
        """Searching events by their room's code would tell the code digit
        by digit to who may not read it."""
        for user in (self.plain_user, self.conf_user, self.colleague):
            with self.subTest(user=user.login):
                Event = self.env["calendar.event"].with_user(user)
                for domain in (
                    [("conference_id.access_code", "=", CODE)],
                    [("conference_id.access_code", "=like", "1%")],
                    [("conference_id.sync_agreed", "!=", False)],
                ):
                    with self.assertRaises(AccessError):
                        Event.search(domain)


@tagged("post_install", "-at_install")
class TestCalendarConferenceJoinLink(HttpCase):
    """Odoo's join link (/calendar/meeting/join?token=) adds the logged-in
    user to the event as superuser; any internal user may read or set an
    event's token."""

    def test_join_link_gives_no_code_to_who_may_not_have_it(self):
        pbx = self.env["voip.pbx"].create({"name": "Join link PBX"})
        room = self.env["voip.conference"].create(
            {
                "name": "Link room",
                "extension": "8701",
                "access_code": CODE,
                "pbx_id": pbx.id,
            }
        )
        event = (
            self.env["calendar.event"]
            .with_context(no_mail_to_attendees=True)
            .create(
                {
                    "name": "Linked meeting",
                    "start": MONDAY + timedelta(hours=8),
                    "stop": MONDAY + timedelta(hours=9),
                    "conference_id": room.id,
                }
            )
        )
        plain = new_test_user(
            self.env, login="vcc_link_plain", groups="base.group_user"
        )
        # Any internal user may set the token of a public event.
        event.with_user(plain).write({"access_token": "probe-token"})
        self.authenticate("vcc_link_plain", "vcc_link_plain")
        response = self.url_open("/calendar/meeting/join?token=probe-token")
        self.assertNotIn(plain.partner_id, event.partner_ids)
        self.assertNotEqual(response.status_code, 200)
        event.invalidate_recordset()
        self.assertFalse(
            holds_code(str(event.with_user(plain).read(["conference_dial_in"])), CODE)
        )
        # A conference user follows the link and is invited.
        user = new_test_user(
            self.env,
            login="vcc_link_user",
            groups="base.group_user,voip_conference.voip_conference_group_user",
        )
        self.authenticate("vcc_link_user", "vcc_link_user")
        self.url_open("/calendar/meeting/join?token=probe-token")
        self.assertIn(user.partner_id, event.partner_ids)
