/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {describe, expect, test} from "@odoo/hoot";
import {
    JoinSequencer,
    KeypadDtmf,
    isDtmfKey,
    maskDtmf,
} from "@voip_conference/dtmf/dtmf.esm";

describe.current.tags("headless");

const TONE_MS = 180; // duration + inter-tone gap, as SIP.js sends them

const flush = async () => {
    for (let i = 0; i < 20; i++) {
        await Promise.resolve();
    }
};

/** Mocked timers: a virtual clock that fires callbacks in order. */
class FakeClock {
    constructor() {
        this.now = 0;
        this.queue = [];
        this.seq = 0;
    }
    setTimeout(fn, ms) {
        const id = ++this.seq;
        this.queue.push({id, at: this.now + (ms || 0), fn});
        return id;
    }
    clearTimeout(id) {
        this.queue = this.queue.filter((t) => t.id !== id);
    }
    async advance(ms) {
        const end = this.now + ms;
        for (;;) {
            await flush();
            const due = this.queue
                .filter((t) => t.at <= end)
                .sort((a, b) => a.at - b.at || a.id - b.id)[0];
            if (!due) {
                break;
            }
            this.queue = this.queue.filter((t) => t !== due);
            this.now = due.at;
            due.fn();
        }
        this.now = end;
        await flush();
    }
}

/** An RTCDTMFSender whose buffer behaves like the browser's: the first tone
 * starts at once, insertDTMF replaces the tones still queued, one tone
 * plays every TONE_MS. */
class FakeDtmfSender {
    constructor(clock) {
        this.clock = clock;
        this.toneBuffer = "";
        this.played = "";
        this.playing = false;
        this.listeners = [];
    }
    addEventListener(name, fn) {
        this.listeners.push(fn);
    }
    removeEventListener(name, fn) {
        this.listeners = this.listeners.filter((l) => l !== fn);
    }
    _tonechange(tone) {
        for (const fn of [...this.listeners]) {
            fn({tone});
        }
    }
    insertDTMF(tones) {
        this.toneBuffer = tones;
        if (!this.playing) {
            this._next();
        }
    }
    _next() {
        if (!this.toneBuffer) {
            this.playing = false;
            this._tonechange(""); // as browsers: the buffer emptied and played
            return;
        }
        this.playing = true;
        const tone = this.toneBuffer[0];
        this.played += tone;
        this.toneBuffer = this.toneBuffer.slice(1);
        this._tonechange(tone);
        this.clock.setTimeout(() => this._next(), tone === "," ? 2000 : TONE_MS);
    }
}

/** An Inviter-like session whose SIP and media states the test drives. */
class FakeSession {
    constructor(clock, {withSender = true} = {}) {
        this.clock = clock;
        this.state = "Establishing";
        this.listeners = [];
        this.stateChange = {addListener: (fn) => this.listeners.push(fn)};
        this.dtmfSender = withSender ? new FakeDtmfSender(clock) : null;
        this.sendDtmfCalls = [];
        this.infos = [];
        const pcListeners = [];
        const session = this;
        this.pc = {
            connectionState: "connecting",
            getSenders: () => (session.dtmfSender ? [{dtmf: session.dtmfSender}] : []),
            addEventListener: (name, fn) => pcListeners.push(fn),
            removeEventListener: () => {},
            connect() {
                this.connectionState = "connected";
                pcListeners.forEach((fn) => fn());
            },
        };
        this.sessionDescriptionHandler = {
            peerConnection: this.pc,
            sendDtmf: (tones) => {
                this.sendDtmfCalls.push([tones, session.clock.now]);
                if (!session.dtmfSender || session.pc.connectionState !== "connected") {
                    return false;
                }
                session.dtmfSender.insertDTMF(tones);
                return true;
            },
        };
    }
    info(options) {
        this.infos.push([
            options.requestOptions.body.content.split("\r\n")[0],
            this.clock.now,
        ]);
        // The far end answers each INFO after `infoAnswerMs` (200 OK), or
        // never when `infoAnswerMs` is null.
        if (this.infoAnswerMs !== null) {
            this.clock.setTimeout(
                () => options.requestDelegate?.onAccept?.({}),
                this.infoAnswerMs || 0
            );
        }
        return Promise.resolve();
    }
    setState(state) {
        this.state = state;
        this.listeners.forEach((fn) => fn(state));
    }
}

