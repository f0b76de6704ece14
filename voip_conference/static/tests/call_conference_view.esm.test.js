/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {
    click,
    contains,
    insertText,
    mailModels,
    start,
} from "@mail/../tests/mail_test_helpers";
import {
    defineModels,
    getService,
    onRpc,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import {expect, test} from "@odoo/hoot";
import {advanceTime} from "@odoo/hoot-mock";
import {TEST_RING_MS, TestLeg} from "@voip_conference/call_conference/test_leg.esm";
import {session} from "@web/session";
import {voipModels} from "@voip_oca/../tests/voip_test_helpers.esm";

defineModels({...mailModels, ...voipModels});

const A = "+3225550111";
const B = "+3225550122";
const C = "8003";

let testMaxParties = 5;

/**
 * The server side, as the widget sees it; every call is logged as a step.
 * Test mode records nothing (the call lives in the browser tab only): every
 * test checks that no step was logged.
 */
function mockServer({maxParties = 5} = {}) {
    testMaxParties = maxParties;
    let id = 0;
    const calls = {};
    const format = (call) => ({
        id: call.id,
        typeCall: "outgoing",
        phoneNumber: call.number,
        state: call.state,
        display_name: call.number,
        partner: false,
        createDate: "2026-11-30 10:00:00",
        startDate: false,
        endDate: false,
    });
    const newCall = (number) => {
        id += 1;
        calls[id] = {id, number, state: "calling"};
        return format(calls[id]);
    };
    onRpc("voip.call", "create_call", ({args}) => {
        expect.step(`call ${args[0].phone_number}`);
        return newCall(args[0].phone_number);
    });
    onRpc("voip.call", "terminate_call", ({args}) => {
        expect.step(`terminate ${calls[args[0][0]].number}`);
        return format(calls[args[0][0]]);
    });
    onRpc("voip.call.conference", "start_from_call", ({args}) => {
        expect.step(`conference of ${calls[args[0]].number}`);
        return {id: 1, max_parties: maxParties};
    });
    onRpc("voip.call.conference", "add_leg", ({args}) => {
        expect.step(`add ${args[1].phone_number}`);
        return newCall(args[1].phone_number);
    });
    onRpc("voip.call.conference", "answer_leg", ({args}) => {
        expect.step(`answered ${calls[args[1]].number}`);
        calls[args[1]].state = "ongoing";
        return format(calls[args[1]]);
    });
    // phonenumbers' international format, for the numbers of these tests.
    onRpc("voip.call.conference", "format_numbers", ({args}) =>
        Object.fromEntries(
            args[0].map((number) => {
                const d = number.replace(/\D/g, "");
                return [
                    number,
                    number.startsWith("+32") && d.length === 10
                        ? `+32 ${d[2]} ${d.slice(3, 6)} ${d.slice(6, 8)} ${d.slice(8)}`
                        : number,
                ];
            })
        )
    );
    onRpc("voip.call.conference", "end_leg", ({args}) => {
        expect.step(`ended ${calls[args[1]].number} ${args[2]}`);
        calls[args[1]].state = "terminated";
        return format(calls[args[1]]);
    });
}

/** The softphone in test mode (no SIP session), in a call with A. */
async function inCallWithA() {
    const tones = {dialtone: "", calltone: "", ringbacktone: ""};
    patchWithCleanup(session, {
        ...session,
        voip: {pbx_id: 1, mode: "test", tones, adhoc_max_parties: testMaxParties},
    });
    patchWithCleanup(window.HTMLMediaElement.prototype, {
        play: () => Promise.resolve(),
        pause: () => undefined,
    });
    const env = await start();
    await click(".o_menu_systray .o_nav_entry[title='Softphone']");
    await click(".o_voip_softphone button[title='Open Numpad']");
    await insertText(".o_voip_softphone .o_numpad_input", A);
    await click(".o_voip_softphone button[title='Call']");
    await contains(".o_voip_adhoc_add");
    return env.services.voip_agent_oca;
}

async function add(number, button) {
    await insertText(".o_voip_adhoc_number", number, {replace: true});
    await click(`.o_voip_adhoc_${button}`);
}

const party = (number) => `.o_voip_adhoc_party[data-number='${number}']`;

test("call view: single step, consult, merge with a choice, disconnect, end for all", async () => {
    mockServer();
    await inCallWithA();
    // Single step: B is dialled, A stays connected, B rings.
    await add(B, "conference");
    await contains(".o_voip_adhoc_party", {count: 2});
    await contains(`${party(A)}[data-state='connected']`);
    await contains(`${party(B)}[data-state='ringing'] .o_voip_adhoc_party_state`, {
        text: "Ringing",
    });
    await advanceTime(TEST_RING_MS);
    await contains(`${party(B)}[data-state='connected']`);
    await advanceTime(3000);
    await contains(`${party(B)} .o_voip_adhoc_party_duration`, {text: "00:03"});
    // Transfer and Pause are voip_oca's one-call actions: not in a conference.
    await contains(".o_voip_softphone button[title='Transfer']", {count: 0});
    // Consult C: A and B on hold, C rings.
    await add(C, "consult");
    await contains(".o_voip_adhoc_party[data-state='held']", {count: 2});
    await contains(`${party(C)}[data-state='ringing']`);
    await contains(`${party(A)} .o_voip_adhoc_party_state`, {text: "On hold"});
    await advanceTime(TEST_RING_MS);
    await contains(`${party(C)}[data-state='connected']`);
    // Two calls on hold: Merge asks which; "Merge selected" is then the
    // one Merge offered.
    await click(".o_voip_adhoc_merge");
    await contains(".o_voip_adhoc_merge_choice .form-check", {count: 2});
    await contains(".o_voip_adhoc_merge", {count: 0});
    await click(".o_voip_adhoc_merge_choice input:first");
    await click(".o_voip_adhoc_merge_chosen");
    await contains(`${party(A)}[data-state='connected']`);
    await contains(`${party(B)}[data-state='held']`);
    // Retrieve B (a labelled button): the others go on hold.
    await contains(`${party(B)} .o_voip_adhoc_retrieve`, {text: "Retrieve"});
    await click(`${party(B)} .o_voip_adhoc_retrieve`);
    await contains(`${party(B)}[data-state='connected']`);
    await contains(".o_voip_adhoc_party[data-state='held']", {count: 2});
    // Disconnect B only.
    await click(`${party(B)} .o_voip_adhoc_disconnect`);
    await contains(".o_voip_adhoc_party", {count: 2});
    // End for all, after a confirmation.
    await click(".o_voip_adhoc_end");
    await contains(".modal", {text: "Every party will be disconnected."});
    await click(".modal button", {text: "End for everyone"});
    await contains(".o_voip_adhoc_party", {count: 0});
    await contains(".o_voip_softphone button[title='Open Numpad']");
    expect.verifySteps([]);
});

test("call view: the red button in a conference asks before ending it for all", async () => {
    mockServer();
    await inCallWithA();
    await add(B, "conference");
    await contains(".o_voip_adhoc_party", {count: 2});
    await click(".o_voip_softphone_footer .text-danger[title='Call']");
    await contains(".modal", {text: "Every party will be disconnected."});
    await click(".modal button", {text: "Cancel"});
    await contains(".o_voip_adhoc_party", {count: 2});
    expect.verifySteps([]);
});

test("call view: leave hands the two others a direct call", async () => {
    mockServer();
    await inCallWithA();
    await add(B, "conference");
    await contains(".o_voip_adhoc_leave", {count: 0}); // B still rings
    await advanceTime(TEST_RING_MS);
    await click(".o_voip_adhoc_leave");
    await contains(".o_voip_adhoc_party", {count: 0});
    expect.verifySteps([]);
});

test("call view: leave refused, the host is told why and stays", async () => {
    mockServer();
    await inCallWithA();
    const callConference = getService("voip_conference.call_conference");
    await add(B, "conference");
    await advanceTime(TEST_RING_MS);
    const [first] = callConference.conference.legs;
    first.driver.transferTo = async () => ({ok: false, reason: "603 Declined"});
    await click(".o_voip_adhoc_leave");
    await contains(".o_voip_adhoc_error", {
        text: "The transfer was refused (603 Declined): you are still in the conference.",
    });
    await contains(".o_voip_adhoc_party[data-state='connected']", {count: 2});
    expect.verifySteps([]);
});

test("call view: a held call stays held, the new party gets a two-way call", async () => {
    mockServer();
    const agent = await inCallWithA();
    const callConference = getService("voip_conference.call_conference");
    agent.isHolded = true; // the host paused A (voip_oca's Pause)
    await add(B, "conference");
    await contains(`${party(A)}[data-state='held']`);
    await advanceTime(TEST_RING_MS);
    await contains(`${party(B)}[data-state='connected']`);
    const plan = callConference.conference.mixPlan();
    const [a, b] = callConference.conference.legs;
    expect(plan).toEqual({host: [b.id], legs: {[a.id]: [], [b.id]: ["host"]}});
    expect.verifySteps([]);
});

test("call view: no more parties than the PBX allows, and the keypad target", async () => {
    mockServer({maxParties: 2});
    await inCallWithA();
    await add(B, "conference");
    await contains(".o_voip_adhoc_add", {count: 0}); // full: nothing to add
    await contains(`${party(B)}.active`);
    await click(`${party(A)} .o_voip_adhoc_party_name`);
    await contains(`${party(A)}.active`);
    await click(".o_voip_softphone_footer button[title='Open Numpad']");
    await contains(".o_voip_adhoc_keypad_target", {text: `Keypad tones to: ${A}`});
    expect(getService("voip_conference.join").sendKey("5")).toBe("test");
    expect.verifySteps([]);
});

test("call view: an empty number is refused with a message, nothing dialled", async () => {
    mockServer();
    await inCallWithA();
    await click(".o_voip_adhoc_conference");
    await contains(".o_voip_adhoc_error", {text: "Enter or pick a number to call."});
    await contains(".o_voip_adhoc_party", {count: 0});
    expect.verifySteps([]);
});

test("call view: two parties added in a row both join the one conference", async () => {
    mockServer();
    await inCallWithA();
    const callConference = getService("voip_conference.call_conference");
    await Promise.all([
        callConference.add({number: B}, "single"),
        callConference.add({number: C}, "single"),
    ]);
    await contains(".o_voip_adhoc_party", {count: 3});
    // Both in the one conference; which of the two came first does not matter.
    expect(callConference.conference.legs.map((leg) => leg.number).sort()).toEqual(
        [A, B, C].sort()
    );
    expect.verifySteps([]);
});

test("call view: a call coming in during a conference gets busy, nothing else", async () => {
    mockServer();
    const agent = await inCallWithA();
    await add(B, "conference");
    await contains(".o_voip_adhoc_party", {count: 2});
    const rejected = [];
    await agent.onInvite({
        reject: (options) => rejected.push(options.statusCode),
        remoteIdentity: {uri: {user: "8009"}},
        stateChange: {addListener: () => undefined},
    });
    expect(rejected).toEqual([486]);
    await contains(".o_voip_adhoc_party", {count: 2});
    expect.verifySteps([]);
});

test("call view: a party reads as the contact whose phone it is, however written", async () => {
    mockServer();
    const agent = await inCallWithA();
    agent.store["res.partner"].insert({
        id: 4242,
        name: "Ann Example",
        phone: "+32 2 555 01 11",
    });
    await add(B, "conference");
    await contains(`${party(A)} .o_voip_adhoc_party_name`, {text: "Ann Example"});
    await contains(`${party(B)} .o_voip_adhoc_party_name`, {text: "Unknown contact"});
    expect.verifySteps([]);
});

test("call view: every party's number is written one way, as contacts' are", async () => {
    mockServer();
    await inCallWithA(); // typed: +3225550111
    await add("+32 2 555 01 22", "conference"); // as a contact's phone reads
    await add(C, "conference"); // an extension stays as it is
    await contains(`${party(A)} .o_voip_adhoc_party_number`, {text: "+32 2 555 01 11"});
    await contains(
        `.o_voip_adhoc_party[data-number='+32 2 555 01 22'] .o_voip_adhoc_party_number`,
        {
            text: "+32 2 555 01 22",
        }
    );
    await contains(`${party(C)} .o_voip_adhoc_party_number`, {text: C});
    expect.verifySteps([]);
});

test("call view: the add field is emptied once the party is dialled", async () => {
    mockServer();
    // As a SIP INVITE does, dialling takes a while: here until the test says.
    let dialled = null;
    patchWithCleanup(TestLeg.prototype, {
        async dial() {
            await super.dial();
            await new Promise((resolve) => (dialled = resolve));
        },
    });
    await inCallWithA();
    await add(B, "conference");
    await contains(`${party(B)}[data-state='ringing']`);
    await contains(".o_voip_adhoc_number", {value: ""});
    dialled();
    await advanceTime(TEST_RING_MS);
    await contains(`${party(B)}[data-state='connected']`);
    await contains(".o_voip_adhoc_number", {value: ""});
    expect.verifySteps([]);
});

test("call view: a conference offers no Actions of one contact", async () => {
    mockServer();
    await inCallWithA();
    await contains(".o_voip_softphone button[title='Schedule activity']");
    await add(B, "conference");
    await contains(".o_voip_adhoc_party", {count: 2});
    await contains(".o_voip_softphone button[title='Schedule activity']", {count: 0});
    await contains(".o_voip_softphone_content span:contains('Actions')", {count: 0});
    expect.verifySteps([]);
});

test("call view: the parties scroll, the controls stay pinned under them", async () => {
    mockServer();
    await inCallWithA();
    await add(B, "conference");
    await contains(".o_voip_call_body .o_voip_adhoc_party", {count: 2});
    // Out of the scrolling part: the add field, the actions, the hang-up row.
    await contains(".o_voip_call_body .o_voip_adhoc_add", {count: 0});
    await contains(".o_voip_call_view > .o_voip_adhoc .o_voip_adhoc_add");
    await contains(".o_voip_call_view > .o_voip_adhoc .o_voip_adhoc_end");
    await contains(".o_voip_call_view > .o_voip_softphone_footer");
    expect.verifySteps([]);
});

test("call view: a hold crossing the party's own change says it tries again", async () => {
    mockServer();
    // A's hold re-INVITE met A's own (491): the driver retries, as told.
    let accepted = null;
    patchWithCleanup(TestLeg.prototype, {
        async hold() {
            this.callbacks.onRetrying?.({attempt: 1, max: 3});
            await new Promise((resolve) => (accepted = resolve));
            return true;
        },
    });
    await inCallWithA();
    await add(B, "consult");
    await contains(`${party(A)} .o_voip_adhoc_party_retrying`, {
        text: "The party was changing the call at the same moment: trying again (1 of 3)…",
    });
    accepted();
    await contains(`${party(A)}[data-state='held']`);
    await contains(".o_voip_adhoc_party_retrying", {count: 0});
    expect.verifySteps([]);
});

test("call view: Merge is offered only once the consulted party answered", async () => {
    mockServer();
    await inCallWithA();
    await add(B, "consult");
    await contains(`${party(A)}[data-state='held']`);
    await contains(`${party(B)}[data-state='ringing']`);
    await contains(".o_voip_adhoc_merge", {count: 0});
    await advanceTime(TEST_RING_MS);
    await contains(`${party(B)}[data-state='connected']`);
    await click(".o_voip_adhoc_merge");
    await contains(".o_voip_adhoc_party[data-state='connected']", {count: 2});
    expect.verifySteps([]);
});
