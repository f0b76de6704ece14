/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {Component, onMounted, onWillUnmount, useState} from "@odoo/owl";
import {LIVE_NOTIFICATION} from "./participants_panel.esm";
import {registry} from "@web/core/registry";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";
import {useService} from "@web/core/utils/hooks";

/** `<widget name="voip_conference_live_badge"/>` on the kanban card: the
 * room's state and its count against capacity, kept live by the bus. */
export class LiveBadge extends Component {
    static template = "voip_conference.LiveBadge";
    static props = {...standardWidgetProps};

    setup() {
        this.orm = useService("orm");
        this.bus = useService("bus_service");
        const data = this.props.record.data;
        this.state = useState({
            state: data.live_state,
            count: data.live_count,
            capacity: data.live_capacity,
            label: "",
        });
        this.onLive = async ({id}) => {
            if (id !== this.props.record.resId) {
                return;
            }
            const panel = await this.orm.call("voip.conference", "get_live_panel", [
                [id],
            ]);
            Object.assign(this.state, {
                state: panel.state,
                count: panel.count,
                capacity: panel.capacity,
                label: panel.state_label,
            });
        };
        onMounted(() => this.bus.subscribe(LIVE_NOTIFICATION, this.onLive));
        onWillUnmount(() => this.bus.unsubscribe(LIVE_NOTIFICATION, this.onLive));
    }

    get label() {
        if (this.state.label) {
            return this.state.label;
        }
        const selection = this.props.record.fields.live_state.selection;
        const found = selection.find(([value]) => value === this.state.state);
        return found ? found[1] : "";
    }
}

registry.category("view_widgets").add("voip_conference_live_badge", {
    component: LiveBadge,
    fieldDependencies: [
        {name: "live_state", type: "selection"},
        {name: "live_count", type: "integer"},
        {name: "live_capacity", type: "integer"},
    ],
});
