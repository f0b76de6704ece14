/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
/* global luxon */
import {Call} from "@voip_oca/components/call/call.esm";
import {VoipAgent} from "@voip_oca/services/voip_agent_service.esm";
import {patch} from "@web/core/utils/patch";
import {serializeDateTime} from "@web/core/l10n/dates";

/**
 * Test mode (no SIP credentials, or a PBX in test mode) places no call, so it
 * records none: the call lives in this browser tab only, with a negative id,
 * and never reaches the call history. The call view says so plainly instead
 * of running a timer for a call that does not exist.
 */
let lastTestCallId = 0;

patch(VoipAgent.prototype, {
    get isTestMode() {
        return this.voip.mode !== "prod";
    },

    playTone() {
        // No call, no dial tone: a tone would pretend a line is ringing (and
        // a quick hang-up interrupts its play() with an unhandled error).
        if (!this.isTestMode) {
            return super.playTone(...arguments);
        }
    },

    async createCall(options) {
        if (!this.isTestMode) {
            return super.createCall(...arguments);
        }
        lastTestCallId -= 1;
        const now = serializeDateTime(luxon.DateTime.now());
        this.voip.call = this.store["voip.call"].insert({
            id: lastTestCallId,
            typeCall: options.type_call,
            phoneNumber: options.phone_number,
            display_name: options.phone_number,
            state: options.state,
            createDate: now,
            creationDate: now,
            startDate: false,
            endDate: false,
        });
        if (this.joinState.room) {
            // Joining a room, with or without an access code: the call view
            // says what Join would do (whatever the order of the patches).
            Object.assign(this.joinState, {status: "test", testMode: true});
        }
    },

    async _onHanghup() {
        const call = this.voip.call;
        if (!this.isTestMode || !call || call.id > 0) {
            return super._onHanghup(...arguments);
        }
        // voip_oca ends the call on the server; a test call is not there.
        const orm = this.orm;
        this.orm = Object.assign(Object.create(orm), {
            call: (model, method, ...rest) =>
                model === "voip.call" && method === "terminate_call"
                    ? Promise.resolve({state: "terminated"})
                    : orm.call(model, method, ...rest),
        });
        try {
            return await super._onHanghup(...arguments);
        } finally {
            this.orm = orm;
        }
    },
});

patch(Call.prototype, {
    get isTestMode() {
        return this.voip.mode !== "prod";
    },

    startTimer() {
        if (!this.isTestMode) {
            return super.startTimer(...arguments);
        }
    },
});
