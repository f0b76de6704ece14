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
    fields,
    getService,
    makeMockServer,
    models,
    onRpc,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import {Deferred, advanceTime, runAllTimers} from "@odoo/hoot-mock";
import {expect, test} from "@odoo/hoot";
import {queryOne, waitUntil} from "@odoo/hoot-dom";
import {JoinService} from "@voip_conference/join/join_service.esm";
import {VoipAgent} from "@voip_oca/services/voip_agent_service.esm";
import {registry} from "@web/core/registry";
import {session} from "@web/session";
import {Call} from "@voip_oca/components/call/call.esm";
import {VoipOCA} from "@voip_oca/services/voip_oca_service.esm";
import {voipModels} from "@voip_oca/../tests/voip_test_helpers.esm";

class VoipConference extends models.ServerModel {
    _name = "voip.conference";
    name = fields.Char();
    extension = fields.Char();
    has_access_code = fields.Boolean();
    pbx_id = fields.Many2one({relation: "voip.pbx"});
    incoming_number_ids = fields.One2many({
        relation: "voip.incoming.number",
        relation_field: "conference_id",
    });
    _records = [
        {
            id: 1,
            name: "Sales weekly",
            extension: "8001",
            has_access_code: true,
            pbx_id: 1,
        },
        {
            id: 2,
            name: "All hands",
            extension: "8003",
            has_access_code: false,
            pbx_id: 1,
        },
    ];
}

class VoipIncomingNumber extends models.ServerModel {
    _name = "voip.incoming.number";
    number = fields.Char();
    conference_id = fields.Many2one({relation: "voip.conference"});
    _records = [{id: 1, number: "+3225550100", conference_id: 2}];
}

defineModels({...mailModels, ...voipModels, VoipConference, VoipIncomingNumber});

function mockCalls() {
    let id = 0;
    onRpc("voip.call", "create_call", ({args}) => {
        const [values] = args;
        expect.step(
            `create_call ${values.phone_number} ${values.conference_id || "-"}`
        );
        id += 1;
        return {
            id,
            typeCall: "outgoing",
            phoneNumber: values.phone_number,
            state: "calling",
            display_name: values.phone_number,
            partner: false,
            creationDate: "2026-11-22 10:00:00",
            createDate: "2026-11-22 10:00:00",
            startDate: false,
            endDate: false,
        };
    });
    onRpc("voip.call", "terminate_call", ({args}) => ({
        id: args[0][0],
        state: "terminated",
    }));
    // Test mode records no call (test_mode.esm.test.js): what it would dial
    // is read where the agent creates its call in the browser.
    patchWithCleanup(VoipAgent.prototype, {
        createCall(options) {
            if (this.voip.mode !== "prod") {
                const room =
                    options.conference_id || this.joinService.pendingConference?.id;
                expect.step(`create_call ${options.phone_number} ${room || "-"}`);
            }
            return super.createCall(...arguments);
        },
    });
}

async function openSoftphone(voip = {}) {
    const tones = {dialtone: "", calltone: "", ringbacktone: ""};
    patchWithCleanup(session, {
        ...session,
        voip: {pbx_id: 1, mode: "test", tones, ...voip},
    });
    // Headless Chromium plays no sound.
    patchWithCleanup(window.HTMLMediaElement.prototype, {
        play: () => Promise.resolve(),
        pause: () => undefined,
    });
    await start();
    await click(".o_menu_systray .o_nav_entry[title='Softphone']");
}

