/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {click, contains, mailModels, start} from "@mail/../tests/mail_test_helpers";
import {
    defineModels,
    fields,
    models,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import {expect, test} from "@odoo/hoot";
import {session} from "@web/session";
import {voipModels} from "@voip_oca/../tests/voip_test_helpers.esm";

/**
 * Join from the Conferences tab, then the room's participants in the call
 * view: the one Join path of rooms and events (issue 21). The rooms and
 * their participants are records of the mock server; its methods answer as
 * the room's do, from those records.
 */
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
    participation_ids = fields.One2many({
        relation: "voip.conference.participation",
        relation_field: "conference_id",
    });
    _records = [
        {id: 1, name: "Sales weekly", extension: "8001", pbx_id: 1},
        {id: 2, name: "All hands", extension: "8003", pbx_id: 1},
    ];

    get_join_sequence(ids) {
        const [room] = this.browse(ids);
        expect.step(`get_join_sequence ${room.name}`);
        return {
            id: room.id,
            name: room.name,
            extension: room.extension,
            dtmf: "",
            delay_ms: 0,
            dtmf_method: "auto",
        };
    }

    get_live_panel(ids) {
        return this._panel(ids[0]);
    }

    live_poll(ids) {
        return {...this._panel(ids[0]), error: false};
    }

    /** The panel of voip.conference._live_panel, for a member (not a host). */
    _panel(id) {
        const [room] = this.browse([id]);
        const rows = this.env["voip.conference.participation"]._filter([
            ["conference_id", "=", id],
            ["left_at", "=", false],
        ]);
        return {
            id,
            name: room.name,
            state: rows.length ? "active" : "idle",
            state_label: rows.length ? "Active" : "Idle",
            count: rows.length,
            capacity: 10,
            version: 1,
            synced: true,
            can_act: false,
            can_invite: false,
            is_host: false,
            menu: [],
            actions: {participants: true, mute: false, remove: false, lock: false},
            missing: [],
            poll_ms: 0,
            participants: rows.map((row) => ({
                id: row.id,
                name: row.name,
                number: row.number,
                partner_id: false,
                user_id: false,
                role: row.role,
                role_label: row.role === "admin" ? "Administrator" : "Member",
                state: "connected",
                state_label: "Connected",
                muted: false,
                on_hold: false,
                talking: false,
                joined_at: false,
                simulated: false,
            })),
        };
    }
}

class VoipConferenceParticipation extends models.ServerModel {
    _name = "voip.conference.participation";
    conference_id = fields.Many2one({relation: "voip.conference"});
    name = fields.Char();
    number = fields.Char();
    role = fields.Char();
    left_at = fields.Datetime();
    _records = [
        {id: 1, conference_id: 1, name: "Hannah Host", number: "100", role: "admin"},
        {id: 2, conference_id: 1, name: "Alice", number: "+3225550111", role: "member"},
        {id: 3, conference_id: 2, name: "Bob", number: "+3225550112", role: "member"},
    ];
}

class VoipIncomingNumber extends models.ServerModel {
    _name = "voip.incoming.number";
    number = fields.Char();
    conference_id = fields.Many2one({relation: "voip.conference"});
}

defineModels({
    ...mailModels,
    ...voipModels,
    VoipConference,
    VoipConferenceParticipation,
    VoipIncomingNumber,
});

test("Join from the Conferences tab: the call view lists the room's participants", async () => {
    const tones = {dialtone: "", calltone: "", ringbacktone: ""};
    patchWithCleanup(session, {...session, voip: {pbx_id: 1, mode: "test", tones}});
    // Headless Chromium plays no sound.
    patchWithCleanup(window.HTMLMediaElement.prototype, {
        play: () => Promise.resolve(),
        pause: () => undefined,
    });
    await start();
    await click(".o_menu_systray .o_nav_entry[title='Softphone']");
    await click(".o_voip_softphone a[name='conference_list']");
    await contains(".o_voip_conference_item", {count: 2});
    await click(
        ".o_voip_conference_item:contains('Sales weekly') .o_voip_conference_join_button"
    );
    await contains(".o_voip_conference_call_room", {text: "Sales weekly · 8001"});
    await contains(
        ".o_voip_conference_call_participants .o_voip_conference_participant",
        {
            count: 2,
        }
    );
    await contains(".o_voip_conference_call_participants:contains('Hannah Host')");
    await contains(".o_voip_conference_call_participants:contains('Alice')");
    await contains(".o_voip_conference_call_participants:contains('Bob')", {count: 0});
    // Hung up: the next call is no room's, and shows no participants.
    await click(".o_voip_softphone .text-danger[title='Call']");
    await contains(".o_voip_conference_call_participants", {count: 0});
    expect.verifySteps(["get_join_sequence Sales weekly"]);
});
