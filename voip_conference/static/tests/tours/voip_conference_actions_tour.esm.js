/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {patient} from "./patient.esm";
import {browser} from "@web/core/browser/browser";
import {RelationalModel} from "@web/model/relational_model/relational_model";
import {patch} from "@web/core/utils/patch";
import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");
const noErrorDialog = {trigger: "body:not(:has(.o_error_dialog))"};
// What the Dial-in Details' Copy wrote (see the room form's tour).
const clipboard = {text: ""};

/**
 * The room's form is open while its name was changed on the PBX; saving a new
 * name in Odoo finds the conflict, and Resolve Conflict opens the wizard with
 * both sides.
 */
const makeConflict = () => [
    {trigger: ".o_form_view .o_field_widget[name=name] input:value(Clash room)"},
    {trigger: ".o_form_view .o_field_widget[name=name] input", run: "edit Odoo name"},
    {trigger: ".o_form_view .o_form_button_save", run: "click"},
    {trigger: ".o_form_view .o_form_saved"},
    noErrorDialog,
    {
        trigger:
            ".o_form_view .o_voip_conference_sync_alert:contains('changed in Odoo and on the PBX')",
    },
    {
        trigger: ".o_voip_conference_sync_alert button[name=action_resolve_conflict]",
        run: "click",
    },
    {trigger: ".modal .o_data_row:contains('Odoo name'):contains('PBX name')"},
];

/** The room left Conflict with ``name``; no error on the way. */
const resolved = (name) => [
    {trigger: "body:not(:has(.modal))"},
    noErrorDialog,
    {trigger: `.o_form_view .o_field_widget[name=name] input:value(${name})`},
    {
        trigger:
            ".o_form_view:not(:has(.o_voip_conference_sync_alert:contains('Conflict')))",
    },
    {
        trigger:
            ".o_form_view .o_field_widget[name=sync_state]:not(:contains('Conflict'))",
    },
];

tours.add("voip_conference_resolve_keep_odoo_tour", {
    steps: () =>
        patient([
            ...makeConflict(),
            {
                trigger: ".modal .modal-footer button[name=action_keep_odoo]",
                run: "click",
            },
            ...resolved("Odoo name"),
        ]),
});

tours.add("voip_conference_resolve_take_pbx_tour", {
    steps: () =>
        patient([
            ...makeConflict(),
            {
                trigger: ".modal .modal-footer button[name=action_take_provider]",
                run: "click",
            },
            ...resolved("PBX name"),
            {
                trigger:
                    ".o_form_view .o_field_widget[name=max_participants] input:value(9)",
            },
        ]),
});

tours.add("voip_conference_resolve_as_chosen_tour", {
    steps: () =>
        patient([
            ...makeConflict(),
            // The PBX's name, Odoo's capacity (the default choice).
            {
                trigger: ".modal .o_data_row:contains('PBX name') td[name=choice]",
                run: "click",
            },
            {
                trigger:
                    ".modal .o_data_row:contains('PBX name') td[name=choice] .o_select_menu_toggler",
                run: "click",
            },
            {
                trigger: ".o_select_menu_menu .o_select_menu_item:contains('The PBX')",
                run: "click",
            },
            {
                trigger:
                    ".modal .o_data_row:contains('PBX name') td[name=choice] input:value(The PBX's)",
            },
            {
                trigger: ".modal .modal-footer button[name=action_apply_choices]",
                run: "click",
            },
            ...resolved("PBX name"),
            {
                trigger:
                    ".o_form_view .o_field_widget[name=max_participants] input:value()",
            },
        ]),
});

/**
 * A busy server: from now on, the rooms' views load their data only once the
 * PBX's "sync run done" message has reached the browser (and its debounced
 * reload has fired), as happens when the message comes in while the form
 * reloads after a button. Returns nothing; ``window.voipConferenceSlowLoads``
 * undoes it.
 */
function slowLoadsUntilSyncDone() {
    const env = odoo.__WOWL_DEBUG__.root.env;
    const bus = env.services.bus_service;
    let arrived = null;
    const received = new Promise((resolve) => {
        arrived = resolve;
    });
    const onDone = () => setTimeout(arrived, 500);
    bus.subscribe("voip_conference/sync_run_done", onDone);
    const unpatch = patch(RelationalModel.prototype, {
        async _loadData() {
            await received;
            return super._loadData(...arguments);
        },
    });
    window.voipConferenceSlowLoads = () => {
        unpatch();
        bus.unsubscribe("voip_conference/sync_run_done", onDone);
    };
}

