"""Start and stop the processes of the end-to-end tier, by process id.

Everything here runs inside the private network namespace that
``scripts/e2e`` makes (``unshare --net``): only ``lo`` exists, so nothing can
leave the machine, and every server listens on 127.0.0.1.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
KAMAILIO_MODULES = "/usr/lib/x86_64-linux-gnu/kamailio/modules/"


class StackError(RuntimeError):
    """A process of the stack did not start; its log says why."""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening_sockets():
    """Every socket listening (TCP) or bound (UDP) in this namespace."""
    out = subprocess.run(
        ["ss", "-Hltun"], capture_output=True, text=True, check=False
    ).stdout
    return [line.split() for line in out.splitlines() if line.strip()]


class Process:
    """One process of the stack: its command, its log, its process id."""

    def __init__(self, name, argv, logdir, env=None, cwd=None):
        self.name = name
        self.argv = [str(a) for a in argv]
        self.log_path = Path(logdir) / f"{name}.log"
        self.env = env
        self.cwd = cwd
        self.popen = None

    @property
    def pid(self):
        return self.popen.pid if self.popen else None

    def start(self):
        log = self.log_path.open("wb")
        # Its own process group: stopping it stops the children it forked
        # (Kamailio's workers, Odoo's), and nothing else.
        self.popen = subprocess.Popen(
            self.argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self.env,
            cwd=self.cwd,
            start_new_session=True,
        )
        log.close()
        return self

    def running(self):
        return self.popen is not None and self.popen.poll() is None

    def log_tail(self, lines=30):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def fail(self, what):
        raise StackError(
            f"{self.name} {what}.\nCommand: {' '.join(self.argv)}\n"
            f"Last lines of {self.log_path}:\n{self.log_tail()}"
        )

    def wait_until(self, check, what, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                self.fail(f"exited with code {self.popen.returncode} before {what}")
            if check():
                return
            time.sleep(0.05)
        self.fail(f"did not {what} within {timeout:.0f} s")

    def wait_tcp(self, port, timeout=30.0):
        def accepting():
            with contextlib.suppress(OSError):
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return True
            return False

        self.wait_until(accepting, f"listen on TCP 127.0.0.1:{port}", timeout)

    def wait_udp_bound(self, port, timeout=30.0):
        def bound():
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    return True
            return False

        self.wait_until(bound, f"bind UDP 127.0.0.1:{port}", timeout)

    def wait_log(self, text, timeout=30.0):
        def logged():
            with contextlib.suppress(OSError):
                return text in self.log_path.read_text(errors="replace")
            return False

        self.wait_until(logged, f"log {text!r}", timeout)

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        """Stop the process (and its group) by id; SIGKILL if it lingers."""
        if self.popen is None:
            return None
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)
        # Children that outlived their leader (same group) go too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        return self.popen.returncode


def render(template, target, **values):
    text = Path(template).read_text()
    for key, value in values.items():
        text = text.replace(f"@{key}@", str(value))
    leftover = sorted(set(re.findall(r"@[A-Z_]+@", text)))
    if leftover:
        raise StackError(f"{template}: placeholders left: {', '.join(leftover)}")
    Path(target).write_text(text)
    return target


def which(name):
    path = shutil.which(name)
    if not path:
        raise StackError(f"{name} is not installed")
    return path
