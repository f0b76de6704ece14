/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
/**
 * The host of the conference cases of the end-to-end tier: the system
 * Chromium, driven by playwright-core through the real call view. Its fake
 * microphone plays a tone (the host's voice); the far ends are baresip
 * processes, told to answer through their ctrl_tcp socket when a case needs
 * them to ring first. It only acts and marks moments; the verdicts come from
 * what each far end received (e2e/test_adhoc_conference_e2e.py).
 *
 * Usage: node e2e/adhoc_browser.mjs CONFIG.json > events.jsonl
 * Every line of stdout is one JSON event: {t, event, ...}.
 */
import {Buffer} from "node:buffer";
import {chromium} from "playwright-core";
import net from "node:net";
import {readFileSync} from "node:fs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const FAR = config.far_ends; // {A: {number, ctrl_port}, ...}

function emit(event, data = {}) {
    process.stdout.write(`${JSON.stringify({t: Date.now() / 1000, event, ...data})}\n`);
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One command to a baresip far end (ctrl_tcp: JSON in a netstring). */
function farEnd(name, command, params = "") {
    return new Promise((resolve) => {
        const socket = net.connect(FAR[name].ctrl_port, "127.0.0.1");
        const body = JSON.stringify({command, params, token: String(Date.now())});
        let answer = "";
        socket.on("connect", () => socket.write(`${Buffer.byteLength(body)}:${body},`));
        socket.on("data", (data) => {
            answer += data.toString();
            if (answer.endsWith(",")) {
                socket.end();
            }
        });
        socket.on("close", () => {
            emit("far_end_command", {far_end: name, command, answer});
            resolve(answer);
        });
        socket.on("error", (error) => {
            emit("far_end_error", {far_end: name, command, error: String(error)});
            resolve("");
        });
        socket.setTimeout(3000, () => socket.destroy());
    });
}

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
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        `--use-file-for-fake-audio-capture=${config.host_wav}`,
        "--allow-loopback-in-peer-connection",
    ],
});
const context = await browser.newContext({baseURL: config.base_url});
// The host's voice is a steady tone: the browser's noise suppression, echo
// cancellation and gain control would take it for noise. A test harness
// choice; the widget asks for the microphone as usual.
await context.addInitScript(() => {
    // eslint-disable-next-line no-undef -- runs in the page
    const devices = navigator.mediaDevices;
    const original = devices.getUserMedia.bind(devices);
    devices.getUserMedia = (constraints) =>
        original({
            ...constraints,
            audio: constraints?.audio
                ? {
                      echoCancellation: false,
                      noiseSuppression: false,
                      autoGainControl: false,
                  }
                : false,
        });
});
const page = await context.newPage();
page.on("console", (msg) => {
    if (["error", "warning"].includes(msg.type())) {
        process.stderr.write(`[console.${msg.type()}] ${msg.text()}\n`);
    }
});
page.on("pageerror", (error) => emit("page_error", {error: String(error)}));

const mark = (name, data = {}) => emit("mark", {name, ...data});
// In the page: the conference from a call is the call_conference service.
const SERVICE = "voip_conference.call_conference";
const party = (name) => `.o_voip_adhoc_party[data-number='${FAR[name].number}']`;

async function waitParty(name, state, timeout = 15000) {
    await page.waitForSelector(`${party(name)}[data-state='${state}']`, {timeout});
}

/** Every leg's media connected (the mix flows only then). */
async function waitMedia(timeout = 15000) {
    await page.waitForFunction(
        (service) => {
            const services = odoo.__WOWL_DEBUG__.root.env.services;
            const agent = services.voip_agent_oca;
            const conference = services[service].conference;
            const sessions = conference
                ? conference.liveLegs
                      .filter((leg) => leg.state === "connected")
                      .map((leg) => leg.driver.session)
                : [agent.session];
            return sessions.every(
                (s) =>
                    s &&
                    s.sessionDescriptionHandler?.peerConnection?.connectionState ===
                        "connected"
            );
        },
        SERVICE,
        {timeout}
    );
}

