/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {KeypadDtmf} from "../dtmf/dtmf.esm";
import {answerInDialogRequests} from "../utils/sip_requests.esm";

/** How long a transfer may take before the host is told it failed. */
export const TRANSFER_TIMEOUT_MS = 15000;
/** How many times a re-INVITE refused with 491 (glare) is sent again. */
export const GLARE_RETRIES = 3;

/**
 * How long to wait before sending again a re-INVITE refused with 491
 * Request Pending (RFC 3261 §14.1): 2.1 to 4 s when this side owns the
 * Call-ID (it sent the initial INVITE), 0 to 2 s otherwise, in units of
 * 10 ms. The two sides thus retry at different moments.
 * @param {Boolean} ownsCallId
 * @param {Function} random () => [0, 1)
 * @returns {Number} milliseconds
 */
export function glareDelayMs(ownsCallId, random = Math.random) {
    const [low, high] = ownsCallId ? [210, 400] : [0, 200];
    const steps = Math.min(high - low, Math.floor(random() * (high - low + 1)));
    return (low + steps) * 10;
}

/** The SIP URI user part of a number: digits, "*", "#" and a leading "+". */
export function dialUser(number) {
    const text = String(number || "").trim();
    const digits = text.replace(/[^0-9*#]/g, "");
    return text.startsWith("+") ? `+${digits}` : digits;
}

/** The status line of a message/sipfrag body (RFC 3515 NOTIFY): {code, reason}. */
export function parseSipfrag(body) {
    const match = /^SIP\/2\.0\s+(\d{3})\s*([^\r\n]*)/.exec(String(body || "").trim());
    return match ? {code: Number(match[1]), reason: match[2].trim()} : null;
}

/**
 * One leg of the conference on the network: a SIP.js session of voip_oca's
 * UserAgent. Everything SIP goes through SIP.js's own API: `Inviter` to dial,
 * `session.invite({sessionDescriptionHandlerOptions: {hold}})` for a real
 * hold (re-INVITE, sendonly), `bye()`/`cancel()`, and
 * `session.refer(otherSession)` for the attended transfer (REFER with
 * Replaces, RFC 3891/5589), whose outcome arrives in NOTIFY (message/sipfrag).
 *
 * `onMedia(leg)` is called whenever the session's media changed (an offer
 * sent, early media, the answer) so the conference can (re)wire its audio.
 *
 * `random` and `timers` (setTimeout) are the glare retry's; `ownsCallId`
 * says whether the host sent the initial INVITE (by default: the session
 * is SIP.js's Inviter).
 */
export class SipLeg {
    constructor({
        userAgent,
        domain,
        number,
        callbacks,
        onMedia = () => undefined,
        session,
        ownsCallId,
        random = Math.random,
        timers = window,
    }) {
        this.userAgent = userAgent;
        this.number = number;
        this.domain = domain;
        this.callbacks = callbacks || {};
        this.onMedia = onMedia;
        this.session = session || null;
        this.keypad = new KeypadDtmf(() => this.session);
        this.ended = false;
        this._ownsCallId = ownsCallId;
        this.random = random;
        this.timers = timers;
        if (session) {
            this._watch(session);
        }
    }

    get sdh() {
        return this.session?.sessionDescriptionHandler || null;
    }

    /** The host sent the initial INVITE of this leg's dialog. */
    get ownsCallId() {
        if (this._ownsCallId !== undefined) {
            return this._ownsCallId;
        }
        const Inviter = window.SIP?.Inviter;
        return Boolean(Inviter && this.session instanceof Inviter);
    }

    async dial() {
        const SIP = window.SIP;
        const user = dialUser(this.number);
        const target = SIP.UserAgent.makeURI(`sip:${user}@${this.domain}`);
        if (!user || !target) {
            throw new Error(`Invalid number: ${this.number}`);
        }
        // Early media: both parties hear the progress (ringback) of the one
        // being added.
        this.session = new SIP.Inviter(this.userAgent, target, {earlyMedia: true});
        this._watch(this.session);
        await this.session.invite({
            requestDelegate: {
                onProgress: () => this.onMedia(this),
                onReject: () => this._ended("rejected"),
            },
        });
        // The offer is out: the sender exists and can carry the mix.
        this.onMedia(this);
    }

    /**
     * Real hold: a re-INVITE whose offer is sendonly (SIP.js's hold
     * modifier), or sendrecv again. When it crosses the far end's own
     * re-INVITE both sides get 491 Request Pending: it is sent again after
     * glareDelayMs, at most GLARE_RETRIES times, each retry reported through
     * `callbacks.onRetrying({attempt, max})`. Resolves true once accepted,
     * false when the leg ended meanwhile; rejects with the final refusal.
     */
    async hold(onHold) {
        for (let attempt = 0; ; attempt++) {
            if (this.ended) {
                return false;
            }
            const response = await this._reinvite(onHold);
            if (!response) {
                // As SIP.js's SimpleUser does: no sound either way.
                this.sdh?.enableReceiverTracks(!onHold);
                this.sdh?.enableSenderTracks(!onHold);
                return true;
            }
            const {statusCode, reasonPhrase} = response.message || {};
            if (statusCode !== 491 || attempt >= GLARE_RETRIES) {
                throw new Error(
                    statusCode ? `${statusCode} ${reasonPhrase}` : "no answer"
                );
            }
            this.callbacks.onRetrying?.({attempt: attempt + 1, max: GLARE_RETRIES});
            const delay = glareDelayMs(this.ownsCallId, this.random);
            await new Promise((resolve) => this.timers.setTimeout(resolve, delay));
        }
    }

    /** One re-INVITE: resolves null once accepted, else the refusal. */
    async _reinvite(onHold) {
        const response = await new Promise((resolve, reject) => {
            this.session
                .invite({
                    requestDelegate: {
                        onAccept: () => resolve(null),
                        onReject: (refusal) => resolve(refusal),
                    },
                    sessionDescriptionHandlerOptions: {hold: onHold},
                })
                .catch(reject);
        });
        if (response) {
            await this._rollbackOffer();
        }
        return response;
    }

    /**
     * After a refused re-INVITE the session must be as if it was never
     * sent (RFC 3261 §14.1). SIP.js 0.21 rolls back its dialog but its web
     * SessionDescriptionHandler has no rollbackDescription(): the peer
     * connection stays in have-local-offer and the next offer fails
     * ("Invalid signaling state have-local-offer"). Roll it back here.
     */
    async _rollbackOffer() {
        const peerConnection = this.sdh?.peerConnection;
        if (peerConnection?.signalingState === "have-local-offer") {
            await peerConnection.setLocalDescription({type: "rollback"});
        }
    }

    async hangUp() {
        const SIP = window.SIP;
        this.ended = true;
        const session = this.session;
        if (!session) {
            return;
        }
        switch (session.state) {
            case SIP.SessionState.Initial:
            case SIP.SessionState.Establishing:
                if (session instanceof SIP.Inviter) {
                    await session.cancel();
                } else {
                    await session.reject();
                }
                break;
            case SIP.SessionState.Established:
                await session.bye();
                break;
        }
    }

    /**
     * REFER this leg's party to the other leg's party, with Replaces: the
     * party calls the other one, whose dialog with the host is replaced.
     * Resolves {ok: true} on a NOTIFY of a 2xx, else {ok: false, reason}.
     */
    transferTo(other, {timeoutMs = TRANSFER_TIMEOUT_MS} = {}) {
        return new Promise((resolve) => {
            let done = false;
            const finish = (result) => {
                if (!done) {
                    done = true;
                    window.clearTimeout(timer);
                    resolve(result);
                }
            };
            const timer = window.setTimeout(
                () => finish({ok: false, reason: "timeout"}),
                timeoutMs
            );
            this.session
                .refer(other.session, {
                    requestDelegate: {
                        onReject: (response) =>
                            finish({
                                ok: false,
                                reason: `${response.message.statusCode} ${response.message.reasonPhrase}`,
                            }),
                    },
                    onNotify: (notification) => {
                        notification.accept();
                        const status = parseSipfrag(notification.request.body);
                        if (!status || status.code < 200) {
                            return;
                        }
                        finish(
                            status.code < 300
                                ? {ok: true}
                                : {ok: false, reason: `${status.code} ${status.reason}`}
                        );
                    },
                })
                .catch((error) => finish({ok: false, reason: error.message}));
        });
    }

    sendKey(key) {
        return this.keypad.press(key);
    }

    _watch(session) {
        const SIP = window.SIP;
        answerInDialogRequests(session);
        session.delegate = {
            ...(session.delegate || {}),
            onBye: () => this._ended("hangup"),
        };
        session.stateChange.addListener((state) => {
            if (state === SIP.SessionState.Established) {
                this.onMedia(this);
                this.callbacks.onAnswered?.();
            } else if (state === SIP.SessionState.Terminated) {
                this._ended("hangup");
            }
        });
    }

    _ended(reason) {
        // After the host's own BYE/CANCEL the conference already knows the
        // reason and ignores this report.
        this.ended = true;
        this.callbacks.onEnded?.(reason);
    }
}