function join(session, props = {}) {
    const statuses = [];
    const sequencer = new JoinSequencer({
        session,
        timers: session.clock,
        dtmf: "1234#",
        delayMs: 2000,
        onStatus: (s) => statuses.push(s),
        ...props,
    });
    sequencer.start();
    return {sequencer, statuses};
}

describe("Join", () => {
    test("sends code and # once, delay counted from media connected", async () => {
        const session = new FakeSession(new FakeClock());
        const {statuses} = join(session);
        session.setState("Established");
        await session.clock.advance(500); // media still connecting: nothing yet
        expect(session.sendDtmfCalls).toEqual([]);
        const connectedAt = session.clock.now;
        session.pc.connect();
        await session.clock.advance(1999);
        expect(session.sendDtmfCalls).toEqual([]);
        await session.clock.advance(1);
        expect(session.sendDtmfCalls).toEqual([["1234#", connectedAt + 2000]]);
        await session.clock.advance(5 * TONE_MS);
        expect(session.dtmfSender.played).toBe("1234#");
        expect(session.infos).toEqual([]);
        expect(statuses).toEqual(["waiting", "sending", "sent"]);
    });

    test("media already connected at Established", async () => {
        const session = new FakeSession(new FakeClock());
        session.pc.connect();
        join(session, {delayMs: 1500});
        const start = session.clock.now;
        session.setState("Established");
        await session.clock.advance(1500);
        expect(session.sendDtmfCalls).toEqual([["1234#", start + 1500]]);
    });

    test("no media in time: SIP INFO, one digit per request, spaced", async () => {
        const session = new FakeSession(new FakeClock());
        const {statuses} = join(session, {mediaTimeoutMs: 3000});
        session.setState("Established");
        const start = session.clock.now;
        await session.clock.advance(3000 + 2000 + 4 * 250 + 10);
        expect(session.sendDtmfCalls).toEqual([]);
        expect(session.infos).toEqual([
            ["Signal=1", start + 5000],
            ["Signal=2", start + 5250],
            ["Signal=3", start + 5500],
            ["Signal=4", start + 5750],
            ["Signal=#", start + 6000],
        ]);
        expect(statuses.at(-1)).toBe("sent");
    });

    test("sendDtmf returning false falls back to SIP INFO", async () => {
        const session = new FakeSession(new FakeClock(), {withSender: false});
        join(session);
        session.setState("Established");
        session.pc.connect();
        await session.clock.advance(2000 + 4 * 250 + 10);
        expect(session.sendDtmfCalls.map((c) => c[0])).toEqual(["1234#"]);
        expect(session.infos.map((i) => i[0])).toEqual([
            "Signal=1",
            "Signal=2",
            "Signal=3",
            "Signal=4",
            "Signal=#",
        ]);
    });

    test("PBX forcing SIP INFO never uses sendDtmf", async () => {
        const session = new FakeSession(new FakeClock());
        join(session, {method: "info"});
        session.setState("Established");
        session.pc.connect();
        await session.clock.advance(2000 + 4 * 250 + 10);
        expect(session.sendDtmfCalls).toEqual([]);
        expect(session.infos.length).toBe(5);
    });

    test("SIP INFO waits for the media like RFC 4733 (issue 24, 5)", async () => {
        const session = new FakeSession(new FakeClock());
        join(session, {method: "info", delayMs: 0});
        session.setState("Established");
        await session.clock.advance(30); // media still connecting
        expect(session.infos).toEqual([]);
        const connectedAt = session.clock.now;
        session.pc.connect();
        await session.clock.advance(1);
        expect(session.infos).toEqual([["Signal=1", connectedAt]]);
    });

    test("SIP INFO without media in time still goes", async () => {
        const session = new FakeSession(new FakeClock());
        join(session, {method: "info", delayMs: 0, mediaTimeoutMs: 3000});
        session.setState("Established");
        const start = session.clock.now;
        await session.clock.advance(3001);
        expect(session.infos).toEqual([["Signal=1", start + 3000]]);
    });

    test("no code: nothing at all, not even #", async () => {
        const session = new FakeSession(new FakeClock());
        const {statuses} = join(session, {dtmf: ""});
        session.setState("Established");
        session.pc.connect();
        await session.clock.advance(10000);
        expect(session.sendDtmfCalls).toEqual([]);
        expect(session.infos).toEqual([]);
        expect(statuses).toEqual(["sent"]);
    });

    test("hang-up before the delay: nothing sent", async () => {
        const session = new FakeSession(new FakeClock());
        const {statuses} = join(session);
        session.setState("Established");
        session.pc.connect();
        await session.clock.advance(1000);
        session.setState("Terminated");
        await session.clock.advance(10000);
        expect(session.sendDtmfCalls).toEqual([]);
        expect(session.infos).toEqual([]);
        expect(statuses).toEqual(["waiting", "cancelled"]);
    });

    test("rejected before being established: nothing sent", async () => {
        const session = new FakeSession(new FakeClock());
        join(session);
        session.setState("Terminated");
        await session.clock.advance(10000);
        expect(session.sendDtmfCalls).toEqual([]);
        expect(session.infos).toEqual([]);
    });
});