test("Conferences tab: rooms of the PBX, search, lock, Join in test mode", async () => {
    mockCalls();
    // What the tab asks the server: rooms of the user's PBX by name,
    // extension or routed number.
    onRpc("voip.conference", "search_read", ({kwargs}) => {
        const {domain} = kwargs;
        expect.step(JSON.stringify(domain));
        const term = domain.length > 1 ? domain[3][2] : "";
        const rooms = [
            {id: 1, name: "Sales weekly", extension: "8001", has_access_code: true},
            {id: 2, name: "All hands", extension: "8003", has_access_code: false},
        ];
        return rooms.filter((room) => !term || room.extension.includes(term));
    });
    onRpc("voip.conference", "get_join_sequence", ({args}) => {
        expect.step(`get_join_sequence ${args[0]}`);
        return {
            id: 1,
            name: "Sales weekly",
            extension: "8001",
            dtmf: "1234#",
            delay_ms: 2000,
            dtmf_method: "auto",
        };
    });
    await openSoftphone();
    await click(".o_voip_softphone a[name='conference_list']");
    await contains(".o_voip_conference_item", {count: 2});
    await contains(".o_voip_conference_item:contains('Sales weekly') .fa-lock");
    await contains(".o_voip_conference_item:contains('All hands') .fa-lock", {
        count: 0,
    });
    await insertText(".o_voip_softphone input[placeholder='Search']", "800");
    await runAllTimers();
    await insertText(".o_voip_softphone input[placeholder='Search']", "1", {
        replace: false,
    });
    await runAllTimers();
    await contains(".o_voip_conference_item", {count: 1});
    await click(
        ".o_voip_conference_item:contains('Sales weekly') .o_voip_conference_join_button"
    );
    await contains(".o_voip_conference_call_room:contains('Sales weekly')");
    await contains(".o_voip_conference_join_digits:contains('••••#')");
    await contains(".o_voip_softphone:contains('1234')", {count: 0});
    expect.verifySteps([
        '[["pbx_id","=",1]]',
        '[["pbx_id","=",1],"|","|",["name","ilike","800"],["extension","ilike","800"],["incoming_number_ids.number","ilike","800"]]',
        '[["pbx_id","=",1],"|","|",["name","ilike","8001"],["extension","ilike","8001"],["incoming_number_ids.number","ilike","8001"]]',
        "get_join_sequence 1",
        "create_call 8001 1",
    ]);
});

test("Join within the search's 300 ms: no error once the box is gone", async () => {
    mockCalls();
    onRpc("voip.conference", "search_read", () => [
        {id: 1, name: "Sales weekly", extension: "8001", has_access_code: false},
    ]);
    onRpc("voip.conference", "get_join_sequence", () => ({
        id: 1,
        name: "Sales weekly",
        extension: "8001",
        dtmf: "",
        delay_ms: 0,
        dtmf_method: "auto",
    }));
    await openSoftphone();
    await click(".o_voip_softphone a[name='conference_list']");
    await contains(".o_voip_conference_item", {count: 1});
    await insertText(".o_voip_softphone input[placeholder='Search']", "Sales");
    // Join before the debounced search runs: the call view replaces the box.
    await click(".o_voip_conference_item .o_voip_conference_join_button");
    await contains(".o_voip_softphone input[placeholder='Search']", {count: 0});
    // voip_oca read the missing box here ("Cannot read properties of null"),
    // which Hoot reports as an error of this test.
    await runAllTimers();
    expect.verifySteps(["create_call 8001 1"]);
});

test("The search finds rooms by a routed number typed with blanks", async () => {
    await makeMockServer();
    const domains = [];
    const fakeVoip = {
        pbx_id: 1,
        orm: {
            searchRead: (model, domain) => {
                domains.push([model, domain]);
                return [];
            },
        },
    };
    await VoipOCA.prototype.searchConferences.call(fakeVoip, "+32 (2) 555-01");
    expect(domains).toEqual([
        [
            "voip.conference",
            [
                ["pbx_id", "=", 1],
                "|",
                "|",
                ["name", "ilike", "+32 (2) 555-01"],
                ["extension", "ilike", "+32 (2) 555-01"],
                ["incoming_number_ids.number", "ilike", "+32 (2) 555-01"],
            ],
        ],
    ]);
    expect(fakeVoip._conferences).toEqual([]);
});

