/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {
    click,
    contains,
    mailModels,
    start,
    startServer,
} from "@mail/../tests/mail_test_helpers";
import {
    defineModels,
    onRpc,
    patchWithCleanup,
    serverState,
} from "@web/../tests/web_test_helpers";
import {expect, test} from "@odoo/hoot";
import {session} from "@web/session";
import {VoipAgent} from "@voip_oca/services/voip_agent_service.esm";
import {voipModels} from "@voip_oca/../tests/voip_test_helpers.esm";

defineModels({...mailModels, ...voipModels});

test("Reminder before a conference: Join dials the room and sends the code", async () => {
    onRpc("calendar.event", "get_conference_join_sequence", ({args}) => {
        expect.step(`get_conference_join_sequence ${args[0]}`);
        return {
            id: 3,
            name: "Board",
            extension: "8101",
            dtmf: "1234#",
            delay_ms: 2000,
            dtmf_method: "auto",
        };
    });
    // Test mode records no call: what Join would dial is read where the
    // agent creates its call in the browser, and no create_call reaches
    // the server (onRpc below).
    patchWithCleanup(VoipAgent.prototype, {
        createCall(options) {
            expect.step(
                `dial ${options.phone_number} ${this.joinService.pendingConference?.id}`
            );
            return super.createCall(...arguments);
        },
    });
    onRpc("voip.call", "create_call", () => expect.step("create_call"));
    const tones = {dialtone: "", calltone: "", ringbacktone: ""};
    patchWithCleanup(session, {...session, voip: {pbx_id: 1, mode: "test", tones}});
    // Headless Chromium plays no sound.
    patchWithCleanup(window.HTMLMediaElement.prototype, {
        play: () => Promise.resolve(),
        pause: () => undefined,
    });
    const pyEnv = await startServer();
    await start();
    pyEnv["bus.bus"]._sendone(
        serverState.partnerId,
        "voip_conference_calendar/reminder",
        {
            event_id: 7,
            title: "Conference starting: Board meeting",
            message: "Board meeting starts at 2026-12-07 09:00 in room Board (8101).",
        }
    );
    await contains(".o_notification", {
        text: "Conference starting: Board meeting. Board meeting starts at 2026-12-07 09:00 in room Board (8101).",
    });
    await click(".o_notification_buttons button", {text: "Join"});
    await contains(".o_notification", {count: 0});
    await contains(".o_voip_conference_call_room:contains('Board')");
    await contains(".o_voip_conference_join_digits:contains('••••#')");
    await contains(".o_voip_softphone:contains('1234')", {count: 0});
    expect.verifySteps(["get_conference_join_sequence 7", "dial 8101 3"]);
});
