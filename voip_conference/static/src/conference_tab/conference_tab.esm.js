/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {Component} from "@odoo/owl";
import {VoipOCA} from "@voip_oca/services/voip_oca_service.esm";
import {_t} from "@web/core/l10n/translation";
import {patch} from "@web/core/utils/patch";
import {registry} from "@web/core/registry";
import {user} from "@web/core/user";
import {useService} from "@web/core/utils/hooks";

const FIELDS = ["name", "extension", "has_access_code"];
// The agent, for the softphone's green button while this tab is shown.
let agentOfTab = null;

patch(VoipOCA.prototype, {
    get conferences() {
        return this._conferences || [];
    },
    /** The rooms of the user's PBX they may join, by name, extension or
     * routed number. */
    async searchConferences(value) {
        if (!(await user.hasGroup("voip_conference.voip_conference_group_user"))) {
            this._conferences = [];
            return;
        }
        const domain = [["pbx_id", "=", this.pbx_id || false]];
        if (value) {
            domain.push(
                "|",
                "|",
                ["name", "ilike", value],
                ["extension", "ilike", value],
                ["incoming_number_ids.number", "ilike", value.replace(/[\s().-]/g, "")]
            );
        }
        this._conferences = await this.orm.searchRead(
            "voip.conference",
            domain,
            FIELDS,
            {
                limit: 50,
            }
        );
    },
});

export class ConferenceList extends Component {
    static props = {records: {type: Array}};
    static template = "voip_conference.ConferenceList";

    setup() {
        this.agent = useService("voip_agent_oca");
        agentOfTab = this.agent;
    }

    onJoin(room) {
        return this.agent.joinConference(room.id);
    }
}

registry.category("voip_elements").add("conference_list", {
    component: ConferenceList,
    order: 25,
    title: _t("Conferences"),
    input: "conferences",
    search: (voip, value) => voip.searchConferences(value),
    call: (voip) => {
        const [first] = voip.conferences;
        if (first && agentOfTab) {
            return agentOfTab.joinConference(first.id);
        }
    },
});

/** Join from a room's form or kanban card (a client action). */
registry
    .category("actions")
    .add("voip_conference.join", (env, action) =>
        env.services.voip_agent_oca.joinConference(action.params.conference_id)
    );
