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
    onRpc("voip.call", "create_call", ({args}) => {
        const [values] = args;
        expect.step(`create_call ${values.phone_number} ${values.conference_id}`);
        return {
            id: 1,
            typeCall: "outgoing",
            phoneNumber: values.phone_number,
            state: "calling",
            display_name: values.phone_number,
            partner: false,
            creationDate: "2026-12-07 08:55:00",
            createDate: "2026-12-07 08:55:00",
            startDate: false,
            endDate: false,
        };
    });
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
    await contains(".o_voip_conference_join:contains('Board')");
    await contains(".o_voip_conference_join_digits:contains('••••#')");
    await contains(".o_voip_softphone:contains('1234')", {count: 0});
    expect.verifySteps(["get_conference_join_sequence 7", "create_call 8101 3"]);
});
