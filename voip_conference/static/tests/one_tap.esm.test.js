/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {describe, expect, test} from "@odoo/hoot";
import {buildOneTap, parseOneTap} from "@voip_conference/utils/one_tap.esm";

describe.current.tags("headless");

describe("parseOneTap", () => {
    test("number, two pauses, code and hash", () => {
        expect(parseOneTap("1234,,5678#")).toEqual({
            number: "1234",
            dtmf: "5678#",
            pauses: 2,
        });
    });
    test("international number typed with spaces", () => {
        expect(parseOneTap("+32 2 555 01 00,,1234#")).toEqual({
            number: "+32 2 555 01 00",
            dtmf: "1234#",
            pauses: 2,
        });
    });
    test("semicolon waits", () => {
        expect(parseOneTap("8001;1234#")).toEqual({
            number: "8001",
            dtmf: "1234#",
            pauses: 1,
        });
    });
    test("no separator is a plain number", () => {
        expect(parseOneTap("+3225550100")).toEqual({
            number: "+3225550100",
            dtmf: "",
            pauses: 0,
        });
    });
    test("only separators send nothing", () => {
        expect(parseOneTap(",,;")).toEqual({number: "", dtmf: "", pauses: 3});
        expect(parseOneTap("8001,,")).toEqual({number: "8001", dtmf: "", pauses: 2});
    });
    test("pauses inside the tones are kept", () => {
        expect(parseOneTap("8001,12,,34#")).toEqual({
            number: "8001",
            dtmf: "12,,34#",
            pauses: 1,
        });
    });
});

describe("buildOneTap", () => {
    test("with a code", () => {
        expect(buildOneTap("+3225550100", "1234")).toBe("+3225550100,,1234#");
    });
    test("without a code: no lone hash", () => {
        expect(buildOneTap("+3225550100", "")).toBe("+3225550100");
        expect(buildOneTap("+3225550100")).toBe("+3225550100");
    });
    test("round trip", () => {
        const built = buildOneTap("+3225550100", "90210");
        expect(parseOneTap(built)).toEqual({
            number: "+3225550100",
            dtmf: "90210#",
            pauses: 2,
        });
    });
});
