/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {Component, onWillUnmount, useEffect, useRef, useState} from "@odoo/owl";
import {ConfirmationDialog} from "@web/core/confirmation_dialog/confirmation_dialog";
import {_t} from "@web/core/l10n/translation";
import {useService} from "@web/core/utils/hooks";

const STATE_LABELS = {
    ringing: () => _t("Ringing"),
    connected: () => _t("Connected"),
    held: () => _t("On hold"),
    ended: () => _t("Ended"),
};

const ERROR_LABELS = {
    full: (data) =>
        _t("A conference may have at most %(count)s parties.", {count: data.max}),
    no_number: () => _t("Enter or pick a number to call."),
    no_call: () => _t("There is no call to make a conference of."),
    merge_choice: () => _t("Choose the calls to merge."),
    nothing_to_merge: () => _t("There is no call on hold to merge."),
    merge_ringing: () => _t("Merge once the party you are calling has answered."),
    not_held: () => _t("This call is not on hold."),
    cannot_leave: () => _t("You can leave only when two other parties have answered."),
    leave_refused: (data) =>
        data.reason === "timeout"
            ? _t(
                  "The transfer did not complete in time: you are still in the conference."
              )
            : _t(
                  "The transfer was refused (%(reason)s): you are still in the conference.",
                  {reason: data.reason}
              ),
};

/** Ask, then end the conference for everyone. */
export function confirmEndAll(dialog, callConference) {
    dialog.add(ConfirmationDialog, {
        title: _t("End the conference?"),
        body: _t("Every party will be disconnected."),
        confirmLabel: _t("End for everyone"),
        confirm: () => callConference.endAll(),
        cancel: () => undefined,
    });
}

/** The digits of a phone number, however it is written. */
function onlyDigits(number) {
    return String(number || "").replace(/\D/g, "");
}

