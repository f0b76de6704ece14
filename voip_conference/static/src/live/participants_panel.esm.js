/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {
    Component,
    onMounted,
    onWillStart,
    onWillUnmount,
    useEffect,
    useRef,
    useState,
} from "@odoo/owl";
import {ConfirmationDialog} from "@web/core/confirmation_dialog/confirmation_dialog";
import {_t} from "@web/core/l10n/translation";
import {browser} from "@web/core/browser/browser";
import {useService} from "@web/core/utils/hooks";

/** The server tells every conference user "room N changed (version V)";
 * each open panel of that room reads it again through a checked RPC. */
export const LIVE_NOTIFICATION = "voip_conference/live";
// Each room's changes travel on its own channel, which a tab subscribes to
// while at least one panel of that room is open in it (a form and the
// softphone can show the same room): bus traffic follows the open panels.
const LIVE_CHANNEL_PREFIX = "voip_conference_live:";
const openPanelsByChannel = new Map();

function watchRoom(bus, roomId) {
    const channel = `${LIVE_CHANNEL_PREFIX}${roomId}`;
    const count = openPanelsByChannel.get(channel) || 0;
    openPanelsByChannel.set(channel, count + 1);
    if (!count) {
        bus.addChannel(channel);
    }
}

function unwatchRoom(bus, roomId) {
    const channel = `${LIVE_CHANNEL_PREFIX}${roomId}`;
    const count = (openPanelsByChannel.get(channel) || 1) - 1;
    if (count) {
        openPanelsByChannel.set(channel, count);
    } else {
        openPanelsByChannel.delete(channel);
        bus.deleteChannel(channel);
    }
}
// Without a connected bus, an open panel reads its room this often; with
// one, it still reads it now and then, so that a notification missed while
// the websocket reconnected heals by itself (a database read, no PBX call).
const BUS_CHECK_MS = 2000;
const SAFETY_READ_MS = 5000;
const BUS_CONNECTED = "CONNECTED";

