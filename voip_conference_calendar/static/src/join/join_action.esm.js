/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

/**
 * Join an event's conference room from the phone widget: voip_conference's
 * one Join, asked for the event's room. The server says what to dial (the
 * room's extension) and which code to send to the event's attendees and the
 * managers; Join does the rest (wait for the media and the digital
 * receptionist, send the code and "#", or say what it would send in test
 * mode) and the call view lists the room's participants.
 */
export function joinEventConference(env, eventId) {
    return env.services["voip_conference.join"].join({
        model: "calendar.event",
        id: eventId,
        method: "get_conference_join_sequence",
    });
}

registry
    .category("actions")
    .add("voip_conference_calendar.join", (env, action) =>
        joinEventConference(env, action.params.event_id)
    );