test("One-tap string from the dial pad: dial the number, keep the rest for DTMF", async () => {
    mockCalls();
    await openSoftphone();
    await click(".o_voip_softphone button[title='Open Numpad']");
    await insertText(".o_voip_softphone .o_numpad_input", "8001,,1234#");
    await click(".o_voip_softphone button[title='Call']");
    await contains(".o_voip_conference_join_digits:contains('••••#')");
    expect.verifySteps(["create_call 8001 -"]);
    // Hang up: the dial pad is empty, the next Call does not redial.
    await click(".o_voip_softphone .text-danger[title='Call']");
    await click(".o_voip_softphone button[title='Open Numpad']");
    await contains(".o_voip_softphone .o_numpad_input", {value: ""});
});

test("A plain number works as in voip_oca: no DTMF, no status", async () => {
    mockCalls();
    await openSoftphone();
    await click(".o_voip_softphone button[title='Open Numpad']");
    await insertText(".o_voip_softphone .o_numpad_input", "+3225550100");
    await click(".o_voip_softphone button[title='Call']");
    await contains(".o_voip_softphone_content:contains('+3225550100')");
    await contains(".o_voip_conference_join", {count: 0});
    expect.verifySteps(["create_call +3225550100 -"]);
});

test("Join from a room's form or card: the client action asks Join", async () => {
    const joined = [];
    const action = registry.category("actions").get("voip_conference.join");
    await action(
        {services: {"voip_conference.join": {join: (source) => joined.push(source)}}},
        {params: {conference_id: 7}}
    );
    expect(joined).toEqual([{id: 7}]);
});

test("Opening the in-call keypad shows the digits sent, not the number dialled", () => {
    const call = {state: {numpad: false}, voip: {numpad: {value: "8001"}}};
    Call.prototype.onOpenNumpad.call(call);
    expect(call.state.numpad).toBe(true);
    expect(call.voip.numpad.value).toBe("");
    call.voip.numpad.value = "1#";
    Call.prototype.onOpenNumpad.call(call); // closing it keeps what was sent
    expect(call.state.numpad).toBe(false);
    expect(call.voip.numpad.value).toBe("1#");
});

// ---------------------------------------------------------------------------
// Issue 10: dialing correctness
// ---------------------------------------------------------------------------

const SALES = {
    id: 1,
    name: "Sales weekly",
    extension: "8001",
    dtmf: "1234#",
    delay_ms: 2000,
    dtmf_method: "auto",
};

/**
 * A SIP.js stand-in for production mode: what voip_oca asks of it.
 * ``inviteError``: every INVITE fails before it is sent, as SIP.js's does
 * when the offer cannot be made (the microphone refused): the session is
 * terminated and ``invite()`` rejects.
 */
function fakeSip({inviteError = null} = {}) {
    const invited = [];
    class Inviter {
        constructor(agent, target) {
            this.target = target;
            this.state = "Initial";
            this.listeners = [];
            this.stateChange = {
                addListener: (listener) => this.listeners.push(listener),
            };
            invited.push(this);
        }
        setState(state) {
            this.state = state;
            for (const listener of this.listeners) {
                listener(state);
            }
        }
        invite(options) {
            this.requestDelegate = options?.requestDelegate;
            if (inviteError) {
                // SIP.js makes its offer asynchronously, then gives up.
                return Promise.resolve().then(() => {
                    this.setState("Terminated");
                    throw inviteError;
                });
            }
            this.setState("Establishing");
            return Promise.resolve();
        }
        /** A final answer other than 2xx, as SIP.js reports it. */
        reject(code, reasonPhrase) {
            this.setState("Terminated");
            this.requestDelegate?.onReject?.({
                message: {statusCode: code, reasonPhrase},
            });
        }
        info(options) {
            expect.step(`INFO ${options.requestOptions.body.content.split("\r\n")[0]}`);
            options.requestDelegate?.onAccept?.({});
            return Promise.resolve();
        }
        refer(target) {
            expect.step(`REFER ${target.uri}`);
            return Promise.resolve();
        }
        cancel() {
            return Promise.resolve();
        }
        bye() {
            return Promise.resolve();
        }
    }
    const SIP = {
        UserAgent: {makeURI: (uri) => ({uri, user: uri.slice(4, uri.indexOf("@"))})},
        Inviter,
        SessionState: {
            Initial: "Initial",
            Establishing: "Establishing",
            Established: "Established",
            Terminating: "Terminating",
            Terminated: "Terminated",
        },
    };
    patchWithCleanup(window, {SIP});
    return invited;
}

