# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The .ics of an invitation, read back by an independent parser that
expands recurrences (icalendar + recurring-ical-events): a series is one
event with its time zone (TZID and VTIMEZONE) and one RRULE, each occurrence
at the meeting's local time across DST changes; an all-day event is dates."""

from datetime import datetime, time, timedelta

import icalendar
import pytz
import recurring_ical_events

from .common import CalendarConferenceCase, coming_monday

# Northern and southern hemispheres, DST changes on other days, none at all.
TIME_ZONES = ("Europe/Brussels", "America/New_York", "Pacific/Auckland", "Asia/Kolkata")


def local_to_utc(tz, value):
    """A naive local time of ``tz`` as naive UTC, as Odoo stores it."""
    return pytz.timezone(tz).localize(value).astimezone(pytz.utc).replace(tzinfo=None)


class TestCalendarConferenceIcs(CalendarConferenceCase):
    def _calendar(self, event):
        """The parsed .ics of ``event``, and its VEVENT's lines, unfolded."""
        data = event._get_ics_file()[event.id]
        lines = data.decode().replace("\r\n ", "").splitlines()
        vevent = lines[lines.index("BEGIN:VEVENT") : lines.index("END:VEVENT")]
        return icalendar.Calendar.from_ical(data), vevent

    def _series(self, tz, first, **vals):
        """A weekly series on Mondays at 9:00 in ``tz``, from ``first``."""
        return self._event(
            start=local_to_utc(tz, first.replace(hour=9)),
            recurrency=True,
            rrule_type="weekly",
            mon=True,
            interval=1,
            event_tz=tz,
            **vals,
        )

    def test_weekly_series_keeps_its_local_time_across_dst(self):
        # Eight Mondays from early March: Brussels, New York and Auckland all
        # change their clocks in between.
        first = coming_monday(3, 1)
        for tz in TIME_ZONES:
            with self.subTest(tz=tz):
                series = self._series(tz, first, count=8, end_type="count")
                cal, lines = self._calendar(series)
                [vevent] = cal.walk("VEVENT")
                self.assertEqual(vevent["DTSTART"].params.get("TZID"), tz)
                self.assertEqual(
                    vevent["DTSTART"].dt.replace(tzinfo=None), first.replace(hour=9)
                )
                self.assertEqual(len([li for li in lines if li.startswith("RRULE")]), 1)
                [vtimezone] = cal.walk("VTIMEZONE")
                self.assertEqual(str(vtimezone["TZID"]), tz)
                # The file's own VTIMEZONE gives each date the offset the time
                # zone database gives it.
                file_tz = vtimezone.to_tz()
                occurrences = recurring_ical_events.of(cal).between(
                    first, first + timedelta(weeks=10)
                )
                starts = [o["DTSTART"].dt for o in occurrences]
                self.assertEqual(len(starts), 8)
                zone = pytz.timezone(tz)
                expected = [
                    zone.localize(first.replace(hour=9) + timedelta(weeks=week))
                    for week in range(8)
                ]
                self.assertEqual(starts, expected)
                for start in expected:
                    local = start.replace(tzinfo=None)
                    self.assertEqual(
                        file_tz.utcoffset(local), zone.utcoffset(local), local
                    )
                # As Odoo itself holds the occurrences.
                odoo_starts = series.recurrence_id.calendar_event_ids.sorted("start")
                self.assertEqual(
                    [pytz.utc.localize(e.start) for e in odoo_starts],
                    [s.astimezone(pytz.utc) for s in starts],
                )

    def test_series_until_a_date(self):
        """UNTIL is in UTC when DTSTART has a time zone (RFC 5545 3.3.10),
        and the last day's meeting is included."""
        first = coming_monday(3, 1)
        until = (first + timedelta(weeks=5)).date()
        series = self._series(
            "Pacific/Auckland", first, end_type="end_date", until=until
        )
        cal, lines = self._calendar(series)
        [rrule] = [li for li in lines if li.startswith("RRULE")]
        self.assertRegex(rrule, r"UNTIL=\d{8}T\d{6}Z")
        occurrences = recurring_ical_events.of(cal).between(
            first, first + timedelta(weeks=10)
        )
        self.assertEqual(len(occurrences), 6)
        self.assertEqual(occurrences[-1]["DTSTART"].dt.date(), until)

    def test_every_occurrence_gives_the_whole_series(self):
        """The invitation of a later meeting of the series (an update, a new
        attendee) describes the same series, under the same UID."""
        first = coming_monday(3, 1)
        series = self._series("Europe/Brussels", first, count=4, end_type="count")
        occurrences = series.recurrence_id.calendar_event_ids.sorted("start")
        calendars = [self._calendar(o)[0] for o in (occurrences[0], occurrences[2])]
        uids = {str(cal.walk("VEVENT")[0]["UID"]) for cal in calendars}
        self.assertEqual(len(uids), 1)
        for cal in calendars:
            self.assertEqual(
                len(
                    recurring_ical_events.of(cal).between(
                        first, first + timedelta(weeks=8)
                    )
                ),
                4,
            )

    def test_all_day_events_are_dates(self):
        tuesday = coming_monday(1, 8).date() + timedelta(days=1)
        for days in (1, 3):
            with self.subTest(days=days):
                event = self._event(
                    allday=True,
                    start=datetime.combine(tuesday, time(8)),
                    stop=datetime.combine(tuesday + timedelta(days=days - 1), time(18)),
                )
                cal, lines = self._calendar(event)
                self.assertIn(f"DTSTART;VALUE=DATE:{tuesday:%Y%m%d}", lines)
                end = tuesday + timedelta(days=days)
                self.assertIn(f"DTEND;VALUE=DATE:{end:%Y%m%d}", lines)
                [occurrence] = recurring_ical_events.of(cal).between(
                    tuesday - timedelta(days=1), end + timedelta(days=1)
                )
                self.assertEqual(occurrence["DTSTART"].dt, tuesday)
                self.assertEqual(occurrence["DTEND"].dt, end)

    def test_all_day_series(self):
        first = coming_monday(3, 1).date()
        series = self._event(
            allday=True,
            start=datetime.combine(first, time(8)),
            stop=datetime.combine(first, time(18)),
            recurrency=True,
            rrule_type="weekly",
            mon=True,
            interval=1,
            end_type="end_date",
            until=first + timedelta(weeks=3),
            event_tz="Pacific/Auckland",
        )
        cal, lines = self._calendar(series)
        [rrule] = [li for li in lines if li.startswith("RRULE")]
        self.assertRegex(rrule, r"UNTIL=\d{8}(;|$)")
        occurrences = recurring_ical_events.of(cal).between(
            first, first + timedelta(weeks=6)
        )
        self.assertEqual(
            [o["DTSTART"].dt for o in occurrences],
            [first + timedelta(weeks=week) for week in range(4)],
        )

    def test_single_meeting_at_its_time(self):
        start = local_to_utc("Europe/Brussels", coming_monday(3, 1).replace(hour=9))
        event = self._event(start=start)
        cal, lines = self._calendar(event)
        [vevent] = cal.walk("VEVENT")
        self.assertEqual(
            vevent["DTSTART"].dt.astimezone(pytz.utc), pytz.utc.localize(start)
        )
        self.assertEqual(
            vevent["DTEND"].dt.astimezone(pytz.utc),
            pytz.utc.localize(start + timedelta(hours=1)),
        )
        self.assertFalse([li for li in lines if li.startswith("RRULE")])
        # The same meeting, the same UID, in each of its invitations.
        self.assertEqual(
            vevent["UID"], self._calendar(event)[0].walk("VEVENT")[0]["UID"]
        )

    def _vevents(self, cal):
        """The series' VEVENT and its moved occurrences, by RECURRENCE-ID."""
        vevents = cal.walk("VEVENT")
        [series] = [v for v in vevents if "RECURRENCE-ID" not in v]
        return series, [v for v in vevents if "RECURRENCE-ID" in v]

    def test_series_with_deleted_detached_and_moved_occurrences(self):
        """Six Mondays at 9:00 from Brussels across the DST change: the 2nd
        deleted (as calendar's "Delete this event" archives it), the 3rd
        detached from the series, the 4th moved alone to Tuesday 10:00, the
        5th unlinked. The .ics says the same: an EXDATE for each of the 2nd,
        3rd and 5th, the 4th under the RECURRENCE-ID of its Monday."""
        tz = "Europe/Brussels"
        zone = pytz.timezone(tz)
        first = coming_monday(3, 15)
        series = self._series(tz, first, count=6, end_type="count")
        occurrences = series.recurrence_id.calendar_event_ids.sorted("start")
        self.assertEqual(len(occurrences), 6)
        deleted, detached, moved, unlinked = occurrences[1:5]
        deleted.action_mass_archive("self_only")
        series.recurrence_id._detach_events(detached)
        monday = first + timedelta(weeks=3)
        new_start = local_to_utc(tz, monday.replace(hour=10) + timedelta(days=1))
        moved.write(
            {
                "start": new_start,
                "stop": new_start + timedelta(hours=1),
                "recurrence_update": "self_only",
            }
        )
        self.assertFalse(moved.follow_recurrence)
        self.assertEqual(
            moved.conference_recurrence_start, local_to_utc(tz, monday.replace(hour=9))
        )
        unlinked.unlink()
        for occurrence in (occurrences[0], moved):
            cal, lines = self._calendar(occurrence)
            vevent, [exception] = self._vevents(cal)
            self.assertEqual(len([li for li in lines if li.startswith("RRULE")]), 1)
            nine = [first.replace(hour=9) + timedelta(weeks=w) for w in (1, 2, 4)]
            self.assertEqual(
                [d.dt for exdate in [vevent["EXDATE"]] for d in exdate.dts],
                [zone.localize(when) for when in nine],
            )
            self.assertEqual(exception["UID"], vevent["UID"])
            self.assertEqual(
                exception["RECURRENCE-ID"].dt, zone.localize(monday.replace(hour=9))
            )
            occurrences_read = recurring_ical_events.of(cal).between(
                first, first + timedelta(weeks=10)
            )
            expected = [
                first.replace(hour=9),
                monday.replace(hour=10) + timedelta(days=1),
                first.replace(hour=9) + timedelta(weeks=5),
            ]
            self.assertEqual(
                [o["DTSTART"].dt for o in occurrences_read],
                [zone.localize(when) for when in expected],
            )
            # The moved one keeps the dial-in of the series.
            self.assertEqual(
                [str(c) for c in exception.get("CONFERENCE", [])],
                [str(c) for c in vevent["CONFERENCE"]],
            )

    def test_all_day_series_with_a_deleted_day(self):
        first = coming_monday(3, 1).date()
        series = self._event(
            allday=True,
            start=datetime.combine(first, time(8)),
            stop=datetime.combine(first, time(18)),
            recurrency=True,
            rrule_type="weekly",
            mon=True,
            interval=1,
            count=3,
            end_type="count",
            event_tz="Europe/Brussels",
        )
        occurrences = series.recurrence_id.calendar_event_ids.sorted("start")
        occurrences[1].action_mass_archive("self_only")
        cal, lines = self._calendar(occurrences[0])
        second = first + timedelta(weeks=1)
        self.assertIn(f"EXDATE;VALUE=DATE:{second:%Y%m%d}", lines)
        self.assertEqual(
            [
                o["DTSTART"].dt
                for o in recurring_ical_events.of(cal).between(
                    first, first + timedelta(weeks=5)
                )
            ],
            [first, first + timedelta(weeks=2)],
        )
