/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

/**
 * Join an event's conference room from the phone widget: the server says
 * what to dial (the room's extension) and which code to send, and
 * voip_conference's Join does the rest (wait for the media and the digital
 * receptionist, send the code and "#", or say what it would send in test mode).
 */
export async function joinEventConference(env, eventId) {
    const sequence = await env.services.orm.call(
        "calendar.event",
        "get_conference_join_sequence",
        [[eventId]]
    );
    return env.services.voip_agent_oca.call({
        number: sequence.extension,
        conference: sequence,
    });
}

registry
    .category("actions")
    .add("voip_conference_calendar.join", (env, action) =>
        joinEventConference(env, action.params.event_id)
    );
