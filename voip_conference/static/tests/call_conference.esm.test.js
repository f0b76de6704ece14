/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {
    CallConference,
    ConferenceError,
} from "@voip_conference/call_conference/call_conference.esm";
import {describe, expect, test} from "@odoo/hoot";
import {
    GLARE_RETRIES,
    SipLeg,
    dialUser,
    glareDelayMs,
    parseSipfrag,
} from "@voip_conference/call_conference/sip_leg.esm";
import {AudioMixer} from "@voip_conference/call_conference/audio_mixer.esm";

describe.current.tags("headless");

/** A driver that does what the test says, and logs what it was asked. */
class FakeLeg {
    constructor(leg, callbacks, log) {
        Object.assign(this, {leg, callbacks, log});
        this.holdError = null;
        this.transferResult = {ok: true};
    }
    async dial() {
        this.log.push(`dial ${this.leg.number}`);
    }
    async hold(onHold) {
        if (this.holdError) {
            throw new Error(this.holdError);
        }
        this.log.push(`${onHold ? "hold" : "unhold"} ${this.leg.number}`);
    }
    async hangUp() {
        this.log.push(`bye ${this.leg.number}`);
    }
    async transferTo(other) {
        this.log.push(`refer ${this.leg.number} -> ${other.leg.number}`);
        return this.transferResult;
    }
    sendKey(key) {
        this.log.push(`key ${key} -> ${this.leg.number}`);
        return "sent";
    }
    answer() {
        this.callbacks.onAnswered();
    }
    farEndHangsUp() {
        this.callbacks.onEnded("hangup");
    }
}

function makeConference({maxParties = 5, firstState = "connected"} = {}) {
    const log = [];
    const ended = [];
    let clock = 0;
    const conference = new CallConference({
        maxParties,
        now: () => clock,
        makeDriver: (leg, callbacks) => new FakeLeg(leg, callbacks, log),
        onLegEnded: (leg) => ended.push(`${leg.number} ${leg.endReason}`),
    });
    const a = conference.adoptCall({number: "A", callId: 1}, null, firstState);
    a.driver = new FakeLeg(a, {}, log);
    const tick = (ms) => (clock += ms);
    return {conference, log, ended, a, tick};
}

/** The mixing plan with leg numbers instead of ids, easier to read. */
function whoHears(conference) {
    const plan = conference.mixPlan();
    const name = (id) => (id === "host" ? "host" : conference.leg(Number(id)).number);
    const out = {host: plan.host.map(name).sort().join(",")};
    for (const [id, sources] of Object.entries(plan.legs)) {
        out[name(id)] = sources.map(name).sort().join(",");
    }
    return out;
}

test("single step: the third party is dialled without holding anyone", async () => {
    const {conference, log, a} = makeConference();
    const b = await conference.addParty({number: "B"});
    expect(log).toEqual(["dial B"]);
    expect(a.state).toBe("connected");
    expect(b.state).toBe("ringing");
    // Both existing parties hear the progress of the one being added.
    expect(whoHears(conference)).toEqual({host: "A,B", A: "B,host", B: "A,host"});
    b.driver.answer();
    expect(b.state).toBe("connected");
    expect(whoHears(conference)).toEqual({host: "A,B", A: "B,host", B: "A,host"});
});

test("single step while the call is on hold: a separate two-way call", async () => {
    const {conference, log, a} = makeConference({firstState: "held"});
    const b = await conference.addParty({number: "B"});
    b.driver.answer();
    expect(a.state).toBe("held");
    expect(log).toEqual(["dial B"]); // no unhold of A: never merged by accident
    expect(whoHears(conference)).toEqual({host: "B", A: "", B: "host"});
});

test("consult holds the current call, merge brings everyone together", async () => {
    const {conference, log, a} = makeConference();
    const b = await conference.consult({number: "B"});
    expect(log).toEqual(["hold A", "dial B"]);
    expect(a.state).toBe("held");
    b.driver.answer();
    // A hears neither B nor the host while the host consults B.
    expect(whoHears(conference)).toEqual({host: "B", A: "", B: "host"});
    expect(conference.canMerge).toBe(true);
    expect(conference.mergeNeedsChoice).toBe(false);
    await conference.merge();
    expect(log.at(-1)).toBe("unhold A");
    expect(whoHears(conference)).toEqual({host: "A,B", A: "B,host", B: "A,host"});
});

