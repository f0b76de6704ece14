/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {JoinSequencer, KeypadDtmf, PAUSE_MS, maskDtmf} from "../dtmf/dtmf.esm";
import {VoipAgent} from "@voip_oca/services/voip_agent_service.esm";
import {parseOneTap} from "../utils/one_tap.esm";
import {patch} from "@web/core/utils/patch";

/**
 * The agent learns to join conference rooms and to dial one-tap strings:
 * it dials the extension (or what comes before the first "," or ";"), then
 * sends the access code and "#" (or the rest of the string) once the call is
 * established and its media connected. Plain numbers work as before.
 */
patch(VoipAgent.prototype, {
    /** Shown in the call view: what Join does, never the digits. */
    get joinState() {
        if (!this._joinState) {
            this._joinState = {status: "", masked: "", room: "", testMode: false};
        }
        return this._joinState;
    },

    async joinConference(roomId) {
        const sequence = await this.orm.call("voip.conference", "get_join_sequence", [
            [roomId],
        ]);
        return this.call({number: sequence.extension, conference: sequence});
    },

    async call({number, partner, conference} = {}) {
        let dtmf = "";
        let delayMs = 0;
        let method = "auto";
        if (conference) {
            ({dtmf, delay_ms: delayMs, dtmf_method: method} = conference);
        } else if (number && /[,;]/.test(number)) {
            const parsed = parseOneTap(number);
            number = parsed.number;
            dtmf = parsed.dtmf;
            delayMs = parsed.pauses * PAUSE_MS;
        }
        if (conference || dtmf) {
            // The dial pad must not keep (and redial) what was typed before.
            this.voip.numpad.value = "";
        }
        this._pendingConference = conference || false;
        this.joinSequencer?.cancel();
        this.joinSequencer = null;
        this.keypad = null;
        Object.assign(this.joinState, {
            status: "",
            masked: maskDtmf(dtmf),
            room: conference ? conference.name : "",
            testMode: false,
        });
        await super.call({number, partner});
        this._pendingConference = false;
        if (!dtmf) {
            return;
        }
        if (this.voip.mode !== "prod" || !this.session) {
            // Test mode: no SIP session; say what would be sent.
            Object.assign(this.joinState, {status: "test", testMode: true});
            return;
        }
        this.joinSequencer = new JoinSequencer({
            session: this.session,
            dtmf,
            delayMs,
            method,
            onStatus: (status) => {
                this.joinState.status = status;
            },
        });
        this.joinSequencer.start();
    },

    async createCall(options) {
        if (this._pendingConference) {
            options = {...options, conference_id: this._pendingConference.id};
        }
        return super.createCall(options);
    },

    /** In-call keypad: every key arrives, in order, at any speed. */
    sendKey(key) {
        if (this.voip.mode !== "prod") {
            return "test"; // no SIP session: nothing to send, nothing to report
        }
        if (!this.keypad) {
            this.keypad = new KeypadDtmf(() => this.session);
        }
        return this.keypad.press(key);
    },

    async _onHanghup() {
        this.joinSequencer?.cancel();
        this.joinSequencer = null;
        this.keypad = null;
        // The dial pad is empty after a call: never redial "80011234#".
        this.voip.numpad.value = "";
        return super._onHanghup(...arguments);
    },
});