describe("In-call keypad", () => {
    test("the browser replaces queued tones: one sendDtmf per key loses digits", async () => {
        const session = new FakeSession(new FakeClock());
        session.pc.connect();
        for (const key of "1234#") {
            session.sessionDescriptionHandler.sendDtmf(key);
        }
        await session.clock.advance(10 * TONE_MS);
        // As measured: 2 digits of 5 reach the far end.
        expect(session.dtmfSender.played).toBe("1#");
    });

    test("keys typed 0 ms apart all arrive, in order", async () => {
        const session = new FakeSession(new FakeClock());
        session.pc.connect();
        const keypad = new KeypadDtmf(() => session, {timers: session.clock});
        for (const key of "1234#") {
            expect(keypad.press(key)).toBe("sent");
        }
        await session.clock.advance(10 * TONE_MS);
        expect(session.dtmfSender.played).toBe("1234#");
        expect(keypad.sent).toBe("1234#");
    });

    test("a 10-digit code clicked fast arrives complete", async () => {
        const session = new FakeSession(new FakeClock());
        session.pc.connect();
        const keypad = new KeypadDtmf(() => session, {timers: session.clock});
        for (const key of "0123456789") {
            keypad.press(key);
            await session.clock.advance(50);
        }
        await session.clock.advance(20 * TONE_MS);
        expect(session.dtmfSender.played).toBe("0123456789");
    });

    test("keys that are not DTMF are ignored", () => {
        const session = new FakeSession(new FakeClock());
        session.pc.connect();
        const keypad = new KeypadDtmf(() => session, {timers: session.clock});
        for (const key of ["Shift", "Backspace", "Tab", "Enter", "x", ","]) {
            expect(keypad.press(key)).toBe("ignored");
        }
        expect(session.sendDtmfCalls).toEqual([]);
    });

    test("without a media path, keys go as SIP INFO in order", async () => {
        const session = new FakeSession(new FakeClock(), {withSender: false});
        const keypad = new KeypadDtmf(() => session, {timers: session.clock});
        for (const key of "12#") {
            keypad.press(key);
        }
        await session.clock.advance(1000);
        expect(session.infos.map((i) => i[0])).toEqual([
            "Signal=1",
            "Signal=2",
            "Signal=#",
        ]);
    });
});

