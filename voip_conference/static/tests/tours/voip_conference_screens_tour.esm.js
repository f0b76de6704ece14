/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {patient} from "./patient.esm";
import {registry} from "@web/core/registry";

const card = (name) => `.o_kanban_record:contains('${name}')`;

/** Fail the tour with ``message`` unless ``condition`` holds. */
function check(condition, message) {
    if (!condition) {
        throw new Error(message);
    }
}

/**
 * The elements of ``selector`` that share a parent sit on one row, and each
 * of them is one line high: nothing wraps.
 */
function assertOneLine(selector) {
    const elements = [...document.querySelectorAll(selector)].filter(
        (el) => el.offsetParent
    );
    check(elements.length, `nothing matches ${selector}`);
    const rows = new Map();
    for (const el of elements) {
        const boxes = rows.get(el.parentElement) || [];
        boxes.push(el.getBoundingClientRect());
        rows.set(el.parentElement, boxes);
        const style = window.getComputedStyle(el);
        const lineHeight =
            parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
        const padding =
            parseFloat(style.paddingTop) +
            parseFloat(style.paddingBottom) +
            parseFloat(style.borderTopWidth) +
            parseFloat(style.borderBottomWidth);
        const lines = (el.getBoundingClientRect().height - padding) / lineHeight;
        check(
            lines < 1.6,
            `"${el.textContent.trim()}" wraps onto ${lines.toFixed(1)} lines`
        );
    }
    // One row: every box overlaps every other vertically.
    for (const boxes of rows.values()) {
        const top = Math.max(...boxes.map((box) => box.top));
        const bottom = Math.min(...boxes.map((box) => box.bottom));
        check(top < bottom, `${selector} spreads over several rows`);
    }
}

/**
 * Delete or Archive (``item``; the gear menu's, not "Unroute and ...") of the
 * routed Tour room: no generic "delete?" / "archive?" first, but the one
 * confirmation that says which numbers are reset; cancelled.
 */
const unrouteOffered = (item) => [
    {
        trigger: `.o-dropdown--menu .dropdown-item:not(:contains('Unroute')):contains('${item}')`,
        run: "click",
    },
    {trigger: `.modal .modal-title:contains('Unroute and ${item}')`},
    {trigger: ".modal .o_data_row:contains('+32 2 555 01 77')"},
    {
        trigger:
            "body:not(:has(.modal:contains('Bye-bye'))):not(:has(.modal:contains('Are you sure')))",
    },
    {trigger: ".modal .modal-footer button:contains('Cancel')", run: "click"},
    {trigger: "body:not(:has(.modal))"},
];

/** Steps that check the screens do not wrap, in the user's language. */
const noWrapSteps = () => [
    // Kanban: the card's footer.
    {trigger: `${card("Tour room")} .o_voip_conference_join_card`},
    {
        trigger: "body",
        run: () => {
            assertOneLine(".o_kanban_record footer > *:not(.o_invisible_modifier)");
            assertOneLine(".o_kanban_record .o_voip_conference_join_card");
        },
    },
    // List: the header (buttons, breadcrumb) and the column titles.
    {trigger: ".o_switch_view.o_list", run: "click"},
    {trigger: ".o_list_view .o_data_row:contains('Tour room')"},
    {
        trigger: "body",
        run: () => {
            assertOneLine(".o_control_panel_main_buttons button:not(.d-none)");
            assertOneLine(".o_list_view thead th");
        },
    },
    // Form: the header buttons, all shown (a pushed room, routed numbers).
    {
        trigger: ".o_list_view .o_data_row:contains('Tour room') .o_data_cell",
        run: "click",
    },
    {trigger: ".o_form_view .o_form_statusbar button[name=action_apply_changes]"},
    {trigger: ".o_form_view .o_form_statusbar button[name=action_dial_in]"},
    {
        trigger: "body",
        run: () =>
            assertOneLine(
                ".o_form_view .o_form_statusbar .o_statusbar_buttons > button"
            ),
    },
    // The softphone's tab row.
    {trigger: "button[title='Softphone']", run: "click"},
    {trigger: ".o_voip_softphone a[name='conference_list']"},
    {
        trigger: "body",
        run: () => {
            assertOneLine(".o_voip_softphone .nav-tabs .nav-link");
            const tops = new Set(
                [
                    ...document.querySelectorAll(
                        ".o_voip_softphone .nav-tabs .nav-item"
                    ),
                ].map((item) => Math.round(item.getBoundingClientRect().top))
            );
            check(tops.size === 1, `the softphone's tabs take ${tops.size} rows`);
            for (const tab of document.querySelectorAll(
                ".o_voip_softphone .nav-link"
            )) {
                check(
                    tab.scrollWidth <= tab.clientWidth + 1,
                    `tab "${tab.textContent}" is cut`
                );
            }
        },
    },
];

