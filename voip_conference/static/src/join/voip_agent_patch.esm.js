/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {JoinSequencer, KeypadDtmf, maskDtmf} from "../dtmf/dtmf.esm";
import {PAUSE_MS, WAIT, parseDialString, sipUser} from "../utils/dial_string.esm";
import {VoipAgent} from "@voip_oca/services/voip_agent_service.esm";
import {_t} from "@web/core/l10n/translation";
import {patch} from "@web/core/utils/patch";

/**
 * voip_oca builds the SIP request URI as `sip:<digits only>@<domain>`: the
 * "+" of an E.164 number is lost and the PBX cannot tell +32... from a
 * national 32.... Its only seam is `SIP.UserAgent.makeURI`, which it calls
 * right after `createCall`: this wrapper swaps the stripped URI it asks for,
 * once, for the one this agent dials (see sipUser()).
 */
let pendingTarget = null;

function wrapMakeURI() {
    const UserAgent = window.SIP?.UserAgent;
    if (!UserAgent || UserAgent.makeURI.voipConference) {
        return;
    }
    const makeURI = UserAgent.makeURI;
    const wrapped = function (uri, ...rest) {
        if (pendingTarget && uri === pendingTarget.stripped) {
            uri = pendingTarget.uri;
            pendingTarget = null;
        }
        return makeURI.call(this, uri, ...rest);
    };
    wrapped.voipConference = true;
    UserAgent.makeURI = wrapped;
}

/**
 * The steps to send once the call is connected: `[{wait, delayMs, tones}]`.
 * A step that waits goes only when the user asks for it (a ";" or "w" in a
 * dial string, or a receptionist set to wait for the caller), as Android's
 * and iOS's diallers stop at a wait and offer to send the rest.
 */
function joinSteps(conference, parsed) {
    if (conference) {
        const {dtmf, delay_ms: delayMs, wait} = conference;
        return dtmf
            ? [{wait: Boolean(wait), delayMs: wait ? 0 : delayMs, tones: dtmf}]
            : [];
    }
    return parsed.steps.map(({wait, pauses, tones}) => ({
        wait,
        delayMs: pauses * PAUSE_MS,
        tones,
    }));
}

/**
 * The agent learns to join conference rooms and to dial one-tap strings:
 * it dials the extension (or the number of the string, "+" kept), then
 * sends the access code and "#" (or the string's tones) once the call is
 * established and its media connected; at a wait it stops and the call view
 * offers to send the rest. One call at a time: Join and one-tap are refused
 * while a call is up or starting.
 */