tours.add("voip_conference_apply_changes_form_tour", {
    steps: () =>
        patient([
            {
                trigger:
                    ".o_form_view .o_field_widget[name=sync_state]:contains('Pushed, not applied')",
                run: slowLoadsUntilSyncDone,
            },
            {
                trigger: ".o_form_statusbar button[name=action_apply_changes]",
                run: "click",
            },
            {trigger: ".o_notification:contains('put in production')"},
            {
                trigger:
                    ".o_form_view .o_field_widget[name=sync_state]:contains('Synced')",
            },
            {
                trigger: "body",
                run: () => window.voipConferenceSlowLoads(),
            },
            noErrorDialog,
            {trigger: ".o_form_statusbar:not(:has(button[name=action_apply_changes]))"},
            {trigger: ".o_voip_conference_invite button[type=submit]"},
        ]),
});

const card = (name) => `.o_kanban_record:contains('${name}')`;

/** The softphone joins ``room`` (test mode: nothing is dialled); hang up. */
const joinsAndHangsUp = (room) => [
    {trigger: `.o_voip_softphone .o_voip_conference_call_room:contains('${room}')`},
    {trigger: ".o_voip_conference_join_status:contains('Test mode')"},
    noErrorDialog,
    {trigger: ".o_voip_softphone .text-danger[title='Call']", run: "click"},
    {trigger: ".o_voip_softphone:not(:has(.o_voip_conference_join))"},
];

// The room form's buttons, on a room no number reaches yet.
tours.add("voip_conference_room_form_buttons_tour", {
    steps: () =>
        patient([
            {
                trigger:
                    ".o_form_view .o_field_widget[name=name] input:value(Clash room)",
            },
            // Route a Number: the wizard routes it; the room lists it.
            {
                trigger: ".o_form_view button[name=action_route_number_wizard]",
                run: "click",
            },
            {
                trigger: ".modal .o_field_widget[name=incoming_number_id] input",
                run: "edit 0188",
            },
            {
                trigger: ".o-autocomplete--dropdown-item:contains('555 01 88')",
                run: "click",
            },
            {
                trigger: ".modal .modal-footer button[name=action_route]",
                run: "click",
            },
            {trigger: "body:not(:has(.modal))"},
            noErrorDialog,
            {trigger: ".o_form_view .o_data_row:contains('+32 2 555 01 88')"},
            // Dial-in Details: the room's one dial-in block (numbers as dialled
            // from here, one-tap strings beside their tel: links), copied by
            // Copy, then Close.
            {trigger: ".o_form_statusbar button[name=action_dial_in]", run: "click"},
            {trigger: ".modal .o_voip_conference_dial_in:contains('+32 2 555 01 88')"},
            {
                trigger:
                    ".modal .o_voip_conference_dial_in_one_tap[href='tel:+3225550188']:contains('+32 2 555 01 88')",
            },
            {
                // A headless browser has no system clipboard: keep what is written.
                trigger: ".modal .o_voip_conference_dial_in_copy",
                run() {
                    Object.defineProperty(browser.navigator, "clipboard", {
                        configurable: true,
                        value: {writeText: async (text) => (clipboard.text = text)},
                    });
                },
            },
            {trigger: ".modal .o_voip_conference_dial_in_copy", run: "click"},
            {trigger: ".o_notification:contains('Copied')"},
            {
                trigger: ".modal",
                run() {
                    for (const part of ["8795", "- +32 2 555 01 88\n"]) {
                        if (!clipboard.text.includes(part)) {
                            throw new Error(
                                `Copy wrote ${clipboard.text}, not ${part}`
                            );
                        }
                    }
                },
            },
            {trigger: ".modal .modal-footer button:contains('Close')", run: "click"},
            {trigger: "body:not(:has(.modal))"},
            // The Numbers smart button lists the room's numbers.
            {
                trigger:
                    ".o_form_view .oe_stat_button[name=action_view_incoming_numbers]",
                run: "click",
            },
            {trigger: ".o_list_view .o_data_row:contains('+32 2 555 01 88')"},
            {
                trigger: ".o_breadcrumb .breadcrumb-item a:contains('Clash room')",
                run: "click",
            },
            // Join: the softphone joins the room.
            {trigger: ".o_form_statusbar button[name=action_join]", run: "click"},
            ...joinsAndHangsUp("Clash room"),
            // Unroute and Archive, confirmed: the number is freed, the room archived.
            {trigger: ".o_cp_action_menus .dropdown-toggle", run: "click"},
            {
                trigger:
                    ".o-dropdown--menu .dropdown-item:contains('Unroute and Archive')",
                run: "click",
            },
            {trigger: ".modal .o_data_row:contains('+32 2 555 01 88')"},
            {
                trigger:
                    ".modal .modal-footer button[name=action_confirm]:contains('Unroute and Archive')",
                run: "click",
            },
            {trigger: "body:not(:has(.modal))"},
            noErrorDialog,
            {trigger: ".o_form_view .ribbon span:contains('Archived')"},
        ]),
});