/**
 * What the host hears: tone levels (dB over the floor) in the mix it plays.
 *
 * The mix is read in BLOCKS short snapshots (Hann-windowed, 8192 samples,
 * about 170 ms each) spread over a second and a half, and each tone's level
 * is the median over the snapshots. The browser's jitter buffer stretches or
 * drops a few milliseconds of a stream now and then (a click to the ear):
 * a phase jump inside one long coherent window cancels a tone that is plainly
 * there, while a median over short windows reads what a listener hears.
 */
async function hostHears(label) {
    const levels = await page.evaluate(
        async ({freqs, floorFreqs, blocks, service}) => {
            const audio = odoo.__WOWL_DEBUG__.root.env.services[service].audio;
            if (!audio) {
                return null;
            }
            const ctx = audio.context;
            const source = ctx.createMediaStreamSource(audio.hostSink.stream);
            const analyser = ctx.createAnalyser();
            analyser.fftSize = 8192;
            source.connect(analyser);
            const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
            await sleep(500);
            const snapshots = [];
            for (let i = 0; i < blocks; i++) {
                await sleep(200);
                const samples = new Float32Array(analyser.fftSize);
                analyser.getFloatTimeDomainData(samples);
                snapshots.push(samples);
            }
            source.disconnect();
            const size = analyser.fftSize;
            const hann = Float32Array.from(
                {length: size},
                (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (size - 1))
            );
            const windowSum = hann.reduce((sum, w) => sum + w, 0);
            // Goertzel amplitude of `freq` in one windowed snapshot.
            const level = (samples, freq) => {
                const coeff = 2 * Math.cos((2 * Math.PI * freq) / ctx.sampleRate);
                let s1 = 0;
                let s2 = 0;
                for (let n = 0; n < size; n++) {
                    const s0 = samples[n] * hann[n] + coeff * s1 - s2;
                    s2 = s1;
                    s1 = s0;
                }
                const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
                return (2 * Math.sqrt(Math.max(power, 0))) / windowSum;
            };
            const perBlock = snapshots.map((samples) => {
                const floor = Math.max(
                    floorFreqs.reduce((sum, f) => sum + level(samples, f), 0) /
                        floorFreqs.length,
                    1e-7
                );
                return Object.fromEntries(
                    freqs.map((freq) => {
                        const value = level(samples, freq);
                        return [freq, value > 0 ? 20 * Math.log10(value / floor) : -99];
                    })
                );
            });
            const median = (values) => {
                const sorted = [...values].sort((a, b) => a - b);
                const mid = sorted.length >> 1;
                return sorted.length % 2
                    ? sorted[mid]
                    : (sorted[mid - 1] + sorted[mid]) / 2;
            };
            return Object.fromEntries(
                freqs.map((freq) => [freq, median(perBlock.map((b) => b[freq]))])
            );
        },
        {
            freqs: config.far_end_freqs,
            floorFreqs: config.floor_freqs,
            blocks: 7,
            service: SERVICE,
        }
    );
    emit("host_hears", {label, levels});
}

async function openSoftphone() {
    if (!(await page.locator(".o_voip_softphone").isVisible())) {
        await page.click("button[title='Softphone']");
    }
    await page.waitForSelector(".o_voip_softphone");
    const back = page.locator(".o_voip_softphone .btn:has(> .fa-chevron-left)");
    if (await back.count()) {
        await back.first().click();
    }
}

async function callFirst(name) {
    await openSoftphone();
    // voip_oca keeps the dial pad open after a call: open it only if shut.
    if (!(await page.locator(".o_voip_softphone .o_numpad_input").isVisible())) {
        await page.click(".o_voip_softphone button[title='Open Numpad']");
    }
    await page.fill(".o_voip_softphone .o_numpad_input", FAR[name].number);
    await page.click(".o_voip_softphone_footer button[title='Call']");
    // The conference panel shows once the call is answered.
    await page.waitForSelector(".o_voip_adhoc_add", {timeout: 15000});
    await waitMedia();
    mark("first_call_up", {far_end: name});
}

