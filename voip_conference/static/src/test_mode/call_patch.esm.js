/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {Call} from "@voip_oca/components/call/call.esm";
import {patch} from "@web/core/utils/patch";

/**
 * Test mode (no SIP credentials, or a PBX in test mode) places no call, so it
 * records none (see JoinService.testCall): the call view says so plainly
 * instead of running a timer for a call that does not exist.
 */
patch(Call.prototype, {
    get isTestMode() {
        return this.voip.mode !== "prod";
    },

    startTimer() {
        if (!this.isTestMode) {
            return super.startTimer(...arguments);
        }
    },
});
