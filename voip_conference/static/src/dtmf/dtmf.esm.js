/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

/**
 * DTMF for the phone widget, free of OWL and of SIP.js globals so that it can
 * be tested with a fake session (an Inviter-like object).
 *
 * Facts this code relies on (measured on a real SIP stack with SIP.js 0.21):
 * - `sessionDescriptionHandler.sendDtmf(tones)` calls the browser's
 *   RTCDTMFSender.insertDTMF, which REPLACES the tones still queued: keys sent
 *   one by one faster than a tone (~240 ms) are lost although each call
 *   returns true. Sending "queued tones + new key" keeps them all, in order.
 * - It returns false when there is no DTMF sender yet (no media path); a
 *   whole code must then go as SIP INFO, one digit per request.
 * - At SIP.js's Established event the media may still be connecting: the code
 *   waits for `peerConnection.connectionState === "connected"`.
 */

export const ESTABLISHED = "Established";
export const TERMINATED = "Terminated";
// 0-9, * and #: the keys of a phone (ITU-T E.161); A-D are not, see
// tools/dial_string.py.
const DTMF_KEY = /^[0-9*#]$/;
export const PAUSE_MS = 2000; // "," in a dial string
export const INFO_SPACING_MS = 250;
export const MEDIA_TIMEOUT_MS = 5000;
// SIP's transaction timeout (RFC 3261 Timer F, 64 * T1): an INFO unanswered
// by then never will be.
export const INFO_ANSWER_TIMEOUT_MS = 32000;
// RTCDTMFSender's defaults (duration 100 ms, gap 70 ms), as SIP.js sends.
export const TONE_MS = 170;
const TONE_POLL_MS = 50;

export function isDtmfKey(key) {
    return typeof key === "string" && DTMF_KEY.test(key);
}

/** The RTCDTMFSender of a session, or null while there is none. */
export function dtmfSenderOf(session) {
    const pc = session?.sessionDescriptionHandler?.peerConnection;
    const sender = pc?.getSenders?.().find((s) => s.dtmf);
    return sender ? sender.dtmf : null;
}

/** Mask a DTMF string for display: the digits never show, only their count. */
export function maskDtmf(tones) {
    return (tones || "").replace(/[0-9A-Da-d*]/g, "•");
}

function infoOptions(tone, requestDelegate) {
    return {
        requestDelegate,
        requestOptions: {
            body: {
                contentDisposition: "render",
                contentType: "application/dtmf-relay",
                content: `Signal=${tone}\r\nDuration=160`,
            },
        },
    };
}

/**
 * Send one SIP INFO and wait for the far end's answer.
 *
 * @returns {Promise<boolean>} true once a 2xx came back; false on a
 *   rejection, a failure to send or no answer within Timer F
 */
export function sendInfoTone(session, tone, {timers} = {}) {
    const clock = timers || window;
    return new Promise((resolve) => {
        let timeout = null;
        const settle = (ok) => {
            clock.clearTimeout(timeout);
            resolve(ok);
        };
        timeout = clock.setTimeout(() => settle(false), INFO_ANSWER_TIMEOUT_MS);
        const delegate = {onAccept: () => settle(true), onReject: () => settle(false)};
        Promise.resolve()
            .then(() => session.info(infoOptions(tone, delegate)))
            .catch(() => settle(false));
    });
}

/**
 * Send tones as SIP INFO: one request per digit, each sent once the previous
 * one was answered and `spacing` ms after it (a receptionist reading INFO
 * needs them apart, as Join sends them); a "," or ";" is a two-second pause.
 * With `spaceFirst`, the first digit waits `spacing` too (keys pressed one
 * after another). Resolves to true once the far end answered every request.
 */
export async function sendInfoTones(
    session,
    tones,
    {spacing = INFO_SPACING_MS, timers, spaceFirst = false} = {}
) {
    const wait = (ms) =>
        new Promise((resolve) => (timers || window).setTimeout(resolve, ms));
    let first = !spaceFirst;
    for (const tone of tones) {
        if (tone === "," || tone === ";") {
            await wait(PAUSE_MS);
            continue;
        }
        if (!isDtmfKey(tone)) {
            continue;
        }
        if (!first) {
            await wait(spacing);
        }
        first = false;
        if (session.state === TERMINATED) {
            return false;
        }
        if (!(await sendInfoTone(session, tone, {timers}))) {
            return false;
        }
    }
    return true;
}

/**
 * The in-call keypad: every DTMF key pressed reaches the far end, in order,
 * at any speed; other keys (Shift, Backspace, Tab...) are ignored.
 */
export class KeypadDtmf {
    /**
     * @param {Function} getSession the current SIP.js session, or null
     * @param {Object} [options]
     * @param {"auto"|"rfc4733"|"info"} [options.method] the PBX's method:
     *   "info" sends SIP INFO only, "rfc4733" the audio only, "auto" the
     *   audio and SIP INFO when the browser has no DTMF sender
     */
    constructor(getSession, {timers, method = "auto"} = {}) {
        this.getSession = getSession;
        this.timers = timers;
        this.method = method;
        this.infoQueue = Promise.resolve(true);
        this.infoSent = false;
        this.sent = "";
    }

    /** @returns {"sent"|"ignored"|"failed"} */
    press(key) {
        if (!isDtmfKey(key)) {
            return "ignored";
        }
        const session = this.getSession();
        if (!session) {
            return "failed";
        }
        const sender = this.method === "info" ? null : dtmfSenderOf(session);
        const sdh = session.sessionDescriptionHandler;
        if (sender && sdh) {
            // Queue behind the tones still playing instead of replacing them.
            let ok = false;
            try {
                ok = sdh.sendDtmf((sender.toneBuffer || "") + key);
            } catch {
                ok = false;
            }
            if (ok) {
                this.sent += key;
                return "sent";
            }
        }
        if (this.method === "rfc4733") {
            return "failed";
        }
        this.sent += key;
        // One queue: each INFO waits for the previous one's answer and is
        // spaced from it like Join's.
        const spaceFirst = this.infoSent;
        this.infoSent = true;
        const send = () =>
            sendInfoTones(session, key, {timers: this.timers, spaceFirst});
        this.infoQueue = this.infoQueue.then(send, send);
        return "sent";
    }
}

/**
 * Join a room: once the call is established AND its media connected, wait
 * for the digital receptionist (`delayMs`, counted from media connected),
 * then send `dtmf` (the code and its "#") in ONE sendDtmf call; SIP INFO when
 * that returns false, when no media connects within `mediaTimeoutMs`, or when
 * `method` is "info". SIP INFO waits for the media too: the receptionist
 * listens only once the far end's media is up, and an INFO sent 3 ms before
 * it was seen lost its first digit. Nothing is sent without a code, nor
 * after a hang-up.
 *
 * "sent" means the far end can have received the last tone: the browser's
 * tone buffer emptied and its last tone played (`tonechange` with an empty
 * tone), or the far end answered the last SIP INFO. A hang-up before then
 * is "incomplete", before anything was sent "cancelled".
 *
 * `onStatus(status)` receives "waiting", "sending", "sent", "failed",
 * "incomplete" or "cancelled".
 */
export class JoinSequencer {
    constructor({
        session,
        dtmf,
        delayMs = 2000,
        method = "auto",
        mediaTimeoutMs = MEDIA_TIMEOUT_MS,
        timers = window,
        onStatus = () => {},
    }) {
        Object.assign(this, {
            session,
            dtmf,
            delayMs,
            method,
            mediaTimeoutMs,
            timers,
            onStatus,
        });
        this.status = "idle";
        this.timeouts = [];
        this.done = false;
    }

    start() {
        if (!this.dtmf) {
            this._set("sent"); // nothing to send: never a lone "#"
            this.done = true;
            return;
        }
        this._set("waiting");
        this.session.stateChange.addListener((state) => this._onState(state));
        if (this.session.state === ESTABLISHED) {
            this._onEstablished();
        } else if (this.session.state === TERMINATED) {
            this.cancel();
        }
    }

    cancel() {
        if (this.done) {
            return;
        }
        this.done = true;
        this._stopWatching();
        this._set(this.status === "sending" ? "incomplete" : "cancelled");
    }

    _stopWatching() {
        for (const id of this.timeouts) {
            this.timers.clearTimeout(id);
        }
        this.timeouts = [];
        if (this.toneSender) {
            this.toneSender.removeEventListener?.("tonechange", this._onToneChange);
            this.toneSender = null;
        }
    }

    _finish(status) {
        if (this.done) {
            return;
        }
        this.done = true;
        this._stopWatching();
        this._set(status);
    }

    /** "sent" once the browser played the last tone, not when it took them. */
    _watchToneBuffer() {
        const sender = dtmfSenderOf(this.session);
        if (!sender) {
            // No buffer to watch: wait the time the tones take to play.
            const pauses = (this.dtmf.match(/,/g) || []).length;
            const tones = this.dtmf.length - pauses;
            this._later(tones * TONE_MS + pauses * PAUSE_MS, () =>
                this._finish("sent")
            );
            return;
        }
        this.toneSender = sender;
        this._onToneChange = (event) => {
            if (event.tone === "") {
                this._finish("sent");
            }
        };
        sender.addEventListener?.("tonechange", this._onToneChange);
        // Should the last tonechange be missed, the emptied buffer tells too
        // (it empties when the last tone starts: one tone more).
        const poll = () => {
            if (sender.toneBuffer === "") {
                this._later(TONE_MS, () => this._finish("sent"));
            } else {
                this._later(TONE_POLL_MS, poll);
            }
        };
        this._later(TONE_POLL_MS, poll);
    }

    _set(status) {
        this.status = status;
        this.onStatus(status);
    }

    _later(ms, fn) {
        this.timeouts.push(this.timers.setTimeout(fn, ms));
    }

    _onState(state) {
        if (state === ESTABLISHED) {
            this._onEstablished();
        } else if (state === TERMINATED) {
            this.cancel();
        }
    }

    _onEstablished() {
        if (this.done || this.established) {
            return;
        }
        this.established = true;
        const pc = this.session.sessionDescriptionHandler?.peerConnection;
        if (pc?.connectionState === "connected") {
            this._onMediaConnected();
            return;
        }
        const onChange = () => {
            if (pc.connectionState === "connected") {
                pc.removeEventListener?.("connectionstatechange", onChange);
                this._onMediaConnected();
            }
        };
        pc?.addEventListener?.("connectionstatechange", onChange);
        // No media in time: the code still goes, as SIP INFO.
        this._later(this.mediaTimeoutMs, () => {
            if (!this.mediaConnected && !this.done) {
                pc?.removeEventListener?.("connectionstatechange", onChange);
                this._later(this.delayMs, () => this._sendInfo());
            }
        });
    }

    _onMediaConnected() {
        if (this.done || this.mediaConnected) {
            return;
        }
        this.mediaConnected = true;
        this._later(this.delayMs, () =>
            this.method === "info" ? this._sendInfo() : this._sendDtmf()
        );
    }

    _sendDtmf() {
        if (this.done) {
            return;
        }
        this._set("sending");
        let ok = false;
        try {
            // RTCDTMFSender knows "," (2 s); a wait ";" is played as a pause.
            const tones = this.dtmf.replaceAll(";", ",");
            ok = this.session.sessionDescriptionHandler.sendDtmf(tones);
        } catch {
            ok = false;
        }
        if (ok) {
            this._watchToneBuffer();
        } else if (this.method === "rfc4733") {
            this._finish("failed");
        } else {
            this._sendInfo();
        }
    }

    async _sendInfo() {
        if (this.done) {
            return;
        }
        this._set("sending");
        const ok = await sendInfoTones(this.session, this.dtmf, {timers: this.timers});
        this._finish(ok ? "sent" : "failed");
    }
}
