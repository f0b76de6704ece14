/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {describe, expect, test} from "@odoo/hoot";
import {
    buildOneTap,
    normalize,
    parseDialString,
    sipUser,
    telUri,
} from "@voip_conference/utils/dial_string.esm";
import {globalCachedFetch} from "@web/../tests/_framework/module_set.hoot";

describe.current.tags("headless");

// The vectors tools/dial_string.py is tested against (tier 1): both sides
// read the same file, so the grammar cannot drift.
const VECTORS_URL = "/voip_conference/static/tests/dial_string_cases.json";
let vectors = null;

async function loadVectors() {
    if (!vectors) {
        // The unit-test network is mocked; this reads the real file.
        const response = await globalCachedFetch(VECTORS_URL);
        vectors = await response.json();
    }
    return vectors;
}

test("every parse vector of the Python grammar", async () => {
    await loadVectors();
    expect(vectors.parse.length).toBeGreaterThan(60);
    for (const vector of vectors.parse) {
        const parsed = parseDialString(vector.input);
        expect({
            number: parsed.number,
            post_dial: parsed.postDial,
            label: parsed.label,
        }).toEqual(
            {number: vector.number, post_dial: vector.post_dial, label: vector.label},
            {message: vector.description}
        );
        if (vector.steps) {
            // Issue 24, 2: a wait is a step of its own, the user's to send.
            expect(parsed.steps).toEqual(vector.steps, {message: vector.description});
        }
    }
});

test("pasted text is read by Unicode property, as the Python twin (issue 24, 4)", () => {
    expect(normalize("12\u221234")).toBe("12-34");
    expect(normalize("\u202a12\u200b34\u00ad\u2060\u202c")).toBe("1234");
    expect(normalize("12\u300034\u2028")).toBe("12 34 ");
    expect(normalize("\uff11\uff12\u0663")).toBe("123");
});

test("every tel: vector of the Python grammar", async () => {
    await loadVectors();
    for (const vector of vectors.tel_uri) {
        expect(telUri(vector.number, vector.dtmf)).toBe(vector.uri);
    }
    for (const vector of vectors.tel_uri_errors) {
        expect(() => telUri(vector.number, vector.dtmf)).toThrow();
    }
});

test("a label's letters are never tones (issue 10, 1)", () => {
    const zoom = parseDialString("+3225550100,,85012345678#,,,,*123456# BE (Brussels)");
    expect(zoom.lead).toBe(",,");
    expect(zoom.tones).toBe("85012345678#,,,,*123456#");
    const teams = parseDialString("+32 2 555 01 00,,123456789#   Belgium, Brussels");
    expect(teams.tones).toBe("123456789#");
});

test("one-tap strings: never a lone #", () => {
    expect(buildOneTap("+32 2 555 01 00", "12 34")).toBe("+3225550100,,1234#");
    expect(buildOneTap("+3225550100", "")).toBe("+3225550100");
    expect(buildOneTap("", "1234")).toBe("");
});

test("SIP user part: E.164 keeps its + unless the PBX wants its prefix", () => {
    expect(sipUser("+32 2 555 01 00")).toBe("+3225550100");
    expect(sipUser("+32 2 555 01 00", {internationalPrefix: "00"})).toBe(
        "003225550100"
    );
    expect(sipUser("02 555 01 00", {internationalPrefix: "00"})).toBe("025550100");
    expect(sipUser("*43")).toBe("*43");
    expect(sipUser("#31#0475")).toBe("%2331%230475");
});
