/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {RelationalModel} from "@web/model/relational_model/relational_model";
import {patch} from "@web/core/utils/patch";
import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");
const noErrorDialog = {trigger: "body:not(:has(.o_error_dialog))"};

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
    steps: () => [
        ...makeConflict(),
        {
            trigger: ".modal .modal-footer button[name=action_keep_odoo]",
            run: "click",
        },
        ...resolved("Odoo name"),
    ],
});

tours.add("voip_conference_resolve_take_pbx_tour", {
    steps: () => [
        ...makeConflict(),
        {
            trigger: ".modal .modal-footer button[name=action_take_provider]",
            run: "click",
        },
        ...resolved("PBX name"),
        {trigger: ".o_form_view .o_field_widget[name=max_participants] input:value(9)"},
    ],
});

tours.add("voip_conference_resolve_as_chosen_tour", {
    steps: () => [
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
        {trigger: ".o_form_view .o_field_widget[name=max_participants] input:value()"},
    ],
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
    steps: () => [
        {
            trigger:
                ".o_form_view .o_field_widget[name=sync_state]:contains('Pushed, not applied')",
            run: slowLoadsUntilSyncDone,
        },
        {trigger: ".o_form_statusbar button[name=action_apply_changes]", run: "click"},
        {trigger: ".o_notification:contains('put in production')"},
        {trigger: ".o_form_view .o_field_widget[name=sync_state]:contains('Synced')"},
        {
            trigger: "body",
            run: () => window.voipConferenceSlowLoads(),
        },
        noErrorDialog,
        {trigger: ".o_form_statusbar:not(:has(button[name=action_apply_changes]))"},
        {trigger: ".o_form_statusbar button[name=action_invite_wizard]"},
    ],
});