test("merge only once the consulted party answered (no early media to the held)", async () => {
    const {conference, log, a} = makeConference();
    const b = await conference.consult({number: "B"});
    // B rings, maybe with early media (183): A, held, must not hear it.
    expect(conference.canMerge).toBe(false);
    await expect(conference.merge()).rejects.toThrow(ConferenceError);
    expect(a.state).toBe("held");
    expect(log).toEqual(["hold A", "dial B"]);
    b.driver.answer();
    expect(conference.canMerge).toBe(true);
    await conference.merge();
    expect(a.state).toBe("connected");
});

test("ending the consultation, then retrieve returns to the original call", async () => {
    const {conference, log, a, ended} = makeConference();
    const b = await conference.consult({number: "B"});
    b.driver.answer();
    await conference.disconnect(b.id);
    expect(ended).toEqual(["B removed"]);
    expect(a.state).toBe("held");
    await conference.retrieve(a.id);
    expect(a.state).toBe("connected");
    expect(log).toEqual(["hold A", "dial B", "bye B", "unhold A"]);
    expect(whoHears(conference)).toEqual({host: "A", A: "host"});
});

test("retrieve swaps: the current conversation goes on hold", async () => {
    const {conference, a} = makeConference();
    const b = await conference.consult({number: "B"});
    b.driver.answer();
    await conference.retrieve(a.id);
    expect([a.state, b.state]).toEqual(["connected", "held"]);
    await expect(conference.retrieve(a.id)).rejects.toThrow(ConferenceError);
});

test("merge asks which held calls when two or more are held", async () => {
    const {conference, a} = makeConference();
    const b = await conference.consult({number: "B"});
    b.driver.answer();
    const c = await conference.consult({number: "C"});
    c.driver.answer();
    expect(conference.heldLegs.map((leg) => leg.number)).toEqual(["A", "B"]);
    expect(conference.mergeNeedsChoice).toBe(true);
    await expect(conference.merge()).rejects.toThrow("merge_choice");
    await conference.merge([a.id]);
    expect(whoHears(conference)).toEqual({
        host: "A,C",
        A: "C,host",
        B: "",
        C: "A,host",
    });
});

test("disconnect one party: BYE to it, the others go on", async () => {
    const {conference, log, ended} = makeConference();
    const b = await conference.addParty({number: "B"});
    b.driver.answer();
    const c = await conference.addParty({number: "C"});
    // C is still ringing: disconnecting it cancels the call.
    await conference.disconnect(c.id);
    await conference.disconnect(b.id);
    expect(log).toEqual(["dial B", "dial C", "bye C", "bye B"]);
    expect(ended).toEqual(["C cancelled", "B removed"]);
    expect(whoHears(conference)).toEqual({host: "A", A: "host"});
    expect(conference.isOver).toBe(false);
});

test("end for all: every leg ends at once, the conference is over", async () => {
    const {conference, ended} = makeConference();
    const b = await conference.addParty({number: "B"});
    b.driver.answer();
    await conference.addParty({number: "C"});
    await conference.endAll();
    expect(ended).toEqual(["A ended", "B ended", "C cancelled"]);
    expect(conference.isOver).toBe(true);
    expect(conference.mixPlan()).toEqual({host: [], legs: {}});
});

test("a party hangs up, another never answers", async () => {
    const {conference, ended} = makeConference();
    const b = await conference.addParty({number: "B"});
    const c = await conference.addParty({number: "C"});
    b.driver.answer();
    b.driver.farEndHangsUp();
    c.driver.farEndHangsUp();
    expect(ended).toEqual(["B hangup", "C rejected"]);
    // Reported twice (BYE, then Terminated): counted once.
    b.driver.farEndHangsUp();
    expect(ended.length).toBe(2);
});

