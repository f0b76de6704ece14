/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

/**
 * One-tap dial strings: "+3225550100,,1234#" dials the number, pauses two
 * seconds per comma (or waits, for a semicolon), then sends "1234#" as DTMF.
 * Same rules as the Python tools/numbering.py one_tap().
 */

const SEPARATORS = /[,;]/;

/**
 * Split a dial string into what to dial and what to send once connected.
 *
 * @param {string} value
 * @returns {{number: string, dtmf: string, pauses: number}}
 *   number: the part before the first "," or ";", without blanks;
 *   dtmf: the digits, "*" and "#" after it (empty when there are none);
 *   pauses: the number of separators that lead the DTMF part.
 */
export function parseOneTap(value) {
    const text = (value || "").trim();
    const index = text.search(SEPARATORS);
    if (index === -1) {
        return {number: text, dtmf: "", pauses: 0};
    }
    const number = text.slice(0, index).trim();
    const rest = text.slice(index);
    const lead = rest.match(/^[,;\s]*/)[0];
    const dtmf = rest
        .slice(lead.length)
        .replace(/[^0-9*#A-Da-d,;]/g, "")
        .replace(/[,;]+$/, "");
    return {number, dtmf, pauses: lead.replace(/\s/g, "").length};
}

/**
 * Build the one-tap string of a room reached through a number.
 * Without an access code it is the number alone: never a lone "#".
 *
 * @param {string} number
 * @param {string} [accessCode]
 * @param {string} [pause]
 * @returns {string}
 */
export function buildOneTap(number, accessCode, pause = ",,") {
    if (!number) {
        return "";
    }
    const code = (accessCode || "").replace(/\s/g, "");
    return code ? `${number}${pause}${code}#` : number;
}