describe("Issue 10: the keypad honours the PBX's method", () => {
    test("PBX set to SIP INFO: keys go as INFO, never as tones in the audio", async () => {
        const session = new FakeSession(new FakeClock());
        session.pc.connect();
        const keypad = new KeypadDtmf(() => session, {
            timers: session.clock,
            method: "info",
        });
        const start = session.clock.now;
        for (const key of "12#") {
            expect(keypad.press(key)).toBe("sent");
        }
        await session.clock.advance(2000);
        expect(session.sendDtmfCalls).toEqual([]);
        expect(session.dtmfSender.played).toBe("");
        // Spaced like Join's INFO, although pressed 0 ms apart.
        expect(session.infos).toEqual([
            ["Signal=1", start],
            ["Signal=2", start + 250],
            ["Signal=#", start + 500],
        ]);
    });

    test("INFO fallback: each INFO waits for the previous answer, then the spacing", async () => {
        const session = new FakeSession(new FakeClock(), {withSender: false});
        session.infoAnswerMs = 100;
        const keypad = new KeypadDtmf(() => session, {timers: session.clock});
        const start = session.clock.now;
        keypad.press("4");
        keypad.press("2");
        await session.clock.advance(2000);
        expect(session.infos).toEqual([
            ["Signal=4", start],
            ["Signal=2", start + 350],
        ]);
    });

    test("PBX set to RFC 4733: no INFO behind the user's back", () => {
        const session = new FakeSession(new FakeClock(), {withSender: false});
        const keypad = new KeypadDtmf(() => session, {
            timers: session.clock,
            method: "rfc4733",
        });
        expect(keypad.press("1")).toBe("failed");
        expect(session.infos).toEqual([]);
    });
});

describe("Issue 10: 'sent' once the far end can have the last tone", () => {
    const CODE = "987654321098765432109#"; // 21 digits and #

    test("tones: sent when the buffer emptied and the last tone played", async () => {
        const session = new FakeSession(new FakeClock());
        session.pc.connect();
        const {statuses} = join(session, {dtmf: CODE, delayMs: 0});
        session.setState("Established");
        await session.clock.advance(1);
        expect(statuses).toEqual(["waiting", "sending"]);
        await session.clock.advance((CODE.length - 1) * TONE_MS);
        expect(statuses.at(-1)).toBe("sending"); // the last tone is playing
        await session.clock.advance(TONE_MS);
        expect(session.dtmfSender.played).toBe(CODE);
        expect(statuses).toEqual(["waiting", "sending", "sent"]);
    });

    test("a hang-up before the last tone says 'incomplete', not 'sent'", async () => {
        const session = new FakeSession(new FakeClock());
        session.pc.connect();
        const {statuses} = join(session, {dtmf: CODE, delayMs: 0});
        session.setState("Established");
        await session.clock.advance(1000);
        // As on the real stack: about 6 of the 22 tones played by then.
        expect(session.dtmfSender.played).toBe("987654");
        session.setState("Terminated");
        await session.clock.advance(10000);
        expect(statuses).toEqual(["waiting", "sending", "incomplete"]);
    });

    test("SIP INFO: sent when the far end answered the last INFO", async () => {
        const session = new FakeSession(new FakeClock());
        session.infoAnswerMs = 300;
        session.pc.connect();
        const {statuses} = join(session, {dtmf: "12#", method: "info", delayMs: 0});
        session.setState("Established");
        // 1 answered at 300, 2 sent at 550 and answered at 850, # at 1100.
        await session.clock.advance(1399);
        expect(session.infos.length).toBe(3);
        expect(statuses.at(-1)).toBe("sending");
        await session.clock.advance(1);
        expect(statuses.at(-1)).toBe("sent");
    });

    test("SIP INFO never answered: failed, not sent", async () => {
        const session = new FakeSession(new FakeClock());
        session.infoAnswerMs = null;
        session.pc.connect();
        const {statuses} = join(session, {dtmf: "1#", method: "info", delayMs: 0});
        session.setState("Established");
        await session.clock.advance(40000);
        expect(statuses).toEqual(["waiting", "sending", "failed"]);
    });
});

describe("helpers", () => {
    test("isDtmfKey", () => {
        expect(["0", "9", "*", "#"].every(isDtmfKey)).toBe(true);
        // A-D are no phone's keys; a label's letters are never tones.
        expect(["", "10", "Shift", "e", ",", null, "A", "d"].some(isDtmfKey)).toBe(
            false
        );
    });
    test("maskDtmf shows no digit", () => {
        expect(maskDtmf("1234#")).toBe("••••#");
        expect(maskDtmf("")).toBe("");
    });
});
