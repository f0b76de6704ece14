/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {VoipOCASoftphone} from "@voip_oca/components/softphone/softphone.esm";
import {patch} from "@web/core/utils/patch";
import {useDebounced} from "@web/core/utils/timing";

/**
 * voip_oca reads the search box 300 ms after the last key; when Join (or a
 * call) replaced the list by the call view in the meantime, the box is gone
 * and voip_oca raised "Cannot read properties of null". Search only while
 * the box is there.
 */
patch(VoipOCASoftphone.prototype, {
    setup() {
        super.setup();
        this.onSearchInput = useDebounced(() => {
            if (this.searchInput.el) {
                this._searchInput(this.searchInput.el.value);
            }
        }, 300);
    },
});
