/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

/**
 * The dial-string grammar of the phone widget: the twin of the Python
 * `tools/dial_string.py` (read its docstring for the grammar and its
 * sources). Both are tested against `static/tests/dial_string_cases.json`.
 *
 * `<number><post-dial><label>`: the number keeps its "+"; "," is a two-second
 * pause and ";" a wait, where the dialler stops until the user asks for the
 * rest (also "p"/"w" among the digits); an extension after the number
 * (";ext=12", "ext. 12", "x12") is sent after the answer; 0-9, "*" and "#"
 * are tones (never A-D); whatever follows (" BE (Brussels)") is a label.
 * Blanks between tones, pauses and waits are not tones ("8001 , , 1234 #").
 */

export const PAUSE = ",";
export const WAIT = ";";
export const PAUSE_MS = 2000;
const TONES = "0123456789*#";
const DIAL_CHARS = TONES;
const VISUAL_SEPARATORS = " -./()";
const POST_DIAL_SEPARATORS = " -.";
const LETTER_PAUSES = {p: PAUSE, P: PAUSE, w: WAIT, W: WAIT};
const TEL_PARAM = /;(?!ext=)[A-Za-z0-9-]+=[^;]*/gi;
const ND = /^\p{Nd}$/u;
// How a phone reads a character, by Unicode property (the Python twin's
// CATEGORY_READING and OTHER_DASHES): format characters are invisible,
// blanks and controls separate, dashes (Unicode's Dash property) are "-".
const CATEGORY_READING = [
    [/^\p{Cf}$/u, ""],
    [/^[\p{Cc}\p{Zs}\p{Zl}\p{Zp}]$/u, " "],
    [/^\p{Dash}$/u, "-"],
];
// RFC 3966 ";ext=" and the words of invitations and signatures.
export const EXTENSION_MARKERS = [
    ";ext=",
    "extension",
    "extensión",
    "extn",
    "ext",
    "poste",
    "toestel",
    "tst",
    "x",
];
const EXTENSION = new RegExp(
    "^[ ]*(?:,[ ]*)?(?:" +
        EXTENSION_MARKERS.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(
            "|"
        ) +
        ")\\.?[ ]*:?[ ]*([0-9]+)",
    "i"
);

/** The value of a decimal digit of any script (Unicode keeps 0-9 in runs). */
function digitValue(char) {
    const code = char.codePointAt(0);
    let before = 0;
    while (before < 100 && ND.test(String.fromCodePoint(code - before - 1))) {
        before++;
    }
    return String(before % 10);
}

/**
 * Read text as a phone would before the grammar applies: compatibility forms
 * and other scripts' digits become ASCII, format characters (bidi marks,
 * zero-width spaces) go, any blank is " " and any dash "-".
 *
 * @param {string} text
 * @returns {string}
 */
export function normalize(text) {
    let out = "";
    for (const char of (text || "").normalize("NFKC")) {
        if (ND.test(char)) {
            out += char >= "0" && char <= "9" ? char : digitValue(char);
            continue;
        }
        const reading = CATEGORY_READING.find(([property]) => property.test(char));
        out += reading ? reading[1] : char;
    }
    return out;
}

/**
 * The post-dial part as a dialler plays it, split at its waits: each step
 * after a wait is sent only when the user asks for it.
 *
 * @param {string} postDial
 * @returns {{wait: boolean, pauses: number, tones: string}[]}
 */
export function dialSteps(postDial) {
    const found = [];
    postDial.split(WAIT).forEach((part, index) => {
        const tones = part.replace(/^,+|,+$/g, "");
        if (tones) {
            const pauses = part.length - part.replace(/^,+/, "").length;
            found.push({wait: index > 0, pauses, tones});
        }
    });
    return found;
}

function untel(text) {
    if (text.slice(0, 4).toLowerCase() !== "tel:") {
        return text;
    }
    let decoded = text.slice(4);
    try {
        decoded = decodeURIComponent(decoded);
    } catch {
        // A stray "%": read it as written.
    }
    return decoded.replace(TEL_PARAM, "");
}

/** Whether the p/w at `i` is a pause or wait, not a label's letter. */
function gluedPause(text, i) {
    const before = text.slice(0, i).replace(/[ .-]+$/, "");
    if (!before || !(TONES + PAUSE + WAIT + "pPwW").includes(before.at(-1))) {
        return false;
    }
    let j = i;
    while (j < text.length && text[j] in LETTER_PAUSES) {
        j++;
    }
    if (
        j < text.length &&
        !(POST_DIAL_SEPARATORS + TONES + PAUSE + WAIT).includes(text[j])
    ) {
        return false; // a word: "pin", "Wemmel"
    }
    while (j < text.length && (POST_DIAL_SEPARATORS + "pPwW").includes(text[j])) {
        j++;
    }
    return j < text.length && (TONES + PAUSE + WAIT).includes(text[j]);
}

/** An extension after the number: [",12", end] or ["", start]. */
function readExtension(text, start, number) {
    if (!number.length || !"0123456789".includes(number.at(-1))) {
        return ["", start];
    }
    const match = EXTENSION.exec(text.slice(start));
    return match ? [PAUSE + match[1], start + match[0].length] : ["", start];
}