test("A label's letters are never tones: one-tap pasted from an invitation", async () => {
    mockCalls();
    await openSoftphone();
    await click(".o_voip_softphone button[title='Open Numpad']");
    await insertText(
        ".o_voip_softphone .o_numpad_input",
        "+3225550100,,85012345678#,,,,*123456# BE (Brussels)"
    );
    await click(".o_voip_softphone button[title='Call']");
    // 85012345678# then four pauses then *123456#: nothing of "BE".
    await contains(
        ".o_voip_conference_join_digits:contains('•••••••••••#,,,,•••••••#')"
    );
    await contains(".o_voip_conference_join_digits:contains('#••')", {count: 0});
    expect.verifySteps(["create_call +3225550100 -"]);
});

test("E.164 numbers reach the PBX with their +, or its international prefix", async () => {
    mockCalls();
    const invited = fakeSip();
    await openSoftphone({mode: "prod", pbx_domain: "pbx.test"});
    const agent = getService("voip_agent_oca");
    const join = getService("voip_conference.join");
    await agent.call({number: "+32 2 555 01 00,,1234#"});
    expect(invited.map((inviter) => inviter.target.uri)).toEqual([
        "sip:+3225550100@pbx.test",
    ]);
    expect.verifySteps(["create_call +3225550100 -"]);
    const hangup = async () => {
        await agent.hangup();
        await waitUntil(() => !join.isBusy);
    };
    await hangup();
    // A PBX that wants 00... gets it.
    getService("voip_oca").international_prefix = "00";
    await agent.call({number: "+32 2 555 01 00"});
    expect(invited.at(-1).target.uri).toBe("sip:003225550100@pbx.test");
    await hangup();
    // Extensions and national numbers are dialled as they are.
    await agent.call({number: "02 555 01 00"});
    expect(invited.at(-1).target.uri).toBe("sip:025550100@pbx.test");
    await hangup();
    // Issue 24, 1: blanks between the pauses and the keys, as people type.
    await agent.call({number: "8001 , , 1234 #"});
    expect(invited.at(-1).target.uri).toBe("sip:8001@pbx.test");
    expect([join.sequencer.delayMs, join.sequencer.dtmf]).toEqual([4000, "1234#"]);
    await hangup();
    // Issue 24, 2: a wait is not a pause: nothing goes until the user asks.
    await agent.call({number: "8001;1234#"});
    expect(join.sequencer).toBe(null);
    expect(join.state.next).toBe("1234#");
    await hangup();
    expect(join.state.next).toBe("");
    expect.verifySteps([
        "create_call +3225550100 -",
        "create_call 025550100 -",
        "create_call 8001 -",
        "create_call 8001 -",
    ]);
});

/** Let time pass by small steps: each INFO waits for the previous answer. */
async function advanceBy(ms) {
    for (let elapsed = 0; elapsed < ms; elapsed += 50) {
        await advanceTime(50);
    }
}

/** The call is answered and its media connected (no DTMF sender: SIP INFO). */
function answer(inviter) {
    inviter.sessionDescriptionHandler = {
        peerConnection: {
            connectionState: "connected",
            getReceivers: () => [],
            getSenders: () => [],
            addEventListener: () => {},
            removeEventListener: () => {},
        },
        remoteMediaStream: {},
        sendDtmf: () => false,
        enableReceiverTracks: () => {},
        enableSenderTracks: () => {},
    };
    inviter.setState("Established");
}

