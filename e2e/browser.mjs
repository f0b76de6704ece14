/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
/**
 * The browser of the end-to-end tier: the system Chromium, driven by
 * playwright-core, logs in to Odoo, waits until voip_oca's SIP.js agent is
 * registered with Kamailio, then places the calls of each case through the
 * real widget. It only acts and reports what Odoo showed; the verdicts are
 * taken at the far end by e2e/test_join_e2e.py.
 *
 * Usage: node e2e/browser.mjs CONFIG.json > events.jsonl
 * Every line of stdout is one JSON event: {t, case, event, ...}.
 */
import {readFileSync} from "node:fs";
import {chromium} from "playwright-core";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const BASE = config.base_url;

function emit(event, data = {}) {
    process.stdout.write(`${JSON.stringify({t: Date.now() / 1000, event, ...data})}\n`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const browser = await chromium.launch({
    executablePath: config.chromium,
    headless: true,
    args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--autoplay-policy=no-user-gesture-required",
        // A microphone without a prompt, and a media path on loopback:
        // without the last flag no ICE pair forms and every tone is lost.
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        "--allow-loopback-in-peer-connection",
    ],
});
const context = await browser.newContext({baseURL: BASE});
const page = await context.newPage();
page.on("console", (msg) => {
    if (["error", "warning"].includes(msg.type())) {
        process.stderr.write(`[console.${msg.type()}] ${msg.text()}\n`);
    }
});
page.on("pageerror", (error) => emit("page_error", {error: String(error)}));

async function rpc(model, method, args, kwargs = {}) {
    return page.evaluate(
        async ([m, meth, a, kw]) => {
            const response = await fetch(`/web/dataset/call_kw/${m}/${meth}`, {
                method: "POST",
                headers: {"Content-Type": "application/json"},
                body: JSON.stringify({
                    jsonrpc: "2.0",
                    method: "call",
                    params: {model: m, method: meth, args: a, kwargs: kw},
                }),
            });
            const body = await response.json();
            if (body.error) {
                throw new Error(JSON.stringify(body.error));
            }
            return body.result;
        },
        [model, method, args, kwargs]
    );
}

const CALL_FIELDS = [
    "state",
    "create_date",
    "start_date",
    "end_date",
    "conference_id",
    "phone_number",
];

async function lastCall() {
    const rows = await rpc("voip.call", "search_read", [[]], {
        fields: CALL_FIELDS,
        order: "id desc",
        limit: 1,
    });
    return rows[0] || null;
}

/** Poll the newest voip.call until it is a new one in one of `states`. */
async function waitCall(name, afterId, states, timeoutMs = 15000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        const call = await lastCall();
        if (call && call.id > afterId && states.includes(call.state)) {
            emit("call_row", {case: name, call});
            return call;
        }
        await sleep(50);
    }
    throw new Error(`${name}: no call in state ${states} within ${timeoutMs} ms`);
}

/** Media connected in the browser: what the join sequence waits for. */
async function waitMediaConnected(name) {
    await page.waitForFunction(
        () => {
            const agent = odoo.__WOWL_DEBUG__?.root?.env?.services?.voip_agent_oca;
            const pc = agent?.session?.sessionDescriptionHandler?.peerConnection;
            return pc && pc.connectionState === "connected";
        },
        null,
        {timeout: 15000}
    );
    emit("media_connected", {case: name});
}

async function openSoftphone() {
    if (!(await page.locator(".o_voip_softphone").isVisible())) {
        await page.click("button[title='Softphone']");
    }
    await page.waitForSelector(".o_voip_softphone");
    // After a call the softphone shows that call: back to the tabs.
    const back = page.locator(".o_voip_softphone .btn:has(> .fa-chevron-left)");
    if (await back.count()) {
        await back.first().click();
    }
}

async function joinFromTab(name, room) {
    await openSoftphone();
    await page.click(".o_voip_softphone a[name='conference_list']");
    await page.fill(".o_voip_softphone input[placeholder='Search']", room);
    const item = page.locator(".o_voip_conference_item", {hasText: room});
    await item.locator(".o_voip_conference_join_button").click();
    emit("join_clicked", {case: name, room});
}

async function joinStatus() {
    const text = await page
        .locator(".o_voip_conference_join_status")
        .first()
        .textContent({timeout: 500})
        .catch(() => "");
    return (text || "").trim();
}

async function waitStatus(name, text, timeoutMs = 15000) {
    await page
        .locator(".o_voip_conference_join_status", {hasText: text})
        .waitFor({timeout: timeoutMs});
    emit("status", {case: name, status: text});
}

async function hangUp(name) {
    const status = await joinStatus();
    await page.click(".o_voip_softphone_footer button.text-danger[title='Call']");
    emit("hung_up", {case: name, status_before: status});
}

