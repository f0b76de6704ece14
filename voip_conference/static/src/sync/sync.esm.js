/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {FormController} from "@web/views/form/form_controller";
import {KanbanController} from "@web/views/kanban/kanban_controller";
import {ListController} from "@web/views/list/list_controller";
import {formView} from "@web/views/form/form_view";
import {kanbanView} from "@web/views/kanban/kanban_view";
import {listView} from "@web/views/list/list_view";
import {onMounted, onWillDestroy, status} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {useDebounced} from "@web/core/utils/timing";
import {useService} from "@web/core/utils/hooks";

// Sent by the server when a sync run of a PBX ends (voip.pbx.sync.run).
export const SYNC_DONE = "voip_conference/sync_run_done";

/**
 * Views of synced records (rooms, incoming numbers) show the outcome of a
 * sync as soon as it ends: the push that follows a Save runs after the
 * transaction commits, the scheduled sync at any time. The view reloads
 * unless the user is editing; nothing typed is ever lost.
 */
export const SyncRefreshMixin = (Controller) =>
    class extends Controller {
        setup() {
            super.setup(...arguments);
            const bus = useService("bus_service");
            this.reloadAfterSync = useDebounced(() => this.onSyncRunDone(), 200);
            // A run that ends before the view is shown (a button's
            // soft_reload builds a new view while the run's message comes
            // in): reloaded once it is shown, its first load may predate it.
            this.syncRunMissed = false;
            const callback = () => this.reloadAfterSync();
            bus.subscribe(SYNC_DONE, callback);
            onMounted(() => {
                if (this.syncRunMissed) {
                    this.syncRunMissed = false;
                    this.reloadAfterSync();
                }
            });
            onWillDestroy(() => {
                this.reloadAfterSync.cancel();
                bus.unsubscribe(SYNC_DONE, callback);
            });
        }

        /** Reload what is shown, unless the user is changing something. */
        async onSyncRunDone() {
            const state = status(this);
            if (state !== "mounted" || !this.model.isReady || !this.model.root) {
                // Not shown yet (its first load under way: a form has no
                // root until it ends) or gone.
                this.syncRunMissed = state === "new";
                return;
            }
            const root = this.model.root;
            if (root.resId !== undefined) {
                // A form: its record, if still the one shown once the
                // user's changes are known.
                const dirty = await root.isDirty();
                if (root.resId && !dirty && root === this.model.root) {
                    await root.load();
                }
                return;
            }
            if (!root.editedRecord && !root.selection?.length) {
                await this.model.load();
            }
        }
    };

export class SyncRefreshFormController extends SyncRefreshMixin(FormController) {}
export class SyncRefreshListController extends SyncRefreshMixin(ListController) {}
export class SyncRefreshKanbanController extends SyncRefreshMixin(KanbanController) {}

registry
    .category("views")
    .add("voip_conference_sync_form", {
        ...formView,
        Controller: SyncRefreshFormController,
    })
    .add("voip_conference_sync_list", {
        ...listView,
        Controller: SyncRefreshListController,
    })
    .add("voip_conference_sync_kanban", {
        ...kanbanView,
        Controller: SyncRefreshKanbanController,
    });
