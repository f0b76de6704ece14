/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

/**
 * What voip_oca 19.0 offers no hook for, worked around here and nowhere
 * else. The hooks we would propose upstream, on `VoipAgent`:
 *
 * - `makeTarget(number)`: the URI that `call()` and `transfer()` dial. Both
 *   build `sip:<digits only>@<domain>` inline, so the "+" of an E.164
 *   number is lost and the PBX cannot tell +32... from a national 32....
 * - `resetCallState()`: what `_onHanghup()` does once the server ended the
 *   call (tones, audio, `inCall`, `session`, hold), callable without ending
 *   a `voip.call` on the server: a test-mode call was never recorded, and a
 *   conference made from a call ends each of its calls itself.
 */

/**
 * Run `placeCall` with voip_oca's request URI `stripped` replaced, once, by
 * `uri`. voip_oca's only seam is `SIP.UserAgent.makeURI`, which its `call()`
 * asks for right after `createCall()`: it is wrapped while the call is
 * placed, and restored after.
 *
 * @param {{stripped: string, uri: string}} target
 * @param {Function} placeCall
 */
export async function withSipTarget({stripped, uri}, placeCall) {
    const UserAgent = window.SIP?.UserAgent;
    if (!UserAgent) {
        return placeCall();
    }
    const makeURI = UserAgent.makeURI;
    let pending = true;
    UserAgent.makeURI = function (asked, ...rest) {
        if (pending && asked === stripped) {
            pending = false;
            asked = uri;
        }
        return makeURI.call(this, asked, ...rest);
    };
    try {
        return await placeCall();
    } finally {
        UserAgent.makeURI = makeURI;
    }
}

/**
 * voip_oca's end of a call without its `terminate_call`: the softphone is
 * free for the next call.
 *
 * @param {import("@voip_oca/services/voip_agent_service.esm").VoipAgent} agent
 */
export function resetCallState(agent) {
    agent.stopTone();
    agent.callAudio.srcObject = null;
    agent.callAudio.pause();
    agent.voip.inCall = false;
    agent.session = false;
    agent.isHolded = false;
}
