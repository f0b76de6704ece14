/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
/**
 * The observing browser of bench_participants_live.py: logs in, opens a
 * room's form and prints one JSON line each time the participants panel's
 * count changes, with the browser's clock: {t, count}.
 *
 * Usage: node benchmarks/participants_live_browser.mjs BASE_URL ROOM_ID LOGIN PASSWORD
 */
import {chromium} from "playwright-core";

const [base, roomId, login, password] = process.argv.slice(2);
const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const page = await browser.newPage();
page.on("pageerror", (error) =>
    process.stdout.write(`${JSON.stringify({error: error.message})}\n`)
);
await page.exposeFunction("reportCount", (t, count) =>
    process.stdout.write(`${JSON.stringify({t, count})}\n`)
);
await page.goto(`${base}/web/login`);
await page.fill("input[name=login]", login);
await page.fill("input[name=password]", password);
await page.click("button[type=submit]");
await page.waitForURL(/\/odoo/);
await page.goto(`${base}/odoo/action-voip_conference.voip_conference_action/${roomId}`);
await page.waitForSelector(
    ".o_voip_conference_participants .o_voip_conference_live_count"
);
await page.evaluate(() => {
    const read = () =>
        parseInt(
            document.querySelector(".o_voip_conference_live_count")?.textContent || "0",
            10
        );
    let last = read();
    window.reportCount(Date.now() / 1000, last);
    new MutationObserver(() => {
        const count = read();
        if (count !== last) {
            last = count;
            window.reportCount(Date.now() / 1000, count);
        }
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
});
process.stdout.write(`${JSON.stringify({ready: true})}\n`);
// Stay until the benchmark closes stdin.
process.stdin.resume();
process.stdin.on("end", async () => {
    await browser.close();
    process.exit(0);
});
