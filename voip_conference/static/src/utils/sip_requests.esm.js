/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

const answering = new WeakSet();
// A session's handlers of in-dialog requests (SIP.js's Session).
const IN_DIALOG_HANDLERS = [
    "onByeRequest",
    "onInfoRequest",
    "onInviteRequest",
    "onMessageRequest",
    "onNotifyRequest",
    "onReferRequest",
];

/**
 * Every in-dialog request the host receives gets its answer. SIP.js leaves
 * two kinds unanswered, and the far end then retransmits them for 32 s:
 * - a BYE handed to a delegate's `onBye` that does not accept it (voip_oca's
 *   does not, nor need ours): RFC 3261 §15.1.2, a BYE for an existing
 *   dialog MUST get a 2xx, so it gets one once the delegate has seen it;
 * - any request reaching a session no longer Established, for instance a
 *   party's BYE crossing the host's own BYE (Leave, End for everyone): a
 *   BYE gets 200, anything else 481 (the dialog is going).
 * SIP.js offers no hook for either: the session's handlers are wrapped.
 * @param {Object} session a SIP.js Session (Inviter or Invitation)
 */
export function answerInDialogRequests(session) {
    if (!session || answering.has(session)) {
        return session;
    }
    answering.add(session);
    for (const name of IN_DIALOG_HANDLERS) {
        const handler = session[name];
        if (typeof handler !== "function") {
            continue;
        }
        session[name] = function (request) {
            const established = session.state === "Established";
            try {
                if (established) {
                    return handler.call(session, request);
                }
            } finally {
                if (name === "onByeRequest" && request.acceptable) {
                    request.accept();
                } else if (!established && request.rejectable) {
                    request.reject({statusCode: 481});
                }
            }
        };
    }
    return session;
}
