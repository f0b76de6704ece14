/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

/**
 * A conference made from a call, hosted in the browser: the host's call legs
 * (one SIP session per party) and what each party hears. Free of OWL, of
 * SIP.js and of Web Audio: each leg talks to the network through a *driver*
 * (`sip_leg.esm.js` in production, `test_leg.esm.js` in test mode, a fake in
 * Hoot tests), so the same states run everywhere.
 *
 * The one rule that decides who talks with whom: every live leg that is not
 * on hold is *active*, and the host and every active leg hear each other.
 * Held legs hear nothing and are heard by nobody. Hence:
 * - single step (`addParty`): the new leg is active at once, so it joins the
 *   parties the host is talking with; when every current leg is on hold, the
 *   new leg is alone with the host, a plain two-way call, and the held calls
 *   stay held (unrelated calls are never merged by accident);
 * - consultation (`consult`): every active leg is put on hold first;
 * - `merge(ids)` takes held legs off hold; `retrieve(id)` swaps: the active
 *   legs go on hold, that one comes back.
 *
 * Driver interface (every method returns a promise):
 *   dial()               place the call; then report through the callbacks
 *   hold(onHold)         re-INVITE sendonly (true) or sendrecv (false)
 *   hangUp()             BYE once answered, CANCEL while ringing
 *   transferTo(driver)   attended transfer of this leg's party to the
 *                        other driver's party (REFER with Replaces):
 *                        resolves {ok: true} or {ok: false, reason}
 *   sendKey(key)         keypad tone to this party: "sent"|"ignored"|"failed"
 * Callbacks given to the driver factory (`callbacksFor(leg)`): onAnswered(),
 * onEnded(reason), where reason is one of END_REASONS, and
 * onRetrying({attempt, max}) while a hold crossed the party's own
 * re-INVITE (491) and is sent again: `leg.retrying` tells the host.
 */

export const LEG_STATES = ["ringing", "connected", "held", "ended"];
/** How a leg ended (stored on its voip.call). */
export const END_REASONS = [
    "hangup", // the party hung up
    "removed", // the host disconnected this party
    "ended", // the host ended the conference for everyone
    "transferred", // the host left: this party now talks directly to another
    "rejected", // the party declined or could not be reached
    "cancelled", // the host gave up before the party answered
];
export const DEFAULT_MAX_PARTIES = 5;

/** A refused operation; `code` says why (the UI words it). */
export class ConferenceError extends Error {
    constructor(code, data = {}) {
        super(code);
        this.code = code;
        this.data = data;
    }
}

let nextLegId = 1;

export class CallConference {
    /**
     * @param {Object} options
     * @param {Function} options.makeDriver (leg, callbacks) => driver
     * @param {Number} [options.maxParties] parties besides the host
     * @param {Function} [options.now] ms clock, for durations
     * @param {Function} [options.onChange] () => void after every change
     * @param {Function} [options.onLegEnded] (leg) => void, once per leg
     */
    constructor({
        makeDriver,
        maxParties = DEFAULT_MAX_PARTIES,
        now = () => Date.now(),
        onChange = () => undefined,
        onLegEnded = () => undefined,
    }) {
        Object.assign(this, {makeDriver, maxParties, now, onChange, onLegEnded});
        this.legs = [];
        this.hostMuted = false;
        this.selectedLegId = null;
        this.leaving = false;
    }

    // ------------------------------------------------------------------
    // What is
    // ------------------------------------------------------------------

