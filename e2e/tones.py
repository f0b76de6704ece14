"""Who heard whom: the G.711 audio each far end received, read from the
packet capture and measured tone by tone.

tshark gives the RTP payload of every packet sent to a far end's media
ports; PCMU (payload type 0) is decoded to linear samples (ITU-T G.711
mu-law), and a Goertzel filter gives the level of each tone of interest
against the noise floor, measured at frequencies nobody plays.
"""

import dataclasses
import math
import subprocess

RATE = 8000
# The voices: the host (Chromium's fake microphone) and up to three far
# ends. Chosen so that no sum or difference of two or three of them (what
# G.711's companding adds, some 60 dB down) falls near another one.
HOST_HZ, A_HZ, B_HZ, C_HZ = 440, 650, 1020, 1330
# Frequencies nobody plays nor makes: the noise floor of a window.
FLOOR_FREQS = (500, 780, 930, 1200, 1280, 1500, 1850)
HEARD_DB = 40.0  # a tone this far above the floor is heard
SILENT_DB = 30.0  # a tone below this is not heard (distortion products are)


def ulaw_to_linear(byte):
    """One G.711 mu-law byte -> a 16-bit linear sample (ITU-T G.711)."""
    byte = ~byte & 0xFF
    sign = byte & 0x80
    exponent = (byte >> 4) & 0x07
    mantissa = byte & 0x0F
    sample = ((mantissa << 3) + 0x84) << exponent
    sample -= 0x84
    return -sample if sign else sample


_ULAW = [ulaw_to_linear(b) for b in range(256)]


def goertzel(samples, freq, rate=RATE):
    """Amplitude of ``freq`` in ``samples`` (same unit as the samples)."""
    if not samples:
        return 0.0
    coeff = 2 * math.cos(2 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + coeff * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - coeff * s1 * s2
    return 2 * math.sqrt(max(power, 0.0)) / len(samples)


@dataclasses.dataclass
class Packet:
    t: float
    dport: int
    ssrc: str
    seq: int
    payload: bytes


def rtp_packets(pcap, ports):
    """PCMU packets sent to a port in the range ``ports`` (lo, hi)."""
    lo, hi = ports
    argv = ["tshark", "-n", "-r", str(pcap), "-o", "rtp.heuristic_rtp:TRUE"]
    argv += [
        "-Y",
        f"rtp.p_type == 0 && udp.dstport >= {lo} && udp.dstport <= {hi}",
        "-T",
        "fields",
        "-E",
        "separator=/t",
    ]
    for field in (
        "frame.time_epoch",
        "udp.dstport",
        "rtp.ssrc",
        "rtp.seq",
        "rtp.payload",
    ):
        argv += ["-e", field]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"tshark failed: {done.stderr.strip()}")
    packets = []
    for line in done.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) < 5 or not parts[4]:
            continue
        packets.append(
            Packet(
                float(parts[0]),
                int(parts[1]),
                parts[2],
                int(parts[3]),
                bytes.fromhex(parts[4].replace(":", "")),
            )
        )
    return packets


@dataclasses.dataclass
class Heard:
    """The tones in one far end's received audio during one window."""

    packets: int
    levels_db: dict  # freq -> dB above the noise floor

    def hears(self, freq):
        return self.levels_db.get(freq, -99.0) >= HEARD_DB

    def silent(self, freq):
        return self.levels_db.get(freq, -99.0) < SILENT_DB

    def __str__(self):
        levels = " ".join(f"{f}Hz:{db:+.0f}dB" for f, db in self.levels_db.items())
        return f"{self.packets} pkts {levels}"


def measure(packets, start, end, freqs):
    """Levels of ``freqs`` in the audio of ``packets`` between two times.

    Packets of several streams (SSRCs) in the window are summed sample by
    sample, as the far end plays them; a window without a packet is silence
    (every tone at -99 dB).
    """
    inside = [p for p in packets if start <= p.t <= end]
    if not inside:
        return Heard(0, {f: -99.0 for f in freqs})
    by_ssrc = {}
    for packet in sorted(inside, key=lambda p: (p.ssrc, p.seq)):
        by_ssrc.setdefault(packet.ssrc, []).extend(_ULAW[b] for b in packet.payload)
    length = max(len(s) for s in by_ssrc.values())
    samples = [0.0] * length
    for stream in by_ssrc.values():
        for i, value in enumerate(stream):
            samples[i] += value
    floor = sum(goertzel(samples, f) for f in FLOOR_FREQS) / len(FLOOR_FREQS)
    floor = max(floor, 1.0)  # one step of a 16-bit sample
    levels = {}
    for freq in freqs:
        level = goertzel(samples, freq)
        levels[freq] = 20 * math.log10(level / floor) if level > 0 else -99.0
    return Heard(len(inside), levels)
