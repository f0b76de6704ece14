/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";

/**
 * A few minutes before a conference, the server reminds its internal
 * attendees (bus notification "voip_conference_calendar/reminder"): a sticky
 * notification with Join.
 */
export const conferenceReminderService = {
    dependencies: ["bus_service", "notification", "action"],
    start(env, {bus_service: bus, notification, action}) {
        bus.subscribe("voip_conference_calendar/reminder", (payload) => {
            const close = notification.add(payload.message, {
                title: payload.title,
                type: "info",
                sticky: true,
                buttons: [
                    {
                        name: _t("Join"),
                        primary: true,
                        onClick: () => {
                            close();
                            action.doAction({
                                type: "ir.actions.client",
                                tag: "voip_conference_calendar.join",
                                params: {event_id: payload.event_id},
                            });
                        },
                    },
                ],
            });
        });
    },
};

registry
    .category("services")
    .add("voip_conference_calendar_reminder", conferenceReminderService);
