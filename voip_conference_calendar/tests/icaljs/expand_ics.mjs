/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
/**
 * Reads .ics files with ical.js (npm, the lineage of Thunderbird's parser),
 * a second parser independent of the Python ones, and prints every
 * occurrence of their events as JSON: one list per file, each occurrence
 * with its start and end as ical.js reads them (local time and time zone,
 * or a date), and its start in UTC.
 *
 * usage: node expand_ics.mjs FILE.ics...
 */
import {readFileSync} from "node:fs";
import ICAL from "ical.js";

// Series of Odoo hold at most 720 occurrences.
const MAX_OCCURRENCES = 1000;

function describe(time) {
    return {
        local: time.toString(),
        isDate: time.isDate,
        tzid: time.isDate ? null : time.zone.tzid,
        utc: time.isDate ? null : time.toUnixTime(),
    };
}

function occurrences(text) {
    const calendar = new ICAL.Component(ICAL.parse(text));
    for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
        ICAL.TimezoneService.register(vtimezone);
    }
    const vevents = calendar.getAllSubcomponents("vevent");
    const master = vevents.find((vevent) => !vevent.hasProperty("recurrence-id"));
    const event = new ICAL.Event(master);
    for (const exception of vevents.filter((vevent) =>
        vevent.hasProperty("recurrence-id")
    )) {
        event.relateException(exception);
    }
    const found = [];
    const iterator = event.iterator();
    for (let next = iterator.next(); next; next = iterator.next()) {
        const details = event.getOccurrenceDetails(next);
        found.push({
            start: describe(details.startDate),
            end: describe(details.endDate),
            recurrenceId: details.recurrenceId.toString(),
        });
        if (found.length >= MAX_OCCURRENCES) {
            throw new Error("More occurrences than a series of Odoo holds");
        }
    }
    return found;
}

const files = process.argv.slice(2);
process.stdout.write(
    JSON.stringify(files.map((file) => occurrences(readFileSync(file, "utf8"))))
);
