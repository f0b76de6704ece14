/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {
    MockServer,
    contains,
    defineModels,
    getService,
    makeMockEnv,
    models,
    mountWithCleanup,
    onRpc,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import {Component, useState, xml} from "@odoo/owl";
import {
    ParticipantsPanel,
    formatDuration,
} from "@voip_conference/live/participants_panel.esm";
import {describe, expect, test} from "@odoo/hoot";
import {animationFrame} from "@odoo/hoot-mock";
import {mailModels, startServer} from "@mail/../tests/mail_test_helpers";
import {voipModels} from "@voip_oca/../tests/voip_test_helpers.esm";
import {queryOne, waitFor} from "@odoo/hoot-dom";

describe.current.tags("desktop");

class VoipConference extends models.ServerModel {
    _name = "voip.conference";
}

defineModels({...mailModels, ...voipModels, VoipConference});

function participant(values) {
    return {
        id: 11,
        name: "Alice",
        number: "+3225550111",
        partner_id: false,
        user_id: false,
        role: "member",
        role_label: "Member",
        state: "connected",
        state_label: "Connected",
        muted: false,
        on_hold: false,
        talking: false,
        joined_at: "2026-11-30T10:00:00Z",
        ...values,
    };
}

function panel(values = {}) {
    return {
        id: 1,
        name: "Sales weekly",
        state: "active",
        state_label: "Active",
        count: 2,
        capacity: 10,
        version: 1,
        synced: true,
        can_act: true,
        can_invite: true,
        is_host: true,
        menu: [],
        actions: {participants: true, mute: true, remove: true, lock: true, end: true},
        missing: [],
        poll_ms: 0,
        error: false,
        participants: [
            participant({
                id: 10,
                name: "Hannah Host",
                number: "100",
                role: "admin",
                role_label: "Administrator",
            }),
            participant({talking: true}),
        ],
        ...values,
    };
}

test("the host sees who is in the room and mutes one", async () => {
    onRpc("voip.conference", "live_poll", ({args, kwargs}) => {
        expect.step(`live_poll ${args[0]} ${kwargs.refresh}`);
        return panel();
    });
    onRpc("voip.conference", "live_participant_action", ({args}) => {
        expect.step(`action ${JSON.stringify(args)}`);
        const after = panel({version: 2});
        after.participants[1].muted = true;
        return {ok: true, message: false, panel: after};
    });
    await mountWithCleanup(ParticipantsPanel, {props: {conferenceId: 1}});
    expect.verifySteps(["live_poll 1 true"]);
    await waitFor(".o_voip_conference_live_state:contains(Active)");
    expect(".o_voip_conference_live_count").toHaveText("2 / 10");
    expect(".o_voip_conference_participant").toHaveCount(2);
    expect(".o_voip_conference_participant:eq(0)").toHaveText(
        /Hannah Host\s*Administrator/
    );
    expect(
        ".o_voip_conference_participant:eq(1) .o_voip_conference_talking"
    ).toHaveCount(1);
    expect(".o_voip_conference_muted").toHaveCount(0);
    await contains(
        ".o_voip_conference_participant:eq(1) .o_voip_conference_mute"
    ).click();
    expect.verifySteps(['action [[1],11,"mute"]']);
    await waitFor(".o_voip_conference_participant:eq(1) .o_voip_conference_muted");
    expect(
        ".o_voip_conference_participant:eq(1) .o_voip_conference_unmute"
    ).toHaveCount(1);
});

test("a refused action says why and shows the fresh panel", async () => {
    onRpc("voip.conference", "live_poll", () => panel());
    onRpc("voip.conference", "live_participant_action", () => ({
        ok: false,
        message: "Alice has just left the conference: the list is up to date.",
        panel: panel({count: 1, participants: panel().participants.slice(0, 1)}),
    }));
    await mountWithCleanup(ParticipantsPanel, {props: {conferenceId: 1}});
    await contains(
        ".o_voip_conference_participant:eq(1) .o_voip_conference_remove"
    ).click();
    await waitFor(".o_notification:contains(has just left)");
    expect(".o_voip_conference_participant").toHaveCount(1);
});

test("a bus notification of the room reloads the panel, others do not", async () => {
    let version = 1;
    onRpc("voip.conference", "live_poll", () => {
        expect.step("live_poll");
        return panel({version, count: version + 1});
    });
    await mountWithCleanup(ParticipantsPanel, {props: {conferenceId: 1}});
    getService("bus_service").start();
    expect.verifySteps(["live_poll"]);
    version = 2;
    MockServer.env["bus.bus"]._sendone("broadcast", "voip_conference/live", {
        id: 1,
        version: 2,
    });
    await expect.waitForSteps(["live_poll"]);
    await waitFor(".o_voip_conference_live_count:contains(3)");
    // Another room, or what the panel already shows: nothing to read.
    MockServer.env["bus.bus"]._sendone("broadcast", "voip_conference/live", {
        id: 2,
        version: 9,
    });
    MockServer.env["bus.bus"]._sendone("broadcast", "voip_conference/live", {
        id: 1,
        version: 2,
    });
    await animationFrame();
    await animationFrame();
    expect.verifySteps([]);
});

test("a tab listens to a room's channel while a panel of that room is open", async () => {
    onRpc("voip.conference", "live_poll", () => panel());
    await makeMockEnv();
    patchWithCleanup(getService("bus_service"), {
        addChannel: (channel) => expect.step(`add ${channel}`),
        deleteChannel: (channel) => expect.step(`delete ${channel}`),
    });
    // A form and the softphone can show the same room at once.
    class TwoPanels extends Component {
        static template = xml`
            <ParticipantsPanel t-if="state.form" conferenceId="1"/>
            <ParticipantsPanel t-if="state.softphone" conferenceId="1"/>`;
        static components = {ParticipantsPanel};
        static props = ["*"];
        setup() {
            this.state = useState({form: true, softphone: true});
        }
    }
    const parent = await mountWithCleanup(TwoPanels);
    expect.verifySteps(["add voip_conference_live:1"]);
    parent.state.form = false;
    await animationFrame();
    expect.verifySteps([]);
    parent.state.softphone = false;
    await animationFrame();
    expect.verifySteps(["delete voip_conference_live:1"]);
});

test("end for everyone asks first", async () => {
    onRpc("voip.conference", "live_poll", () => panel());
    onRpc("voip.conference", "live_room_action", ({args}) => {
        expect.step(`room ${args[1]}`);
        return {
            ok: true,
            message: false,
            panel: panel({state: "idle", count: 0, participants: []}),
        };
    });
    await mountWithCleanup(ParticipantsPanel, {props: {conferenceId: 1}});
    await contains(".o_voip_conference_end").click();
    await waitFor(".modal:contains(Everyone in Sales weekly will be disconnected)");
    await contains(".modal .btn-secondary").click();
    expect.verifySteps([]);
    await contains(".o_voip_conference_end").click();
    await contains(".modal .btn-primary").click();
    expect.verifySteps(["room end"]);
    await waitFor(".o_voip_conference_nobody");
    // Nobody left: nothing to end, mute or lock.
    for (const selector of [
        ".o_voip_conference_end",
        ".o_voip_conference_mute_all",
        ".o_voip_conference_unmute_all",
        ".o_voip_conference_lock",
    ]) {
        expect(selector).not.toBeEnabled();
    }
    expect.verifySteps([]);
});

test("a room whose changes the PBX has not applied offers no Invite", async () => {
    onRpc("voip.conference", "live_poll", () => panel({can_invite: false}));
    await mountWithCleanup(ParticipantsPanel, {props: {conferenceId: 1}});
    await waitFor(".o_voip_conference_participant:eq(1)");
    expect(".o_voip_conference_mute_all").toBeEnabled();
    expect(".o_voip_conference_invite").toHaveCount(0);
});

test("a conference user sees the panel and no control", async () => {
    onRpc("voip.conference", "live_poll", () =>
        panel({can_act: false, can_invite: false, is_host: false})
    );
    await mountWithCleanup(ParticipantsPanel, {props: {conferenceId: 1}});
    await waitFor(".o_voip_conference_participant:eq(1)");
    for (const selector of [
        ".o_voip_conference_mute",
        ".o_voip_conference_remove",
        ".o_voip_conference_lock",
        ".o_voip_conference_end",
        ".o_voip_conference_mute_all",
        ".o_voip_conference_invite",
    ]) {
        expect(selector).toHaveCount(0);
    }
});

test("what the PBX cannot do is not offered, and the reason is given", async () => {
    onRpc("voip.conference", "live_poll", () =>
        panel({
            actions: {
                participants: true,
                mute: true,
                remove: false,
                lock: false,
                end: true,
            },
            missing: [
                {
                    capability: "remove",
                    reason: "PBX A cannot remove participants through its API.",
                },
                {
                    capability: "lock",
                    reason: "PBX A cannot lock conferences through its API.",
                },
            ],
        })
    );
    await mountWithCleanup(ParticipantsPanel, {props: {conferenceId: 1}});
    await waitFor(".o_voip_conference_missing li:contains(cannot remove)");
    expect(".o_voip_conference_remove").toHaveCount(0);
    expect(".o_voip_conference_lock").toHaveCount(0);
    expect(".o_voip_conference_mute").toHaveCount(2);
});

test("invite a number, or a contact found by name", async () => {
    const pyEnv = await startServer();
    const partnerId = pyEnv["res.partner"].create({
        name: "Carla Contact",
        phone: "+32 2 555 01 11",
    });
    pyEnv["res.partner"].create({name: "Carl Nophone", phone: false});
    onRpc("voip.conference", "live_poll", () => panel());
    onRpc("voip.conference", "live_invite", ({args, kwargs}) => {
        expect.step(`invite ${args[1] || kwargs.partner_id}`);
        return {ok: true, message: "The PBX is calling.", panel: panel()};
    });
    await mountWithCleanup(ParticipantsPanel, {props: {conferenceId: 1}});
    await contains(".o_voip_conference_invite input").edit("02 555 01 99", {
        confirm: false,
    });
    await contains(".o_voip_conference_invite button[type=submit]").click();
    expect.verifySteps(["invite 02 555 01 99"]);
    await contains(".o_voip_conference_invite input").edit("Carl", {confirm: false});
    await waitFor(".o_voip_conference_invite_contacts button:contains(Carla Contact)");
    expect(".o_voip_conference_invite_contacts button").toHaveCount(1);
    await contains(".o_voip_conference_invite_contacts button").click();
    expect.verifySteps([`invite ${partnerId}`]);
});

test("Invite is off while the invite box is blank", async () => {
    // The newcomer probe clicked Invite with an empty box, then with blanks:
    // nothing happened and nothing said why.
    onRpc("voip.conference", "live_poll", () => panel());
    onRpc("voip.conference", "live_invite", () => expect.step("invite"));
    await mountWithCleanup(ParticipantsPanel, {props: {conferenceId: 1}});
    const button = ".o_voip_conference_invite button[type=submit]";
    await waitFor(button);
    expect(button).not.toBeEnabled();
    await contains(".o_voip_conference_invite input").edit("   ", {confirm: false});
    expect(button).not.toBeEnabled();
    await contains(".o_voip_conference_invite input").edit("8002", {confirm: false});
    expect(button).toBeEnabled();
    expect.verifySteps([]);
});

test("what the invite box finds shows above it; a name without a phone says so", async () => {
    const pyEnv = await startServer();
    pyEnv["res.partner"].create({name: "Carla Contact", phone: "+32 2 555 01 11"});
    pyEnv["res.partner"].create({name: "Dora Nophone", phone: false});
    onRpc("voip.conference", "live_poll", () => panel());
    await mountWithCleanup(ParticipantsPanel, {props: {conferenceId: 1}});
    await contains(".o_voip_conference_invite input").edit("Carla", {confirm: false});
    await waitFor(".o_voip_conference_invite_contacts button:contains(Carla Contact)");
    // Above the box: seen without scrolling when the box ends the window.
    const list = queryOne(".o_voip_conference_invite_contacts").getBoundingClientRect();
    const box = queryOne(".o_voip_conference_invite").getBoundingClientRect();
    expect(list.bottom <= box.top).toBe(true);
    await contains(".o_voip_conference_invite input").edit("Dora", {confirm: false});
    await waitFor(
        ".o_voip_conference_invite_no_contact:contains(No contact with a phone matches “Dora”.)"
    );
    expect(".o_voip_conference_invite_contacts").toHaveCount(0);
});

test("when the room locks, every open panel turns Invite off", async () => {
    let locked = false;
    onRpc("voip.conference", "live_poll", () =>
        locked ? panel({state: "locked", state_label: "Locked", version: 2}) : panel()
    );
    onRpc("voip.conference", "live_invite", () => {
        expect.step("live_invite");
    });
    await mountWithCleanup(ParticipantsPanel, {props: {conferenceId: 1}});
    getService("bus_service").start();
    await contains(".o_voip_conference_invite input").edit("8002", {confirm: false});
    expect(".o_voip_conference_invite button[type=submit]").toBeEnabled();
    // Locked in another tab: this panel hears of it through the bus.
    locked = true;
    MockServer.env["bus.bus"]._sendone("broadcast", "voip_conference/live", {
        id: 1,
        version: 2,
    });
    await waitFor(".o_voip_conference_invite button[type=submit]:disabled");
    expect(".o_voip_conference_invite input").not.toBeEnabled();
    expect(".o_voip_conference_invite button[type=submit]").toHaveAttribute(
        "title",
        "A locked room accepts nobody new"
    );
    expect.verifySteps([]);
});

test("durations read as the phone shows them", () => {
    const start = "2026-11-30T10:00:00Z";
    const at = (seconds) => Date.parse(start) + seconds * 1000;
    expect(formatDuration(start, at(5))).toBe("0:05");
    expect(formatDuration(start, at(754))).toBe("12:34");
    expect(formatDuration(start, at(3723))).toBe("1:02:03");
    expect(formatDuration("", at(5))).toBe("");
});

test("the simulator's people read as simulated", async () => {
    onRpc("voip.conference", "live_poll", () =>
        panel({
            participants: [
                participant({id: 12, name: "Carla Contact", simulated: true}),
            ],
            count: 1,
        })
    );
    await mountWithCleanup(ParticipantsPanel, {props: {conferenceId: 1}});
    await waitFor(".o_voip_conference_participant:contains(Carla Contact)");
    expect(".o_voip_conference_participant .o_voip_conference_simulated").toHaveText(
        "Simulated"
    );
});
