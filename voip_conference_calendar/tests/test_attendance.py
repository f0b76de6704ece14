# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Before the start, internal attendees are reminded (with Join); after the
end, the attendance from the room's participation history is posted."""

import json
from datetime import timedelta

from freezegun import freeze_time
from lxml import html

from odoo import Command, fields
from odoo.tests import new_test_user

from .common import MONDAY, CalendarConferenceCase, holds_code, minutes


class TestCalendarConferenceAttendance(CalendarConferenceCase):
    def _participation(self, joined, left=None, **vals):
        return (
            self.env["voip.conference.participation"]
            .sudo()
            .create(
                {
                    "conference_id": self.room.id,
                    "joined_at": MONDAY + joined,
                    "left_at": left and MONDAY + left,
                }
                | vals
            )
        )

    def _rows(self, message):
        root = html.fromstring(str(message.body))
        return [
            [" ".join(td.text_content().split()) for td in tr.iter("td")]
            for tr in root.iter("tr")
            if tr.find("td") is not None
        ]

    def test_attendance_posted_once_after_the_meeting(self):
        h = lambda hours, minutes=0: timedelta(hours=hours, minutes=minutes)  # noqa: E731
        event = self._event(partner_ids=[Command.link(self.guests["fr"].id)])
        self._participation(
            h(7, 55),
            h(9, 2),
            partner_id=self.guests["fr"].id,
            number="+33184880199",
            leave_reason="hangup",
        )
        self._participation(
            h(8, 10),
            h(8, 40),
            number="+3225550177",
            leave_reason="removed",
        )
        self._participation(
            h(8, 0),
            h(9, 0),
            user_id=self.manager.id,
            number="210",
            role="admin",
            leave_reason="ended",
        )
        # The day before, and the next meeting in the room: not this one.
        self._participation(h(-16), h(-15), name="Yesterday")
        self._participation(h(10), h(11), name="Later")
        Scheduler = self.env["calendar.conference.scheduler"]
        with freeze_time(MONDAY + h(9, 5)):
            Scheduler._cron_conference_attendance()  # too early: people stay late
        self.assertFalse(event.conference_attendance_posted)
        with freeze_time(MONDAY + h(9, 20)):
            Scheduler._cron_conference_attendance()
            Scheduler._cron_conference_attendance()
        self.assertTrue(event.conference_attendance_posted)
        [message] = event.message_ids.filtered(
            lambda m: "Attendance in the conference room" in str(m.body)
        )
        # Times in the organiser's time zone (Brussels, UTC+1).
        self.assertEqual(
            self._rows(message),
            [
                [
                    "Guest fr_FR",
                    "+33 1 84 88 01 99",
                    minutes(MONDAY + h(8, 55)),
                    minutes(MONDAY + h(10, 2)),
                    "Hung up",
                ],
                [
                    self.manager.name,
                    "210",
                    minutes(MONDAY + h(9, 0)),
                    minutes(MONDAY + h(10, 0)),
                    "Conference ended",
                ],
                # A caller nobody knows: the number, as people read it.
                [
                    "+32 2 555 01 77",
                    "+32 2 555 01 77",
                    minutes(MONDAY + h(9, 10)),
                    minutes(MONDAY + h(9, 40)),
                    "Removed",
                ],
            ],
        )
        self.assertFalse(holds_code(str(message.body), "1234"))

    def test_nobody_joined(self):
        event = self._event()
        event.with_user(self.manager).action_conference_post_attendance()
        self.assertIn(
            "Nobody joined the room during the meeting.", str(event.message_ids[0].body)
        )

    def test_reminder_to_internal_attendees_with_join(self):
        now = fields.Datetime.now()
        soon = self._event(
            start=now + timedelta(minutes=3),
            partner_ids=[
                Command.link(self.colleague.partner_id.id),
                Command.link(self.guests["fr"].id),
            ],
        )
        later = self._event(
            start=now + timedelta(minutes=20),
            room=self.room_b,
            partner_ids=[Command.link(self.colleague.partner_id.id)],
        )
        Bus = self.env["bus.bus"]
        before = Bus.search([]).ids
        self.env["calendar.conference.scheduler"]._cron_conference_start()
        self.env["calendar.conference.scheduler"]._cron_conference_start()
        self.env.cr.precommit.run()
        sent = Bus.search([("id", "not in", before)]).filtered(
            lambda b: "voip_conference_calendar/reminder" in b.message
        )
        payloads = [json.loads(b.message)["payload"] for b in sent]
        channels = [json.loads(b.channel)[1:] for b in sent]
        # The colleague, once; not the external guest.
        self.assertEqual(channels, [["res.partner", self.colleague.partner_id.id]])
        self.assertEqual({p["event_id"] for p in payloads}, {soon.id})
        self.assertTrue(soon.conference_reminder_sent)
        self.assertFalse(later.conference_reminder_sent)
        self.assertIn("Board meeting starts at", payloads[0]["message"])

    def test_dates_in_the_readers_language_and_time_zone(self):
        """Issue 26: a French reminder read "commence à 2026-12-07 20:30".
        Each reader gets the time as their language writes it, in their time
        zone, as calendar's own mails do; the attendance is posted in the
        organiser's language and the event's time zone."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["voip_conference", "voip_conference_calendar"], ["fr_FR"], overwrite=True
        )
        readers = {
            "fr": new_test_user(
                self.env, login="vcc_fr", lang="fr_FR", tz="Europe/Paris"
            ),
            "en": new_test_user(
                self.env, login="vcc_us", lang="en_US", tz="America/New_York"
            ),
        }
        # 19:30 UTC in January: 20:30 in Paris, 14:30 in New York.
        start = MONDAY.replace(hour=19, minute=30)
        event = self._event(
            start=start,
            partner_ids=[Command.link(u.partner_id.id) for u in readers.values()],
        )
        Bus = self.env["bus.bus"]
        before = Bus.search([]).ids
        with freeze_time(start - timedelta(minutes=3)):
            self.env["calendar.conference.scheduler"]._cron_conference_start()
        self.env.cr.precommit.run()
        sent = Bus.search([("id", "not in", before)]).filtered(
            lambda b: "voip_conference_calendar/reminder" in b.message
        )
        messages = {
            json.loads(b.channel)[2]: json.loads(b.message)["payload"]["message"]
            for b in sent
        }
        self.assertEqual(
            messages[readers["fr"].partner_id.id],
            "Board meeting commence à 20:30 dans la salle Board (8101).",
        )
        self.assertEqual(
            messages[readers["en"].partner_id.id],
            "Board meeting starts at 02:30 PM in room Board (8101).",
        )
        # The organiser (Brussels) reads French: the attendance in French.
        self.manager.lang = "fr_FR"
        self._participation(
            timedelta(hours=19, minutes=25),
            timedelta(hours=20, minutes=40),
            number="+3225550177",
            leave_reason="hangup",
        )
        event.with_user(self.manager).action_conference_post_attendance()
        [row] = self._rows(event.message_ids[0])
        self.assertEqual(
            row[2:],
            [
                f"{MONDAY.replace(hour=20, minute=25):%d/%m/%Y %H:%M}",
                f"{MONDAY.replace(hour=21, minute=40):%d/%m/%Y %H:%M}",
                "A raccroché",
            ],
        )
