/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {patient} from "./patient.esm";
import {registry} from "@web/core/registry";

const card = ".o_kanban_record:contains('Tour room')";

registry.category("web_tour.tours").add("voip_conference_manager_tour", {
    steps: () =>
        patient([
            {trigger: `${card} .o_voip_conference_extension:contains('8777')`},
            {trigger: `${card} .fa-lock`},
            {trigger: `${card} .o_tag:contains('+32 2 555 01 77')`},
            {
                trigger: card,
                run: `hover && click ${card} .o_dropdown_kanban .dropdown-toggle`,
            },
            {
                trigger:
                    ".o-dropdown--kanban-record-menu .o_voip_conference_unroute_delete",
                run: "click",
            },
            {trigger: ".modal .o_data_row:contains('+32 2 555 01 77')"},
            {trigger: ".modal .modal-footer button:contains('Cancel')", run: "click"},
            {trigger: `${card}`},
            {trigger: ".o_switch_view.o_list", run: "click"},
            {
                trigger: ".o_list_view .o_data_row:contains('Tour room') .o_data_cell",
                run: "click",
            },
            {trigger: ".o_form_view .o_field_widget[name=extension] input:value(8777)"},
            {trigger: ".o_form_view .o_field_widget[name=access_code]"},
            {
                trigger:
                    ".o_form_view .o_field_widget[name=incoming_number_ids] .o_data_row:contains('+32 2 555 01 77')",
            },
            {trigger: ".o-mail-Chatter"},
        ]),
});

registry.category("web_tour.tours").add("voip_conference_user_tour", {
    steps: () =>
        patient([
            {trigger: `${card} .fa-lock`},
            {trigger: "body:not(:has(.o_voip_conference_delete))"},
            {trigger: `${card} .o_voip_conference_extension`, run: "click"},
            {trigger: ".o_form_view .o_field_widget[name=extension]:contains('8777')"},
            {trigger: ".o_form_view .o_field_widget[name=has_access_code]"},
            {trigger: ".o_form_view:not(:has(.o_field_widget[name=access_code]))"},
        ]),
});

registry.category("web_tour.tours").add("voip_conference_join_tour", {
    steps: () =>
        patient([
            {trigger: "button[title='Softphone']", run: "click"},
            {trigger: ".o_voip_softphone a[name='conference_list']", run: "click"},
            {
                trigger: ".o_voip_softphone input[placeholder='Search']",
                run: "edit Tour",
            },
            {trigger: ".o_voip_conference_item:contains('Tour room') .fa-lock"},
            {
                trigger:
                    ".o_voip_softphone:not(:has(.o_voip_conference_item:contains('Other room')))",
            },
            {
                trigger:
                    ".o_voip_conference_item:contains('Tour room') .o_voip_conference_join_button",
                run: "click",
            },
            {trigger: ".o_voip_conference_call_room:contains('Tour room')"},
            {trigger: ".o_voip_conference_join_digits:contains('••••#')"},
            {trigger: ".o_voip_softphone:not(:contains('4321'))"},
            {trigger: ".o_voip_softphone_content:contains('8777')"},
            // Test mode says so and runs no timer for a call that does not exist.
            {trigger: ".o_voip_conference_join_status:contains('Test mode')"},
            {trigger: ".o_voip_softphone_content:not(:contains('In call for'))"},
            {trigger: ".o_voip_softphone .text-danger[title='Call']", run: "click"},
            {trigger: ".o_voip_softphone:not(:has(.o_voip_conference_join))"},
            // A room without an access code: its name and a test-mode line too.
            {
                trigger: ".o_voip_softphone input[placeholder='Search']",
                run: "edit Other",
            },
            {
                trigger:
                    ".o_voip_conference_item:contains('Other room') .o_voip_conference_join_button",
                run: "click",
            },
            {trigger: ".o_voip_conference_call_room:contains('Other room')"},
            {trigger: ".o_voip_conference_join_status:contains('Test mode')"},
            {
                trigger:
                    ".o_voip_conference_join_digits:contains('No access code to send')",
            },
        ]),
});
