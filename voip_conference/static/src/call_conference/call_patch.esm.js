/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {
    CallConferenceParties,
    CallConferencePanel,
    confirmEndAll,
} from "./conference_panel.esm";
import {Call} from "@voip_oca/components/call/call.esm";
import {_t} from "@web/core/l10n/translation";
import {patch} from "@web/core/utils/patch";
import {useService} from "@web/core/utils/hooks";
import {useState} from "@odoo/owl";

Call.components = {...Call.components, CallConferenceParties, CallConferencePanel};

/**
 * The call view hosts conferences: the panel once the call is answered (at
 * once in test mode, where no call is placed); while a conference is on,
 * voip_oca's one-call Transfer and Pause give way to the panel's actions and
 * the red button ends the conference for everyone, after a confirmation.
 * A call to a conference room is a conference already: it offers none of
 * this (the room's participants panel is its host controls).
 */
patch(Call.prototype, {
    setup() {
        super.setup();
        this.dialog = useService("dialog");
        this.callConference = useService("voip_conference.call_conference");
        this.adhoc = useState(this.callConference.state);
    },
    get inCallConference() {
        return this.adhoc.revision >= 0 && this.callConference.isOn;
    },
    get showCallConferencePanel() {
        if (this.inCallConference) {
            return true;
        }
        const call = this.voip.call;
        if (!call || this.isRoomCall) {
            return false;
        }
        return call.state === "ongoing" || this.voip.mode !== "prod";
    },
    get roomHoldHint() {
        return _t("Hold would play music to the whole room: mute instead.");
    },
    get keypadTarget() {
        const leg = this.inCallConference && this.callConference.conference.selectedLeg;
        return leg ? leg.name || leg.number : "";
    },
    onHangup() {
        if (this.inCallConference) {
            confirmEndAll(this.dialog, this.callConference);
            return;
        }
        return super.onHangup(...arguments);
    },
});
