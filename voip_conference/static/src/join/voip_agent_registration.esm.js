/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {VoipAgent} from "@voip_oca/services/voip_agent_service.esm";
import {patch} from "@web/core/utils/patch";

/**
 * - The ICE servers are the PBX's (session info), never SIP.js's built-in
 *   public STUN server.
 * - The systray shows "connected" only once the PBX accepted the REGISTER.
 */
patch(VoipAgent.prototype, {
    get agentConfig() {
        const config = super.agentConfig;
        config.sessionDescriptionHandlerFactoryOptions = {
            ...(config.sessionDescriptionHandlerFactoryOptions || {}),
            peerConnectionConfiguration: {iceServers: this.voip.ice_servers || []},
        };
        return config;
    },

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
});
