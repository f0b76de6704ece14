/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
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