/** One case: run `body`, hang up, wait for the terminated row. */
async function runCase(name, body) {
    const before = await lastCall();
    const afterId = before ? before.id : 0;
    emit("case_start", {case: name});
    try {
        await body(afterId);
        await waitCall(name, afterId, ["terminated"]);
    } catch (error) {
        const shot = `${config.work_dir}/${name}.png`;
        await page.screenshot({path: shot}).catch(() => null);
        emit("case_error", {case: name, error: String(error.stack || error), shot});
        // Leave no call behind for the next case.
        const hangup = page.locator(
            ".o_voip_softphone_footer button.text-danger[title='Call']"
        );
        if (await hangup.count()) {
            await hangup.click().catch(() => null);
        }
    }
    // Let the BYE and its 200 cross the stack before the next call.
    await sleep(config.settle_ms);
    emit("case_end", {case: name});
}

async function answered(name, afterId) {
    await waitCall(name, afterId, ["calling"]);
    await waitCall(name, afterId, ["ongoing"]);
}

const R = config.rooms;

/** Join the room with a code, let the code go, hang up. */
async function joinAndSendCode(name) {
    await runCase(name, async (afterId) => {
        await joinFromTab(name, R.code.name);
        await answered(name, afterId);
        await waitStatus(name, config.labels.sent);
        await sleep(config.tones_ms);
        await hangUp(name);
    });
}