registry.category("web_tour.tours").add("voip_conference_no_wrap_tour", {
    steps: noWrapSteps,
});

registry.category("web_tour.tours").add("voip_conference_screens_tour", {
    steps: () =>
        patient([
            // -- Kanban -----------------------------------------------------
            // The colour picker colours the card (highlight_color).
            {trigger: `${card("Tour room")}.o_kanban_color_3`},
            {trigger: `${card("Other room")}:not(.o_kanban_color_3)`},
            // Sync states where users look: on the card.
            {
                trigger: `${card("Conflict room")} .o_voip_conference_sync_badge:contains('Conflict')`,
            },
            {
                trigger: `${card("Tour room")} .o_voip_conference_sync_badge:contains('Pushed, not applied')`,
            },
            {trigger: `${card("Other room")}:not(:has(.o_voip_conference_sync_badge))`},
            // No Delete button on the cards; a routed room offers the wizard.
            {trigger: `body:not(:has(.o_kanban_record .o_voip_conference_delete))`},
            {
                trigger: `${card("Tour room")}`,
                run: `hover && click ${card("Tour room")} .o_dropdown_kanban .dropdown-toggle`,
            },
            {
                trigger:
                    ".o-dropdown--kanban-record-menu .o_voip_conference_unroute_delete",
            },
            {
                trigger:
                    ".o-dropdown--kanban-record-menu:not(:has(.o_voip_conference_delete))",
            },
            {
                trigger: ".o-dropdown--kanban-record-menu .o_colorlist_item_color_5",
                run: "click",
            },
            {trigger: `${card("Tour room")}.o_kanban_color_5`},
            {
                trigger: `${card("Tour room")}`,
                run: `hover && click ${card("Tour room")} .o_dropdown_kanban .dropdown-toggle`,
            },
            {
                trigger:
                    ".o-dropdown--kanban-record-menu .o_voip_conference_unroute_delete",
                run: "click",
            },
            {trigger: ".modal .modal-title:contains('Unroute and Delete')"},
            {trigger: ".modal .o_data_row:contains('+32 2 555 01 77')"},
            {
                trigger:
                    ".modal .modal-footer button.btn-danger:contains('Unroute and Delete')",
            },
            {trigger: ".modal .modal-footer button:contains('Cancel')", run: "click"},
            {trigger: "body:not(:has(.modal))"},
            {
                trigger: `${card("Other room")}`,
                run: `hover && click ${card("Other room")} .o_dropdown_kanban .dropdown-toggle`,
            },
            {trigger: ".o-dropdown--kanban-record-menu .o_voip_conference_delete"},
            {
                trigger: `${card("Other room")}`,
                run: `hover && click ${card("Other room")} .o_dropdown_kanban .dropdown-toggle`,
            },
            // -- Numbers as people read them --------------------------------
            {trigger: `${card("Tour room")} .o_tag:contains('+32 2 555 01 77')`},
            // -- Room form ----------------------------------------------------
            {
                trigger: `${card("Conflict room")} .o_voip_conference_extension`,
                run: "click",
            },
            {
                trigger:
                    ".o_form_view .o_voip_conference_sync_alert:contains('changed in Odoo and on the PBX')",
            },
            {
                trigger:
                    ".o_voip_conference_sync_alert button[name=action_resolve_conflict]",
            },
            {
                trigger:
                    ".o_form_view:not(:has(.o_voip_conference_sync_alert:contains('Conflict :')))",
            },
            // Empty values read as what they mean.
            {
                trigger:
                    ".o_field_widget[name=max_participants] input[placeholder='PBX default']",
            },
            {trigger: ".o_field_widget[name=max_participants] input:value()"},
            // The PBX's delay is used: no "0.00" that would read as "no delay".
            {
                trigger:
                    ".o_form_view:not(:has(.o_field_widget[name=receptionist_delay]))",
            },
            // At most four header buttons, none destructive.
            {
                trigger: "body",
                run: () => {
                    const buttons = document.querySelectorAll(
                        ".o_form_statusbar .o_statusbar_buttons > button"
                    );
                    check(buttons.length <= 4, `${buttons.length} header buttons`);
                    check(
                        ![...buttons].some((b) =>
                            /Unroute|Delete|Archive/.test(b.textContent)
                        ),
                        "a destructive button in the header"
                    );
                },
            },
            {
                trigger:
                    ".o_breadcrumb .o_back_button a, .o_breadcrumb .breadcrumb-item a",
                run: "click",
            },
            // The routed room: destructive actions in the gear menu.
            {trigger: card("Tour room"), run: "click"},
            {trigger: ".o_form_view .o_field_widget[name=extension] input:value(8777)"},
            {trigger: ".o_form_view .o_data_row:contains('+32 2 555 01 77')"},
            {trigger: ".o_cp_action_menus .dropdown-toggle", run: "click"},
            {
                trigger:
                    ".o-dropdown--menu .dropdown-item:contains('Unroute and Archive')",
            },
            {
                trigger:
                    ".o-dropdown--menu .dropdown-item:contains('Unroute and Delete')",
            },
            // Delete and Archive of a routed room: no generic confirmation first,
            // but the one that says which numbers are reset.
            ...unrouteOffered("Delete"),
            {trigger: ".o_cp_action_menus .dropdown-toggle", run: "click"},
            ...unrouteOffered("Archive"),
            // Apply Changes: the form shows the outcome at once.
            {
                trigger:
                    ".o_form_view .o_field_widget[name=sync_state]:contains('Pushed, not applied')",
            },
            // Not applied on the PBX: no Invite yet.
            {trigger: ".o_voip_conference_live_state"},
            {trigger: ".o_form_view:not(:has(.o_voip_conference_invite))"},
            {
                trigger: ".o_form_statusbar button[name=action_apply_changes]",
                run: "click",
            },
            {trigger: ".o_notification:contains('put in production')"},
            {
                trigger:
                    ".o_form_view .o_field_widget[name=sync_state]:contains('Synced')",
            },
            {trigger: ".o_form_statusbar:not(:has(button[name=action_apply_changes]))"},
            // One Invite, the participants panel's; on the simulated PBX it says
            // plainly that nobody is called.
            {trigger: ".o_form_statusbar:not(:has(button:contains('Invite')))"},
            {trigger: ".o_voip_conference_invite input", run: "edit 101"},
            {trigger: ".o_voip_conference_invite button[type=submit]", run: "click"},
            {trigger: ".o_notification:contains('nobody is called')"},
            {trigger: "body:not(:has(.o_notification:contains('The PBX is calling')))"},
            // -- Duplicate --------------------------------------------------
            {
                trigger: ".o_breadcrumb .breadcrumb-item a",
                run: "click",
            },
            {
                trigger: `${card("Other room")} .o_voip_conference_extension`,
                run: "click",
            },
            {
                trigger:
                    ".o_form_view .o_field_widget[name=name] input:value(Other room)",
            },
            {trigger: ".o_cp_action_menus .dropdown-toggle", run: "click"},
            {
                trigger: ".o-dropdown--menu .dropdown-item:contains('Duplicate')",
                run: "click",
            },
            {
                trigger:
                    ".o_form_view .o_field_widget[name=name] input:value(Other room (copy))",
            },
            {trigger: ".o_form_view .o_field_widget[name=extension] input:value(8779)"},
            {trigger: "body:not(:has(.o_error_dialog))"},
            // -- Delete from the list's gear menu ------------------------------
            {trigger: ".o_breadcrumb .breadcrumb-item a", run: "click"},
            {trigger: ".o_switch_view.o_list", run: "click"},
            {
                trigger:
                    ".o_data_row:contains('Tour room') .o_list_record_selector input",
                run: "click",
            },
            {trigger: ".o_cp_action_menus .dropdown-toggle", run: "click"},
            ...unrouteOffered("Delete"),
            // The list reloaded: select the room again.
            {
                trigger:
                    ".o_data_row:contains('Tour room') .o_list_record_selector input:not(:checked)",
                run: "click",
            },
            {trigger: ".o_cp_action_menus .dropdown-toggle", run: "click"},
            ...unrouteOffered("Archive"),
            {trigger: ".o_list_view .o_data_row:contains('Tour room')"},
        ]),
});