/** "mm:ss" of a number of seconds. */
export function clock(seconds) {
    const minutes = String(Math.floor(seconds / 60)).padStart(2, "0");
    return `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
}

/** What the conference's two parts of the call view read. */
class CallConferenceBase extends Component {
    static props = {};

    setup() {
        this.callConference = useService("voip_conference.call_conference");
        this.voip = useState(useService("voip_oca"));
        this.adhoc = useState(this.callConference.state);
        this.written = useState(this.callConference.numbers);
    }

    get conference() {
        // Read the revision: the panel renders again on every change.
        return this.adhoc.revision >= 0 ? this.callConference.conference : null;
    }
    get inConference() {
        return this.adhoc.revision >= 0 && this.callConference.isOn;
    }
    get legs() {
        const conference = this.conference;
        return conference ? conference.liveLegs : [];
    }
    get heldLegs() {
        return this.conference ? this.conference.heldLegs : [];
    }
    /** The contact whose phone is ``number``, however either is written
     * ("+32 2 555 01 98" is "+3225550198"). */
    partyFor(number) {
        const digits = onlyDigits(number);
        // Every contact known to the softphone, not only those its search
        // shows (voip.partners is filtered by the search box).
        const partners = Object.values(this.voip.store?.["res.partner"]?.records || {});
        const found =
            digits && partners.find((p) => p.phone && onlyDigits(p.phone) === digits);
        return found ? {id: found.id, name: found.name} : false;
    }
    /** The number as the softphone writes it, one way for every party. */
    writtenNumber(leg) {
        return this.written[leg.number] || leg.number;
    }
    /** The party's name: the one it was called with, else its contact's. */
    partyName(leg) {
        return leg.name || this.partyFor(leg.number).name || "";
    }
}

/**
 * The parties of the conference, in the call view's scrolling part: each
 * with its state and duration, Retrieve and Disconnect.
 */
export class CallConferenceParties extends CallConferenceBase {
    static template = "voip_conference.CallConferenceParties";

    setup() {
        super.setup();
        this.state = useState({tick: 0});
        this.timer = window.setInterval(() => this.state.tick++, 1000);
        onWillUnmount(() => window.clearInterval(this.timer));
        useEffect(
            (numbers) => {
                this.callConference.formatNumbers(numbers.split("\n"));
            },
            () => [this.legs.map((leg) => leg.number).join("\n")]
        );
    }

    stateLabel(leg) {
        return STATE_LABELS[leg.state]();
    }
    /** A hold (or its end) crossed the party's own change of the call. */
    retryText(leg) {
        const retry = leg.retrying;
        return retry
            ? _t(
                  "The party was changing the call at the same moment: trying again (%(attempt)s of %(max)s)…",
                  {attempt: retry.attempt, max: retry.max}
              )
            : "";
    }
    duration(leg) {
        // Read the tick: durations move every second.
        return this.state.tick >= 0 ? clock(this.conference.duration(leg)) : "";
    }
    isSelected(leg) {
        return this.conference?.selectedLeg?.id === leg.id;
    }
    onRetrieve(leg) {
        return this.callConference.retrieve(leg.id);
    }
    onDisconnect(leg) {
        return this.callConference.disconnect(leg.id);
    }
    onSelect(leg) {
        return this.callConference.select(leg.id);
    }
}

// Refusals made before anything was dialled: the number typed stays.
const REFUSED_BEFORE_DIALLING = new Set(["full", "no_number", "no_call"]);

/**
 * The call view's conference controls, pinned under the scrolling part:
 * add a party (single step or after a consultation) and the host's actions
 * (merge, leave, end for all).
 */
export class CallConferencePanel extends CallConferenceBase {
    static template = "voip_conference.CallConferencePanel";

    setup() {
        super.setup();
        this.dialog = useService("dialog");
        this.state = useState({number: "", merging: false, chosen: {}});
        this.numberRef = useRef("number");
    }

    /** The add field's number. Written to the input too: t-model compares
     * with the last value it rendered, so a number typed and cleared before
     * the next render (a quick click) would stay on screen. */
    setNumber(number) {
        this.state.number = number;
        if (this.numberRef.el) {
            this.numberRef.el.value = number;
        }
    }

    get canAdd() {
        const conference = this.conference;
        return !conference || !conference.isFull;
    }
    get errorText() {
        const error = this.adhoc.error;
        if (!error) {
            return "";
        }
        const label = ERROR_LABELS[error.code];
        return label
            ? label(error.data || {})
            : _t("The conference action failed: %(message)s", {
                  message: error.message || error.code,
              });
    }
    /** Contacts and recent calls to pick a number from. */
    get suggestions() {
        const seen = new Set();
        const out = [];
        const add = (number, label) => {
            if (number && !seen.has(number)) {
                seen.add(number);
                out.push({number, label});
            }
        };
        for (const partner of this.voip.partners || []) {
            add(partner.phone, partner.name);
        }
        for (const call of this.voip.calls || []) {
            add(call.phoneNumber, call.partner?.name || call.phoneNumber);
        }
        return out.slice(0, 50);
    }

    async onAdd(mode) {
        const number = this.state.number.trim();
        // The party is being dialled (ringing can take seconds): the field
        // is free for the next one at once.
        this.setNumber("");
        const result = await this.callConference.add(
            {number, partner: this.partyFor(number)},
            mode
        );
        const refused = !result && REFUSED_BEFORE_DIALLING.has(this.adhoc.error?.code);
        if (refused && !this.state.number) {
            this.setNumber(number);
        }
    }
    onMerge() {
        if (this.conference.mergeNeedsChoice) {
            this.state.merging = true;
            this.state.chosen = {};
            return;
        }
        return this.callConference.merge();
    }
    onToggleChosen(leg) {
        this.state.chosen[leg.id] = !this.state.chosen[leg.id];
    }
    async onMergeChosen() {
        const ids = this.heldLegs
            .filter((leg) => this.state.chosen[leg.id])
            .map((leg) => leg.id);
        this.state.merging = false;
        return this.callConference.merge(ids);
    }
    onEndAll() {
        confirmEndAll(this.dialog, this.callConference);
    }
    onLeave() {
        return this.callConference.leave();
    }
}