const cases = {
    async rfc4733() {
        await joinAndSendCode("rfc4733");
    },
    async info() {
        await rpc("voip.pbx", "write", [
            [config.pbx_id],
            {conference_dtmf_method: "info"},
        ]);
        await joinAndSendCode("info");
        await rpc("voip.pbx", "write", [
            [config.pbx_id],
            {conference_dtmf_method: "auto"},
        ]);
    },
    async no_code() {
        await runCase("no_code", async (afterId) => {
            await joinFromTab("no_code", R.plain.name);
            await answered("no_code", afterId);
            await waitMediaConnected("no_code");
            await sleep(config.delay_ms + config.tones_ms);
            emit("status_seen", {case: "no_code", status: await joinStatus()});
            await hangUp("no_code");
        });
    },
    async hangup_early() {
        await runCase("hangup_early", async (afterId) => {
            await joinFromTab("hangup_early", R.code.name);
            await answered("hangup_early", afterId);
            await waitStatus("hangup_early", config.labels.waiting);
            await hangUp("hangup_early");
        });
        // Past the moment the code would have gone.
        await sleep(config.delay_ms + config.tones_ms);
    },
    async keypad_typed() {
        await runCase("keypad_typed", async (afterId) => {
            await joinFromTab("keypad_typed", R.plain.name);
            await answered("keypad_typed", afterId);
            await waitMediaConnected("keypad_typed");
            await page.click(".o_voip_softphone_footer button[title='Open Numpad']");
            await page.locator(".o_voip_softphone .o_numpad_input").focus();
            emit("keys_start", {case: "keypad_typed"});
            // No delay between keys.
            await page.keyboard.type(config.keypad_typed, {delay: 0});
            emit("keys_end", {case: "keypad_typed"});
            await sleep(config.tones_ms * 2);
            await hangUp("keypad_typed");
        });
    },
    async keypad_clicked() {
        await runCase("keypad_clicked", async (afterId) => {
            await joinFromTab("keypad_clicked", R.plain.name);
            await answered("keypad_clicked", afterId);
            await waitMediaConnected("keypad_clicked");
            await page.click(".o_voip_softphone_footer button[title='Open Numpad']");
            emit("keys_start", {case: "keypad_clicked"});
            for (const key of config.keypad_clicked) {
                await page.click(`.o_voip_softphone .o_numpad_button[name='${key}']`);
            }
            emit("keys_end", {case: "keypad_clicked"});
            await sleep(config.tones_ms * 3);
            await hangUp("keypad_clicked");
        });
    },
    async double_click() {
        // Issue 10, 6: two clicks on Join place one call.
        await runCase("double_click", async (afterId) => {
            await openSoftphone();
            await page.click(".o_voip_softphone a[name='conference_list']");
            await page.fill(
                ".o_voip_softphone input[placeholder='Search']",
                R.code.name
            );
            await page
                .locator(".o_voip_conference_item", {hasText: R.code.name})
                .locator(".o_voip_conference_join_button")
                .dblclick();
            emit("join_clicked", {case: "double_click", room: R.code.name});
            await answered("double_click", afterId);
            await waitStatus("double_click", config.labels.sent);
            emit("dialogs", {
                case: "double_click",
                count: await page.locator(".modal-dialog").count(),
            });
            await sleep(config.tones_ms);
            await hangUp("double_click");
        });
    },
    async join_in_call() {
        // Issue 10, 7: Join from a room's form while a call is up.
        await runCase("join_in_call", async (afterId) => {
            await joinFromTab("join_in_call", R.plain.name);
            await answered("join_in_call", afterId);
            await waitMediaConnected("join_in_call");
            await page.evaluate(async (roomId) => {
                const env = odoo.__WOWL_DEBUG__.root.env;
                await env.services.action.doAction({
                    type: "ir.actions.act_window",
                    res_model: "voip.conference",
                    res_id: roomId,
                    views: [[false, "form"]],
                });
            }, R.code.id);
            await page.click(".o_form_view button[name='action_join']");
            emit("second_join_clicked", {case: "join_in_call"});
            await page
                .locator(".o_notification", {hasText: config.labels.busy})
                .waitFor({timeout: 5000});
            emit("refused", {case: "join_in_call"});
            // Past the moment a second call would have sent its code.
            await sleep(config.delay_ms + config.tones_ms);
            emit("controls", {
                case: "join_in_call",
                hang_up_buttons: await page
                    .locator(
                        ".o_voip_softphone_footer button.text-danger[title='Call']"
                    )
                    .count(),
            });
            await hangUp("join_in_call");
        });
    },
    async microphone_refused() {
        // A Join whose call cannot start (the microphone refused once, as a
        // user would at the browser's prompt): the phone is free again.
        await runCase("microphone_refused", async () => {
            // Runs in the page, where `window` is the page's.
            await page.evaluate(() => {
                const devices = window.navigator.mediaDevices;
                const getUserMedia = devices.getUserMedia;
                devices.getUserMedia = () => {
                    devices.getUserMedia = getUserMedia;
                    return Promise.reject(
                        new window.DOMException("Permission denied", "NotAllowedError")
                    );
                };
            });
            await joinFromTab("microphone_refused", R.code.name);
            await page
                .locator(".o_notification", {hasText: config.labels.failed})
                .waitFor({timeout: 10000});
            emit("failed_notice", {case: "microphone_refused"});
            await page.waitForFunction(
                () => !odoo.__WOWL_DEBUG__.root.env.services.voip_agent_oca.isBusy,
                null,
                {timeout: 5000}
            );
            emit("free_again", {case: "microphone_refused"});
            const failed = await lastCall();
            await joinFromTab("microphone_refused", R.code.name);
            await answered("microphone_refused", failed.id);
            await waitStatus("microphone_refused", config.labels.sent);
            await sleep(config.tones_ms);
            await hangUp("microphone_refused");
        });
    },
    async label_one_tap() {
        // Issue 10, 1 and 2: a one-tap line pasted with its label.
        await page.goto(
            `/odoo/action-base.action_partner_form/${config.label_partner_id}`
        );
        await page.locator(".o_field_widget[name=phone]").waitFor();
        await runCase("label_one_tap", async (afterId) => {
            await page.hover(".o_field_widget[name=phone]");
            await page
                .locator(
                    ".o_field_widget[name=phone] a.o_phone_form_link, .o_field_widget[name=phone] a.o_form_uri"
                )
                .first()
                .click();
            emit("phone_clicked", {case: "label_one_tap"});
            await answered("label_one_tap", afterId);
            await waitStatus("label_one_tap", config.labels.sent, 20000);
            await hangUp("label_one_tap");
        });
    },
    async one_tap() {
        await page.goto(`/odoo/action-base.action_partner_form/${config.partner_id}`);
        const link = page.locator(
            ".o_field_widget[name=phone] a.o_phone_form_link, .o_field_widget[name=phone] a.o_form_uri"
        );
        await page.locator(".o_field_widget[name=phone]").waitFor();
        await runCase("one_tap", async (afterId) => {
            // The call icon shows when the pointer is over the field.
            await page.hover(".o_field_widget[name=phone]");
            await link.first().click();
            emit("phone_clicked", {case: "one_tap"});
            await answered("one_tap", afterId);
            await waitStatus("one_tap", config.labels.sent, 20000);
            await sleep(config.tones_ms);
            await hangUp("one_tap");
        });
    },
};

try {
    await page.goto("/web/login");
    await page.fill("input[name=login]", config.login);
    await page.fill("input[name=password]", config.password);
    await page.click("button[type=submit]");
    await page.waitForSelector(".o_main_navbar", {timeout: 60000});
    // Registered with Kamailio: voip_conference turns the dot green only
    // once the REGISTER was accepted.
    await page.waitForSelector("button[title='Softphone'].o_voip_connected", {
        timeout: 30000,
    });
    emit("registered");
    for (const name of config.cases) {
        await cases[name]();
    }
    emit("done");
} catch (error) {
    emit("fatal", {error: String(error.stack || error)});
    process.exitCode = 1;
} finally {
    await browser.close();
}