patch(VoipAgent.prototype, {
    /** Shown in the call view: what Join does, never the digits. */
    get joinState() {
        if (!this._joinState) {
            this._joinState = {
                status: "",
                masked: "",
                room: "",
                extension: "",
                testMode: false,
                next: "",
            };
        }
        return this._joinState;
    },

    /** Whether a call is up, ringing or being placed. */
    get isBusy() {
        return Boolean(this._dialing || this.session || this.voip.inCall);
    },

    /**
     * Refuse a new call while one is up or starting. A click repeated while
     * the same call is being placed is ignored silently.
     *
     * @returns {Boolean} true when refused
     */
    _refuseWhileBusy() {
        if (this._dialing) {
            return true;
        }
        if (this.session || this.voip.inCall) {
            this.notification.add(
                _t(
                    "A call is in progress: hang it up before joining a room or dialling another number."
                ),
                {type: "warning"}
            );
            return true;
        }
        return false;
    },

    async joinConference(roomId) {
        if (this._refuseWhileBusy()) {
            return;
        }
        this._dialing = true;
        try {
            const sequence = await this.orm.call(
                "voip.conference",
                "get_join_sequence",
                [[roomId]]
            );
            return await this._dial({number: sequence.extension, conference: sequence});
        } finally {
            this._dialing = false;
        }
    },

    async call(options = {}) {
        if (this._refuseWhileBusy()) {
            return;
        }
        this._dialing = true;
        try {
            return await this._dial(options);
        } finally {
            this._dialing = false;
        }
    },

    /** The PBX's rule for E.164 numbers in the request URI. */
    get dialRule() {
        return {internationalPrefix: this.voip.international_prefix || ""};
    },

    async _dial({number, partner, conference} = {}) {
        let steps = [];
        let method = this.voip.dtmf_method || "auto";
        if (conference) {
            method = conference.dtmf_method;
            steps = joinSteps(conference);
        } else {
            const parsed = parseDialString(number || partner?.phone || "");
            if (parsed.number) {
                number = parsed.number;
                steps = joinSteps(null, parsed);
            }
        }
        const dtmf = steps.map((step) => step.tones).join(WAIT);
        if (conference || dtmf) {
            // The dial pad must not keep (and redial) what was typed before.
            this.voip.numpad.value = "";
        }
        this._pendingConference = conference || false;
        this.joinSequencer?.cancel();
        this.joinSequencer = null;
        this.keypad = null;
        // A room's code never shows; the rest of a dial string the user
        // typed does ("Send 1234#").
        this._joinSteps = {steps, method, secret: Boolean(conference)};
        Object.assign(this.joinState, {
            status: "",
            masked: maskDtmf(dtmf),
            room: conference ? conference.name : "",
            extension: conference ? conference.extension || "" : "",
            testMode: false,
            next: "",
        });
        if (this.voip.mode === "prod" && number) {
            wrapMakeURI();
            pendingTarget = {
                stripped: `sip:${number.replace(/\D/g, "")}@${this.voip.pbx_domain}`,
                uri: `sip:${sipUser(number, this.dialRule)}@${this.voip.pbx_domain}`,
            };
        }
        try {
            await super.call({number, partner});
        } finally {
            pendingTarget = null;
            this._pendingConference = false;
        }
        this._endWhenInviteFails(this.session);
        if (!dtmf) {
            return;
        }
        if (this.voip.mode !== "prod" || !this.session) {
            // Test mode: no SIP session; say what would be sent.
            Object.assign(this.joinState, {status: "test", testMode: true});
            return;
        }
        this._sendStep(false);
    },

    /**
     * Send the next step: now when it does not wait, or when the user asked
     * (`asked`, the call view's Send button). A step that waits is offered
     * in `joinState.next` until then.
     */
    _sendStep(asked) {
        const {steps, method, secret} = this._joinSteps || {steps: []};
        const step = steps[0];
        const session = this.session;
        if (!step || !session || (step.wait && !asked)) {
            const tones = step && session ? step.tones : "";
            this.joinState.next = secret ? maskDtmf(tones) : tones;
            return;
        }
        steps.shift();
        this.joinState.next = "";
        this.joinSequencer?.cancel();
        // A number, not the object: `this` may be a reactive proxy, whose
        // reads are proxies of what was stored.
        const run = (this._joinRun = (this._joinRun || 0) + 1);
        this.joinSequencer = new JoinSequencer({
            session,
            dtmf: step.tones,
            delayMs: step.delayMs,
            method,
            onStatus: (status) => {
                if (this._joinRun !== run) {
                    return; // an earlier call's: this call's view is not its
                }
                this.joinState.status = status;
                if (status === "sent") {
                    this._sendStep(false); // offers the next wait, if any
                }
            },
        });
        this.joinSequencer.start();
    },

    /** The call view's Send button: the rest after a wait. */
    sendNextStep() {
        if (this.joinState.next) {
            this._sendStep(true);
        }
    },

    /** Transfer to a number written any way: the PBX's form of it. */
    transfer(number) {
        return super.transfer(sipUser(number, this.dialRule) || number);
    },

    async createCall(options) {
        if (this._pendingConference) {
            options = {...options, conference_id: this._pendingConference.id};
        }
        return super.createCall(options);
    },

    /**
     * In-call keypad: every key arrives, in order, at any speed, by the
     * PBX's method (RFC 4733 in the audio, or SIP INFO).
     */
    sendKey(key) {
        if (this.voip.mode !== "prod") {
            return "test"; // no SIP session: nothing to send, nothing to report
        }
        if (!this.keypad) {
            this.keypad = new KeypadDtmf(() => this.session, {
                method: this.voip.dtmf_method || "auto",
            });
        }
        return this.keypad.press(key);
    },

    /**
     * End the call when its INVITE fails before any answer. voip_oca only
     * notifies when ``invite()`` rejects (no microphone or access to it
     * refused, a transport that cannot send): its session and call stay,
     * and every later call or Join would be refused as "a call is in
     * progress". SIP.js terminates such a session; a rejection (486, 603,
     * or the 408/503 it makes up for a timeout or a transport error) and a
     * hang-up end the call through voip_oca already, so the check waits for
     * their handlers: only a session still current is ended here.
     */
    _endWhenInviteFails(session) {
        const SessionState = window.SIP?.SessionState;
        if (!session?.stateChange || !SessionState) {
            return;
        }
        let established = false;
        const onState = (state) => {
            if (state === SessionState.Established) {
                established = true;
            }
            if (state !== SessionState.Terminated || established) {
                return;
            }
            setTimeout(() => {
                if (this.session === session && !this._hangingUp) {
                    this._onHanghup();
                }
            });
        };
        session.stateChange.addListener(onState);
        // It may have failed already (the offer is made as voip_oca calls).
        onState(session.state);
    },

    async _onHanghup() {
        this._joinRun = (this._joinRun || 0) + 1;
        this.joinSequencer?.cancel();
        this.joinSequencer = null;
        this._joinSteps = null;
        this.joinState.next = "";
        this.keypad = null;
        // The dial pad is empty after a call: never redial "80011234#".
        this.voip.numpad.value = "";
        this._hangingUp = true;
        try {
            return await super._onHanghup(...arguments);
        } finally {
            this._hangingUp = false;
            // The next call, an incoming one too, is not this room's.
            Object.assign(this.joinState, {
                status: "",
                masked: "",
                room: "",
                extension: "",
                testMode: false,
            });
        }
    },
});
