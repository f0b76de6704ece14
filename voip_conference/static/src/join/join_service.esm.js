/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
/* global luxon */
import {JoinSequencer, KeypadDtmf, maskDtmf} from "../dtmf/dtmf.esm";
import {PAUSE_MS, WAIT, parseDialString, sipUser} from "../utils/dial_string.esm";
import {resetCallState, withSipTarget} from "../utils/voip_oca_seams.esm";
import {_t} from "@web/core/l10n/translation";
import {markRaw, reactive} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {serializeDateTime} from "@web/core/l10n/dates";

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

/** What the call view shows of a call that is no room's. */
/**
 * The call is to a conference room (Join, or a call the server links to a
 * room): a conference already, headed by the room. Given the join state and
 * voip_oca's service (a component passes its reactive copies).
 */
export function isRoomCall(joinState, voip) {
    return Boolean(joinState.room || voip.call?.conference?.id);
}

const NO_ROOM = {
    status: "",
    masked: "",
    room: "",
    roomId: false,
    extension: "",
    testMode: false,
};

/**
 * Join: the softphone joins conference rooms and dials one-tap strings. It
 * dials the extension (or the number of the string, "+" kept), then sends
 * the access code and "#" (or the string's tones) once the call is
 * established and its media connected; at a wait it stops and the call view
 * offers to send the rest. One call at a time: Join and one-tap are refused
 * while a call is up or starting. The in-call keypad sends its tones here
 * too.
 *
 * voip_oca's agent calls in through `voip_agent_patch.esm.js`; the agent is
 * given this service at start (it cannot depend on ours).
 */
export class JoinService {
    constructor(env, services) {
        this.voip = services.voip_oca;
        this.agent = services.voip_agent_oca;
        this.orm = services.orm;
        this.notification = services.notification;
        this.store = services["mail.store"];
        this.callConference = services["voip_conference.call_conference"];
        /** What the call view shows: what Join does (never the digits), and
         * the room of the call, whose participants it lists. */
        this.state = reactive({...NO_ROOM, next: ""});
        this.dialing = false;
        this.pendingConference = false;
        this.steps = null;
        this.sequencer = null;
        this.keypad = null;
        this.run = 0;
        this.hangingUp = false;
        this.lastTestCallId = 0;
    }

    /** Whether a call is up, ringing or being placed. */
    get isBusy() {
        return Boolean(this.dialing || this.agent.session || this.voip.inCall);
    }

    get isRoomCall() {
        return isRoomCall(this.state, this.voip);
    }

    /** The PBX's rule for E.164 numbers in the request URI. */
    get dialRule() {
        return {internationalPrefix: this.voip.international_prefix || ""};
    }

    /**
     * Refuse a new call while one is up or starting. A click repeated while
     * the same call is being placed is ignored silently.
     *
     * @returns {Boolean} true when refused
     */
    refuseWhileBusy() {
        if (this.dialing) {
            return true;
        }
        if (this.agent.session || this.voip.inCall) {
            this.notification.add(
                _t(
                    "A call is in progress: hang it up before joining a room or dialling another number."
                ),
                {type: "warning"}
            );
            return true;
        }
        return false;
    }

    /**
     * The one Join, of a room (the Conferences tab, a room's form or card)
     * or of a calendar event's room: the server method `method` of the
     * record `id` of `model` answers what to dial and which code to send.
     */
    async join({model = "voip.conference", id, method = "get_join_sequence"}) {
        if (this.refuseWhileBusy()) {
            return;
        }
        let sequence = null;
        this.dialing = true;
        try {
            sequence = await this.orm.call(model, method, [[id]]);
        } finally {
            this.dialing = false;
        }
        return this.agent.call({number: sequence.extension, conference: sequence});
    }

    /**
     * voip_oca's `call()`, through the agent: `placeCall(options)` is
     * voip_oca's own. `conference`: a room's join sequence.
     */
    async call(options, placeCall) {
        if (this.refuseWhileBusy()) {
            return;
        }
        this.dialing = true;
        try {
            return await this._dial(options, placeCall);
        } finally {
            this.dialing = false;
        }
    }

    async _dial({number, partner, conference} = {}, placeCall) {
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
        this.pendingConference = conference || false;
        this.sequencer?.cancel();
        this.sequencer = null;
        this.keypad = null;
        // A room's code never shows; the rest of a dial string the user
        // typed does ("Send 1234#").
        this.steps = {steps, method, secret: Boolean(conference)};
        Object.assign(this.state, {
            ...NO_ROOM,
            masked: maskDtmf(dtmf),
            room: conference ? conference.name : "",
            roomId: conference ? conference.id : false,
            extension: conference ? conference.extension || "" : "",
            next: "",
        });
        const place = () => placeCall({number, partner});
        try {
            if (this.voip.mode === "prod" && number) {
                const domain = this.voip.pbx_domain;
                await withSipTarget(
                    {
                        stripped: `sip:${number.replace(/\D/g, "")}@${domain}`,
                        uri: `sip:${sipUser(number, this.dialRule)}@${domain}`,
                    },
                    place
                );
            } else {
                await place();
            }
        } finally {
            this.pendingConference = false;
        }
        this._endWhenInviteFails(this.agent.session);
        if (!dtmf) {
            return;
        }
        if (this.voip.mode !== "prod" || !this.agent.session) {
            // Test mode: no SIP session; say what would be sent.
            Object.assign(this.state, {status: "test", testMode: true});
            return;
        }
        this._sendStep(false);
    }

