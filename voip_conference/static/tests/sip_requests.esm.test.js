/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {describe, expect, test} from "@odoo/hoot";
import {SipLeg} from "@voip_conference/call_conference/sip_leg.esm";
import {answerInDialogRequests} from "@voip_conference/utils/sip_requests.esm";
import {patchWithCleanup} from "@web/../tests/web_test_helpers";

describe.current.tags("headless");

/** An incoming in-dialog request: logs the answer it gets, once. */
function incoming(method, log) {
    let answered = false;
    return {
        method,
        get acceptable() {
            return !answered;
        },
        get rejectable() {
            return !answered;
        },
        accept() {
            answered = true;
            log.push(`200 to ${method}`);
        },
        reject({statusCode}) {
            answered = true;
            log.push(`${statusCode} to ${method}`);
        },
    };
}

/** SIP.js 0.21's Session, as far as in-dialog requests go. */
class FakeSession {
    constructor() {
        this.state = "Established";
        this.delegate = {};
        this.listeners = [];
        this.stateChange = {addListener: (fn) => this.listeners.push(fn)};
    }
    onByeRequest(request) {
        if (this.state !== "Established") {
            return; // "dropping request"
        }
        if (this.delegate.onBye) {
            this.delegate.onBye({accept: () => request.accept()});
        } else {
            request.accept();
        }
        this.state = "Terminated";
        this.listeners.forEach((fn) => fn("Terminated"));
    }
    onNotifyRequest(request) {
        if (this.state !== "Established") {
            return;
        }
        request.accept();
    }
}

function withSip() {
    patchWithCleanup(window, {
        SIP: {SessionState: {Established: "Established", Terminated: "Terminated"}},
    });
}

test("a party's BYE to a conference leg gets its 200, and the leg ends", () => {
    withSip();
    const log = [];
    const session = new FakeSession();
    const sipLeg = new SipLeg({session});
    session.onByeRequest(incoming("BYE", log));
    expect(log).toEqual(["200 to BYE"]);
    expect(sipLeg.ended).toBe(true);
});

test("a BYE crossing the host's own BYE still gets its 200", () => {
    const log = [];
    const session = answerInDialogRequests(new FakeSession());
    session.state = "Terminating"; // the host's BYE is out, unanswered yet
    session.onByeRequest(incoming("BYE", log));
    session.onNotifyRequest(incoming("NOTIFY", log));
    expect(log).toEqual(["200 to BYE", "481 to NOTIFY"]);
});

test("a delegate that answers the BYE itself answers it once", () => {
    const log = [];
    const session = new FakeSession();
    session.delegate = {onBye: (bye) => bye.accept()};
    answerInDialogRequests(answerInDialogRequests(session));
    session.onByeRequest(incoming("BYE", log));
    expect(log).toEqual(["200 to BYE"]);
});
