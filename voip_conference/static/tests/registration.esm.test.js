/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {expect, test} from "@odoo/hoot";
import {VoipAgent} from "@voip_oca/services/voip_agent_service.esm";

// The patched methods, on a fake agent: SIP.js is not loaded in unit tests.

test("the systray says connected only once the PBX accepted the REGISTER", () => {
    const agent = {voip: {status: "connected"}};
    const onChange = VoipAgent.prototype._onRegistererStateChange;
    onChange.call(agent, "Initial");
    expect(agent.voip.status).toBe("connecting");
    onChange.call(agent, "Registered");
    expect(agent.voip.status).toBe("connected");
    expect(agent.registererState).toBe("Registered");
    onChange.call(agent, "Unregistered");
    expect(agent.voip.status).toBe("connecting");
    agent.voip.status = "connected";
    onChange.call(agent, "Terminated");
    expect(agent.voip.status).toBe("disconnected");
});

test("the PBX's ICE servers replace SIP.js's public STUN server", () => {
    const descriptor = Object.getOwnPropertyDescriptor(
        VoipAgent.prototype,
        "agentConfig"
    );
    const iceServers = [{urls: "stun:stun.example.com:3478"}];
    const fakeAgent = {
        voip: {
            pbx_username: "101",
            pbx_password: "x",
            pbx_domain: "pbx.example.com",
            pbx_ws: "wss://pbx.example.com/ws",
            ice_servers: iceServers,
        },
        onInvite() {},
        _onDisconnect() {},
    };
    window.SIP = {version: "0.21.2", UserAgent: {makeURI: (uri) => uri}};
    try {
        const config = descriptor.get.call(fakeAgent);
        expect(
            config.sessionDescriptionHandlerFactoryOptions.peerConnectionConfiguration
        ).toEqual({iceServers});
        fakeAgent.voip.ice_servers = undefined;
        const empty = descriptor.get.call(fakeAgent);
        expect(
            empty.sessionDescriptionHandlerFactoryOptions.peerConnectionConfiguration
        ).toEqual({iceServers: []});
    } finally {
        delete window.SIP;
    }
});
