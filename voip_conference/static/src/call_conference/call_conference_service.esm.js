/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {CallConference, ConferenceError} from "./call_conference.esm";
import {markRaw, reactive} from "@odoo/owl";
import {LiveConferenceAudio} from "./audio_mixer.esm";
import {SipLeg} from "./sip_leg.esm";
import {TestLeg} from "./test_leg.esm";
import {registry} from "@web/core/registry";
import {resetCallState} from "../utils/voip_oca_seams.esm";

/**
 * The conference made from a call, and its audio: as mail's `discuss.p2p`
 * service wraps the OWL-free `PeerToPeer`, this service wraps the OWL-free
 * `CallConference` (the parties and their states) and `LiveConferenceAudio`
 * (the mix each party hears).
 *
 * voip_oca keeps one SIP session (`agent.session`) and one `voip.call`
 * (`voip.call`); the first Conference or Consult adopts them as the
 * conference's first leg and every party added gets its own Inviter on
 * voip_oca's UserAgent and its own `voip.call`, all linked to one
 * `voip.call.conference`.
 *
 * `state` is what the call view reads (reactive): `revision` moves on every
 * change of the conference, `error` holds the last refusal. `numbers` holds
 * each party's number as the softphone writes it.
 *
 * voip_oca's agent calls in through `voip_agent_patch.esm.js`; the agent is
 * given this service at start (it cannot depend on ours).
 */
export class CallConferenceService {
    constructor(env, services) {
        this.voip = services.voip_oca;
        this.agent = services.voip_agent_oca;
        this.orm = services.orm;
        this.store = services["mail.store"];
        this.state = reactive({revision: 0, error: null, notice: null});
        this.numbers = reactive({});
        this.askedNumbers = new Set();
        this.conference = null;
        this.audio = null;
        this.recordId = null;
        this.starting = null;
    }

    /** True while the call view is a conference (two legs or more so far). */
    get isOn() {
        return Boolean(this.conference && !this.conference.isOver);
    }

    get isProd() {
        return this.voip.mode === "prod" && Boolean(this.agent.agent);
    }

    /** The first call is on hold when the host paused it (voip_oca's Pause). */
    get firstState() {
        return this.agent.isHolded ? "held" : "connected";
    }

    /**
     * Make (once) the conference of the current call. Two parties added in
     * a row share the one being made, never replace it.
     */
    ensure() {
        if (this.isOn) {
            return Promise.resolve(this.conference);
        }
        if (!this.starting) {
            this.starting = this._start().finally(() => {
                this.starting = null;
            });
        }
        return this.starting;
    }

    async _start() {
        const agent = this.agent;
        const call = this.voip.call;
        if (!call || !call.id) {
            throw new ConferenceError("no_call");
        }
        // A test-mode call lives in this tab only (negative id): its
        // conference records nothing either, as the call view says.
        const started =
            call.id > 0
                ? await this.orm.call("voip.call.conference", "start_from_call", [
                      call.id,
                  ])
                : {id: false, max_parties: this.voip.adhoc_max_parties || 5};
        this.recordId = started.id;
        // Raw: SIP.js sessions and Web Audio nodes must not be proxied; the
        // view follows `state.revision` instead.
        const conference = markRaw(
            new CallConference({
                maxParties: started.max_parties,
                makeDriver: (leg, callbacks) => this._makeDriver(leg, callbacks),
                onChange: () => this._changed(),
                onLegEnded: (leg) => this._legEnded(leg),
            })
        );
        this.conference = conference;
        const party = {
            number: call.phoneNumber,
            name: this.voip.partner?.name || call.partner?.name || "",
            partnerId: call.partner?.id || false,
            callId: call.id,
        };
        if (this.isProd && agent.session) {
            this.audio = markRaw(
                new LiveConferenceAudio({
                    micTrack:
                        agent.session.sessionDescriptionHandler?.localMediaStream?.getAudioTracks?.()[0],
                    playTo: agent.callAudio,
                })
            );
            const driver = new SipLeg({
                userAgent: agent.agent,
                domain: this.voip.pbx_domain,
                number: party.number,
                session: agent.session,
                onMedia: (sipLeg) => this._wire(sipLeg),
            });
            const leg = conference.adoptCall(party, driver, this.firstState);
            driver.leg = leg;
            driver.callbacks = conference.callbacksFor(leg);
            this._wire(driver);
        } else {
            // Test mode: no SIP session; the open call counts as answered.
            const leg = conference.adoptCall(party, null, this.firstState);
            leg.driver = new TestLeg(conference.callbacksFor(leg));
        }
        conference.setMuted(agent.isMuted);
        return conference;
    }

    _makeDriver(leg, callbacks) {
        const wrapped = {
            ...callbacks,
            onAnswered: () => {
                callbacks.onAnswered();
                this._record("answer_leg", leg);
            },
        };
        if (!this.isProd) {
            return new TestLeg(wrapped);
        }
        const driver = new SipLeg({
            userAgent: this.agent.agent,
            domain: this.voip.pbx_domain,
            number: leg.number,
            callbacks: wrapped,
            onMedia: (sipLeg) => this._wire(sipLeg),
        });
        driver.leg = leg;
        driver.conference = this.conference;
        return driver;
    }

    _wire(sipLeg) {
        if (this.audio && sipLeg.leg && sipLeg.sdh) {
            this.audio.wire(sipLeg.leg.id, sipLeg.sdh);
            this.audio.apply(this.conference.mixPlan());
        }
    }