function readPostDial(text, start, previous = "") {
    const post = [];
    let i = start;
    while (i < text.length) {
        const char = text[i];
        const prev = post.length ? post[post.length - 1] : previous;
        if (TONES.includes(char) || char === PAUSE || char === WAIT) {
            post.push(char);
            i++;
        } else if (char in LETTER_PAUSES && prev && gluedPause(text, i)) {
            post.push(LETTER_PAUSES[char]);
            i++;
        } else if (POST_DIAL_SEPARATORS.includes(char)) {
            let j = i;
            while (j < text.length && POST_DIAL_SEPARATORS.includes(text[j])) {
                j++;
            }
            // Separators group a code's digits and stand between pauses and
            // keys ("8001 , , 1234 #"); after a "#" they start the label
            // unless a pause or wait follows.
            const following = j < text.length ? text[j] : "";
            if (
                following &&
                ((PAUSE + WAIT).includes(following) ||
                    (TONES.includes(following) && prev !== "#") ||
                    (following in LETTER_PAUSES && gluedPause(text, j)))
            ) {
                i = j;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    return [post.join("").replace(/[,;]+$/, ""), i];
}

/**
 * Parse a dial string as pasted from an invitation, a contact or a page.
 *
 * @param {string} text
 * @returns {{number: string, postDial: string, label: string, lead: string, tones: string, steps: Array}}
 *   number: what is dialled ("+3225550100", "8001" or "");
 *   postDial: pauses, waits and tones as written (",,1234#");
 *   label: the ignored trailing text ("BE (Brussels)");
 *   lead: the pauses and waits before the first tone (",,");
 *   tones: postDial without lead ("1234#");
 *   steps: postDial split at its waits (see dialSteps()).
 */
export function parseDialString(text) {
    text = untel(normalize(text).trim());
    const size = text.length;
    const number = [];
    let i = 0;
    const global = () => number[0] === "+";
    if (text[0] === "+") {
        number.push("+");
        i++;
    }
    while (i < size) {
        const char = text[i];
        if (DIAL_CHARS.includes(char)) {
            number.push(char);
            i++;
        } else if (global() && text.startsWith("(0)", i)) {
            i += 3; // the trunk prefix is not dialled after a country code
        } else if (VISUAL_SEPARATORS.includes(char)) {
            let j = i;
            while (j < size && VISUAL_SEPARATORS.includes(text[j])) {
                if (global() && text.startsWith("(0)", j)) {
                    break;
                }
                j++;
            }
            if (number[number.length - 1] === "#" || j === size) {
                break;
            }
            if (
                (DIAL_CHARS + PAUSE + WAIT).includes(text[j]) ||
                text.startsWith("(0)", j)
            ) {
                i = j;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    const [extension, afterExtension] = readExtension(text, i, number);
    const [read, end] = readPostDial(
        text,
        afterExtension,
        (extension || number.join("")).at(-1) || ""
    );
    const postDial = extension + read;
    const label = end < size ? text.slice(end).replace(/^[ -]+|[ -]+$/g, "") : "";
    let dialled = number.join("");
    if (dialled === "+" && !postDial && !label) {
        dialled = "";
    }
    const tones = postDial.replace(/^[,;]+/, "");
    return {
        number: dialled,
        postDial,
        label,
        lead: postDial.slice(0, postDial.length - tones.length),
        tones,
        steps: dialSteps(postDial),
    };
}

/**
 * The one-tap string of a room reached from `number` (never a lone "#").
 *
 * @param {string} number
 * @param {string} [accessCode]
 * @param {string} [pause]
 * @returns {string}
 */
export function buildOneTap(number, accessCode, pause = ",,") {
    const dialled = parseDialString(number).number;
    if (!dialled) {
        return "";
    }
    const code = [...normalize(accessCode || "")]
        .filter((c) => TONES.includes(c))
        .join("");
    return code ? `${dialled}${pause}${code}#` : dialled;
}

/**
 * A tel: URI (RFC 3966, "#" as %23, ";" as %3B) dialling a global number
 * then sending `dtmf`; a tone never follows the number directly.
 *
 * @param {string} number
 * @param {string} [dtmf]
 * @returns {string}
 * @throws {Error} when the number is not E.164 or dtmf has other characters
 */
export function telUri(number, dtmf = "") {
    const dialled = parseDialString(number).number;
    if (!dialled.startsWith("+") || dialled.length < 2) {
        throw new Error(`${number} is not a global (E.164) number`);
    }
    const text = normalize(dtmf).trim();
    const [read, end] = readPostDial(text, 0, PAUSE);
    if (end < text.length) {
        throw new Error(`${dtmf} is not made of pauses, waits and tones`);
    }
    const postDial = read && !",;".includes(read[0]) ? PAUSE + read : read;
    return `tel:${dialled}${postDial.replaceAll("#", "%23").replaceAll(";", "%3B")}`;
}

/**
 * The user part of the SIP request URI for a dialled number: an E.164
 * number keeps its "+" unless the PBX wants its international prefix
 * (`internationalPrefix`, e.g. "00") instead; "*" and "#" are kept.
 *
 * @param {string} number what parseDialString() returned as number
 * @param {{internationalPrefix?: string}} [rule] the PBX's rule
 * @returns {string}
 */
export function sipUser(number, {internationalPrefix = ""} = {}) {
    const dialled = parseDialString(number).number;
    const user =
        dialled.startsWith("+") && internationalPrefix
            ? internationalPrefix + dialled.slice(1)
            : dialled;
    // "#" would start the URI's fragment (RFC 3261 escapes it in the user).
    return user.replaceAll("#", "%23");
}
