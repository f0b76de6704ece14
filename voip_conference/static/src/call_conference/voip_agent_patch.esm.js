/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {AdhocConference, ConferenceError} from "./call_conference.esm";
import {LiveConferenceAudio} from "./audio_mixer.esm";
import {SipLeg} from "./sip_leg.esm";
import {TestLeg} from "./test_leg.esm";
import {VoipAgent} from "@voip_oca/services/voip_agent_service.esm";
import {markRaw} from "@odoo/owl";
import {patch} from "@web/core/utils/patch";

/**
 * The agent hosts conferences made from its call. voip_oca keeps one SIP
 * session (`this.session`) and one `voip.call` (`voip.call`); the first
 * Conference or Consult adopts them as the conference's first leg and every
 * party added gets its own Inviter on voip_oca's UserAgent and its own
 * `voip.call`, all linked to one `voip.call.conference`.
 *
 * `adhocState` is what the call view reads (reactive): `revision` moves on
 * every change of the conference, `error` holds the last refusal.
 */
patch(VoipAgent.prototype, {
    get adhocState() {
        if (!this._adhocState) {
            this._adhocState = {revision: 0, error: null, notice: null};
        }
        return this._adhocState;
    },

    /** The conference of the current call, or null. */
    get adhocConference() {
        return this._adhocConference || null;
    },

    /** True while the call view is a conference (two legs or more so far). */
    get inAdhocConference() {
        return Boolean(this._adhocConference && !this._adhocConference.isOver);
    },

    get _adhocProd() {
        return this.voip.mode === "prod" && Boolean(this.agent);
    },

    /**
     * Make (once) the conference of the current call. Two parties added in
     * a row share the one being made, never replace it.
     */
    _adhocEnsure() {
        if (this._adhocConference && !this._adhocConference.isOver) {
            return Promise.resolve(this._adhocConference);
        }
        if (!this._adhocStarting) {
            this._adhocStarting = this._adhocStart().finally(() => {
                this._adhocStarting = null;
            });
        }
        return this._adhocStarting;
    },

    async _adhocStart() {
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
        this._adhocRecordId = started.id;
        const conference = new AdhocConference({
            maxParties: started.max_parties,
            makeDriver: (leg, callbacks) => this._adhocMakeDriver(leg, callbacks),
            onChange: () => this._adhocChanged(),
            onLegEnded: (leg) => this._adhocLegEnded(leg),
        });
        // Raw: SIP.js sessions and Web Audio nodes must not be proxied; the
        // view follows `adhocState.revision` instead.
        this._adhocConference = markRaw(conference);
        const party = {
            number: call.phoneNumber,
            name: this.voip.partner?.name || call.partner?.name || "",
            partnerId: call.partner?.id || false,
            callId: call.id,
        };
        if (this._adhocProd && this.session) {
            this._adhocAudio = markRaw(
                new LiveConferenceAudio({
                    micTrack:
                        this.session.sessionDescriptionHandler?.localMediaStream?.getAudioTracks?.()[0],
                    playTo: this.callAudio,
                })
            );
            const driver = new SipLeg({
                userAgent: this.agent,
                domain: this.voip.pbx_domain,
                number: party.number,
                session: this.session,
                onMedia: (sipLeg) => this._adhocWire(sipLeg),
            });
            const leg = conference.adoptCall(party, driver, this._adhocFirstState);
            driver.leg = leg;
            driver.callbacks = {
                onAnswered: () => conference._onAnswered(leg),
                onEnded: (reason) => conference._onEnded(leg, reason),
            };
            this._adhocWire(driver);
        } else {
            // Test mode: no SIP session; the open call counts as answered.
            const leg = conference.adoptCall(party, null, this._adhocFirstState);
            leg.driver = new TestLeg({});
        }
        conference.setMuted(this.isMuted);
        return conference;
    },

    /** The first call is on hold when the host paused it (voip_oca's Pause). */
    get _adhocFirstState() {
        return this.isHolded ? "held" : "connected";
    },

    _adhocMakeDriver(leg, callbacks) {
        const conference = this._adhocConference;
        const wrapped = {
            onAnswered: () => {
                callbacks.onAnswered();
                this._adhocRecord("answer_leg", leg);
            },
            onEnded: (reason) => callbacks.onEnded(reason),
        };
        if (!this._adhocProd) {
            return new TestLeg(wrapped);
        }
        const driver = new SipLeg({
            userAgent: this.agent,
            domain: this.voip.pbx_domain,
            number: leg.number,
            callbacks: wrapped,
            onMedia: (sipLeg) => this._adhocWire(sipLeg),
        });
        driver.leg = leg;
        driver.conference = conference;
        return driver;
    },

    _adhocWire(sipLeg) {
        if (this._adhocAudio && sipLeg.leg && sipLeg.sdh) {
            this._adhocAudio.wire(sipLeg.leg.id, sipLeg.sdh);
            this._adhocAudio.apply(this._adhocConference.mixPlan());
        }
    },

    _adhocChanged() {
        const conference = this._adhocConference;
        if (!conference) {
            return;
        }
        this._adhocAudio?.apply(conference.mixPlan());
        // voip_oca's call view and keypad follow one session: the selected one.
        const selected = conference.selectedLeg;
        if (this._adhocProd && selected?.driver?.session) {
            this.session = selected.driver.session;
        }
        this.adhocState.revision++;
        if (conference.isOver) {
            this._adhocFinish();
        }
    },

    async _adhocRecord(method, leg, ...args) {
        if (!leg.callId || !this._adhocRecordId) {
            return;
        }
        try {
            const data = await this.orm.call("voip.call.conference", method, [
                [this._adhocRecordId],
                leg.callId,
                ...args,
            ]);
            this.store["voip.call"].insert(data);
        } catch (error) {
            this.adhocState.error = {code: "record", message: error.message};
        }
    },

    _adhocLegEnded(leg) {
        this._adhocAudio?.drop(leg.id);
        return this._adhocRecord("end_leg", leg, leg.endReason);
    },

    _adhocFinish() {
        this._adhocAudio?.close();
        this._adhocAudio = null;
        this._adhocConference = null;
        this._adhocRecordId = null;
        this.adhocState.error = null;
        this.stopTone();
        this.callAudio.srcObject = null;
        this.voip.inCall = false;
        this.session = false;
        this.isHolded = false;
        this.keypad = null;
        this.voip.numpad.value = "";
    },

    async _adhocRun(fn) {
        this.adhocState.error = null;
        try {
            return await fn();
        } catch (error) {
            this.adhocState.error =
                error instanceof ConferenceError
                    ? {code: error.code, data: error.data}
                    : {code: "failed", message: error.data?.message || error.message};
            return null;
        } finally {
            this.adhocState.revision++;
        }
    },

    /**
     * Add a party: `mode` "single" (single-step conference) or "consult"
     * (hold, then call). `party`: {number, partner: {id, name}|false}.
     */
    adhocAdd({number, partner = false}, mode = "single") {
        return this._adhocRun(async () => {
            if (!String(number || "").trim()) {
                throw new ConferenceError("no_number");
            }
            const conference = await this._adhocEnsure();
            if (conference.isFull) {
                throw new ConferenceError("full", {max: conference.maxParties});
            }
            const call = this._adhocRecordId
                ? await this.orm.call("voip.call.conference", "add_leg", [
                      [this._adhocRecordId],
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
    },

    adhocMerge(ids) {
        return this._adhocRun(() => this._adhocConference.merge(ids));
    },
    adhocRetrieve(id) {
        return this._adhocRun(() => this._adhocConference.retrieve(id));
    },
    adhocDisconnect(id) {
        return this._adhocRun(() => this._adhocConference.disconnect(id));
    },
    adhocEndAll() {
        return this._adhocRun(() => this._adhocConference.endAll());
    },
    adhocSelect(id) {
        return this._adhocRun(async () => this._adhocConference.select(id));
    },
    /** Leave: resolves {ok, reason}; on refusal the conference goes on. */
    async adhocLeave() {
        const result = await this._adhocRun(() => this._adhocConference.leave());
        if (result && !result.ok) {
            this.adhocState.error = {code: "leave_refused", data: result};
        }
        return result;
    },

    // ------------------------------------------------------------------
    // voip_oca's single-call actions, while a conference is on
    // ------------------------------------------------------------------

    async mute() {
        await super.mute(...arguments);
        if (this.inAdhocConference) {
            this._adhocConference.setMuted(this.isMuted);
        }
    },

    updateCallAudio() {
        if (this.inAdhocConference && this._adhocAudio) {
            // Mute is in the mix (every leg); hold is per leg.
            return;
        }
        return super.updateCallAudio(...arguments);
    },

    setCallAudio() {
        if (this._adhocAudio) {
            // The host hears the mix of every active leg.
            this.callAudio.srcObject = this._adhocAudio.hostSink.stream;
            this.callAudio.play();
            return;
        }
        return super.setCallAudio(...arguments);
    },

    sendKey(key) {
        if (this.inAdhocConference) {
            return this._adhocConference.sendKey(key);
        }
        return super.sendKey(...arguments);
    },

    async hangup() {
        if (this.inAdhocConference) {
            return this.adhocEndAll();
        }
        return super.hangup(...arguments);
    },

    async onInvite(session) {
        if (this.inAdhocConference) {
            // Busy: voip_oca would reject, then take the call over anyway.
            session.reject({statusCode: 486});
            return;
        }
        return super.onInvite(...arguments);
    },

    async _onHanghup() {
        if (this.inAdhocConference) {
            // The first party hung up: the conference goes on without it.
            return;
        }
        return super._onHanghup(...arguments);
    },
});
