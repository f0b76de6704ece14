/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {isDtmfKey} from "./dtmf.esm";
import {normalize} from "../utils/dial_string.esm";
import {Numpad} from "@voip_oca/components/numpad/numpad.esm";
import {patch} from "@web/core/utils/patch";

/**
 * What an edit put into `after` that `before` did not have: the text
 * between their common start and their common end.
 *
 * @param {string} before
 * @param {string} after
 * @returns {string}
 */
export function insertedText(before, after) {
    let start = 0;
    while (
        start < before.length &&
        start < after.length &&
        before[start] === after[start]
    ) {
        start++;
    }
    let end = 0;
    while (
        end < before.length - start &&
        end < after.length - start &&
        before[before.length - 1 - end] === after[after.length - 1 - end]
    ) {
        end++;
    }
    return after.slice(start, after.length - end);
}

/**
 * voip_oca's keypad reads `keydown` only: a mobile soft keyboard sends
 * `key` = "Unidentified" and a paste sends no key at all, so their digits
 * were never sent. Every input path ends in an `input` event on the box:
 * the keypad sends the tones the edit inserted, whatever inserted them
 * (hardware key, soft keyboard, paste, dictation); a click on a key goes
 * through voip_oca's onKeyClick as before.
 */
patch(Numpad.prototype, {
    setup() {
        super.setup();
        this.typedValue = this.voip.numpad.value;
    },

    onNumpadValue(ev) {
        if (ev instanceof window.KeyboardEvent) {
            if (ev.key === "Enter") {
                return super.onNumpadValue(ev);
            }
            return; // onNumpadInput reads what the key put in the box
        }
        this.typedValue = this.voip.numpad.value; // onKeyClick's edit
        return super.onNumpadValue(ev);
    },

    onNumpadInput(ev) {
        const value = ev.target.value;
        const inserted = insertedText(this.typedValue, value);
        this.typedValue = value;
        for (const char of normalize(inserted)) {
            if (isDtmfKey(char)) {
                this.props.onNumpadValue(char);
            }
        }
    },

    deleteNumber() {
        super.deleteNumber();
        this.typedValue = this.voip.numpad.value;
    },
});
