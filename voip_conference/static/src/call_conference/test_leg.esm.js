/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

export const TEST_RING_MS = 1500;

/**
 * A leg in test mode (no SIP session): it rings for `ringMs`, then answers;
 * hold, hang-up and transfer succeed at once; keypad tones go nowhere. The
 * conference's states, the call view and the mixing plan run exactly as in
 * production, for Hoot tests and demos.
 */
export class TestLeg {
    constructor(callbacks = {}, {ringMs = TEST_RING_MS, timers = window} = {}) {
        this.callbacks = callbacks;
        this.ringMs = ringMs;
        this.timers = timers;
        this.timeout = null;
        this.ended = false;
    }

    async dial() {
        this.timeout = this.timers.setTimeout(() => {
            this.timeout = null;
            if (!this.ended) {
                this.callbacks.onAnswered?.();
            }
        }, this.ringMs);
    }

    async hold() {
        return true;
    }

    async hangUp() {
        this.ended = true;
        if (this.timeout) {
            this.timers.clearTimeout(this.timeout);
            this.timeout = null;
        }
    }

    async transferTo() {
        return {ok: true};
    }

    sendKey() {
        return "test";
    }
}