test("leave: attended transfer of the two others, then the host's legs end", async () => {
    const {conference, log, ended} = makeConference();
    expect(conference.canLeave).toBe(false);
    const b = await conference.addParty({number: "B"});
    expect(conference.canLeave).toBe(false); // B still rings
    b.driver.answer();
    expect(conference.canLeave).toBe(true);
    expect(await conference.leave()).toEqual({ok: true});
    expect(log).toEqual(["dial B", "refer A -> B", "bye A", "bye B"]);
    expect(ended).toEqual(["A transferred", "B transferred"]);
    expect(conference.isOver).toBe(true);
});

test("leave refused: the host is told why and the conference goes on", async () => {
    const {conference, a, ended} = makeConference();
    const b = await conference.addParty({number: "B"});
    b.driver.answer();
    a.driver.transferResult = {ok: false, reason: "603 Declined"};
    expect(await conference.leave()).toEqual({ok: false, reason: "603 Declined"});
    expect(ended).toEqual([]);
    expect(whoHears(conference)).toEqual({host: "A,B", A: "B,host", B: "A,host"});
    // A transfer that throws is a refusal too.
    a.driver.transferTo = async () => {
        throw new Error("Invalid session state Terminated");
    };
    expect((await conference.leave()).reason).toBe("Invalid session state Terminated");
    expect(conference.liveLegs.length).toBe(2);
});

test("at most the PBX's number of parties", async () => {
    const {conference, log} = makeConference({maxParties: 3});
    await conference.addParty({number: "B"});
    await conference.addParty({number: "C"});
    await expect(conference.addParty({number: "D"})).rejects.toThrow("full");
    await expect(conference.consult({number: "D"})).rejects.toThrow("full");
    // Refused before anything happened: nobody was put on hold.
    expect(log).toEqual(["dial B", "dial C"]);
    await expect(makeConference().conference.addParty({number: ""})).rejects.toThrow(
        "no_number"
    );
});

test("the host's mute applies to every leg", async () => {
    const {conference} = makeConference();
    const b = await conference.addParty({number: "B"});
    b.driver.answer();
    conference.setMuted(true);
    expect(whoHears(conference)).toEqual({host: "A,B", A: "B", B: "A"});
    conference.setMuted(false);
    expect(whoHears(conference)).toEqual({host: "A,B", A: "B,host", B: "A,host"});
});

test("keypad tones go to the selected party only", async () => {
    const {conference, log, a} = makeConference();
    const b = await conference.addParty({number: "B"});
    b.driver.answer();
    expect(conference.selectedLeg).toBe(b); // the last one added
    conference.sendKey("1");
    conference.select(a.id);
    conference.sendKey("2");
    expect(log.filter((line) => line.startsWith("key"))).toEqual([
        "key 1 -> B",
        "key 2 -> A",
    ]);
});

test("durations count from the answer", async () => {
    const {conference, tick} = makeConference();
    const b = await conference.addParty({number: "B"});
    tick(5000);
    expect(conference.duration(b)).toBe(0);
    b.driver.answer();
    tick(61500);
    expect(conference.duration(b)).toBe(61);
});

/** A SIP.js session whose re-INVITEs get, in turn, the status codes given. */
class FakeSession {
    constructor(answers) {
        this.answers = answers;
        this.offers = [];
        this.delegate = {};
        this.stateChange = {addListener: () => undefined};
        // The offer stays in the peer connection when refused (SIP.js 0.21).
        const peerConnection = {
            signalingState: "stable",
            setLocalDescription: async ({type}) => {
                this.offers.push(type);
                peerConnection.signalingState = "stable";
            },
        };
        this.sessionDescriptionHandler = {
            peerConnection,
            enableReceiverTracks: () => undefined,
            enableSenderTracks: () => undefined,
        };
    }
    async invite({requestDelegate, sessionDescriptionHandlerOptions}) {
        const peerConnection = this.sessionDescriptionHandler.peerConnection;
        if (peerConnection.signalingState !== "stable") {
            throw new Error("Invalid signaling state have-local-offer");
        }
        peerConnection.signalingState = "have-local-offer";
        this.offers.push(sessionDescriptionHandlerOptions.hold ? "hold" : "unhold");
        const statusCode = this.answers.shift();
        if (statusCode === 200) {
            peerConnection.signalingState = "stable";
            requestDelegate.onAccept({message: {statusCode}});
        } else {
            const reasonPhrase = statusCode === 491 ? "Request Pending" : "Busy Here";
            requestDelegate.onReject({message: {statusCode, reasonPhrase}});
        }
    }
}

