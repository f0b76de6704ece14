/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

/**
 * The conference's audio, mixed in the browser with Web Audio, following a
 * plan from `CallConference.mixPlan()`:
 * - each leg's outgoing audio (what is sent on its RTP sender) is the sum of
 *   the host's microphone and of every other active leg's remote audio,
 *   never its own;
 * - the host hears every active leg.
 *
 * One GainNode per edge (source -> sink), created on demand and kept: a plan
 * switches edges on (gain 1) or off (gain 0), so a change never clicks nor
 * rebuilds the graph. `edges()` lists the edges that are on, which is what
 * Hoot tests read; the same class runs on an OfflineAudioContext in tests
 * (oscillators as parties) and on a live AudioContext in production
 * (MediaStream sources and destinations), so both use one graph.
 */
export class AudioMixer {
    /**
     * @param {BaseAudioContext} context
     * @param {Object} host {source: AudioNode|null, sink: AudioNode}: the
     *   host's microphone and what the host hears.
     */
    constructor(context, {source = null, sink}) {
        this.context = context;
        this.hostSource = source;
        this.hostSink = sink;
        this.legs = new Map(); // id -> {source, sink}
        this.gains = new Map(); // "from>to" -> GainNode
        this.on = new Set();
    }

    /** Give a leg its nodes: its remote audio and its outgoing audio. */
    setLeg(id, {source, sink}) {
        const leg = this.legs.get(id) || {source: null, sink: null};
        if (source !== undefined && source !== leg.source) {
            this._dropEdges((from) => from === String(id));
            leg.source = source;
        }
        if (sink !== undefined && sink !== leg.sink) {
            this._dropEdges((from, to) => to === String(id));
            leg.sink = sink;
        }
        this.legs.set(id, leg);
    }

    removeLeg(id) {
        this._dropEdges((from, to) => from === String(id) || to === String(id));
        this.legs.delete(id);
    }

    /** Switch the edges of `plan` on and every other edge off. */
    apply(plan) {
        const wanted = new Set();
        for (const id of plan.host) {
            wanted.add(`${id}>host`);
        }
        for (const [id, sources] of Object.entries(plan.legs)) {
            for (const from of sources) {
                wanted.add(`${from}>${id}`);
            }
        }
        for (const key of new Set([...this.on, ...wanted])) {
            const [from, to] = key.split(">");
            const gain = this._gain(from, to);
            if (!gain) {
                // A node is not there yet (no remote audio before the
                // answer): the edge will be made by the next plan.
                this.on.delete(key);
                continue;
            }
            const on = wanted.has(key);
            gain.gain.value = on ? 1 : 0;
            if (on) {
                this.on.add(key);
            } else {
                this.on.delete(key);
            }
        }
    }

    /** The edges that carry audio, sorted: ["1>2", "host>1", "2>host"]. */
    edges() {
        return [...this.on].sort();
    }

    close() {
        for (const gain of this.gains.values()) {
            gain.disconnect();
        }
        this.gains.clear();
        this.on.clear();
        this.legs.clear();
    }

    _node(name, role) {
        if (name === "host") {
            return role === "source" ? this.hostSource : this.hostSink;
        }
        const leg = this.legs.get(Number(name)) || this.legs.get(name);
        return leg ? leg[role] : null;
    }

    _gain(from, to) {
        const key = `${from}>${to}`;
        let gain = this.gains.get(key);
        if (gain) {
            return gain;
        }
        const source = this._node(from, "source");
        const sink = this._node(to, "sink");
        if (!source || !sink) {
            return null;
        }
        gain = this.context.createGain();
        gain.gain.value = 0;
        source.connect(gain);
        gain.connect(sink);
        this.gains.set(key, gain);
        return gain;
    }

    _dropEdges(matches) {
        for (const [key, gain] of this.gains) {
            const [from, to] = key.split(">");
            if (matches(from, to)) {
                gain.disconnect();
                this.gains.delete(key);
                this.on.delete(key);
            }
        }
    }
}

/**
 * The mixer on live calls: the host's microphone (a clone of the first
 * call's track) in, what the host hears out to `playTo` (voip_oca's call
 * audio element), and per leg a MediaStreamAudioDestinationNode whose track
 * replaces the microphone on that leg's RTP sender (`replaceTrack`), and the
 * leg's remote track as a source.
 */
export class LiveConferenceAudio {
    constructor({micTrack, playTo, AudioContextClass = window.AudioContext}) {
        this.context = new AudioContextClass();
        this.micTrack = micTrack ? micTrack.clone() : null;
        if (this.micTrack) {
            // voip_oca's Pause and Mute disable the call's own track; in a
            // conference, hold is per leg and mute is in the mix.
            this.micTrack.enabled = true;
        }
        const source = this.micTrack
            ? this.context.createMediaStreamSource(
                  new window.MediaStream([this.micTrack])
              )
            : null;
        this.hostSink = this.context.createMediaStreamDestination();
        this.mixer = new AudioMixer(this.context, {source, sink: this.hostSink});
        this.sinks = new Map(); // leg id -> MediaStreamAudioDestinationNode
        this.remote = new Map(); // leg id -> {track, element}
        this.playTo = playTo;
        if (playTo) {
            playTo.srcObject = this.hostSink.stream;
            playTo.play?.();
        }
        this.context.resume?.();
    }

    /** (Re)wire one leg from its SIP.js session description handler. */
    wire(legId, sdh) {
        const pc = sdh?.peerConnection;
        if (!pc) {
            return;
        }
        let sink = this.sinks.get(legId);
        if (!sink) {
            sink = this.context.createMediaStreamDestination();
            this.sinks.set(legId, sink);
            this.mixer.setLeg(legId, {sink});
        }
        const mix = sink.stream.getAudioTracks()[0];
        for (const sender of pc.getSenders()) {
            if (sender.track && sender.track.kind === "audio" && sender.track !== mix) {
                const own = sender.track;
                sender.replaceTrack(mix).then(() => {
                    // The leg's own microphone capture is not used: the
                    // host's voice reaches it through the mix.
                    if (own !== this.micTrack) {
                        own.stop();
                    }
                });
            }
        }
        const receiver = pc
            .getReceivers()
            .find(
                (r) =>
                    r.track && r.track.kind === "audio" && r.track.readyState === "live"
            );
        const known = this.remote.get(legId);
        if (receiver && (!known || known.track !== receiver.track)) {
            const stream = new window.MediaStream([receiver.track]);
            // Chromium feeds a remote WebRTC track to Web Audio only while a
            // media element plays it: a muted one does.
            const element = new window.Audio();
            element.muted = true;
            element.srcObject = stream;
            element.play?.()?.catch?.(() => undefined);
            if (known) {
                known.element.srcObject = null;
            }
            this.remote.set(legId, {track: receiver.track, element});
            this.mixer.setLeg(legId, {
                source: this.context.createMediaStreamSource(stream),
            });
        }
    }

    apply(plan) {
        this.mixer.apply(plan);
    }

    drop(legId) {
        this.mixer.removeLeg(legId);
        this.sinks.delete(legId);
        const known = this.remote.get(legId);
        if (known) {
            known.element.srcObject = null;
            this.remote.delete(legId);
        }
    }

    close() {
        for (const id of [...this.remote.keys()]) {
            this.drop(id);
        }
        this.mixer.close();
        this.micTrack?.stop();
        if (this.playTo && this.playTo.srcObject === this.hostSink.stream) {
            this.playTo.srcObject = null;
        }
        this.context.close?.();
    }
}
