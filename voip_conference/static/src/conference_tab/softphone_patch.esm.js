/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {VoipOCASoftphone} from "@voip_oca/components/softphone/softphone.esm";
import {patch} from "@web/core/utils/patch";
import {registry} from "@web/core/registry";
import {useDebounced} from "@web/core/utils/timing";

/**
 * - voip_oca reads the search box 300 ms after the last key; when Join (or
 *   a call) replaced the list by the call view in the meantime, the box is
 *   gone and voip_oca raised "Cannot read properties of null". Search only
 *   while the box is there.
 * - voip_oca searches with no text when a tab is opened, although the box
 *   keeps what was typed: every tab's list now matches the box.
 * - On the Conferences tab the green call button joins the room the list
 *   shows and the user selected, never the last call's number.
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

    async _searchInput(value) {
        return super._searchInput(value === undefined ? this.voip.searchValue : value);
    },

    onCall() {
        if (
            this.voip.selectedTab === "conference_list" &&
            !this.voip.numpadTab &&
            !this.voip.partner
        ) {
            return registry
                .category("voip_elements")
                .get("conference_list")
                .call(this.voip, this.env.services);
        }
        return super.onCall(...arguments);
    },
});