/** Minutes and seconds since an ISO 8601 UTC time, for the duration column. */
export function formatDuration(isoStart, now = Date.now()) {
    if (!isoStart) {
        return "";
    }
    const seconds = Math.max(0, Math.floor((now - Date.parse(isoStart)) / 1000));
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const rest = String(seconds % 60).padStart(2, "0");
    return hours
        ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}`
        : `${minutes}:${rest}`;
}

/**
 * Who is in a conference room, live, and the host's controls.
 *
 * Reads `voip.conference.live_poll` when mounted, again on every bus
 * notification of its room, and every `poll_ms` while mounted when the PBX
 * does not push its events. Actions go through the room's RPC methods, which
 * check the user's rights and answer with a message and a fresh panel.
 */
export class ParticipantsPanel extends Component {
    static template = "voip_conference.ParticipantsPanel";
    static props = {
        conferenceId: Number,
        compact: {type: Boolean, optional: true},
        // Called when the room changed after the panel's first read (an
        // action, someone joining or leaving): the room's form reloads its
        // Participations tab.
        onUpdate: {type: Function, optional: true},
    };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.dialog = useService("dialog");
        this.bus = useService("bus_service");
        this.state = useState({
            panel: null,
            error: "",
            invite: "",
            contacts: [],
            // The name the contacts were searched for ("" when none was).
            contactsSearched: "",
            now: Date.now(),
        });
        this.loading = null;
        this.reloadPending = false;
        // The contacts found show above the invite box and push it down:
        // keep the box the user types in, and them, in sight.
        this.inviteInput = useRef("inviteInput");
        useEffect(
            (found) => {
                if (found) {
                    this.inviteInput.el?.scrollIntoView({block: "nearest"});
                }
            },
            () => [this.state.contacts.length]
        );
        this.onLive = ({id, version}) => {
            const panel = this.state.panel;
            if (id === this.props.conferenceId && (!panel || version > panel.version)) {
                this.load();
            }
        };
        // A panel that cannot be read says so; it never breaks the view it
        // sits in (the softphone's call view, a form).
        onWillStart(() => this.load(true).catch((error) => this.onLoadError(error)));
        onMounted(() => {
            this.bus.subscribe(LIVE_NOTIFICATION, this.onLive);
            watchRoom(this.bus, this.props.conferenceId);
            this.clock = browser.setInterval(() => {
                this.state.now = Date.now();
            }, 1000);
            this.schedulePoll();
        });
        onWillUnmount(() => {
            this.bus.unsubscribe(LIVE_NOTIFICATION, this.onLive);
            unwatchRoom(this.bus, this.props.conferenceId);
            browser.clearInterval(this.clock);
            browser.clearTimeout(this.pollTimer);
            this.unmounted = true;
        });
    }

    onLoadError(error) {
        this.state.error =
            error?.data?.message || error?.message || _t("The room cannot be read.");
    }

    get panel() {
        return this.state.panel;
    }

    get missingReasons() {
        return (this.panel?.missing || []).map((m) => m.reason);
    }

    /** One read at a time; a notification during a read reads once more. */
    async load(refresh = false) {
        if (this.loading) {
            this.reloadPending = true;
            return this.loading;
        }
        this.loading = this.orm
            .call("voip.conference", "live_poll", [[this.props.conferenceId]], {
                refresh,
            })
            .then((panel) => {
                this.lastLoad = Date.now();
                this.setPanel(panel);
                this.state.error = panel.error || "";
            })
            .finally(() => {
                this.loading = null;
                if (this.reloadPending) {
                    this.reloadPending = false;
                    this.load();
                }
            });
        return this.loading;
    }

    /** PBXs that do not push their events are read while the panel is open,
     * never by a scheduled action; so is any PBX while the bus is not
     * connected (its websocket is down, or absent as in Odoo's tours). */
    schedulePoll() {
        browser.clearTimeout(this.pollTimer);
        if (this.unmounted) {
            return;
        }
        const polling = this.panel?.poll_ms;
        this.pollTimer = browser.setTimeout(async () => {
            const stale = Date.now() - this.lastLoad >= SAFETY_READ_MS;
            if (polling || stale || this.bus.workerState !== BUS_CONNECTED) {
                await this.load().catch((error) => this.onLoadError(error));
            }
            this.schedulePoll();
        }, polling || BUS_CHECK_MS);
    }

    duration(participant) {
        return formatDuration(participant.joined_at, this.state.now);
    }

    stateLabel(participant) {
        const parts = [participant.state_label];
        if (participant.on_hold) {
            parts.push(_t("on hold"));
        }
        return parts.join(", ");
    }

    /** Show ``panel``; tell ``onUpdate`` when the room changed since the
     * panel shown (its version). */
    setPanel(panel) {
        const before = this.state.panel;
        this.state.panel = panel;
        if (before && panel && panel.version !== before.version) {
            this.props.onUpdate?.();
        }
    }

    /** Show the server's answer: its message and the fresh panel. */
    applyResult(result) {
        this.setPanel(result.panel);
        if (result.message) {
            this.notification.add(result.message, {
                type: result.ok ? "success" : "warning",
            });
        }
    }

    async participantAction(participant, action) {
        const result = await this.orm.call(
            "voip.conference",
            "live_participant_action",
            [[this.props.conferenceId], participant.id, action]
        );
        this.applyResult(result);
    }

    async roomAction(action) {
        const result = await this.orm.call("voip.conference", "live_room_action", [
            [this.props.conferenceId],
            action,
        ]);
        this.applyResult(result);
    }

    confirmEnd() {
        this.dialog.add(ConfirmationDialog, {
            title: _t("End the conference"),
            body: _t(
                "Everyone in %(room)s will be disconnected, the administrator too.",
                {room: this.panel.name}
            ),
            confirmLabel: _t("End for Everyone"),
            confirm: () => this.roomAction("end"),
            cancel: () => null,
        });
    }

    /** A name typed in the invite box offers the contacts with a phone. */
    async onInviteInput() {
        const text = this.state.invite.trim();
        if (!/[^\d\s+().-]/.test(text) || text.length < 2) {
            this.state.contacts = [];
            this.state.contactsSearched = "";
            return;
        }
        const contacts = await this.orm.searchRead(
            "res.partner",
            [
                ["name", "ilike", text],
                ["phone", "!=", false],
            ],
            ["name", "phone"],
            {limit: 8}
        );
        if (this.state.invite.trim() !== text) {
            return; // typed on meanwhile: a newer search answers
        }
        this.state.contacts = contacts;
        this.state.contactsSearched = text;
    }

    /** A name that finds nobody to call says so (a contact without a phone
     * cannot be invited). */
    get noContactLabel() {
        return _t("No contact with a phone matches “%(name)s”.", {
            name: this.state.contactsSearched,
        });
    }

    /** Why Invite is off while the room is locked. */
    get lockedTitle() {
        return _t("A locked room accepts nobody new");
    }

    async invite(ev) {
        ev?.preventDefault();
        const target = this.state.invite.trim();
        if (!target || this.panel?.state === "locked") {
            return;
        }
        if (this.state.contacts.length) {
            return this.inviteContact(this.state.contacts[0]);
        }
        const result = await this.orm.call("voip.conference", "live_invite", [
            [this.props.conferenceId],
            target,
        ]);
        this.state.invite = "";
        this.applyResult(result);
    }

    async inviteContact(partner) {
        const result = await this.orm.call(
            "voip.conference",
            "live_invite",
            [[this.props.conferenceId]],
            {partner_id: partner.id}
        );
        this.state.invite = "";
        this.state.contacts = [];
        this.state.contactsSearched = "";
        this.applyResult(result);
    }
}
