"""Far ends that talk: Debian's baresip, one process per party.

Each far end answers (at once, or when told to through its ctrl_tcp
socket), plays its own sine tone (module ausine) as PCMU, takes part in
transfers on its own (REFER: it calls the Refer-To target, Replaces
included) and sends its RTP from its own range of ports, so that the
capture says who received what. This module writes their configuration and
reads their SIP from the capture.
"""

import dataclasses
import re
import subprocess
from pathlib import Path

MODULES = "/usr/lib/baresip/modules"


@dataclasses.dataclass
class FarEnd:
    name: str  # "A", "B", "C"
    number: str  # what the host dials: the SIP user part
    sip_port: int  # UDP (baresip also takes TCP here and TLS on +1)
    ctrl_port: int
    rtp_ports: tuple  # (lo, hi)
    tone_hz: int
    auto_answer: bool = True

    def write_config(self, directory):
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        lo, hi = self.rtp_ports
        (directory / "config").write_text(
            "poll_method epoll\n"
            f"sip_listen 127.0.0.1:{self.sip_port}\n"
            "net_interface 127.0.0.1\n"
            "call_max_calls 4\n"
            # ausine makes 48 kHz stereo only; baresip resamples to PCMU.
            f"audio_source ausine,{self.tone_hz}\n"
            "ausrc_srate 48000\n"
            "ausrc_channels 2\n"
            "audio_player aufile,/dev/null\n"
            "audio_alert aufile,/dev/null\n"
            f"rtp_ports {lo}-{hi}\n"
            "rtcp_mux no\n"
            "jitter_buffer_delay 1-10\n"
            f"module_path {MODULES}\n"
            "module g711.so\n"
            "module ausine.so\n"
            "module aufile.so\n"
            "module_tmp account.so\n"
            "module_app menu.so\n"
            "module_app ctrl_tcp.so\n"
            f"ctrl_tcp_listen 127.0.0.1:{self.ctrl_port}\n"
        )
        answer = "auto" if self.auto_answer else "manual"
        (directory / "accounts").write_text(
            f"<sip:{self.number}@127.0.0.1:{self.sip_port}>"
            f";regint=0;answermode={answer};audio_codecs=PCMU\n"
        )
        (directory / "contacts").write_text("")
        return directory


@dataclasses.dataclass
class SipMessage:
    t: float
    sport: int
    dport: int
    method: str  # request method, or "" for a response
    status: int  # response status, or 0
    cseq_method: str
    call_id: str
    text: str  # the whole message

    @property
    def body(self):
        return self.text.partition("\r\n\r\n")[2]

    def header(self, name):
        found = re.search(
            rf"^{re.escape(name)}\s*:\s*(.*)$", self.text, re.MULTILINE | re.IGNORECASE
        )
        return found.group(1).strip() if found else ""


def sip_messages(pcap, ports):
    """Every SIP message over UDP to or from ``ports``, in capture order."""
    argv = ["tshark", "-n", "-r", str(pcap)]
    for port in sorted(ports):
        argv += ["-d", f"udp.port=={port},sip"]
    argv += [
        "-Y",
        "sip && (" + " || ".join(f"udp.port == {p}" for p in sorted(ports)) + ")",
        "-T",
        "fields",
        "-E",
        "separator=/t",
        "-E",
        "occurrence=f",
    ]
    for field in (
        "frame.time_epoch",
        "udp.srcport",
        "udp.dstport",
        "sip.Method",
        "sip.Status-Code",
        "sip.CSeq.method",
        "sip.Call-ID",
        "udp.payload",
    ):
        argv += ["-e", field]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"tshark failed: {done.stderr.strip()}")
    messages = []
    for line in done.stdout.splitlines():
        t, sport, dport, method, status, cseq_method, call_id, payload = (
            line.split("\t") + [""] * 8
        )[:8]
        if not t:
            continue
        text = bytes.fromhex(payload.replace(":", "")).decode("utf-8", "replace")
        messages.append(
            SipMessage(
                float(t),
                int(sport),
                int(dport),
                method,
                int(status or 0),
                cseq_method,
                call_id,
                text,
            )
        )
    return messages