    _changed() {
        const conference = this.conference;
        if (!conference) {
            return;
        }
        this.audio?.apply(conference.mixPlan());
        // voip_oca's call view and keypad follow one session: the selected one.
        const selected = conference.selectedLeg;
        if (this.isProd && selected?.driver?.session) {
            this.agent.session = selected.driver.session;
        }
        this.state.revision++;
        if (conference.isOver) {
            this._finish();
        }
    }

    async _record(method, leg, ...args) {
        if (!leg.callId || !this.recordId) {
            return;
        }
        try {
            const data = await this.orm.call("voip.call.conference", method, [
                [this.recordId],
                leg.callId,
                ...args,
            ]);
            this.store["voip.call"].insert(data);
        } catch (error) {
            this.state.error = {code: "record", message: error.message};
        }
    }

    _legEnded(leg) {
        this.audio?.drop(leg.id);
        return this._record("end_leg", leg, leg.endReason);
    }

    /** The last party left: the softphone is free for the next call. */
    _finish() {
        this.audio?.close();
        this.audio = null;
        this.conference = null;
        this.recordId = null;
        this.state.error = null;
        resetCallState(this.agent);
        this.voip.numpad.value = "";
    }

    async _run(fn) {
        this.state.error = null;
        try {
            return await fn();
        } catch (error) {
            this.state.error =
                error instanceof ConferenceError
                    ? {code: error.code, data: error.data}
                    : {code: "failed", message: error.data?.message || error.message};
            return null;
        } finally {
            this.state.revision++;
        }
    }

    // ------------------------------------------------------------------
    // The host's actions (the call view)
    // ------------------------------------------------------------------

    /**
     * Add a party: `mode` "single" (single-step conference) or "consult"
     * (hold, then call). `party`: {number, partner: {id, name}|false}.
     */
    add({number, partner = false}, mode = "single") {
        return this._run(async () => {
            if (!String(number || "").trim()) {
                throw new ConferenceError("no_number");
            }
            const conference = await this.ensure();
            if (conference.isFull) {
                throw new ConferenceError("full", {max: conference.maxParties});
            }
            const call = this.recordId
                ? await this.orm.call("voip.call.conference", "add_leg", [
                      [this.recordId],
                      {phone_number: number, partner_id: partner?.id || false},
                  ])
                : {id: false, partner: false};
            if (call.id) {
                this.store["voip.call"].insert(call);
            }
            const party = {
                number,
                name: partner?.name || call.partner?.name || "",
                partnerId: partner?.id || call.partner?.id || false,
                callId: call.id,
            };
            return mode === "consult"
                ? conference.consult(party)
                : conference.addParty(party);
        });
    }

    merge(ids) {
        return this._run(() => this.conference.merge(ids));
    }
    retrieve(id) {
        return this._run(() => this.conference.retrieve(id));
    }
    disconnect(id) {
        return this._run(() => this.conference.disconnect(id));
    }
    endAll() {
        return this._run(() => this.conference.endAll());
    }
    select(id) {
        return this._run(async () => this.conference.select(id));
    }
    /** Leave: resolves {ok, reason}; on refusal the conference goes on. */
    async leave() {
        const result = await this._run(() => this.conference.leave());
        if (result && !result.ok) {
            this.state.error = {code: "leave_refused", data: result};
        }
        return result;
    }

    /**
     * Each party's number as the softphone writes contacts' phones
     * (international format, from the server's phonenumbers): "+3225550199"
     * typed in the dial pad and "+32 2 555 01 98" picked from a contact read
     * alike. A number not formatted yet shows as it was typed.
     */
    async formatNumbers(numbers) {
        const missing = numbers.filter(
            (number) => number && !this.askedNumbers.has(number)
        );
        if (!missing.length) {
            return;
        }
        missing.forEach((number) => this.askedNumbers.add(number));
        try {
            const written = await this.orm.silent.call(
                "voip.call.conference",
                "format_numbers",
                [missing]
            );
            Object.assign(this.numbers, written);
        } catch {
            // Offline or refused: the numbers stay as typed; ask again later.
            missing.forEach((number) => this.askedNumbers.delete(number));
        }
    }

    // ------------------------------------------------------------------
    // voip_oca's single-call actions, while a conference is on (the agent)
    // ------------------------------------------------------------------

    /** Mute is in the mix: every leg. */
    setMuted(muted) {
        if (this.isOn) {
            this.conference.setMuted(muted);
        }
    }

    /** Whether the mix, not voip_oca, sets what the host sends and hears. */
    get mixesAudio() {
        return Boolean(this.audio);
    }

    /** The host hears the mix of every active leg. */
    playMix() {
        this.agent.callAudio.srcObject = this.audio.hostSink.stream;
        this.agent.callAudio.play();
    }

    /** Keypad tones go to the party selected. */
    sendKey(key) {
        return this.conference.sendKey(key);
    }
}

export const callConferenceService = {
    dependencies: ["voip_oca", "voip_agent_oca", "orm", "mail.store"],
    start(env, services) {
        const callConference = markRaw(new CallConferenceService(env, services));
        services.voip_agent_oca.callConferenceService = callConference;
        return callConference;
    },
};

registry
    .category("services")
    .add("voip_conference.call_conference", callConferenceService);
