/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {patient} from "./patient.esm";
import {registry} from "@web/core/registry";

/** Fail the tour with ``message`` unless ``condition`` holds. */
function check(condition, message) {
    if (!condition) {
        throw new Error(message);
    }
}

/**
 * ``selector``'s element can be seen and clicked where it is: inside the
 * window, and the topmost element at its centre (nothing covers it, no
 * scrolling needed).
 */
function assertUsable(selector) {
    const elements = [...document.querySelectorAll(selector)];
    check(elements.length, `nothing matches ${selector}`);
    for (const el of elements) {
        const box = el.getBoundingClientRect();
        const label = `${selector} ("${el.textContent.trim() || el.title}")`;
        check(box.width > 0 && box.height > 0, `${label} is not shown`);
        check(
            box.top >= 0 &&
                box.left >= 0 &&
                box.bottom <= window.innerHeight &&
                box.right <= window.innerWidth,
            `${label} is outside the ${window.innerWidth}x${window.innerHeight} window`
        );
        const x = box.left + box.width / 2;
        const y = box.top + box.height / 2;
        const top = document.elementFromPoint(x, y);
        check(top && el.contains(top), `${label} is covered or scrolled away`);
    }
}

const CONTROLS = [
    ".o_voip_adhoc_number",
    ".o_voip_adhoc_conference",
    ".o_voip_adhoc_consult",
    ".o_voip_adhoc_end",
    ".o_voip_softphone_footer button[title='Open Numpad']",
    ".o_voip_softphone_footer button.text-danger[title='Call']",
    ".o_voip_adhoc_party .o_voip_adhoc_disconnect",
];

const add = (number, button) => [
    {trigger: ".o_voip_adhoc_number", run: `edit ${number}`},
    {trigger: `.o_voip_adhoc_${button}`, run: "click"},
    // The party is dialled: the field is free for the next one.
    {trigger: `.o_voip_adhoc_party[data-number='${number}']`},
    {
        trigger: ".o_voip_adhoc_number",
        run() {
            check(
                this.anchor.value === "",
                `the add field still reads ${this.anchor.value}`
            );
        },
    },
];

const noErrorDialog = {trigger: "body:not(:has(.o_error_dialog))"};

// A conference made from a call, three parties, at the test's window size
// (HttpCase's 1366x768): every control in sight and used.
registry.category("web_tour.tours").add("voip_conference_call_view_tour", {
    steps: () =>
        patient([
            {trigger: "button[title='Softphone']", run: "click"},
            // The softphone knows the contacts it listed.
            {trigger: ".o_voip_softphone a[name='partner_list']", run: "click"},
            {
                trigger: ".o_voip_softphone input[placeholder='Search']",
                run: "edit Ann Ex",
            },
            {trigger: ".o_voip_softphone_content:contains('Ann Example')"},
            {trigger: ".o_voip_softphone button[title='Open Numpad']", run: "click"},
            {trigger: ".o_voip_softphone .o_numpad_input", run: "edit +3225550111"},
            {trigger: ".o_voip_softphone button[title='Call']", run: "click"},
            ...add("+32 2 555 01 22", "conference"),
            ...add("025550133", "conference"),
            {trigger: ".o_voip_adhoc_party[data-state='connected']:eq(2)"},
            noErrorDialog,
            {
                trigger: ".o_voip_adhoc_party:contains('+32 2 555 01 33')",
                run() {
                    // One way of writing numbers, the contacts' (international).
                    const numbers = [
                        ...document.querySelectorAll(".o_voip_adhoc_party_number"),
                    ].map((el) => el.textContent.trim());
                    check(
                        JSON.stringify(numbers) ===
                            JSON.stringify([
                                "+32 2 555 01 11",
                                "+32 2 555 01 22",
                                "+32 2 555 01 33",
                            ]),
                        `the parties read ${numbers.join(", ")}`
                    );
                    // The contact's name where the number is a contact's.
                    check(
                        document
                            .querySelector(
                                ".o_voip_adhoc_party[data-number='+3225550111']"
                            )
                            .textContent.includes("Ann Example"),
                        "the first party does not read as its contact"
                    );
                    // voip_oca's Actions (a lone clock without a contact) are
                    // not the conference's.
                    check(
                        !document.querySelector(
                            ".o_voip_softphone button[title='Schedule activity']"
                        ),
                        "the Actions of one contact show in a conference"
                    );
                    CONTROLS.forEach(assertUsable);
                },
            },
            // Used: consult a fourth party (the others on hold), then merge...
            ...add("+3225550144", "consult"),
            {trigger: ".o_voip_adhoc_party[data-state='held']:eq(2)"},
            {
                trigger:
                    ".o_voip_adhoc_party[data-number='+3225550144'][data-state='connected']",
            },
            {
                trigger: ".o_voip_adhoc_merge",
                run() {
                    CONTROLS.forEach(assertUsable);
                    assertUsable(".o_voip_adhoc_merge");
                    this.anchor.click();
                },
            },
            {trigger: ".o_voip_adhoc_merge_choice input:eq(0)", run: "click"},
            {
                trigger: ".o_voip_adhoc_merge_chosen",
                run() {
                    assertUsable(".o_voip_adhoc_merge_chosen");
                    this.anchor.click();
                },
            },
            // ...retrieve one held call, disconnect a party.
            {
                trigger:
                    ".o_voip_adhoc_party[data-state='held'] .o_voip_adhoc_retrieve",
                run() {
                    this.anchor.scrollIntoView({block: "nearest"});
                    assertUsable(
                        ".o_voip_adhoc_party[data-state='held'] .o_voip_adhoc_retrieve"
                    );
                    this.anchor.click();
                },
            },
            {trigger: ".o_voip_adhoc_party[data-state='held']:eq(1)"},
            {
                trigger:
                    ".o_voip_adhoc_party[data-number='+3225550144'] .o_voip_adhoc_disconnect",
                run: "click",
            },
            {trigger: ".o_voip_adhoc_list:not(:has([data-number='+3225550144']))"},
            noErrorDialog,
            // End for everyone, from the pinned hang-up row.
            {
                trigger: ".o_voip_softphone_footer button.text-danger[title='Call']",
                run() {
                    CONTROLS.forEach(assertUsable);
                    this.anchor.click();
                },
            },
            {trigger: ".modal button:contains('End for everyone')", run: "click"},
            {trigger: ".o_voip_softphone:not(:has(.o_voip_adhoc_party))"},
            noErrorDialog,
        ]),
});
