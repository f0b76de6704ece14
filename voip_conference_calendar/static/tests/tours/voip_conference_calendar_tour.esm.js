/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {patient} from "@voip_conference/../tests/tours/patient.esm";
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("voip_conference_calendar_tour", {
    steps: () =>
        patient([
            {trigger: ".o_form_view div[name=name] input", run: "edit Tour meeting"},
            {
                trigger: ".o_form_view button[name=action_conference_pick_room]",
                run: "click",
            },
            {trigger: ".o_form_view div[name=conference_id] input:value(/Board/)"},
            {trigger: ".o_notebook a.nav-link:contains(Dial-in)", run: "click"},
            {trigger: ".o_voip_conference_dial_in:contains(8101)"},
            {trigger: ".o_voip_conference_dial_in_code:contains(1234)"},
            {
                trigger:
                    ".o_voip_conference_dial_in_one_tap[href='tel:+3225550100,,1234%23']",
            },
            {
                trigger: "button[name=action_conference_invitation_preview]",
                run: "click",
            },
            {
                trigger:
                    ".modal .o_voip_conference_calendar_preview_body .o_voip_conference_dial_in:contains(+32 2 555 01 00)",
            },
            {trigger: ".modal a.nav-link:contains(.ics)", run: "click"},
            {
                trigger:
                    ".modal .o_voip_conference_calendar_preview_ics:contains(CONFERENCE;FEATURE=PHONE)",
            },
            {trigger: ".modal .modal-footer button:contains(Close)", run: "click"},
            {trigger: "body:not(:has(.modal))"},
            {trigger: "button[name=action_conference_join]", run: "click"},
            // The softphone is headed with the room, not voip_oca's "No
            // contact info".
            {
                trigger:
                    ".o_voip_softphone .o_voip_conference_call_room:contains('Board · 8101')",
            },
            {trigger: ".o_voip_softphone:not(:contains('No contact info'))"},
            {trigger: ".o_voip_conference_join_digits:contains('••••#')"},
            {trigger: ".o_voip_softphone:not(:contains(1234))"},
            // Test mode says what Join would do, and runs no call timer.
            {trigger: ".o_voip_softphone:contains('Test mode: no call is placed.')"},
        ]),
});

// Somebody who may read the event but is not among its attendees (nor a
// conference manager of its company): the Dial-in tab gives the room's
// extension and number, never its access code.
registry.category("web_tour.tours").add("voip_conference_calendar_no_code_tour", {
    steps: () =>
        patient([
            {trigger: ".o_form_view div[name=name]:contains(Board meeting)"},
            {trigger: ".o_notebook a.nav-link:contains(Dial-in)", run: "click"},
            {trigger: ".o_voip_conference_dial_in:contains(8101)"},
            {trigger: ".o_voip_conference_dial_in:contains(+32 2 555 01 00)"},
            {
                trigger:
                    ".o_voip_conference_dial_in:contains(given to the attendees in their invitation)",
            },
            {trigger: ".o_form_view:not(:contains(1234))"},
            {trigger: "body:not(:has(.o_voip_conference_dial_in_code))"},
            {trigger: "body:not(:has(a[href*='1234']))"},
        ]),
});
