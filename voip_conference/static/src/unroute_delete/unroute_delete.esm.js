/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {
    SyncRefreshFormController,
    SyncRefreshKanbanController,
    SyncRefreshListController,
} from "../sync_refresh/sync_refresh.esm";
import {formView} from "@web/views/form/form_view";
import {kanbanView} from "@web/views/kanban/kanban_view";
import {listView} from "@web/views/list/list_view";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

/**
 * Delete, from any view of rooms (gear menu of the form or the list, card
 * menu): a room that incoming numbers reach cannot simply go, so instead of
 * the generic "delete?" confirmation followed by a refusal, the user gets the
 * one confirmation that says which numbers are reset and does it. Rooms that
 * no number reaches keep Odoo's own confirmation. The server refuses the
 * plain delete either way (voip.conference._guard_routed_numbers).
 */
export const UnrouteBeforeDeleteMixin = (Controller) =>
    class extends Controller {
        setup() {
            super.setup(...arguments);
            this.roomOrm = useService("orm");
            this.roomActions = useService("action");
            const confirmDelete = this.deleteRecordsWithConfirmation;
            this.deleteRecordsWithConfirmation = async (dialogProps, records) => {
                const ids = this.recordIdsToDelete(records);
                if (ids.length && (await this.anyRouted(ids))) {
                    return this.openUnrouteDelete(ids);
                }
                return confirmDelete(dialogProps, records);
            };
        }

        /** The ids about to be deleted; none for a whole-domain selection
         * (the server then answers with the same confirmation). */
        recordIdsToDelete(records) {
            const root = this.model.root;
            if (!records && root.isDomainSelected) {
                return [];
            }
            return (records || root.selection || [])
                .map((r) => r.resId)
                .filter(Boolean);
        }

        async anyRouted(ids) {
            const rooms = await this.roomOrm.read("voip.conference", ids, [
                "incoming_number_count",
            ]);
            return rooms.some((room) => room.incoming_number_count);
        }

        async openUnrouteDelete(ids) {
            const action = await this.roomOrm.call(
                "voip.conference",
                "action_unroute_wizard",
                [ids],
                {context: {voip_conference_unroute_mode: "delete"}}
            );
            return this.roomActions.doAction(action, {
                onClose: () => this.model.load(),
            });
        }
    };

export class RoomFormController extends UnrouteBeforeDeleteMixin(
    SyncRefreshFormController
) {}
export class RoomListController extends UnrouteBeforeDeleteMixin(
    SyncRefreshListController
) {}
export class RoomKanbanController extends UnrouteBeforeDeleteMixin(
    SyncRefreshKanbanController
) {}

registry
    .category("views")
    .add("voip_conference_room_form", {...formView, Controller: RoomFormController})
    .add("voip_conference_room_list", {...listView, Controller: RoomListController})
    .add("voip_conference_room_kanban", {
        ...kanbanView,
        Controller: RoomKanbanController,
    });
