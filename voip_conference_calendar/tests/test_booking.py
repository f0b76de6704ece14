# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Double bookings of a room: overlaps across time zones, all-day events and
recurrences, checked per occurrence, with a free room proposed."""

from datetime import datetime, timedelta

import pytz

from odoo.exceptions import UserError
from odoo.tests import new_test_user

from .common import MONDAY, USER_GROUPS, CalendarConferenceCase, minutes


def utc(tz, *args):
    """A wall-clock time in ``tz`` as naive UTC, as Odoo stores it."""
    local = pytz.timezone(tz).localize(datetime(*args))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


class TestCalendarConferenceBookings(CalendarConferenceCase):
    def _local_event(self, tz, hour, minute=0, hours=1, **vals):
        """An event booked at a wall-clock time of ``tz`` on MONDAY."""
        start = utc(tz, MONDAY.year, MONDAY.month, MONDAY.day, hour, minute)
        return self._event(start=start, hours=hours, event_tz=tz, **vals)

    def test_overlaps_across_time_zones(self):
        # 9:00-10:00 in Brussels is 8:00-9:00 UTC.
        brussels = self._local_event("Europe/Brussels", 9)
        self.assertFalse(brussels.conference_conflict)
        # 8:30 in London is 8:30 UTC: overlaps.
        london = self._local_event("Europe/London", 8, 30)
        # 3:00 in New York is 8:00 UTC: the same hour.
        new_york_early = self._local_event("America/New_York", 3)
        # 9:00 in New York is 14:00 UTC: free.
        new_york = self._local_event("America/New_York", 9)
        # 10:30 in Brussels (9:30 UTC) starts when London's ends: free.
        back_to_back = self._local_event("Europe/Brussels", 10, 30)
        events = brussels | london | new_york_early | new_york | back_to_back
        events.invalidate_recordset()
        self.assertEqual(
            events.mapped("conference_conflict"), [True, True, True, False, False]
        )
        # London's event, as the organiser reads it: 9:30 in Brussels.
        self.assertIn(
            "Board (8101) is already booked on "
            f"{minutes(MONDAY.replace(hour=9, minute=30))} by Board meeting.",
            london.with_user(self.manager).conference_conflict_message,
        )

    def test_all_day_event_holds_the_room_for_its_day_in_its_time_zone(self):
        # Tuesday in Auckland (UTC+13) is Monday 11:00 to Tuesday 11:00 UTC:
        # the organiser's day (an event that does not repeat has no time
        # zone of its own).
        organiser = new_test_user(
            self.env, login="vcc_auckland", groups=USER_GROUPS, tz="Pacific/Auckland"
        )
        all_day = self._event(
            allday=True,
            start=MONDAY.replace(hour=8) + timedelta(days=1),
            stop=MONDAY.replace(hour=18) + timedelta(days=1),
            user_id=organiser.id,
        )
        self.assertEqual(all_day.start_date, (MONDAY + timedelta(days=1)).date())
        evening = self._event(start=MONDAY.replace(hour=20))
        morning = self._event(start=MONDAY.replace(hour=8), room=self.room)
        (evening | morning).invalidate_recordset()
        self.assertTrue(evening.conference_conflict)
        self.assertFalse(morning.conference_conflict)

    def test_recurring_event_keeps_its_room_and_is_checked_per_occurrence(self):
        weekly = self._event(
            recurrency=True,
            rrule_type="weekly",
            mon=True,
            interval=1,
            count=4,
            end_type="count",
            event_tz="UTC",
        )
        occurrences = weekly.recurrence_id.calendar_event_ids.sorted("start")
        self.assertEqual(len(occurrences), 4)
        self.assertEqual(occurrences.conference_id, self.room)
        # The third Monday only: someone else books the room at 8:30.
        other = self._event(
            name="Budget review",
            start=MONDAY.replace(hour=8, minute=30) + timedelta(weeks=2),
        )
        occurrences.invalidate_recordset()
        self.assertEqual(
            occurrences.mapped("conference_conflict"), [False, False, True, False]
        )
        self.assertTrue(other.conference_conflict)
        first = occurrences[0].with_user(self.manager)
        # The first occurrence's form names the occurrence that collides and
        # proposes a room free for all of them.
        self.assertEqual(
            first.conference_conflict_message,
            "Board (8101) is already booked on "
            f"{minutes(MONDAY.replace(hour=9) + timedelta(weeks=2))} by Budget review.",
        )
        self.assertEqual(first.conference_free_room_id, self.room_b)
        # Occurrences of one recurrence never collide with each other.
        self._event(start=MONDAY.replace(hour=8) + timedelta(weeks=10))
        occurrences.invalidate_recordset()
        self.assertFalse(occurrences[1].conference_conflict)

    def test_pick_a_free_room(self):
        self._event(room=self.room)
        self._event(room=self.room_b, start=MONDAY.replace(hour=8, minute=45))
        event = self._event(room=self.room, start=MONDAY.replace(hour=8, minute=30))
        self.assertEqual(event.conference_free_room_id, self.room_c)
        event.with_user(self.conf_user).sudo(False).action_conference_pick_room()
        self.assertEqual(event.conference_id, self.room_c)
        self.assertFalse(event.conference_conflict)
        # Nothing free: a clear error, nothing changed.
        self._event(room=self.room_c, start=MONDAY.replace(hour=9))
        late = self._event(room=self.room, start=MONDAY.replace(hour=8, minute=50))
        with self.assertRaisesRegex(UserError, "No room of your PBX is free"):
            late.action_conference_pick_room()
        self.assertEqual(late.conference_id, self.room)

    def test_private_event_holds_the_room_without_its_name(self):
        self._event(name="Secret merger", privacy="private")
        event = self._event(start=MONDAY.replace(hour=8, minute=30))
        message = event.with_user(self.conf_user).conference_conflict_message
        self.assertIn("by a private meeting", message)
        self.assertNotIn("Secret", message)

    def test_bookings_view_of_a_room(self):
        self._event()
        self._event(start=MONDAY.replace(hour=8, minute=30))
        self._event(room=self.room_b)
        room = self.room.with_user(self.conf_user)
        self.assertEqual(room.booking_count, 2)
        action = room.action_view_bookings()
        bookings = self.env["calendar.event"].search(action["domain"])
        self.assertEqual(len(bookings), 2)
        self.assertEqual(bookings.mapped("conference_conflict"), [True, True])

    def test_conflict_in_the_readers_language_and_time_zone(self):
        """A French conference user in Paris reads the colliding booking's
        start as French dates are written, in Paris's time; an all-day
        booking is its date."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["voip_conference_calendar"], ["fr_FR"], overwrite=True
        )
        reader = new_test_user(
            self.env,
            login="vcc_booking_fr",
            groups=USER_GROUPS,
            lang="fr_FR",
            tz="Europe/Paris",
        )
        self._local_event("Europe/Brussels", 9)
        london = self._local_event("Europe/London", 8, 30)
        self.assertIn(
            "Board (8101) est déjà réservée le "
            f"{MONDAY.replace(hour=9, minute=30):%d/%m/%Y %H:%M} par Board meeting.",
            london.with_user(reader)
            .with_context(lang="fr_FR")
            .conference_conflict_message,
        )
        day = self._event(
            start=MONDAY + timedelta(days=1, hours=8),
            hours=10,
            allday=True,
            event_tz="Europe/Brussels",
        )
        self._event(start=MONDAY + timedelta(days=1, hours=12), name="Lunch")
        self.assertIn(
            "Board (8101) est déjà réservée le "
            f"{MONDAY + timedelta(days=1):%d/%m/%Y} par Lunch.",
            day.with_user(reader)
            .with_context(lang="fr_FR")
            .conference_conflict_message,
        )