async function add(name, mode) {
    await page.fill(".o_voip_adhoc_number", FAR[name].number);
    await page.click(
        mode === "consult" ? ".o_voip_adhoc_consult" : ".o_voip_adhoc_conference"
    );
    mark("added", {far_end: name, mode});
}

async function confirmEnd() {
    await page.click(".o_voip_adhoc_end");
    const confirm = page.locator(".modal button", {hasText: "End for everyone"});
    await confirm.waitFor();
    mark("end_click");
    await confirm.click();
    await waitOver();
}

async function waitOver(timeout = 15000) {
    await page.waitForFunction(
        (service) => !odoo.__WOWL_DEBUG__.root.env.services[service].isOn,
        SERVICE,
        {timeout}
    );
    mark("over");
}

/** A window in which the far ends' audio is judged. */
async function listen(name, ms = config.window_ms) {
    mark(`${name}_start`);
    await sleep(ms);
    mark(`${name}_end`);
}

async function runCase(name, body) {
    emit("case_start", {case: name});
    try {
        await body();
    } catch (error) {
        await page
            .screenshot({path: `${config.work_dir}/${name}.png`})
            .catch(() => null);
        emit("case_error", {case: name, error: String(error.stack || error)});
        // Leave nothing behind for the next case.
        await page
            .evaluate((service) => {
                const services = odoo.__WOWL_DEBUG__.root.env.services;
                return services[service].isOn
                    ? services[service].endAll()
                    : services.voip_agent_oca.hangup();
            }, SERVICE)
            .catch(() => null);
        for (const far of Object.keys(FAR)) {
            if (FAR[far].ctrl_port) {
                await farEnd(far, "hangup");
            }
        }
    }
    await sleep(config.settle_ms);
    emit("case_end", {case: name});
}

