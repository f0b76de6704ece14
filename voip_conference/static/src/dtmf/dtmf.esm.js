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
const DTMF_KEY = /^[0-9A-Da-d*#]$/;
export const PAUSE_MS = 2000; // "," in a dial string
export const INFO_SPACING_MS = 250;
export const MEDIA_TIMEOUT_MS = 5000;

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

function infoOptions(tone) {
    return {
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
 * Send tones as SIP INFO: one request per digit, `spacing` ms apart, a "," is
 * a two-second pause. Resolves to true when every request was sent.
 */
export async function sendInfoTones(
    session,
    tones,
    {spacing = INFO_SPACING_MS, timers} = {}
) {
    const wait = (ms) =>
        new Promise((resolve) => (timers || window).setTimeout(resolve, ms));
    let first = true;
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
        try {
            await session.info(infoOptions(tone));
        } catch {
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
    constructor(getSession, {timers} = {}) {
        this.getSession = getSession;
        this.timers = timers;
        this.infoQueue = Promise.resolve(true);
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
        const sender = dtmfSenderOf(session);
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
        this.sent += key;
        const send = () => sendInfoTones(session, key, {timers: this.timers});
        this.infoQueue = this.infoQueue.then(send, send);
        return "sent";
    }
}

/**
 * Join a room: once the call is established AND its media connected, wait
 * for the digital receptionist (`delayMs`, counted from media connected),
 * then send `dtmf` (the code and its "#") in ONE sendDtmf call; SIP INFO when
 * that returns false, when no media connects within `mediaTimeoutMs`, or when
 * `method` is "info". Nothing is sent without a code, nor after a hang-up.
 *
 * `onStatus(status)` receives "waiting", "sending", "sent", "failed" or
 * "cancelled".
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
        for (const id of this.timeouts) {
            this.timers.clearTimeout(id);
        }
        this._set("cancelled");
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
        if (this.method === "info") {
            this._later(this.delayMs, () => this._sendInfo());
            return;
        }
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
        this._later(this.delayMs, () => this._sendDtmf());
    }

    _sendDtmf() {
        if (this.done) {
            return;
        }
        this._set("sending");
        let ok = false;
        try {
            ok = this.session.sessionDescriptionHandler.sendDtmf(this.dtmf);
        } catch {
            ok = false;
        }
        if (ok) {
            this.done = true;
            this._set("sent");
        } else if (this.method === "rfc4733") {
            this.done = true;
            this._set("failed");
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
        if (this.status === "cancelled") {
            return;
        }
        this.done = true;
        this._set(ok ? "sent" : "failed");
    }
}