registry.category("web_tour.tours").add("voip_conference_live_sync_tour", {
    steps: () =>
        patient([
            {
                trigger:
                    ".o_form_view .o_field_widget[name=sync_state]:contains('Pending push')",
            },
            {trigger: ".o_form_view:not(:has(.o_voip_conference_invite))"},
            {
                trigger: "body",
                run: async () => {
                    // A page reload would drop this mark: the form must update in place.
                    window.voipConferenceNoReload = true;
                    // What the post-commit push of a Save (or the scheduled sync) does.
                    const roomId = Number(window.location.pathname.split("/").pop());
                    const response = await window.fetch(
                        "/web/dataset/call_kw/voip.conference/action_sync_now",
                        {
                            method: "POST",
                            headers: {"Content-Type": "application/json"},
                            body: JSON.stringify({
                                jsonrpc: "2.0",
                                method: "call",
                                params: {
                                    model: "voip.conference",
                                    method: "action_sync_now",
                                    args: [[roomId]],
                                    kwargs: {},
                                },
                            }),
                        }
                    );
                    check(!(await response.json()).error, "the sync failed");
                },
            },
            {
                trigger:
                    ".o_form_view .o_field_widget[name=sync_state]:contains('Pushed, not applied')",
            },
            {trigger: ".o_form_statusbar button[name=action_apply_changes]"},
            // Pushed, not applied: the PBX cannot call anyone into it yet.
            {trigger: ".o_voip_conference_live_state"},
            {trigger: ".o_form_view:not(:has(.o_voip_conference_invite))"},
            {
                trigger: "body",
                run: () =>
                    check(window.voipConferenceNoReload, "the page was reloaded"),
            },
        ]),
});

