/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {VoipAgent} from "@voip_oca/services/voip_agent_service.esm";
import {answerInDialogRequests} from "./utils/sip_requests.esm";
import {patch} from "@web/core/utils/patch";

/**
 * The one patch of voip_oca's agent: each method overridden once, each
 * override handing over to the service that owns the feature. The services
 * give themselves to the agent when they start (voip_oca's service cannot
 * depend on ours):
 * - `joinService` (join/join_service.esm.js): Join, one-tap dial strings,
 *   the in-call keypad, test-mode calls;
 * - `callConferenceService` (call_conference/call_conference_service.esm.js):
 *   the conference made from a call and its audio.
 * What voip_oca has no hook for is in utils/voip_oca_seams.esm.js.
 */
patch(VoipAgent.prototype, {
    // Registration ------------------------------------------------------

    /** The ICE servers are the PBX's (session info), never SIP.js's
     * built-in public STUN server. */
    get agentConfig() {
        const config = super.agentConfig;
        config.sessionDescriptionHandlerFactoryOptions = {
            ...(config.sessionDescriptionHandlerFactoryOptions || {}),
            peerConnectionConfiguration: {iceServers: this.voip.ice_servers || []},
        };
        return config;
    },

    /** The systray shows "connected" only once the PBX accepted the REGISTER. */
    async connectAgent() {
        await super.connectAgent(...arguments);
        if (
            this.registerer &&
            this.voip.status === "connected" &&
            this.registererState !== "Registered"
        ) {
            this.voip.status = "connecting";
        }
    },

    _onRegistererStateChange(state) {
        super._onRegistererStateChange(...arguments);
        if (state === "Registered") {
            this.voip.status = "connected";
        } else if (this.voip.status === "connected") {
            this.voip.status = state === "Terminated" ? "disconnected" : "connecting";
        }
    },

    // Calls: Join and test mode -----------------------------------------

    /** One call at a time; a one-tap string dials its number, then its tones. */
    call(options = {}) {
        return this.joinService.call(options, async (placed) => {
            await super.call(placed);
            // The far end's BYE gets its 200 (see sip_requests.esm.js).
            answerInDialogRequests(this.session);
        });
    },

    /** Test mode places no call and records none (see JoinService.testCall). */
    async createCall(options) {
        options = this.joinService.callOptions(options);
        if (this.voip.mode === "prod") {
            return super.createCall(options);
        }
        this.voip.call = this.joinService.testCall(options);
    },

    /** No call, no dial tone in test mode: a tone would pretend a line rings. */
    playTone() {
        if (this.voip.mode === "prod") {
            return super.playTone(...arguments);
        }
    },

    /**
     * No hold in a room: the PBX would play its music on hold to everyone
     * in it (ConfBridge, FreeSWITCH). The call view offers Mute instead;
     * this keeps any other caller of hold() from sending the re-INVITE.
     */
    async hold() {
        if (this.joinService.isRoomCall) {
            return;
        }
        return super.hold(...arguments);
    },

    /** Transfer to a number written any way: the PBX's form of it. */
    transfer(number) {
        return super.transfer(this.joinService.transferTarget(number));
    },

    async _onHanghup() {
        if (this.callConferenceService.isOn) {
            // The first party hung up: the conference goes on without it.
            return;
        }
        return this.joinService.hangup(() => super._onHanghup(...arguments));
    },

    // The conference made from a call -------------------------------------

    async hangup() {
        if (this.callConferenceService.isOn) {
            return this.callConferenceService.endAll();
        }
        return super.hangup(...arguments);
    },

    async onInvite(session) {
        answerInDialogRequests(session);
        if (this.callConferenceService.isOn) {
            // Busy: voip_oca would reject, then take the call over anyway.
            session.reject({statusCode: 486});
            return;
        }
        return super.onInvite(...arguments);
    },

    async mute() {
        await super.mute(...arguments);
        this.callConferenceService.setMuted(this.isMuted);
    },

    updateCallAudio() {
        if (this.callConferenceService.isOn && this.callConferenceService.mixesAudio) {
            // Mute is in the mix (every leg); hold is per leg.
            return;
        }
        return super.updateCallAudio(...arguments);
    },

    setCallAudio() {
        if (this.callConferenceService.mixesAudio) {
            return this.callConferenceService.playMix();
        }
        return super.setCallAudio(...arguments);
    },
});
