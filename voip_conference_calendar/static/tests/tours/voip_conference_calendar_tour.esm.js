/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("voip_conference_calendar_tour", {
    steps: () => [
        {trigger: ".o_form_view div[name=name] input", run: "edit Tour meeting"},
        {
            trigger: ".o_form_view button[name=action_conference_pick_room]",
            run: "click",
        },
        {trigger: ".o_form_view div[name=conference_id] input:value(/Board/)"},
        {trigger: ".o_notebook a.nav-link:contains(Dial-in)", run: "click"},
        {trigger: ".o_voip_conference_calendar_dial_in:contains(8101)"},
        {trigger: ".o_voip_conference_calendar_code:contains(1234)"},
        {
            trigger:
                ".o_voip_conference_calendar_one_tap[href='tel:+3225550100,,1234%23']",
        },
        {
            trigger: "button[name=action_conference_invitation_preview]",
            run: "click",
        },
        {
            trigger:
                ".modal .o_voip_conference_calendar_preview_body .o_voip_conference_calendar_dial_in:contains(+32 2 555 01 00)",
        },
        {trigger: ".modal a.nav-link:contains(.ics)", run: "click"},
        {
            trigger:
                ".modal .o_voip_conference_calendar_preview_ics:contains(CONFERENCE;FEATURE=PHONE)",
        },
        {trigger: ".modal .modal-footer button:contains(Close)", run: "click"},
        {trigger: "body:not(:has(.modal))"},
        {trigger: "button[name=action_conference_join]", run: "click"},
        {trigger: ".o_voip_conference_call_room:contains(Board)"},
        {trigger: ".o_voip_conference_join_digits:contains('••••#')"},
        {trigger: ".o_voip_softphone:not(:contains(1234))"},
        // Test mode says what Join would do, and runs no call timer.
        {trigger: ".o_voip_softphone:contains('Test mode: no call is placed.')"},
    ],
});