/** A SipLeg on a fake session; the glare timer fires at once, logging its delay. */
function glareLeg(answers, {ownsCallId = true, random = () => 0.5} = {}) {
    const waits = [];
    const retries = [];
    const session = new FakeSession(answers);
    const sipLeg = new SipLeg({
        session,
        ownsCallId,
        random,
        timers: {setTimeout: (fn, ms) => waits.push(ms) && fn()},
        callbacks: {onRetrying: (retry) => retries.push(retry)},
    });
    return {sipLeg, session, waits, retries};
}

test("hold glare: a 491 to the hold re-INVITE is retried after RFC 3261's delay", async () => {
    const {sipLeg, session, waits, retries} = glareLeg([491, 200]);
    await expect(sipLeg.hold(true)).resolves.toBe(true);
    // The refused offer is rolled back before the next one.
    expect(session.offers).toEqual(["hold", "rollback", "hold"]);
    // The host sent the initial INVITE: 2.1 s + 95 steps of 10 ms.
    expect(waits).toEqual([3050]);
    expect(retries).toEqual([{attempt: 1, max: GLARE_RETRIES}]);
});

test("hold glare: the party's own call waits 0 to 2 s, ours 2.1 to 4 s", async () => {
    const {sipLeg, waits} = glareLeg([491, 491, 200], {ownsCallId: false});
    await sipLeg.hold(false);
    expect(waits).toEqual([1000, 1000]);
    expect([glareDelayMs(true, () => 0), glareDelayMs(true, () => 0.99999)]).toEqual([
        2100, 4000,
    ]);
    expect([glareDelayMs(false, () => 0), glareDelayMs(false, () => 0.99999)]).toEqual([
        0, 2000,
    ]);
});

test("hold glare: retried a bounded number of times, then the refusal", async () => {
    const answers = Array(GLARE_RETRIES + 2).fill(491);
    const {sipLeg, session, retries} = glareLeg(answers);
    await expect(sipLeg.hold(true)).rejects.toThrow("491 Request Pending");
    expect(session.offers.filter((offer) => offer === "hold").length).toBe(
        GLARE_RETRIES + 1
    );
    expect(retries.map((retry) => retry.attempt)).toEqual([1, 2, 3]);
    // Any other refusal is not retried.
    const busy = glareLeg([486, 200]);
    await expect(busy.sipLeg.hold(true)).rejects.toThrow("486 Busy Here");
    expect(busy.session.offers).toEqual(["hold", "rollback"]);
});

test("hold glare: no retry once the call ended meanwhile", async () => {
    const {sipLeg, session} = glareLeg([491, 200]);
    sipLeg.timers = {setTimeout: (fn) => (sipLeg.ended = true) && fn()};
    await expect(sipLeg.hold(true)).resolves.toBe(false);
    expect(session.offers).toEqual(["hold", "rollback"]);
});

test("SIP helpers: NOTIFY sipfrag status, the user part of a number", () => {
    expect(parseSipfrag("SIP/2.0 200 OK\r\n")).toEqual({code: 200, reason: "OK"});
    expect(parseSipfrag("SIP/2.0 603 Declined")).toEqual({
        code: 603,
        reason: "Declined",
    });
    expect(parseSipfrag("SIP/2.0 100 Trying")).toEqual({code: 100, reason: "Trying"});
    expect(parseSipfrag("garbage")).toBe(null);
    expect(dialUser("+32 (2) 555-01 22")).toBe("+3225550122");
    expect(dialUser("8001")).toBe("8001");
    expect(dialUser("*72#")).toBe("*72#");
});

// ----------------------------------------------------------------------
// The mixing graph on real Web Audio: an OfflineAudioContext renders what
// each party is sent and what the host hears; a Goertzel filter says which
// tones are in each.
// ----------------------------------------------------------------------

const RATE = 8000;
const TONES = {host: 400, A: 600, B: 1000, C: 1400};