registry.category("web_tour.tours").add("voip_conference_sync_runs_tour", {
    steps: () =>
        patient([
            {trigger: ".o_list_view .o_data_row:contains('Conflicts left')"},
            {trigger: ".o_searchview_dropdown_toggler", run: "click"},
            {
                trigger: ".o_filter_menu .dropdown-item:contains('Problems')",
                run: "click",
            },
            {trigger: ".o_list_view .o_data_row:contains('Conflicts left')"},
            {trigger: ".o_list_view:not(:has(.o_data_row:contains('Done')))"},
            {
                trigger:
                    ".o_list_view .o_data_row:contains('Conflicts left') .o_data_cell",
                run: "click",
            },
            {trigger: ".o_form_view h1:contains('Tour PBX, Scheduled')"},
            {trigger: ".o_breadcrumb:contains('Tour PBX, Scheduled')"},
            {trigger: "body:not(:contains('voip.pbx.sync.run,'))"},
            {
                trigger:
                    ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Conflicts left')",
            },
        ]),
});

registry.category("web_tour.tours").add("voip_conference_numbers_tour", {
    steps: () =>
        patient([
            {trigger: ".o_list_view .o_data_row:contains('+32 2 555 01 77')"},
            {trigger: ".o_list_view:not(:contains('+3225550177'))"},
            {
                trigger:
                    ".o_list_view .o_data_row:contains('+32 2 555 01 77') .o_data_cell",
                run: "click",
            },
            {
                trigger:
                    ".o_form_view .o_field_widget[name=number_display] input:value(+32 2 555 01 77)",
            },
            {
                trigger:
                    ".o_form_view .o_field_widget[name=country_id] input:value(Belgium)",
            },
            {trigger: ".o_cp_action_menus .dropdown-toggle", run: "click"},
            {
                trigger:
                    ".o-dropdown--menu:not(:has(.dropdown-item:contains('Duplicate')))",
            },
        ]),
});

registry.category("web_tour.tours").add("voip_conference_pbx_tour", {
    steps: () =>
        patient([
            {
                trigger:
                    ".o_field_widget[name=conference_max_rooms] input[placeholder='No limit']",
            },
            {trigger: ".o_field_widget[name=conference_max_rooms] input:value()"},
            {
                trigger:
                    ".o_field_widget[name=conference_max_participants] input[placeholder='No limit']",
            },
            {trigger: ".o_field_widget[name=sync_run_retention_days] input:value(90)"},
        ]),
});

registry.category("web_tour.tours").add("voip_conference_pbx_timeouts_tour", {
    steps: () =>
        patient([
            // Emptied timeouts use their defaults: no "0.00" read as "no wait".
            {
                trigger:
                    ".o_field_widget[name=api_connect_timeout] input[placeholder='Default: 3.05']",
            },
            {trigger: ".o_field_widget[name=api_connect_timeout] input:value()"},
            {
                trigger:
                    ".o_field_widget[name=api_read_timeout] input[placeholder='Default: 10']",
            },
            {trigger: ".o_field_widget[name=api_read_timeout] input:value()"},
        ]),
});