test("A wait stops the dialling: the call view offers Send 1234# (issue 24, 2)", async () => {
    mockCalls();
    const invited = fakeSip();
    await openSoftphone({mode: "prod", pbx_domain: "pbx.test", dtmf_method: "info"});
    const agent = getService("voip_agent_oca");
    await agent.call({number: "+3225550100,,42#;1234#"});
    answer(invited.at(-1));
    // The part before the wait goes by itself, the rest waits for the user.
    await advanceBy(4000 + 2 * 250 + 100);
    expect.verifySteps([
        "create_call +3225550100 -",
        "INFO Signal=4",
        "INFO Signal=2",
        "INFO Signal=#",
    ]);
    await advanceTime(60000);
    expect.verifySteps([]);
    await click(".o_voip_conference_send_next:contains('Send 1234#')");
    await advanceBy(4 * 250 + 100);
    expect.verifySteps([
        "INFO Signal=1",
        "INFO Signal=2",
        "INFO Signal=3",
        "INFO Signal=4",
        "INFO Signal=#",
    ]);
    await contains(".o_voip_conference_send_next", {count: 0});
});

test("Join with a receptionist that waits: the user sends the code (issue 24, 2)", async () => {
    mockCalls();
    const invited = fakeSip();
    onRpc("voip.conference", "get_join_sequence", () => ({
        ...SALES,
        dtmf_method: "info",
        wait: true,
    }));
    await openSoftphone({mode: "prod", pbx_domain: "pbx.test"});
    await getService("voip_conference.join").join({id: 1});
    answer(invited.at(-1));
    await advanceTime(60000);
    expect.verifySteps(["create_call 8001 1"]);
    // The code never shows, only its length.
    await click(".o_voip_conference_send_next:contains('Send ••••#')");
    await advanceBy(4 * 250 + 100);
    expect.verifySteps([
        "INFO Signal=1",
        "INFO Signal=2",
        "INFO Signal=3",
        "INFO Signal=4",
        "INFO Signal=#",
    ]);
    await contains(".o_voip_conference_join_status:contains('Access code sent')");
});

test("Double-clicking Join places one call, without an error dialog", async () => {
    mockCalls();
    onRpc("voip.conference", "search_read", () => [
        {id: 1, name: "Sales weekly", extension: "8001", has_access_code: true},
    ]);
    const answer = new Deferred();
    onRpc("voip.conference", "get_join_sequence", async () => {
        expect.step("get_join_sequence");
        await answer;
        return SALES;
    });
    await openSoftphone();
    await click(".o_voip_softphone a[name='conference_list']");
    await contains(".o_voip_conference_item", {count: 1});
    const button = queryOne(".o_voip_conference_item .o_voip_conference_join_button");
    button.click();
    button.click();
    button.click();
    answer.resolve();
    await contains(".o_voip_conference_call_room:contains('Sales weekly')");
    await runAllTimers();
    await contains(".o_error_dialog", {count: 0});
    expect.verifySteps(["get_join_sequence", "create_call 8001 1"]);
});

test("Join or a one-tap while a call is up is refused with a clear message", async () => {
    mockCalls();
    onRpc("voip.conference", "get_join_sequence", () => {
        expect.step("get_join_sequence");
        return SALES;
    });
    await openSoftphone();
    await click(".o_voip_softphone button[title='Open Numpad']");
    await insertText(".o_voip_softphone .o_numpad_input", "+3225550199");
    await click(".o_voip_softphone button[title='Call']");
    await contains(".o_voip_softphone_content:contains('+3225550199')");
    expect.verifySteps(["create_call +3225550199 -"]);
    // Join from a room's form (the client action) and a contact's phone link.
    const action = registry.category("actions").get("voip_conference.join");
    await action(
        {services: {"voip_conference.join": getService("voip_conference.join")}},
        {
            params: {conference_id: 1},
        }
    );
    await getService("voip_agent_oca").call({number: "+32 2 555 01 00,,1234#"});
    await contains(".o_notification:contains('A call is in progress')", {count: 2});
    // The first call is still the one shown, with its controls.
    await contains(".o_voip_softphone_content:contains('+3225550199')");
    await contains(".o_voip_softphone .text-danger[title='Call']");
    expect.verifySteps([]);
});

