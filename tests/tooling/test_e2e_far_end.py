# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The end-to-end tier's reading of the capture (e2e/far_end.py), on rows as
tshark gives them: a wrong reading would let tier 3 pass or fail for nothing.
"""

import importlib.util
import pathlib

_PATH = pathlib.Path(__file__).resolve().parents[2] / "e2e" / "far_end.py"
_spec = importlib.util.spec_from_file_location("voip_conference_e2e_far_end", _PATH)
far_end = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(far_end)

FAR = 5070
KAM = 5060


def _hex(text):
    return text.replace("\n", "\r\n").encode().hex()


SDP_200 = _hex(
    "SIP/2.0 200 OK\nCSeq: 1 INVITE\nContent-Type: application/sdp\n\n"
    "v=0\nm=audio 6000 RTP/AVP 0 126\na=rtpmap:126 telephone-event/8000\n"
)


def _info(digit):
    return _hex(
        "INFO sip:far-end@127.0.0.1 SIP/2.0\nContent-Type: application/dtmf-relay\n\n"
        f"Signal={digit}\nDuration=100\n"
    )


def _row(
    t, to_far_end, method="", status="", cseq_method="", cseq=1, call="a", payload=""
):
    ports = (KAM, FAR) if to_far_end else (FAR, KAM)
    return [str(t), str(ports[0]), str(ports[1]), method, status, cseq_method,
            str(cseq), call, payload]  # fmt: skip


def test_one_call_with_info_digits_and_their_answers():
    rows = [
        _row(10.0, True, "INVITE", cseq_method="INVITE"),
        _row(10.1, False, status="180", cseq_method="INVITE"),
        _row(10.8, False, status="200", cseq_method="INVITE", payload=SDP_200),
        # A retransmitted 200 does not move the answer.
        _row(11.3, False, status="200", cseq_method="INVITE", payload=SDP_200),
        _row(12.3, True, "INFO", cseq_method="INFO", cseq=2, payload=_info("1")),
        _row(12.31, False, status="200", cseq_method="INFO", cseq=2),
        _row(12.55, True, "INFO", cseq_method="INFO", cseq=3, payload=_info("#")),
        _row(12.56, False, status="500", cseq_method="INFO", cseq=3),
        _row(13.0, True, "BYE", cseq_method="BYE", cseq=4),
    ]
    [call] = far_end.calls_from_sip(rows, FAR)
    assert (call.invite, call.answer, call.bye) == (10.0, 10.8, 13.0)
    assert call.telephone_event_pt == 126
    assert call.info_digits == "1#"
    assert [info.answered for info in call.infos] == [200, 500]


def test_events_are_one_digit_each_and_go_to_their_call():
    rows = [
        _row(1.0, True, "INVITE", call="a", cseq_method="INVITE"),
        _row(5.0, True, "INVITE", call="b", cseq_method="INVITE"),
    ]
    calls = far_end.calls_from_sip(rows, FAR)
    events = [
        # ssrc, RTP timestamp, event: the packets of one tone share a timestamp
        ["2.00", "77", "800", "1"],
        ["2.02", "77", "800", "1"],
        ["2.10", "77", "800", "1"],
        ["2.30", "77", "1600", "11"],
        ["6.00", "78", "800", "0"],
        ["6.20", "78", "960", "10"],
        # Before any call: nobody's.
        ["0.50", "79", "1", "5"],
    ]
    far_end.attach_events(calls, events)
    assert [c.rfc4733_digits for c in calls] == ["1#", "0*"]
    assert calls[0].events[0] == (2.0, "1")


def test_request_uri_of_the_invite():
    """Issue 10, 2: tier 3 judges the + of E.164 numbers in the request URI."""
    invite = _hex("INVITE sip:+3225550100@127.0.0.1 SIP/2.0\nCSeq: 1 INVITE\n\nv=0\n")
    rows = [_row(1.0, True, "INVITE", cseq_method="INVITE", payload=invite)]
    [call] = far_end.calls_from_sip(rows, FAR)
    assert call.request_uri == "sip:+3225550100@127.0.0.1"
    assert call.request_user == "+3225550100"
