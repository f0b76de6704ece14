/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {Component} from "@odoo/owl";
import {ParticipantsPanel} from "./participants_panel.esm";
import {registry} from "@web/core/registry";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";

/** `<widget name="voip_conference_participants"/>` on the room's form. */
export class ParticipantsWidget extends Component {
    static template = "voip_conference.ParticipantsWidget";
    static components = {ParticipantsPanel};
    static props = {...standardWidgetProps};

    /** The room changed: its Participations tab shows it too, unless the
     * user is editing the form (nothing typed is lost). */
    async onPanelUpdate() {
        const record = this.props.record;
        if (record.resId && !(await record.isDirty())) {
            await record.load();
        }
    }
}

registry.category("view_widgets").add("voip_conference_participants", {
    component: ParticipantsWidget,
});
