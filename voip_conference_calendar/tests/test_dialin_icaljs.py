# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The .ics we send, read back by a second independent parser: npm's ical.js
(the lineage of Thunderbird's), run by node on the files (icaljs/). Every
occurrence of a weekly series from Brussels across the DST change at its
local time, a moved and a deleted occurrence as the series says them, an
all-day event as dates.

Needs node and the repository's npm packages (`npm install` at the
repository's root, as the lint tier runs it): the test fails without them,
it never skips."""

import json
import pathlib
import shutil
import subprocess
import tempfile
from datetime import datetime, time, timedelta

import pytz

from .common import CalendarConferenceCase, coming_monday

SCRIPT = pathlib.Path(__file__).resolve().parent / "icaljs" / "expand_ics.mjs"
REPOSITORY = SCRIPT.parents[3]


def local_to_utc(tz, value):
    return pytz.timezone(tz).localize(value).astimezone(pytz.utc).replace(tzinfo=None)


class TestCalendarConferenceIcalJs(CalendarConferenceCase):
    def _read(self, *events):
        """What ical.js reads in the .ics of each of ``events``."""
        node = shutil.which("node")
        if not node:
            self.fail("node is needed to read the .ics with ical.js: install nodejs")
        if not (REPOSITORY / "node_modules" / "ical.js").is_dir():
            self.fail(
                f"ical.js is missing: run `npm install` in {REPOSITORY} "
                "(package.json lists it)"
            )
        with tempfile.TemporaryDirectory() as folder:
            paths = []
            for event in events:
                path = pathlib.Path(folder) / f"event-{event.id}.ics"
                path.write_bytes(event._get_ics_file()[event.id])
                paths.append(str(path))
            done = subprocess.run(
                [node, str(SCRIPT), *paths],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        self.assertEqual(done.returncode, 0, done.stderr)
        return json.loads(done.stdout)

    def test_weekly_series_from_brussels_across_dst(self):
        tz = "Europe/Brussels"
        first = coming_monday(3, 15)
        series = self._event(
            start=local_to_utc(tz, first.replace(hour=9)),
            recurrency=True,
            rrule_type="weekly",
            mon=True,
            interval=1,
            count=6,
            end_type="count",
            event_tz=tz,
        )
        meetings = series.recurrence_id.calendar_event_ids.sorted("start")
        meetings[1].action_mass_archive("self_only")
        moved_to = local_to_utc(tz, first.replace(hour=10) + timedelta(days=15))
        meetings[2].write(
            {
                "start": moved_to,
                "stop": moved_to + timedelta(hours=1),
                "recurrence_update": "self_only",
            }
        )
        [read] = self._read(meetings[0])
        expected = [
            first.replace(hour=9),
            first.replace(hour=10) + timedelta(days=15),
            *(first.replace(hour=9) + timedelta(weeks=w) for w in (3, 4, 5)),
        ]
        self.assertEqual(
            [o["start"]["local"] for o in read],
            [f"{when:%Y-%m-%dT%H:%M:%S}" for when in expected],
        )
        self.assertEqual({o["start"]["tzid"] for o in read}, {tz})
        # The instants too: ical.js's reading of our VTIMEZONE is Odoo's.
        held = meetings.filtered("active").sorted("start")
        self.assertEqual(
            [o["start"]["utc"] for o in read],
            [int(pytz.utc.localize(m.start).timestamp()) for m in held],
        )
        self.assertEqual(
            [o["end"]["utc"] - o["start"]["utc"] for o in read], [3600] * 5
        )
        self.assertEqual(
            read[1]["recurrenceId"],
            f"{first.replace(hour=9) + timedelta(weeks=2):%Y-%m-%dT%H:%M:%S}",
        )

    def test_all_day_event_reads_as_dates(self):
        tuesday = coming_monday(1, 8).date() + timedelta(days=1)
        event = self._event(
            allday=True,
            start=datetime.combine(tuesday, time(8)),
            stop=datetime.combine(tuesday + timedelta(days=1), time(18)),
            event_tz="Pacific/Auckland",
        )
        [[occurrence]] = self._read(event)
        self.assertEqual(
            occurrence["start"],
            {"local": f"{tuesday:%Y-%m-%d}", "isDate": True, "tzid": None, "utc": None},
        )
        self.assertEqual(
            occurrence["end"]["local"], f"{tuesday + timedelta(days=2):%Y-%m-%d}"
        )
        self.assertTrue(occurrence["end"]["isDate"])