test("In-call keypad: soft keyboard, paste and keys all send their tones", async () => {
    mockCalls();
    await openSoftphone();
    patchWithCleanup(JoinService.prototype, {
        sendKey(key) {
            expect.step(key);
            return "sent";
        },
    });
    await click(".o_voip_softphone button[title='Open Numpad']");
    await insertText(".o_voip_softphone .o_numpad_input", "8001");
    await click(".o_voip_softphone button[title='Call']");
    await contains(".o_voip_softphone .text-danger[title='Call']");
    await click(".o_voip_softphone button[title='Open Numpad']");
    await contains(".o_voip_softphone .o_numpad_input", {value: ""});
    const input = queryOne(".o_voip_softphone .o_numpad_input");
    const type = (key, inserted, inputType = "insertText") => {
        input.dispatchEvent(new window.KeyboardEvent("keydown", {key, bubbles: true}));
        if (inserted !== null) {
            input.value += inserted;
            input.dispatchEvent(
                new window.InputEvent("input", {
                    inputType,
                    data: inserted,
                    bubbles: true,
                })
            );
        }
    };
    // A mobile soft keyboard: key "Unidentified", the digit in the input.
    type("Unidentified", "5");
    type("Unidentified", "#");
    // A paste: no key at all.
    input.value += "12 34#";
    input.dispatchEvent(
        new window.InputEvent("input", {inputType: "insertFromPaste", bubbles: true})
    );
    // A hardware key: keydown then input, sent once.
    type("7", "7");
    // Shift, letters: nothing.
    type("Shift", null);
    type("b", "b");
    // A click on the keypad's own key.
    await click(".o_voip_softphone .o_numpad_button[name='9']");
    expect.verifySteps([
        "create_call 8001 -",
        "5",
        "#",
        "1",
        "2",
        "3",
        "4",
        "#",
        "7",
        "9",
    ]);
});

test("Conferences tab: a slower, older answer never replaces the newer one", async () => {
    const first = new Deferred();
    onRpc("voip.conference", "search_read", async ({kwargs}) => {
        const term = kwargs.domain.length > 1 ? kwargs.domain[3][2] : "";
        if (term === "oslo") {
            await first;
            return Array.from({length: 50}, (_, i) => ({
                id: 100 + i,
                name: `Oslo ${i}`,
                extension: `${9000 + i}`,
                has_access_code: false,
            }));
        }
        return term === "oslo 0999" ? [] : [SALES];
    });
    await openSoftphone();
    await click(".o_voip_softphone a[name='conference_list']");
    await contains(".o_voip_conference_item", {count: 1});
    await insertText(".o_voip_softphone input[placeholder='Search']", "oslo");
    await runAllTimers();
    await insertText(".o_voip_softphone input[placeholder='Search']", " 0999");
    await runAllTimers();
    await contains(".o_voip_conference_item", {count: 0});
    first.resolve(); // the answer to "oslo" comes last
    await runAllTimers();
    await contains(".o_voip_conference_item", {count: 0});
    // The search found nothing: not "you have no rooms".
    await contains(".o_voip_conference_empty", {text: "No room matches “oslo 0999”."});
});

test("Conferences tab: back from another tab, the list matches the box", async () => {
    onRpc("voip.conference", "search_read", ({kwargs}) => {
        const term = kwargs.domain.length > 1 ? kwargs.domain[3][2] : "";
        expect.step(`search '${term}'`);
        const rooms = [
            {id: 2, name: "All hands", extension: "8003", has_access_code: false},
            {id: 3, name: "Board", extension: "20999", has_access_code: true},
        ];
        return rooms.filter((room) => !term || room.extension.includes(term));
    });
    await openSoftphone();
    await click(".o_voip_softphone a[name='conference_list']");
    await insertText(".o_voip_softphone input[placeholder='Search']", "20999");
    await runAllTimers();
    await contains(".o_voip_conference_item", {count: 1});
    await click(".o_voip_softphone a[name='partner_list']");
    await click(".o_voip_softphone a[name='conference_list']");
    await contains(".o_voip_softphone input[placeholder='Search']", {value: "20999"});
    await contains(".o_voip_conference_item", {count: 1});
    await contains(".o_voip_conference_item:contains('Board')");
    expect.verifySteps(["search ''", "search '20999'", "search '20999'"]);
});

