"""What the far end saw, read from the loopback packet capture with tshark.

The capture holds the SIP between Kamailio and the far end (SIPp, UDP) and
the RTP that rtpengine forwards to the far end's media port. tshark decodes
both; this module turns its field output into one record per call:

- ``answer``: when the far end answered (its 200 OK to the INVITE),
- ``events``: the RFC 4733 telephone-events, one digit per event (the
  packets of one event share an RTP timestamp), with the time of its first
  packet,
- ``infos``: the SIP INFO requests, the digit each carried and whether the
  far end answered it 200.
"""

import dataclasses
import re
import subprocess

EVENT_DIGITS = "0123456789*#ABCD"
SIGNAL = re.compile(r"^Signal\s*=\s*(\S)", re.MULTILINE | re.IGNORECASE)
TELEPHONE_EVENT = re.compile(r"a=rtpmap:(\d+) telephone-event/8000")


@dataclasses.dataclass
class Info:
    t: float
    digit: str
    cseq: int
    answered: int = 0  # the status the far end answered with


@dataclasses.dataclass
class Call:
    call_id: str
    invite: float
    request_uri: str = ""  # of the INVITE: what the browser dialled
    answer: float = None
    bye: float = None
    telephone_event_pt: int = None
    events: list = dataclasses.field(default_factory=list)  # [(t, digit)]
    infos: list = dataclasses.field(default_factory=list)  # [Info]

    @property
    def request_user(self):
        """The user part of the request URI (``+3225550100``)."""
        return self.request_uri.partition(":")[2].partition("@")[0]

    @property
    def rfc4733_digits(self):
        return "".join(digit for _t, digit in self.events)

    @property
    def info_digits(self):
        return "".join(info.digit for info in self.infos)


def _tshark(pcap, display_filter, fields, options=()):
    argv = ["tshark", "-n", "-r", str(pcap), *options, "-Y", display_filter]
    argv += ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=f"]
    for field in fields:
        argv += ["-e", field]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"tshark failed: {done.stderr.strip()}")
    return [line.split("\t") for line in done.stdout.splitlines() if line.strip()]


SIP_FIELDS = (
    "frame.time_epoch",
    "udp.srcport",
    "udp.dstport",
    "sip.Method",
    "sip.Status-Code",
    "sip.CSeq.method",
    "sip.CSeq.seq",
    "sip.Call-ID",
    "udp.payload",
)

RTP_EVENT_FIELDS = (
    "frame.time_epoch",
    "rtp.ssrc",
    "rtp.timestamp",
    "rtpevent.event_id",
)


def sip_rows(pcap, far_end_port):
    return _tshark(
        pcap,
        f"sip && udp.port == {far_end_port}",
        SIP_FIELDS,
        ("-d", f"udp.port=={far_end_port},sip"),
    )


def rtp_event_rows(pcap, media_port, payload_type):
    return _tshark(
        pcap,
        f"rtpevent && udp.dstport == {media_port}",
        RTP_EVENT_FIELDS,
        (
            "-d",
            f"udp.port=={media_port},rtp",
            "-o",
            f"rtpevent.event_payload_type_value:{payload_type}",
        ),
    )


def _text(payload_hex):
    return bytes.fromhex(payload_hex.replace(":", "")).decode("utf-8", "replace")


def _body(payload_hex):
    return _text(payload_hex).partition("\r\n\r\n")[2]


def _request_uri(payload_hex):
    """``sip:+3225550100@127.0.0.1`` from ``INVITE sip:... SIP/2.0``."""
    request_line = _text(payload_hex).partition("\r\n")[0].split(" ")
    return request_line[1] if len(request_line) == 3 else ""


def calls_from_sip(rows, far_end_port):
    """One Call per Call-ID, in the order the far end was invited."""
    calls = {}
    for t, _sport, dport, method, status, cseq_method, cseq, call_id, payload in rows:
        t, to_far_end = float(t), int(dport) == far_end_port
        if method == "INVITE" and to_far_end and call_id not in calls:
            calls[call_id] = Call(
                call_id=call_id, invite=t, request_uri=_request_uri(payload)
            )
        call = calls.get(call_id)
        if call is None:
            continue
        if method == "INFO" and to_far_end:
            match = SIGNAL.search(_body(payload))
            call.infos.append(Info(t, match.group(1) if match else "?", int(cseq)))
        elif method == "BYE" and call.bye is None:
            call.bye = t
        elif status and not to_far_end:
            if cseq_method == "INVITE" and status == "200" and call.answer is None:
                call.answer = t
                found = TELEPHONE_EVENT.search(_body(payload))
                call.telephone_event_pt = int(found.group(1)) if found else None
            elif cseq_method == "INFO":
                for info in call.infos:
                    if info.cseq == int(cseq) and not info.answered:
                        info.answered = int(status)
    return sorted(calls.values(), key=lambda c: c.invite)


def attach_events(calls, rows):
    """Give each call the telephone-events that arrived while it was up.

    Calls follow one another; an event belongs to the last call invited
    before it. One event is one digit: its packets (start, updates, the
    three end packets) share the RTP timestamp of its first packet.
    """
    seen = set()
    for t, ssrc, timestamp, event_id in sorted(rows, key=lambda r: float(r[0])):
        key = (ssrc, timestamp)
        if key in seen:
            continue
        seen.add(key)
        t = float(t)
        owners = [call for call in calls if call.invite <= t]
        if owners:
            owners[-1].events.append((t, EVENT_DIGITS[int(event_id)]))


def read_capture(pcap, far_end_port, media_port):
    calls = calls_from_sip(sip_rows(pcap, far_end_port), far_end_port)
    for payload_type in sorted({c.telephone_event_pt for c in calls} - {None}):
        attach_events(calls, rtp_event_rows(pcap, media_port, payload_type))
    return calls
