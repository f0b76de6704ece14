/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {Component, useState} from "@odoo/owl";
import {VoipOCA} from "@voip_oca/services/voip_oca_service.esm";
import {_t} from "@web/core/l10n/translation";
import {patch} from "@web/core/utils/patch";
import {registry} from "@web/core/registry";
import {user} from "@web/core/user";
import {useService} from "@web/core/utils/hooks";

const FIELDS = ["name", "extension", "has_access_code"];
/** Rooms shown at most; one more is asked to know that there are more. */
export const CONFERENCE_LIMIT = 50;

patch(VoipOCA.prototype, {
    get conferences() {
        return this._conferences || [];
    },
    /** The room the green call button joins: the one clicked in the list,
     * or the only one shown; never one the list does not show. */
    get selectedConference() {
        const rooms = this.conferences;
        return (
            rooms.find((room) => room.id === this.conferenceSelectedId) ||
            (rooms.length === 1 ? rooms[0] : null)
        );
    },
    /**
     * The rooms of the user's PBX they may join, by name, extension or
     * routed number (the server reads the number however it is typed).
     * Only the newest search's answer is shown: an older, slower answer is
     * dropped.
     */
    async searchConferences(value) {
        const term = (value || "").trim();
        const seq = (this._conferenceSearchSeq || 0) + 1;
        this._conferenceSearchSeq = seq;
        const isCurrent = () => seq === this._conferenceSearchSeq;
        let rooms = [];
        if (await user.hasGroup("voip_conference.voip_conference_group_user")) {
            const domain = [["pbx_id", "=", this.pbx_id || false]];
            if (term) {
                domain.push(
                    "|",
                    "|",
                    ["name", "ilike", term],
                    ["extension", "ilike", term],
                    ["incoming_number_ids.number", "ilike", term]
                );
            }
            if (!isCurrent()) {
                return;
            }
            rooms = await this.orm.searchRead("voip.conference", domain, FIELDS, {
                limit: CONFERENCE_LIMIT + 1,
            });
        }
        if (!isCurrent()) {
            return; // a newer search was typed meanwhile
        }
        this._conferences = rooms.slice(0, CONFERENCE_LIMIT);
        this.conferencesTruncated = rooms.length > CONFERENCE_LIMIT;
        this.conferencesTerm = term;
        if (!this._conferences.some((room) => room.id === this.conferenceSelectedId)) {
            this.conferenceSelectedId = false;
        }
    },
});

export class ConferenceList extends Component {
    static props = {records: {type: Array}};
    static template = "voip_conference.ConferenceList";

    setup() {
        this.join = useService("voip_conference.join");
        this.voip = useState(useService("voip_oca"));
    }

    get truncatedLabel() {
        return _t(
            "Only the first %(limit)s rooms are shown: type a name, an extension or a number to narrow the list.",
            {limit: CONFERENCE_LIMIT}
        );
    }

    get noMatchLabel() {
        return _t("No room matches “%(term)s”.", {term: this.voip.conferencesTerm});
    }

    onSelect(room) {
        this.voip.conferenceSelectedId = room.id;
    }

    onJoin(room) {
        this.voip.conferenceSelectedId = room.id;
        return this.join.join({id: room.id});
    }
}

/** The softphone's green button on this tab: the room shown and selected. */
export function joinSelectedConference(voip, join) {
    if ((voip.searchValue || "").trim() !== (voip.conferencesTerm || "")) {
        join.notification.add(
            _t("The list does not match your search yet: try again in a moment."),
            {type: "warning"}
        );
        return;
    }
    const room = voip.selectedConference;
    if (!room) {
        join.notification.add(
            voip.conferences.length
                ? _t("Select the room to join in the list, or click its Join button.")
                : _t("No conference room matches your search."),
            {type: "warning"}
        );
        return;
    }
    return join.join({id: room.id});
}

registry.category("voip_elements").add("conference_list", {
    component: ConferenceList,
    order: 25,
    title: _t("Conferences"),
    input: "conferences",
    search: (voip, value) => voip.searchConferences(value),
    // The softphone's patch (softphone_patch.esm.js) gives the services.
    call: (voip, services) =>
        joinSelectedConference(voip, services["voip_conference.join"]),
});

/** Join from a room's form or kanban card (a client action). */
registry
    .category("actions")
    .add("voip_conference.join", (env, action) =>
        env.services["voip_conference.join"].join({id: action.params.conference_id})
    );
