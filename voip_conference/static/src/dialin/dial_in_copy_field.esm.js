/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {Component} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {browser} from "@web/core/browser/browser";
import {registry} from "@web/core/registry";
import {standardFieldProps} from "@web/views/fields/standard_field_props";
import {useService} from "@web/core/utils/hooks";

/**
 * Copy a room's dial-in (its text: numbers, code, one-tap strings) to the
 * clipboard, to paste it into a mail or a chat; a notification says it is
 * copied, or that the browser refused (then the block can be selected).
 *
 *     <field name="details_text" widget="voip_conference_dial_in_copy"/>
 */
export class DialInCopyField extends Component {
    static template = "voip_conference.DialInCopyField";
    static props = {...standardFieldProps};

    setup() {
        this.notification = useService("notification");
    }

    async onClick() {
        const text = this.props.record.data[this.props.name] || "";
        try {
            await browser.navigator.clipboard.writeText(text);
        } catch {
            this.notification.add(
                _t("The browser did not let Odoo copy: select the text and copy it."),
                {type: "warning"}
            );
            return;
        }
        this.notification.add(_t("Copied"), {type: "success"});
    }
}

registry.category("fields").add("voip_conference_dial_in_copy", {
    component: DialInCopyField,
    supportedTypes: ["text", "char"],
});