    get liveLegs() {
        return this.legs.filter((leg) => leg.state !== "ended");
    }
    get activeLegs() {
        return this.legs.filter((leg) => ["ringing", "connected"].includes(leg.state));
    }
    get heldLegs() {
        return this.legs.filter((leg) => leg.state === "held");
    }
    get isOver() {
        return this.legs.length > 0 && this.liveLegs.length === 0;
    }
    get isFull() {
        return this.liveLegs.length >= this.maxParties;
    }
    get selectedLeg() {
        const leg = this.legs.find((l) => l.id === this.selectedLegId);
        return leg && leg.state !== "ended" ? leg : this.activeLegs[0] || null;
    }
    /** Leave needs the host and exactly two others, both answered. */
    get canLeave() {
        const live = this.liveLegs;
        return (
            !this.leaving &&
            live.length === 2 &&
            live.every((leg) => ["connected", "held"].includes(leg.state))
        );
    }
    /** Merge asks which held calls to bring in when there are two or more. */
    get mergeNeedsChoice() {
        return this.heldLegs.length >= 2;
    }
    /**
     * Merge brings held calls into a conversation of parties that answered:
     * while a party still rings (early media, 183), the held ones would hear
     * its ringback or announcements. (A single-step add is different: the
     * parties already talking hear the progress of the one being added.)
     */
    get canMerge() {
        return (
            this.heldLegs.length >= 1 &&
            this.liveLegs.length >= 2 &&
            !this.legs.some((leg) => leg.state === "ringing")
        );
    }

    leg(id) {
        const leg = this.legs.find((l) => l.id === id);
        if (!leg) {
            throw new ConferenceError("unknown_leg", {id});
        }
        return leg;
    }

    /** Seconds since the party answered (0 while ringing). */
    duration(leg) {
        if (!leg.connectedAt) {
            return 0;
        }
        const end = leg.endedAt || this.now();
        return Math.max(0, Math.floor((end - leg.connectedAt) / 1000));
    }

    /**
     * Who hears whom, from the one rule above.
     * @returns {{host: Number[], legs: Object<Number, Array<"host"|Number>>}}
     *   `host`: the legs the host hears; `legs[id]`: what leg `id` is sent
     *   ("host" for the host's microphone, unless muted, and the other
     *   active legs' ids; never its own id). Ended legs are absent.
     */
    mixPlan() {
        const active = this.activeLegs.map((leg) => leg.id);
        const plan = {host: [...active], legs: {}};
        for (const leg of this.liveLegs) {
            if (leg.state === "held") {
                plan.legs[leg.id] = [];
                continue;
            }
            const sources = this.hostMuted ? [] : ["host"];
            plan.legs[leg.id] = sources.concat(active.filter((id) => id !== leg.id));
        }
        return plan;
    }

    // ------------------------------------------------------------------
    // What the host does
    // ------------------------------------------------------------------

    /**
     * The call the conference starts from (already placed by voip_oca).
     * @param {Object} party {number, name, partnerId, callId}
     * @param {Object} driver a driver already attached to that call
     * @param {String} state "connected", or "held" when the host had put it
     *   on hold: then a single-step add makes a separate two-way call.
     */
    adoptCall(party, driver, state = "connected") {
        const leg = this._newLeg(party, state);
        leg.driver = driver;
        if (state !== "ringing") {
            leg.connectedAt = this.now();
        }
        this._changed();
        return leg;
    }

    /** Single step: dial a party without holding anyone. */
    async addParty(party) {
        return this._dial(party);
    }

    /** Consultation: hold every active leg, then dial the party. */
    async consult(party) {
        this._checkRoom();
        for (const leg of this.activeLegs) {
            await this._hold(leg, true);
        }
        return this._dial(party);
    }

    /**
     * Bring held legs into the conversation. With two or more held legs the
     * host must say which (`ids`); with one, it is that one.
     */
    async merge(ids) {
        const held = this.heldLegs;
        if (!ids) {
            if (held.length >= 2) {
                throw new ConferenceError("merge_choice");
            }
            ids = held.map((leg) => leg.id);
        }
        if (!ids.length) {
            throw new ConferenceError("nothing_to_merge");
        }
        if (this.legs.some((leg) => leg.state === "ringing")) {
            throw new ConferenceError("merge_ringing");
        }
        for (const id of ids) {
            const leg = this.leg(id);
            if (leg.state === "held") {
                await this._hold(leg, false);
            }
        }
    }

    /** Back to one held call: the current conversation goes on hold. */
    async retrieve(id) {
        const leg = this.leg(id);
        if (leg.state !== "held") {
            throw new ConferenceError("not_held", {id});
        }
        for (const other of this.activeLegs) {
            await this._hold(other, true);
        }
        await this._hold(leg, false);
        this.selectedLegId = leg.id;
        this._changed();
    }

