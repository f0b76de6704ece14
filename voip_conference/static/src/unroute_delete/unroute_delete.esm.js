/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {
    SyncRefreshFormController,
    SyncRefreshKanbanController,
    SyncRefreshListController,
} from "../sync/sync.esm";
import {formView} from "@web/views/form/form_view";
import {kanbanView} from "@web/views/kanban/kanban_view";
import {listView} from "@web/views/list/list_view";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

/**
 * Delete and Archive, from any view of rooms (gear menu of the form or the
 * list, card menu): a room that incoming numbers reach cannot simply go, so
 * instead of the generic "delete?" / "archive?" confirmation followed by a
 * refusal, the user gets the one confirmation that says which numbers are
 * reset and does it. Rooms that no number reaches keep Odoo's own
 * confirmation. The server refuses the plain delete or archive either way
 * (voip.conference._guard_routed_numbers). Archive and Unarchive are offered
 * only to who may change rooms (Odoo offers them on any view with an
 * ``active`` field, read-only or not).
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
                    return this.openUnroute(ids, "delete");
                }
                return confirmDelete(dialogProps, records);
            };
        }

        getStaticActionMenuItems() {
            const items = super.getStaticActionMenuItems(...arguments);
            const activeActions = this.archInfo?.activeActions || {};
            for (const key of ["archive", "unarchive"]) {
                const item = items[key];
                if (item) {
                    const available = item.isAvailable;
                    item.isAvailable = () =>
                        activeActions.edit !== false && (!available || available());
                }
            }
            if (items.archive) {
                const archive = items.archive.callback;
                items.archive.callback = async (...args) => {
                    const ids = this.recordIdsToDelete();
                    if (ids.length && (await this.anyRouted(ids))) {
                        return this.openUnroute(ids, "archive");
                    }
                    return archive(...args);
                };
            }
            return items;
        }

        /** The ids about to be deleted or archived; none for a whole-domain
         * selection (the server then answers with the same confirmation). */
        recordIdsToDelete(records) {
            const root = this.model.root;
            if (!records && root.resId) {
                return [root.resId]; // a form: its record
            }
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

        /** The confirmation that resets the numbers, then deletes or
         * archives (``mode``) the rooms. */
        async openUnroute(ids, mode) {
            const action = await this.roomOrm.call(
                "voip.conference",
                "action_unroute_wizard",
                [ids],
                {context: {voip_conference_unroute_mode: mode}}
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
