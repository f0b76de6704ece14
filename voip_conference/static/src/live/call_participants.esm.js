/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {Component, useState} from "@odoo/owl";
import {Call} from "@voip_oca/components/call/call.esm";
import {ConferenceList} from "../conference_tab/conference_tab.esm";
import {ParticipantsPanel} from "./participants_panel.esm";
import {useService} from "@web/core/utils/hooks";

/** Conferences tab: who is in each room, on demand (one read per room
 * opened, not one per room listed). */
export class RoomParticipantsToggle extends Component {
    static template = "voip_conference.RoomParticipantsToggle";
    static components = {ParticipantsPanel};
    static props = {conferenceId: Number};

    setup() {
        this.state = useState({open: false});
    }
}

ConferenceList.components = {
    ...(ConferenceList.components || {}),
    RoomParticipantsToggle,
};

/** In the call view of a room the user joined: the participants, and for the
 * host of a PBX without participant API, the keys of its in-call menu sent
 * through the same DTMF path as Join. */
export class CallParticipants extends Component {
    static template = "voip_conference.CallParticipants";
    static components = {ParticipantsPanel};
    static props = {conferenceId: Number};

    setup() {
        this.join = useService("voip_conference.join");
        this.orm = useService("orm");
        this.state = useState({menu: []});
        this.loadMenu();
    }

    async loadMenu() {
        let panel = null;
        try {
            panel = await this.orm.call("voip.conference", "get_live_panel", [
                [this.props.conferenceId],
            ]);
        } catch {
            return; // the panel below says why
        }
        this.state.menu = panel.actions.participants ? [] : panel.menu;
    }

    sendKeys(keys) {
        for (const key of keys) {
            this.join.sendKey(key);
        }
    }
}

// The call view shows it for the room joined (join/call_patch.esm.js
// gives the view `join`, the Join service's state): every Join, from a
// room or from a calendar event, goes through that service.
Call.components = {...(Call.components || {}), CallParticipants};