// The cards' and the list's buttons.
tours.add("voip_conference_room_views_buttons_tour", {
    steps: () =>
        patient([
            // The card's Join.
            {
                trigger: `${card("Clash room")} .o_voip_conference_join_card`,
                run: "click",
            },
            ...joinsAndHangsUp("Clash room"),
            // The card menu's Delete (no number reaches the room): Odoo's
            // confirmation, then the card is gone.
            {
                trigger: card("Spare room"),
                run: `hover && click ${card("Spare room")} .o_dropdown_kanban .dropdown-toggle`,
            },
            {
                trigger: ".o-dropdown--kanban-record-menu .o_voip_conference_delete",
                run: "click",
            },
            {trigger: ".modal .modal-footer button.btn-primary", run: "click"},
            {trigger: `.o_kanban_view:not(:has(${card("Spare room")}))`},
            noErrorDialog,
            // The list's Apply Changes, on the selected pushed room.
            {trigger: ".o_switch_view.o_list", run: "click"},
            {
                trigger:
                    ".o_data_row:contains('Clash room') .o_list_record_selector input",
                run: "click",
            },
            {
                trigger: ".o_control_panel button[name=action_apply_changes]",
                run: "click",
            },
            {trigger: ".o_notification:contains('put in production')"},
            noErrorDialog,
            {trigger: ".o_data_row:contains('Clash room'):contains('Synced')"},
        ]),
});

// A room deleted on the PBX: Re-create on the PBX, confirmed.
tours.add("voip_conference_recreate_tour", {
    steps: () =>
        patient([
            {trigger: ".o_voip_conference_sync_alert:contains('no longer on the PBX')"},
            {
                trigger:
                    ".o_voip_conference_sync_alert button[name=action_recreate_on_pbx]",
                run: "click",
            },
            {trigger: ".modal .modal-footer button.btn-primary", run: "click"},
            {trigger: "body:not(:has(.modal))"},
            noErrorDialog,
            {
                trigger:
                    ".o_form_view:not(:has(.o_voip_conference_sync_alert:contains('no longer on the PBX')))",
            },
            {
                trigger:
                    ".o_form_view .o_field_widget[name=sync_state]:not(:contains('Missing'))",
            },
        ]),
});

// An incoming number changed on both sides: Resolve Conflict, Keep Odoo's.
tours.add("voip_conference_number_conflict_tour", {
    steps: () =>
        patient([
            {
                trigger: ".o_form_view button[name=action_resolve_conflict]",
                run: "click",
            },
            {trigger: ".modal .o_data_row"},
            {
                trigger: ".modal .modal-footer button[name=action_keep_odoo]",
                run: "click",
            },
            {trigger: "body:not(:has(.modal))"},
            noErrorDialog,
            {trigger: ".o_form_view:not(:has(button[name=action_resolve_conflict]))"},
        ]),
});

// The PBX form's buttons.
tours.add("voip_conference_pbx_buttons_tour", {
    steps: () =>
        patient([
            {
                trigger: ".o_form_statusbar button[name=action_test_connection]",
                run: "click",
            },
            {trigger: ".o_notification:contains('Connected: the PBX has')"},
            {trigger: ".o_form_statusbar button[name=action_sync]", run: "click"},
            {trigger: ".o_notification:contains('Actions PBX')"},
            noErrorDialog,
            {
                trigger: ".o_form_statusbar button[name=action_apply_changes]",
                run: "click",
            },
            {trigger: ".o_notification:contains('put in production')"},
            noErrorDialog,
            // The smart buttons: rooms, sync runs, numbers, each and back.
            {
                trigger: ".o_form_view .oe_stat_button[name=action_view_conferences]",
                run: "click",
            },
            {
                trigger:
                    ".o_kanban_record:contains('Clash room'), .o_data_row:contains('Clash room')",
            },
            {
                trigger: ".o_breadcrumb .breadcrumb-item a:contains('Actions PBX')",
                run: "click",
            },
            {
                trigger: ".o_form_view .oe_stat_button:contains('Sync Runs')",
                run: "click",
            },
            {trigger: ".o_list_view .o_data_row:contains('Actions PBX')"},
            {
                trigger: ".o_breadcrumb .breadcrumb-item a:contains('Actions PBX')",
                run: "click",
            },
            {
                trigger:
                    ".o_form_view .oe_stat_button[name=action_view_incoming_numbers]",
                run: "click",
            },
            {trigger: ".o_list_view .o_data_row:contains('+32 2 555 01 88')"},
            noErrorDialog,
        ]),
});

const secretInput =
    ".o_form_view .o_field_widget[name=conference_webhook_secret] input[type=password]";

