# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# A feature folder extends the model, as mail's models/discuss/ does:
# pylint: disable=consider-merging-classes-inherited
"""Bookings: the events holding a room at overlapping times (per
occurrence, across time zones), the conflicts shown on a form, a free room."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..calendar_event import USER_GROUP

# Conflicts shown on a form (an event of a long recurrence may have many).
CONFLICTS_SHOWN = 5


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    conference_conflict = fields.Boolean(
        string="Room Double-booked", compute="_compute_conference_conflict"
    )
    conference_conflict_message = fields.Text(
        string="Room Conflicts", compute="_compute_conference_conflict"
    )
    conference_free_room_id = fields.Many2one(
        "voip.conference",
        string="Free Room",
        compute="_compute_conference_conflict",
        help="A room of the same PBX that is free for every occurrence.",
    )

    @api.depends("conference_id", "start", "stop", "allday", "event_tz", "user_id")
    def _compute_conference_conflict(self):
        conflicts = self._conference_conflicts()
        for event in self:
            events = event._conference_occurrences()
            found = [(e, conflicts.get(e, [])) for e in events if conflicts.get(e)]
            event.conference_conflict = bool(conflicts.get(event))
            event.conference_conflict_message = event._conference_conflict_text(found)
            event.conference_free_room_id = (
                event._conference_free_room(events) if found else False
            )

    @api.onchange("conference_id", "start", "stop", "allday")
    def _onchange_conference_warning(self):
        if self.conference_id and self.conference_conflict_message:
            return {
                "warning": {
                    "title": self.env._("The room is already booked"),
                    "message": self.conference_conflict_message,
                }
            }
        return None

    def _conference_occurrences(self):
        """This event and, for a recurring one, its other occurrences."""
        self.ensure_one()
        if self.recurrence_id and self.id:
            return self.sudo().recurrence_id.calendar_event_ids.sorted("start")
        return self

    @api.model
    def _conference_bookings(self, rooms, intervals, exclude_ids=()):
        """Events booking ``rooms`` at a time overlapping one of ``intervals``.

        :param rooms: voip.conference records
        :param intervals: ``[(start, stop)]`` naive UTC datetimes
        :param exclude_ids: ids of events that are not counted
        :returns: ``{room id: [(event, (start, stop))]}``, the bookings and
            their exact intervals (as superuser: a private event still holds
            its room)
        """
        intervals = [i for i in intervals if i[0] and i[1]]
        if not rooms or not intervals:
            return {}
        # All-day events are stored 8:00-18:00: a day on each side catches
        # them in any time zone; the exact check is made on their intervals.
        low = min(start for start, _stop in intervals) - timedelta(days=1)
        high = max(stop for _start, stop in intervals) + timedelta(days=1)
        candidates = (
            self.sudo()
            .with_context(active_test=True)
            .search(
                [
                    ("conference_id", "in", rooms.ids),
                    ("id", "not in", [i for i in exclude_ids if i]),
                    ("start", "<", high),
                    ("stop", ">", low),
                ]
            )
        )
        found = {}
        for other in candidates:
            other_start, other_stop = other._conference_interval()
            if any(
                other_start < stop and start < other_stop for start, stop in intervals
            ):
                found.setdefault(other.conference_id.id, []).append(
                    (other, (other_start, other_stop))
                )
        return found

    def _conference_conflicts(self):
        """Map each event of ``self`` (and the other occurrences of its
        recurrence) to the other events booking its room at an overlapping
        time. Occurrences of one recurrence never conflict with each other."""
        events = self.browse()
        for event in self.filtered("conference_id"):
            events |= event._conference_occurrences()
        conflicts = {}
        for room, room_events in events.grouped("conference_id").items():
            intervals = {event: event._conference_interval() for event in room_events}
            intervals = {e: i for e, i in intervals.items() if i[0] and i[1]}
            bookings = self._conference_bookings(room, intervals.values())
            for event, (start, stop) in intervals.items():
                family = event._origin | event._origin.recurrence_id.calendar_event_ids
                others = [
                    other
                    for other, (other_start, other_stop) in bookings.get(room.id, [])
                    if other not in family and other_start < stop and start < other_stop
                ]
                if others:
                    conflicts[event] = others
        return conflicts

    def _conference_conflict_text(self, found):
        """Say which occurrences collide with which bookings."""
        if not found:
            return False
        lines = []
        for event, others in found[:CONFLICTS_SHOWN]:
            for other in others:
                name = other.name if other._conference_visible_to_reader() else ""
                lines.append(
                    self.env._(
                        "%(room)s is already booked on %(when)s by %(event)s.",
                        room=event.conference_id.display_name,
                        when=event._conference_when(),
                        event=name or self.env._("a private meeting"),
                    )
                )
        if len(found) > CONFLICTS_SHOWN:
            lines.append(
                self.env._(
                    "... and %(count)s more occurrences.",
                    count=len(found) - CONFLICTS_SHOWN,
                )
            )
        return "\n".join(lines)

    def _conference_visible_to_reader(self):
        """Whether the current user may see this event's name (a private
        event is named to its organiser and attendees only)."""
        return (
            self.effective_privacy != "private"
            or self.env.user.partner_id in self.sudo().partner_ids
            or self.user_id == self.env.user
        )

    def _conference_free_room(self, events):
        """The first active room of the organiser's PBX (else the event's
        room's PBX) that no other event books during ``events``, among the
        rooms the current user may choose (none for who is no conference
        user)."""
        self.ensure_one()
        pbx = self.sudo().user_id.voip_pbx_id or self.conference_id.sudo().pbx_id
        if not pbx or not self.env.user.has_group(USER_GROUP):
            return self.env["voip.conference"]
        rooms = self.env["voip.conference"].search(
            [("pbx_id", "=", pbx.id), ("active", "=", True)], order="extension, id"
        )
        intervals = [e._conference_interval() for e in events]
        exclude = [e._origin.id for e in events]
        booked = self._conference_bookings(rooms, intervals, exclude)
        for room in rooms:
            if room.id not in booked and room != self.conference_id:
                return room
        return self.env["voip.conference"]

    def action_conference_pick_room(self):
        """Put a free room of the organiser's PBX on this event."""
        for event in self:
            room = event._conference_free_room(event._conference_occurrences())
            if not room:
                raise UserError(
                    self.env._(
                        "No room of your PBX is free at the time of %(event)s. "
                        "Move the meeting or free a room.",
                        event=event.name,
                    )
                )
            event.conference_id = room
        return True
