# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The end-to-end tier's audio judge (e2e/tones.py) on G.711 made here: a
wrong decoder or threshold would let the conference cases pass or fail for
nothing.
"""

import importlib.util
import math
import pathlib

_PATH = pathlib.Path(__file__).resolve().parents[2] / "e2e" / "tones.py"
_spec = importlib.util.spec_from_file_location("voip_conference_e2e_tones", _PATH)
tones = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tones)


def ulaw(sample):
    """Linear 16-bit -> mu-law byte (ITU-T G.711), the encoder's side."""
    bias, clip = 0x84, 32635
    sign = 0x80 if sample < 0 else 0
    sample = min(abs(int(sample)), clip) + bias
    exponent = 7
    for exp, mask in enumerate((0x100, 0x200, 0x400, 0x800, 0x1000, 0x2000, 0x4000)):
        if sample < mask << 1 and sample >= mask:
            exponent = exp + 1
            break
    else:
        exponent = 0 if sample < 0x100 else 7
    mantissa = (sample >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def packets(freqs, seconds=2.0, start=100.0, amplitude=8000, ssrc="0x1"):
    out = []
    n = int(seconds * tones.RATE)
    for first in range(0, n, 160):
        payload = bytes(
            ulaw(
                sum(
                    amplitude * math.sin(2 * math.pi * f * i / tones.RATE)
                    for f in freqs
                )
            )
            for i in range(first, first + 160)
        )
        out.append(
            tones.Packet(start + first / tones.RATE, 4000, ssrc, first // 160, payload)
        )
    return out


def test_mu_law_decoding_round_trips():
    for value in (0, 100, -100, 1000, -5000, 30000, -30000):
        decoded = tones.ulaw_to_linear(ulaw(value))
        assert abs(decoded - value) <= max(8, abs(value) * 0.07), (value, decoded)


def test_tones_present_are_heard_and_absent_ones_are_not():
    heard = tones.measure(packets([440, 1020]), 100.0, 102.0, (440, 650, 1020))
    assert heard.packets == 100
    assert heard.hears(440) and heard.hears(1020), heard
    # 650 Hz is not played: what G.711 adds is far below it.
    assert heard.silent(650), heard


def test_a_window_without_packets_is_silence():
    heard = tones.measure(packets([440]), 200.0, 201.0, (440,))
    assert heard.packets == 0
    assert heard.silent(440) and not heard.hears(440)


def test_two_streams_are_summed_as_the_far_end_plays_them():
    both = packets([650], ssrc="0x1") + packets([1020], ssrc="0x2")
    heard = tones.measure(both, 100.0, 102.0, (650, 1020, 440))
    assert heard.hears(650) and heard.hears(1020) and heard.silent(440), heard


def test_every_voice_together_each_heard_none_invented():
    voices = (tones.HOST_HZ, tones.A_HZ, tones.B_HZ, tones.C_HZ)
    for absent in voices:
        present = [f for f in voices if f != absent]
        heard = tones.measure(packets(present, amplitude=6000), 100.0, 102.0, voices)
        assert all(heard.hears(f) for f in present), heard
        assert heard.silent(absent), heard