// The PBX form's webhook secret, as a system administrator: Generate puts a
// new secret in the field, which stays masked (a password input, its value
// nowhere in the page's text).
tours.add("voip_conference_webhook_secret_tour", {
    steps: () =>
        patient([
            {trigger: ".o_form_view .o_field_widget[name=conference_webhook_url]"},
            // The old secret, masked.
            {trigger: `${secretInput}:value(old-secret-0123456789)`},
            {
                trigger: ".o_form_view button[name=action_generate_webhook_secret]",
                run: "click",
            },
            // A new one: 32 random bytes, URL-safe base64 (43 characters).
            {trigger: `${secretInput}:value(/^[\\w-]{43}$/)`},
            noErrorDialog,
            {trigger: ".o_form_view .o_form_saved"},
            {
                trigger: secretInput,
                run() {
                    const secret = document.querySelector(secretInput).value;
                    if (document.body.innerText.includes(secret)) {
                        throw new Error("The webhook secret is shown in clear.");
                    }
                    window.voipConferenceSecret = secret;
                },
            },
            // Generate again: another secret.
            {
                trigger: ".o_form_view button[name=action_generate_webhook_secret]",
                run: "click",
            },
            {
                trigger: `${secretInput}:value(/^[\\w-]{43}$/)`,
                // The old secret matches the trigger too: wait for the
                // button's answer to replace it (a loaded machine answers
                // late), up to a step's patience.
                async run() {
                    const changed = () =>
                        document.querySelector(secretInput)?.value !==
                        window.voipConferenceSecret;
                    for (let tries = 0; tries < 600 && !changed(); tries++) {
                        await new Promise((resolve) => setTimeout(resolve, 50));
                    }
                    if (!changed()) {
                        throw new Error("Generate kept the same secret.");
                    }
                },
            },
            noErrorDialog,
        ]),
});

const routedRow = (number) =>
    `.o_form_view .o_field_widget[name=incoming_number_ids] .o_data_row:contains('${number}')`;

/** The gear menu's Unroute and Delete: the confirmation lists both numbers. */
const openUnrouteDelete = () => [
    {trigger: ".o_cp_action_menus .dropdown-toggle", run: "click"},
    {
        trigger: ".o-dropdown--menu .dropdown-item:contains('Unroute and Delete')",
        run: "click",
    },
    {trigger: ".modal .modal-title:contains('Unroute and Delete')"},
    {trigger: ".modal .o_data_row:contains('+32 2 555 01 88')"},
    {trigger: ".modal .o_data_row:contains('+32 2 555 01 89')"},
];

// A room two numbers reach: Unroute and Delete, cancelled then confirmed.
tours.add("voip_conference_unroute_delete_tour", {
    steps: () =>
        patient([
            {
                trigger:
                    ".o_form_view .o_field_widget[name=name] input:value(Clash room)",
            },
            {trigger: routedRow("+32 2 555 01 88")},
            {trigger: routedRow("+32 2 555 01 89")},
            // Cancel: nothing changes.
            ...openUnrouteDelete(),
            {trigger: ".modal .modal-footer button:contains('Cancel')", run: "click"},
            {trigger: "body:not(:has(.modal))"},
            noErrorDialog,
            {
                trigger:
                    ".o_form_view .o_field_widget[name=name] input:value(Clash room)",
            },
            {trigger: routedRow("+32 2 555 01 88")},
            {trigger: routedRow("+32 2 555 01 89")},
            // Confirmed: the rooms' view without the room.
            ...openUnrouteDelete(),
            {
                trigger:
                    ".modal .modal-footer button[name=action_confirm]:contains('Unroute and Delete')",
                run: "click",
            },
            {trigger: "body:not(:has(.modal))"},
            noErrorDialog,
            {trigger: ".o_kanban_view .o_kanban_record:contains('Spare room')"},
            {
                trigger:
                    ".o_kanban_view:not(:has(.o_kanban_record:contains('Clash room')))",
            },
            // The deleted room is not left in the breadcrumb to be opened.
            {trigger: ".o_breadcrumb:not(:contains('Clash room'))"},
            // The numbers reach nothing any more, as the menu's list shows.
            {trigger: ".o_menu_sections button:contains('Conferences')", run: "click"},
            {
                trigger:
                    ".o-dropdown--menu .dropdown-item:contains('Incoming Numbers')",
                run: "click",
            },
            {
                trigger:
                    ".o_list_view .o_data_row:contains('+32 2 555 01 88') td[name=destination_type]:contains('Not configured')",
            },
            {
                trigger:
                    ".o_list_view .o_data_row:contains('+32 2 555 01 89') td[name=destination_type]:contains('Not configured')",
            },
            {trigger: ".o_list_view:not(:has(.o_data_row:contains('Clash room')))"},
            noErrorDialog,
        ]),
});