/** Open the gear menu when there is one: it must not offer (Un)archive. */
async function noArchiveOffered() {
    const toggle = document.querySelector(".o_cp_action_menus .dropdown-toggle");
    if (toggle) {
        toggle.click();
        await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const items = [...document.querySelectorAll(".o-dropdown--menu .dropdown-item")];
    check(
        !items.some((item) => /rchive/.test(item.textContent)),
        "Archive or Unarchive is offered to a conference user"
    );
}

registry.category("web_tour.tours").add("voip_conference_read_only_tour", {
    steps: () =>
        patient([
            // A conference user reads rooms: no Archive nor Unarchive offered.
            {trigger: ".o_switch_view.o_list", run: "click"},
            {
                trigger:
                    ".o_data_row:contains('Tour room') .o_list_record_selector input",
                run: "click",
            },
            {trigger: ".o_list_record_selector input:checked", run: noArchiveOffered},
            {
                trigger:
                    ".o_data_row:contains('Tour room') .o_list_record_selector input",
                run: "click",
            },
            {
                trigger:
                    ".o_list_view:not(:has(.o_list_record_selector input:checked))",
            },
            {trigger: ".o_data_row:contains('Tour room') .o_data_cell", run: "click"},
            {
                trigger: ".o_form_view .o_field_widget[name=extension]:contains(8777)",
                run: noArchiveOffered,
            },
        ]),
});

/** The sRGB channels of a computed CSS colour, "rgb(a)(r, g, b[, a])". */
function rgba(color) {
    const [r, g, b, a = 1] = color.match(/[\d.]+/g).map(Number);
    return {r, g, b, a};
}

/** WCAG 2 relative luminance. */
function luminance({r, g, b}) {
    const lin = (c) => {
        c /= 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** The colour behind ``el``: its own background, else its nearest
 * ancestor's that is not transparent. */
function backgroundOf(el) {
    for (let node = el; node; node = node.parentElement) {
        const color = rgba(window.getComputedStyle(node).backgroundColor);
        if (color.a > 0) {
            return color;
        }
    }
    return {r: 255, g: 255, b: 255, a: 1};
}

/** Every element of ``selector`` has text at 4.5:1 or more (WCAG AA). */
function assertReadable(selector) {
    const elements = [...document.querySelectorAll(selector)].filter(
        (el) => el.offsetParent && el.textContent.trim()
    );
    check(elements.length, `nothing matches ${selector}`);
    for (const el of elements) {
        const fg = luminance(rgba(window.getComputedStyle(el).color));
        const bg = luminance(backgroundOf(el));
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        check(
            ratio >= 4.5,
            `"${el.textContent.trim()}" (${selector}) has a contrast of ${ratio.toFixed(1)}:1`
        );
    }
}

// Badges and Join buttons read at 4.5:1: kanban, list, form, softphone.
registry.category("web_tour.tours").add("voip_conference_contrast_tour", {
    steps: () =>
        patient([
            {
                trigger: `${card("Tour room")} .o_voip_conference_sync_badge:contains('Pushed, not applied')`,
                run() {
                    assertReadable(".o_kanban_view .badge");
                    assertReadable(".o_kanban_view .o_voip_conference_join_card");
                },
            },
            {trigger: ".o_switch_view.o_list", run: "click"},
            {
                trigger: ".o_list_view .o_data_row .badge:contains('Synced')",
                run() {
                    assertReadable(".o_list_view .o_data_row .badge");
                },
            },
            {trigger: ".o_data_row:contains('Other room') td[name=name]", run: "click"},
            {
                trigger:
                    ".o_form_view .o_field_widget[name=sync_state] .badge:contains('Synced')",
                run() {
                    assertReadable(
                        ".o_form_view .o_field_widget[name=sync_state] .badge"
                    );
                    assertReadable(".o_form_view .o_voip_conference_join_form");
                },
            },
            {trigger: "button[title='Softphone']", run: "click"},
            {trigger: ".o_voip_softphone a[name='conference_list']", run: "click"},
            {
                trigger: ".o_voip_softphone .o_voip_conference_join_button",
                run() {
                    assertReadable(".o_voip_softphone .o_voip_conference_join_button");
                },
            },
        ]),
});