    /** Disconnect one party (BYE, or CANCEL while it rings). */
    async disconnect(id) {
        const leg = this.leg(id);
        if (leg.state === "ended") {
            return;
        }
        const reason = leg.state === "ringing" ? "cancelled" : "removed";
        await this._hangUp(leg, reason);
    }

    /** End the conference for everyone, at once. */
    async endAll() {
        await Promise.all(
            this.liveLegs.map((leg) =>
                this._hangUp(leg, leg.state === "ringing" ? "cancelled" : "ended")
            )
        );
    }

    /**
     * The host leaves; the two remaining parties keep talking directly
     * (attended transfer). Resolves {ok, reason}: when the PBX or a party
     * refuses, nothing changes and `reason` says why.
     */
    async leave() {
        if (!this.canLeave) {
            throw new ConferenceError("cannot_leave");
        }
        const [first, second] = this.liveLegs;
        this.leaving = true;
        this._changed();
        let result = {ok: false, reason: ""};
        try {
            result = await first.driver.transferTo(second.driver);
        } catch (error) {
            result = {ok: false, reason: error.message || String(error)};
        } finally {
            this.leaving = false;
        }
        if (result.ok) {
            // The two parties have their own call now: the host's legs go.
            for (const leg of [first, second]) {
                if (leg.state !== "ended") {
                    await this._hangUp(leg, "transferred");
                }
            }
        }
        this._changed();
        return result;
    }

    /** The host's mute applies to every leg. */
    setMuted(muted) {
        this.hostMuted = Boolean(muted);
        this._changed();
    }

    /** What a leg's driver reports with (see the driver interface). */
    callbacksFor(leg) {
        return {
            onAnswered: () => this._onAnswered(leg),
            onEnded: (reason) => this._onEnded(leg, reason),
            onRetrying: (retry) => {
                leg.retrying = retry;
                this._changed();
            },
        };
    }

    select(id) {
        this.selectedLegId = this.leg(id).id;
        this._changed();
    }

    /** A keypad tone to the selected party only. */
    sendKey(key) {
        const leg = this.selectedLeg;
        if (!leg) {
            return "failed";
        }
        return leg.driver.sendKey(key);
    }

    // ------------------------------------------------------------------
    // Inside
    // ------------------------------------------------------------------

    _newLeg({number, name = "", partnerId = false, callId = false}, state) {
        const leg = {
            id: nextLegId++,
            number,
            name,
            partnerId,
            callId,
            state,
            startedAt: this.now(),
            connectedAt: null,
            endedAt: null,
            endReason: null,
            retrying: null,
            driver: null,
        };
        this.legs.push(leg);
        return leg;
    }

    _checkRoom() {
        if (this.isFull) {
            throw new ConferenceError("full", {max: this.maxParties});
        }
    }

    async _dial(party) {
        this._checkRoom();
        if (!party || !party.number) {
            throw new ConferenceError("no_number");
        }
        const leg = this._newLeg(party, "ringing");
        leg.driver = this.makeDriver(leg, this.callbacksFor(leg));
        this.selectedLegId = leg.id;
        this._changed();
        await leg.driver.dial();
        return leg;
    }

    async _hold(leg, onHold) {
        try {
            await leg.driver.hold(onHold);
        } finally {
            leg.retrying = null;
        }
        if (leg.state !== "ended") {
            leg.state = onHold ? "held" : "connected";
        }
        this._changed();
    }

    async _hangUp(leg, reason) {
        // Marked first: the driver's own "ended" report must not overwrite
        // the host's reason.
        this._onEnded(leg, reason);
        try {
            await leg.driver.hangUp();
        } catch {
            // Already gone on the network side: nothing left to end.
        }
    }

    _onAnswered(leg) {
        if (leg.state !== "ringing") {
            return;
        }
        leg.state = "connected";
        leg.connectedAt = this.now();
        this._changed();
    }

    _onEnded(leg, reason) {
        if (leg.state === "ended") {
            return;
        }
        if (reason === "hangup" && leg.state === "ringing") {
            reason = "rejected";
        }
        leg.state = "ended";
        leg.endReason = reason;
        leg.endedAt = this.now();
        this.onLegEnded(leg);
        this._changed();
    }

    _changed() {
        this.onChange(this);
    }
}
