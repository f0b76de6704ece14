/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
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
    steps: () => [
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
        {trigger: ".o_notebook a.nav-link:contains('Participations')", run: "click"},
        {
            trigger:
                ".o_field_widget[name=participation_ids] .o_data_row:contains('Carla Contact'):contains('Removed')",
            run: checkNoReload,
        },
        // Conference users see the panel and no control.
        {trigger: ".o_voip_conference_participants:not(:has(.o_voip_conference_lock))"},
    ],
});