    /** voip_oca's `createCall()` options: the room joined, if any. */
    callOptions(options) {
        return this.pendingConference
            ? {...options, conference_id: this.pendingConference.id}
            : options;
    }

    /**
     * Test mode (no SIP credentials, or a PBX in test mode) places no call,
     * so it records none: the call lives in this browser tab only, with a
     * negative id, and never reaches the call history.
     */
    testCall(options) {
        this.lastTestCallId -= 1;
        const now = serializeDateTime(luxon.DateTime.now());
        const call = this.store["voip.call"].insert({
            id: this.lastTestCallId,
            typeCall: options.type_call,
            phoneNumber: options.phone_number,
            display_name: options.phone_number,
            state: options.state,
            createDate: now,
            creationDate: now,
            startDate: false,
            endDate: false,
        });
        if (this.state.room) {
            // Joining a room, with or without an access code: the call view
            // says what Join would do.
            Object.assign(this.state, {status: "test", testMode: true});
        }
        return call;
    }

    /**
     * Send the next step: now when it does not wait, or when the user asked
     * (`asked`, the call view's Send button). A step that waits is offered
     * in `state.next` until then.
     */
    _sendStep(asked) {
        const {steps, method, secret} = this.steps || {steps: []};
        const step = steps[0];
        const session = this.agent.session;
        if (!step || !session || (step.wait && !asked)) {
            const tones = step && session ? step.tones : "";
            this.state.next = secret ? maskDtmf(tones) : tones;
            return;
        }
        steps.shift();
        this.state.next = "";
        this.sequencer?.cancel();
        const run = ++this.run;
        this.sequencer = new JoinSequencer({
            session,
            dtmf: step.tones,
            delayMs: step.delayMs,
            method,
            onStatus: (status) => {
                if (this.run !== run) {
                    return; // an earlier call's: this call's view is not its
                }
                this.state.status = status;
                if (status === "sent") {
                    this._sendStep(false); // offers the next wait, if any
                }
            },
        });
        this.sequencer.start();
    }

    /** The call view's Send button: the rest after a wait. */
    sendNextStep() {
        if (this.state.next) {
            this._sendStep(true);
        }
    }

    /** The PBX's form of a number written any way (voip_oca's transfer). */
    transferTarget(number) {
        return sipUser(number, this.dialRule) || number;
    }

    /**
     * In-call keypad: every key arrives, in order, at any speed, by the
     * PBX's method (RFC 4733 in the audio, or SIP INFO); in a conference
     * made from a call, to the party selected.
     *
     * @returns {"sent"|"ignored"|"failed"|"test"}
     */
    sendKey(key) {
        if (this.callConference.isOn) {
            return this.callConference.sendKey(key);
        }
        if (this.voip.mode !== "prod") {
            return "test"; // no SIP session: nothing to send, nothing to report
        }
        if (!this.keypad) {
            this.keypad = new KeypadDtmf(() => this.agent.session, {
                method: this.voip.dtmf_method || "auto",
            });
        }
        return this.keypad.press(key);
    }

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
                if (this.agent.session === session && !this.hangingUp) {
                    this.agent._onHanghup();
                }
            });
        };
        session.stateChange.addListener(onState);
        // It may have failed already (the offer is made as voip_oca calls).
        onState(session.state);
    }

    /**
     * voip_oca's `_onHanghup()`, through the agent: `endCall()` is
     * voip_oca's own. Nothing of this call's Join goes on, the dial pad is
     * empty (never redial "80011234#"), and a test call, which the server
     * never saw, ends in this tab only.
     */
    async hangup(endCall) {
        this.run++;
        this.sequencer?.cancel();
        this.sequencer = null;
        this.steps = null;
        this.state.next = "";
        this.keypad = null;
        this.voip.numpad.value = "";
        this.hangingUp = true;
        try {
            const call = this.voip.call;
            if (call?.id < 0) {
                resetCallState(this.agent);
                call.update({state: "terminated"});
                return;
            }
            return await endCall();
        } finally {
            this.hangingUp = false;
            // The next call, an incoming one too, is not this room's.
            Object.assign(this.state, NO_ROOM);
        }
    }
}

export const joinService = {
    dependencies: [
        "voip_oca",
        "voip_agent_oca",
        "orm",
        "notification",
        "mail.store",
        "voip_conference.call_conference",
    ],
    start(env, services) {
        const join = markRaw(new JoinService(env, services));
        services.voip_agent_oca.joinService = join;
        return join;
    },
};

registry.category("services").add("voip_conference.join", joinService);
