/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {patient} from "./patient.esm";
import {browser} from "@web/core/browser/browser";
import {registry} from "@web/core/registry";

/**
 * A conference user keeps a room's form open; the PBX pushes a join, then a
 * removal (signed webhooks the test prepared, posted as the PBX would). The
 * panel shows both without a reload: the page's marker survives. (Odoo's test
 * cursor drops post-commit hooks, so no bus message leaves during a tour: the
 * panel's periodic read shows the change here; the bus path is measured by
 * benchmarks/bench_participants_live.py against a running server.)
 */
async function push(name) {
    const delivery = window.voipConferenceDeliveries[name];
    const response = await browser.fetch(delivery.url, {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
    });
    if (response.status !== 204) {
        throw new Error(`The webhook ${name} was refused: ${response.status}`);
    }
}

function checkNoReload() {
    if (window.voipConferenceMarker !== "still here") {
        throw new Error("The page was reloaded.");
    }
}

registry.category("web_tour.tours").add("voip_conference_participants_live_tour", {
    steps: () =>
        patient([
            {trigger: ".o_voip_conference_participants[data-state=idle]"},
            {
                trigger: ".o_voip_conference_nobody",
                run: async () => {
                    window.voipConferenceMarker = "still here";
                    await push("join");
                },
            },
            {
                trigger:
                    ".o_voip_conference_participant:contains('Carla Contact'):contains('+32 2 555 01 11')",
                timeout: 15000,
            },
            {
                trigger: ".o_voip_conference_participants[data-state=active]",
                run: async () => {
                    checkNoReload();
                    await push("remove");
                },
            },
            {trigger: ".o_voip_conference_nobody", timeout: 15000},
            {
                trigger: ".o_voip_conference_participants[data-state=idle]",
                run: checkNoReload,
            },
            // The form's Participations tab follows the panel: Carla left,
            // removed, without a reload.
            {
                trigger: ".o_notebook a.nav-link:contains('Participations')",
                run: "click",
            },
            {
                trigger:
                    ".o_field_widget[name=participation_ids] .o_data_row:contains('Carla Contact'):contains('Removed')",
                run: checkNoReload,
            },
            // Conference users see the panel and no control.
            {
                trigger:
                    ".o_voip_conference_participants:not(:has(.o_voip_conference_lock))",
            },
        ]),
});

const row = (name) => `.o_voip_conference_participant:contains('${name}')`;
const panelIn = (state) => `.o_voip_conference_participants[data-state=${state}]`;

/** ``selector``'s element lies inside the window (1366x768): seen, not
 * below the fold. */
function inSight(selector) {
    const el = document.querySelector(selector);
    const box = el.getBoundingClientRect();
    if (
        box.top < 0 ||
        box.bottom > window.innerHeight ||
        box.right > window.innerWidth
    ) {
        throw new Error(`${selector} is out of sight (${JSON.stringify(box)})`);
    }
}

/** Type part of a contact's name in the invite box, pick the suggestion. */
const inviteContact = (typed, name) => [
    {
        trigger: ".o_voip_conference_invite input:enabled",
        run(helpers) {
            // The user scrolls down to the invite box.
            this.anchor.scrollIntoView({block: "end"});
            return helpers.edit(typed);
        },
    },
    {
        trigger: `.o_voip_conference_invite_contacts button:contains('${name}')`,
        run(helpers) {
            inSight(".o_voip_conference_invite_contacts");
            inSight(".o_voip_conference_invite input");
            return helpers.click();
        },
    },
    {trigger: ".o_notification:contains('nobody is called')"},
    {trigger: `${row(name)} .o_voip_conference_simulated`},
    {trigger: "body:not(:has(.o_voip_conference_invite_contacts))"},
];

// The room's administrator, a conference user, drives the panel on the
// built-in simulator: invite two contacts, mute one, remove the other, lock,
// unlock, end for everyone.
registry.category("web_tour.tours").add("voip_conference_participants_host_tour", {
    steps: () =>
        patient([
            {trigger: panelIn("idle")},
            {trigger: ".o_voip_conference_nobody"},
            // Nobody there: nothing to mute, lock or end.
            {trigger: ".o_voip_conference_lock:disabled"},
            {trigger: ".o_voip_conference_end:disabled"},
            ...inviteContact("carl", "Carla Contact"),
            {trigger: panelIn("active")},
            ...inviteContact("brun", "Bruno Contact"),
            // Mute Carla.
            {trigger: `${row("Carla Contact")} .o_voip_conference_mute`, run: "click"},
            {trigger: `${row("Carla Contact")} .o_voip_conference_muted`},
            {trigger: `${row("Carla Contact")} .o_voip_conference_unmute`},
            {trigger: `${row("Bruno Contact")}:not(:has(.o_voip_conference_muted))`},
            // Remove Bruno.
            {
                trigger: `${row("Bruno Contact")} .o_voip_conference_remove`,
                run: "click",
            },
            {
                trigger: `.o_voip_conference_participants:not(:has(${row("Bruno Contact")}))`,
            },
            {trigger: row("Carla Contact")},
            // Lock: nobody new, the invite box is off; then unlock.
            {trigger: ".o_voip_conference_lock:enabled", run: "click"},
            {trigger: panelIn("locked")},
            {trigger: ".o_voip_conference_invite input:disabled"},
            {trigger: ".o_voip_conference_unlock", run: "click"},
            {trigger: panelIn("active")},
            {trigger: ".o_voip_conference_invite input:enabled"},
            // End for everyone, confirmed.
            {trigger: ".o_voip_conference_end:enabled", run: "click"},
            {trigger: ".modal .modal-title:contains('End the conference')"},
            {
                trigger: ".modal .modal-footer button:contains('End for Everyone')",
                run: "click",
            },
            {trigger: "body:not(:has(.modal))"},
            {trigger: ".o_voip_conference_nobody"},
            {trigger: panelIn("idle")},
            {trigger: "body:not(:has(.o_error_dialog))"},
        ]),
});