/** Amplitude of `freq` in `samples` (Goertzel). */
function toneLevel(samples, freq) {
    const w = (2 * Math.PI * freq) / RATE;
    const coeff = 2 * Math.cos(w);
    let s1 = 0;
    let s2 = 0;
    for (const x of samples) {
        const s0 = x + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    return (2 * Math.sqrt(Math.max(power, 0))) / samples.length;
}

/** Render the conference's plan; returns {who: "tones heard"}. */
async function renderHeard(conference) {
    const legs = conference.liveLegs;
    const channels = legs.length + 1;
    const context = new window.OfflineAudioContext(channels, RATE / 4, RATE);
    const merger = context.createChannelMerger(channels);
    merger.connect(context.destination);
    const sink = (channel) => {
        const node = context.createGain();
        node.connect(merger, 0, channel);
        return node;
    };
    const tone = (freq) => {
        const osc = context.createOscillator();
        osc.frequency.value = freq;
        osc.start();
        return osc;
    };
    const mixer = new AudioMixer(context, {source: tone(TONES.host), sink: sink(0)});
    legs.forEach((leg, i) => {
        mixer.setLeg(leg.id, {source: tone(TONES[leg.number]), sink: sink(i + 1)});
    });
    mixer.apply(conference.mixPlan());
    const buffer = await context.startRendering();
    const heard = (channel) =>
        Object.entries(TONES)
            .filter(([, freq]) => toneLevel(buffer.getChannelData(channel), freq) > 0.5)
            .map(([name]) => name)
            .join(",");
    const out = {host: heard(0)};
    legs.forEach((leg, i) => (out[leg.number] = heard(i + 1)));
    // Nothing leaks: every tone not listed is below the noise floor.
    for (let channel = 0; channel < channels; channel++) {
        for (const freq of Object.values(TONES)) {
            const level = toneLevel(buffer.getChannelData(channel), freq);
            expect(level < 0.01 || level > 0.5).toBe(true);
        }
    }
    return {out, edges: mixer.edges()};
}

test("mixing graph: each party hears the host and the others, never itself", async () => {
    const {conference} = makeConference();
    const b = await conference.addParty({number: "B"});
    b.driver.answer();
    const c = await conference.addParty({number: "C"});
    c.driver.answer();
    const {out, edges} = await renderHeard(conference);
    expect(out).toEqual({host: "A,B,C", A: "host,B,C", B: "host,A,C", C: "host,A,B"});
    expect(edges.length).toBe(3 + 3 * 3); // host hears 3; each leg gets 3
});

test("mixing graph: a held party hears nothing and is heard by nobody", async () => {
    const {conference} = makeConference();
    const b = await conference.consult({number: "B"});
    b.driver.answer();
    expect((await renderHeard(conference)).out).toEqual({host: "B", A: "", B: "host"});
    await conference.merge();
    expect((await renderHeard(conference)).out).toEqual({
        host: "A,B",
        A: "host,B",
        B: "host,A",
    });
});

test("mixing graph: the host muted is heard by nobody, hears everyone", async () => {
    const {conference} = makeConference();
    const b = await conference.addParty({number: "B"});
    b.driver.answer();
    conference.setMuted(true);
    expect((await renderHeard(conference)).out).toEqual({host: "A,B", A: "B", B: "A"});
});

test("mixer: edges switch off without rebuilding, a leg's nodes can arrive late", () => {
    const context = new window.OfflineAudioContext(1, RATE / 4, RATE);
    const host = {source: context.createGain(), sink: context.createGain()};
    const mixer = new AudioMixer(context, host);
    mixer.setLeg(1, {sink: context.createGain()}); // no remote audio yet
    mixer.apply({host: [1], legs: {1: ["host"]}});
    expect(mixer.edges()).toEqual(["host>1"]);
    mixer.setLeg(1, {source: context.createGain()});
    mixer.apply({host: [1], legs: {1: ["host"]}});
    expect(mixer.edges()).toEqual(["1>host", "host>1"]);
    const gains = mixer.gains.size;
    mixer.apply({host: [], legs: {1: []}});
    expect(mixer.edges()).toEqual([]);
    expect(mixer.gains.size).toBe(gains);
    mixer.removeLeg(1);
    expect(mixer.gains.size).toBe(0);
});
