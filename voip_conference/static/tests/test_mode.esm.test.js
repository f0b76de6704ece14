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
    models,
    onRpc,
    getService,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import {expect, test} from "@odoo/hoot";
import {advanceTime} from "@odoo/hoot-mock";
import {session} from "@web/session";
import {voipModels} from "@voip_oca/../tests/voip_test_helpers.esm";

class VoipConference extends models.ServerModel {
    _name = "voip.conference";
    name = fields.Char();
    extension = fields.Char();
    has_access_code = fields.Boolean();
    pbx_id = fields.Many2one({relation: "voip.pbx"});
    _records = [
        {
            id: 2,
            name: "All hands",
            extension: "8003",
            has_access_code: false,
            pbx_id: 1,
        },
    ];
}

defineModels({...mailModels, ...voipModels, VoipConference});

/** Every call to voip.call is a step: test mode must make none. */
function watchCalls() {
    for (const method of ["create_call", "terminate_call", "accept_call"]) {
        onRpc("voip.call", method, () => {
            expect.step(`voip.call ${method}`);
            return {id: 1, state: "terminated"};
        });
    }
}

async function openSoftphone(mode = "test") {
    const tones = {dialtone: "", calltone: "", ringbacktone: ""};
    patchWithCleanup(session, {...session, voip: {pbx_id: 1, mode, tones}});
    // Headless Chromium plays no sound.
    patchWithCleanup(window.HTMLMediaElement.prototype, {
        play: () => Promise.resolve(),
        pause: () => undefined,
    });
    await start();
    await click(".o_menu_systray .o_nav_entry[title='Softphone']");
}

test("Test mode: Join of a room without a code says what it would do", async () => {
    watchCalls();
    onRpc("voip.conference", "get_join_sequence", () => ({
        id: 2,
        name: "All hands",
        extension: "8003",
        dtmf: "",
        delay_ms: 0,
        dtmf_method: "auto",
    }));
    await openSoftphone();
    await click(".o_voip_softphone a[name='conference_list']");
    await click(".o_voip_conference_item .o_voip_conference_join_button");
    await contains(".o_voip_conference_call_room:contains('All hands')");
    await contains(".o_voip_conference_join_status:contains('Test mode')");
    await contains(".o_voip_conference_join_digits:contains('No access code to send')");
    await contains(".o_voip_softphone_content:contains('8003')");
    // No timer for a call that does not exist.
    await advanceTime(3000);
    await contains(".o_voip_softphone_content:contains('In call for')", {count: 0});
    await click(".o_voip_softphone .text-danger[title='Call']");
    await contains(".o_voip_conference_join", {count: 0});
    expect.verifySteps([]); // nothing recorded
});

test("Test mode: a Join call is headed by its room and offers what applies to a room", async () => {
    watchCalls();
    onRpc("voip.conference", "get_join_sequence", () => ({
        id: 2,
        name: "All hands",
        extension: "8003",
        dtmf: "",
        delay_ms: 0,
        dtmf_method: "auto",
    }));
    await openSoftphone();
    await click(".o_voip_softphone a[name='conference_list']");
    await click(".o_voip_conference_item .o_voip_conference_join_button");
    await contains(".o_voip_conference_call_room", {text: "All hands · 8003"});
    await contains(".o_voip_softphone_content:contains('No contact info')", {count: 0});
    // A room is a conference already: no call-made conference controls,
    // no contact actions for a call without a contact.
    await contains(".o_voip_conference_join_status:contains('Test mode')");
    await contains(".o_voip_adhoc", {count: 0});
    await contains(".o_voip_softphone button[title='Schedule activity']", {count: 0});
    await click(".o_voip_softphone .text-danger[title='Call']");
    await contains(".o_voip_conference_call_room", {count: 0});
    // The next call, to a number, is no room's.
    await getService("voip_agent_oca").call({number: "+3225550100"});
    await contains(".o_voip_adhoc_add");
    await contains(".o_voip_conference_call_room", {count: 0});
    await contains(".o_voip_softphone_content:contains('No contact info')");
    expect.verifySteps([]);
});

test("Test mode: a plain call is not recorded and says so", async () => {
    watchCalls();
    await openSoftphone();
    await click(".o_voip_softphone button[title='Open Numpad']");
    await insertText(".o_voip_softphone .o_numpad_input", "+3225550100");
    await click(".o_voip_softphone button[title='Call']");
    await contains(".o_voip_conference_test_mode:contains('no call is recorded')");
    await advanceTime(3000);
    await contains(".o_voip_softphone_content:contains('In call for')", {count: 0});
    await click(".o_voip_softphone .text-danger[title='Call']");
    await contains(".o_voip_conference_test_mode", {count: 0});
    expect.verifySteps([]);
});