const cases = {
    // 1 and 3: single step (B rings first), then B disconnected.
    async single_step() {
        await callFirst("A");
        await add("B", "single");
        await waitParty("B", "ringing");
        await sleep(500);
        await listen("ringing");
        await farEnd("B", "accept");
        await waitParty("B", "connected");
        await waitMedia();
        await sleep(config.media_ms);
        await listen("talking");
        await hostHears("talking");
        mark("disconnect_click");
        await page.click(`${party("B")} .o_voip_adhoc_disconnect`);
        await page.waitForSelector(party("B"), {state: "detached"});
        await sleep(config.media_ms);
        await listen("disconnected");
        await hostHears("disconnected");
    },
    // 2: consultation (A held), then merge; 5: leave.
    async consult_leave() {
        await add("C", "consult");
        await waitParty("A", "held");
        mark("consult_held");
        await waitParty("C", "connected");
        await waitMedia();
        await sleep(config.media_ms);
        await listen("consulting");
        await page.click(".o_voip_adhoc_merge");
        await waitParty("A", "connected");
        await sleep(config.media_ms);
        await listen("merged");
        mark("leave_click");
        await page.click(".o_voip_adhoc_leave");
        await waitOver(20000);
        await sleep(config.media_ms);
        await listen("direct");
        await farEnd("A", "hangup");
    },
    // 4: end for everyone.
    async end_all() {
        await callFirst("A");
        await add("C", "single");
        await waitParty("C", "connected");
        await waitMedia();
        await sleep(config.media_ms);
        await listen("two");
        await confirmEnd();
    },
    // Issue 24, 6: D answers the hold of Consult with 491 once (glare).
    async glare() {
        mark("glare_start");
        await callFirst("D");
        await add("C", "consult");
        // The host waits 2.1 to 4 s before sending the hold again, and says so.
        await page.waitForSelector(`${party("D")} .o_voip_adhoc_party_retrying`, {
            timeout: 10000,
        });
        mark("glare_retrying_shown");
        await waitParty("D", "held");
        await waitParty("C", "connected");
        await waitMedia();
        await confirmEnd();
        await sleep(config.settle_ms);
        mark("glare_end");
    },
    // Issue 24, 7: E in early media (183 with SDP), then it answers.
    async early_merge() {
        mark("early_merge_start");
        await callFirst("A");
        await add("E", "consult");
        await waitParty("A", "held");
        await waitParty("E", "ringing");
        await sleep(config.early_ms / 2);
        emit("merge_offered", {
            while_ringing: await page.locator(".o_voip_adhoc_merge").count(),
        });
        await waitParty("E", "connected", config.early_ms + 10000);
        await waitMedia();
        await page.click(".o_voip_adhoc_merge");
        await waitParty("A", "connected");
        await sleep(config.media_ms);
        await confirmEnd();
        await sleep(config.settle_ms);
        mark("early_merge_end");
    },
    // Issue 24, 8: F accepts the REFER of Leave, then hangs up.
    async leave_hangup() {
        mark("leave_hangup_start");
        await callFirst("F");
        await add("C", "consult");
        await waitParty("F", "held");
        await waitParty("C", "connected");
        await page.click(".o_voip_adhoc_merge");
        await waitParty("F", "connected");
        await waitMedia();
        mark("leave_hangup_click");
        await page.click(".o_voip_adhoc_leave");
        await page.waitForSelector(party("F"), {state: "detached", timeout: 15000});
        // The transfer then fails (its NOTIFY never comes): the host stays
        // with C, and is told.
        await page.waitForSelector(".o_voip_adhoc_error", {timeout: 25000});
        // F's BYE retransmissions, if unanswered, would show here.
        await sleep(2000);
        await confirmEnd();
        await sleep(config.settle_ms);
        mark("leave_hangup_end");
    },
    // Issue 24, 9: a call to a room (E) is never put on hold.
    async room_no_hold() {
        mark("room_start");
        await openSoftphone();
        await page.evaluate(
            (id) =>
                odoo.__WOWL_DEBUG__.root.env.services["voip_conference.join"].join({
                    id,
                }),
            config.room_id
        );
        await page.waitForSelector(".o_voip_softphone button[title='Mute']", {
            timeout: config.early_ms + 15000,
        });
        emit("room_controls", {
            pause: await page
                .locator(".o_voip_softphone button[title='Pause']")
                .count(),
            mute: await page.locator(".o_voip_softphone button[title='Mute']").count(),
        });
        await page.click(".o_voip_softphone button[title='Mute']");
        // Whatever asks the agent to hold: nothing leaves.
        await page.evaluate(() =>
            odoo.__WOWL_DEBUG__.root.env.services.voip_agent_oca.hold()
        );
        await sleep(1500);
        await page.click(".o_voip_softphone_footer button[title='Call']");
        await sleep(config.settle_ms);
        mark("room_end");
    },
    // 6: the call was on hold: single step makes a separate two-way call.
    async held_rule() {
        await callFirst("A");
        mark("pause_click");
        await page.click(".o_voip_softphone button[title='Pause']");
        await sleep(1000);
        await add("C", "single");
        await waitParty("A", "held");
        await waitParty("C", "connected");
        await waitMedia();
        await sleep(config.media_ms);
        await listen("separate");
        await confirmEnd();
    },
};

try {
    await page.goto("/web/login");
    await page.fill("input[name=login]", config.login);
    await page.fill("input[name=password]", config.password);
    await page.click("button[type=submit]");
    await page.waitForSelector(".o_main_navbar", {timeout: 60000});
    await page.waitForSelector("button[title='Softphone'].o_voip_connected", {
        timeout: 30000,
    });
    emit("registered");
    for (const name of config.cases) {
        await runCase(name, cases[name]);
    }
    await page.screenshot({path: `${config.work_dir}/last.png`}).catch(() => null);
    emit("done");
} catch (error) {
    emit("fatal", {error: String(error.stack || error)});
    process.exitCode = 1;
} finally {
    await browser.close();
}