test("Conferences tab: the green button joins the room shown and selected", async () => {
    mockCalls();
    onRpc("voip.conference", "search_read", ({kwargs}) => {
        const term = kwargs.domain.length > 1 ? kwargs.domain[3][2] : "";
        const rooms = [
            {id: 2, name: "All hands", extension: "8003", has_access_code: false},
            {id: 3, name: "Board", extension: "20999", has_access_code: false},
        ];
        return rooms.filter((room) => !term || room.extension.includes(term));
    });
    onRpc("voip.conference", "get_join_sequence", ({args}) => {
        const room = {2: ["All hands", "8003"], 3: ["Board", "20999"]}[args[0][0]];
        expect.step(`join ${room[1]}`);
        return {id: args[0][0], name: room[0], extension: room[1], dtmf: ""};
    });
    await openSoftphone();
    await click(".o_voip_softphone a[name='conference_list']");
    await contains(".o_voip_conference_item", {count: 2});
    // Two rooms shown, none selected: nothing is joined.
    await click(".o_voip_softphone button[title='Call']");
    await contains(".o_notification:contains('Select the room to join')");
    expect.verifySteps([]);
    // A first call to All hands: voip_oca's green button would redial it.
    await click(".o_voip_conference_item:contains('All hands') button");
    await click(".o_voip_softphone .text-danger[title='Call']");
    expect.verifySteps(["join 8003", "create_call 8003 2"]);
    await click(".o_voip_softphone a[name='conference_list']");
    await insertText(".o_voip_softphone input[placeholder='Search']", "20999");
    await runAllTimers();
    await contains(".o_voip_conference_item", {count: 1});
    await click(".o_voip_softphone button[title='Call']");
    await contains(".o_voip_softphone .text-danger[title='Call']");
    expect.verifySteps(["join 20999", "create_call 20999 3"]);
});

test("Conferences tab: a truncated list says so and how to narrow it", async () => {
    onRpc("voip.conference", "search_read", ({kwargs}) => {
        expect.step(`limit ${kwargs.limit}`);
        return Array.from({length: kwargs.limit}, (_, i) => ({
            id: i + 1,
            name: `Room ${i}`,
            extension: `${8000 + i}`,
            has_access_code: false,
        }));
    });
    await openSoftphone();
    await click(".o_voip_softphone a[name='conference_list']");
    await contains(".o_voip_conference_item", {count: 50});
    await contains(".o_voip_conference_truncated:contains('Only the first 50 rooms')");
    expect.verifySteps(["limit 51"]);
});

test("The in-call keypad follows the PBX's method: SIP INFO when set", async () => {
    mockCalls();
    fakeSip();
    await openSoftphone({mode: "prod", pbx_domain: "pbx.test", dtmf_method: "info"});
    const agent = getService("voip_agent_oca");
    await agent.call({number: "8001"});
    // An audio path exists: voip_oca's keypad would play the tones in it.
    agent.session.sessionDescriptionHandler = {
        peerConnection: {getSenders: () => [{dtmf: {toneBuffer: ""}}]},
        sendDtmf: (tones) => expect.step(`RFC 4733 ${tones}`),
    };
    const join = getService("voip_conference.join");
    expect(join.sendKey("4")).toBe("sent");
    expect(join.sendKey("#")).toBe("sent");
    // The second INFO goes 250 ms after the first one's answer.
    for (let i = 0; i < 4; i++) {
        await advanceTime(100);
    }
    expect.verifySteps(["create_call 8001 -", "INFO Signal=4", "INFO Signal=#"]);
    // A transfer to a number written any way reaches the PBX in its form.
    agent.transfer("+32 2 555 01 00");
    expect.verifySteps(["REFER sip:+3225550100@pbx.test"]);
});

