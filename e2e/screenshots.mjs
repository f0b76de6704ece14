/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
/**
 * The README's screenshots, taken from the running addon with its demo data:
 * the system Chromium, driven by playwright-core, logs in and photographs the
 * screens in one language.
 *
 * Usage: node e2e/screenshots.mjs BASE_URL LANG OUT_DIR [WIDTH]
 *   e.g. node e2e/screenshots.mjs http://127.0.0.1:8069 fr_FR /tmp/shots
 * Files: OUT_DIR/<screen>[_<lang>].png (no suffix for en_US).
 */
import {chromium} from "playwright-core";

const [BASE, LANG = "en_US", OUT = ".", WIDTH = "1366"] = process.argv.slice(2);
const suffix = LANG === "en_US" ? "" : `_${LANG.slice(0, 2)}`;

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const page = await browser.newPage({
    baseURL: BASE,
    viewport: {width: Number(WIDTH), height: 768},
});
page.on("pageerror", (error) => process.stderr.write(`[page error] ${error}\n`));

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
            return (await response.json()).result;
        },
        [model, method, args, kwargs]
    );
}

async function shot(name, locator = null) {
    await page.waitForTimeout(600);
    const path = `${OUT}/${name}${suffix}.png`;
    await (locator || page).screenshot({path});
    process.stdout.write(`${path}\n`);
}

await page.goto("/web/login");
await page.fill("input[name=login]", process.env.ODOO_LOGIN || "admin");
await page.fill("input[name=password]", process.env.ODOO_PASSWORD || "admin");
await page.click("button[type=submit]");
await page.waitForSelector(".o_main_navbar");
const uid = await page.evaluate(async () => {
    const response = await fetch("/web/session/get_session_info", {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({jsonrpc: "2.0", method: "call", params: {}}),
    });
    return (await response.json()).result.uid;
});
await rpc("res.users", "write", [[uid], {lang: LANG}]);

await page.goto("/odoo/action-voip_conference.voip_conference_action");
await page.waitForSelector(".o_kanban_record:not(.o_kanban_ghost)");
await shot("conference_dashboard");

await page.click(".o_switch_view.o_list");
await page.waitForSelector(".o_list_view .o_data_row");
await shot("conference_list");

await page.click(".o_list_view .o_data_row:first-child .o_data_cell");
await page.waitForSelector(".o_form_view .o_form_sheet");
await shot("conference_form");

await page.goto("/odoo/action-voip_conference.voip_incoming_number_action");
await page.waitForSelector(".o_list_view .o_data_row");
await shot("incoming_numbers");

await page.goto("/odoo/action-voip_conference.voip_pbx_sync_run_action");
await page.waitForSelector(".o_list_view .o_data_row");
await shot("sync_runs");
await page.click(".o_list_view .o_data_row:first-child .o_data_cell");
await page.waitForSelector(".o_form_view .o_form_sheet");
await shot("sync_run_form");

await page.goto("/odoo");
await page.click("button[title='Softphone']");
await page.click(".o_voip_softphone a[name='conference_list']");
await page.waitForSelector(".o_voip_conference_item");
const softphone = page.locator(".o_voip_softphone");
await shot("softphone_conferences", softphone);
await page.click(".o_voip_conference_item .o_voip_conference_join_button");
await page.waitForSelector(".o_voip_conference_join");
await shot("softphone_join", softphone);
await page.click(".o_voip_softphone .o_voip_softphone_footer .text-danger");

await rpc("res.users", "write", [[uid], {lang: "en_US"}]);
await browser.close();
