/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {Call} from "@voip_oca/components/call/call.esm";
import {_t} from "@web/core/l10n/translation";
import {isRoomCall} from "./join_service.esm";
import {patch} from "@web/core/utils/patch";
import {useService} from "@web/core/utils/hooks";
import {useState} from "@odoo/owl";

const STATUS_LABELS = {
    waiting: () => _t("Waiting for the receptionist…"),
    sending: () => _t("Sending access code…"),
    sent: () => _t("Access code sent"),
    failed: () => _t("The access code could not be sent: type it on the keypad."),
    incomplete: () =>
        _t("Access code not completely sent: the call ended before its last tone."),
    cancelled: () => _t("Access code not sent: the call ended."),
    test: () => _t("Test mode: no call is placed."),
};

patch(Call.prototype, {
    setup() {
        super.setup();
        this.notification = useService("notification");
        this.joinService = useService("voip_conference.join");
        this.join = useState(this.joinService.state);
    },
    get isRoomCall() {
        return isRoomCall(this.join, this.voip);
    },
    /** "Sales weekly · 8001": the room heads its call, not "No contact info". */
    get roomHeading() {
        if (this.join.room) {
            return this.join.extension
                ? `${this.join.room} · ${this.join.extension}`
                : this.join.room;
        }
        return this.voip.call?.conference?.name || "";
    },
    get joinLabel() {
        const label = STATUS_LABELS[this.join.status];
        return label ? label() : "";
    },
    /** The rest of the dial string after a wait, offered once the rest is sent. */
    get joinNextLabel() {
        const busy = ["waiting", "sending"].includes(this.join.status);
        return this.join.next && !busy
            ? _t("Send %(tones)s", {tones: this.join.next})
            : "";
    },
    onSendNextStep() {
        this.joinService.sendNextStep();
    },
    onOpenNumpad() {
        if (!this.state.numpad) {
            // The in-call keypad shows the digits sent during this call, not
            // the number that was dialled (voip_oca shares one input).
            this.voip.numpad.value = "";
        }
        return super.onOpenNumpad(...arguments);
    },
    onNumpadValue(key) {
        if (this.joinService.sendKey(key) === "failed") {
            this.notification.add(_t("The tone %(key)s could not be sent.", {key}), {
                type: "warning",
            });
        }
    },
});