test("A call whose INVITE cannot be sent ends: the next call is not refused", async () => {
    mockCalls();
    onRpc("voip.call", "reject_call", () => expect.step("reject_call"));
    onRpc("voip.call", "terminate_call", ({args}) => {
        expect.step("terminate_call");
        return {id: args[0][0], state: "terminated"};
    });
    const invited = fakeSip({
        inviteError: new Error("Permission denied: the microphone is not allowed"),
    });
    await openSoftphone({mode: "prod", pbx_domain: "pbx.test"});
    const agent = getService("voip_agent_oca");
    const join = getService("voip_conference.join");
    await agent.call({number: "8001"});
    await runAllTimers();
    await waitUntil(() => !join.isBusy);
    expect.verifySteps(["create_call 8001 -", "terminate_call"]);
    // The phone is free: the next call is placed, not refused.
    await agent.call({number: "8002"});
    expect(invited.map((inviter) => inviter.target.uri)).toEqual([
        "sip:8001@pbx.test",
        "sip:8002@pbx.test",
    ]);
    await runAllTimers();
    await waitUntil(() => !join.isBusy);
    await contains(".o_notification:contains('A call is in progress')", {count: 0});
    expect.verifySteps(["create_call 8002 -", "terminate_call"]);
});

test("A rejected or cancelled call is ended once, by voip_oca", async () => {
    mockCalls();
    onRpc("voip.call", "reject_call", ({args}) => {
        expect.step("reject_call");
        return {id: args[0][0], state: "rejected"};
    });
    onRpc("voip.call", "terminate_call", ({args}) => {
        expect.step("terminate_call");
        return {id: args[0][0], state: "terminated"};
    });
    const invited = fakeSip();
    await openSoftphone({mode: "prod", pbx_domain: "pbx.test"});
    const agent = getService("voip_agent_oca");
    const join = getService("voip_conference.join");
    await agent.call({number: "8001"});
    invited[0].reject(486, "Busy Here");
    await waitUntil(() => !join.isBusy);
    await runAllTimers();
    expect.verifySteps(["create_call 8001 -", "reject_call"]);
    // Hung up while it rings: the CANCEL's 487 arrives after the hang-up.
    await agent.call({number: "8002"});
    await agent.hangup();
    await waitUntil(() => !join.isBusy);
    invited[1].reject(487, "Request Terminated");
    await runAllTimers();
    expect.verifySteps(["create_call 8002 -", "terminate_call"]);
});

test("A room call offers Mute, not Pause: hold would play music to the room (issue 24, 9)", async () => {
    mockCalls();
    onRpc("voip.call", "accept_call", ({args}) => ({id: args[0][0], state: "ongoing"}));
    onRpc("voip.conference", "get_join_sequence", () => SALES);
    const invited = fakeSip();
    await openSoftphone({mode: "prod", pbx_domain: "pbx.test"});
    await getService("voip_conference.join").join({id: 1});
    const inviter = invited.at(-1);
    inviter.requestDelegate.onAccept({});
    answer(inviter);
    await contains(".o_voip_softphone button[title='Mute']");
    await contains(".o_voip_softphone button[title='Pause']", {count: 0});
    const hint = "Hold would play music to the whole room: mute instead.";
    await contains(`.o_voip_softphone button[title='Mute'][data-tooltip='${hint}']`);
    await contains(".o_voip_conference_room_mute", {text: hint});
    // Nothing else puts the room on hold either: no re-INVITE leaves.
    inviter.invite = () => expect.step("re-INVITE");
    await getService("voip_agent_oca").hold();
    expect.verifySteps(["create_call 8001 1"]);
});
