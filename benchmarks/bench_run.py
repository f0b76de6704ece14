#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How long ``./scripts/run`` takes to answer, and to stop on Ctrl-C.

Starts the README's run command RUNS times in a row on one database, each
time until it prints "Odoo is ready", then presses Ctrl-C (SIGINT to its
process group, as a terminal does) and waits for it to exit. The first run
also sets up what is missing (virtual environment, database); the later ones
show what a second run costs. Prints, per run, seconds to ready and seconds
to stop, and whether anything it started is still alive.

    python3 benchmarks/bench_run.py --database vc_bench --port 8180 --runs 3

The database is left in place (``--drop`` drops it first, to time a first
run that creates it).
"""

import argparse
import os
import pathlib
import selectors
import signal
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]


def wait_for(proc, fragment, timeout):
    """Seconds until PROC prints a line holding FRAGMENT; its output."""
    fd = proc.stdout.fileno()
    selector = selectors.DefaultSelector()
    selector.register(fd, selectors.EVENT_READ)
    seen = b""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if not selector.select(timeout=1):
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        seen += chunk
        if fragment.encode() in seen:
            return time.monotonic() - start, seen.decode(errors="replace")
    raise SystemExit(f"no {fragment!r} after {timeout} s:\n{seen.decode()}")


def group_members(pgid):
    found = []
    for status in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(status.parent.name))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--port", type=int, default=8069)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--drop", action="store_true")
    parser.add_argument("--timeout", type=int, default=900)
    args = parser.parse_args()
    env = dict(
        os.environ,
        VOIP_CONFERENCE_DB=args.database,
        VOIP_CONFERENCE_PORT=str(args.port),
    )
    if args.drop:
        subprocess.run(["dropdb", "--if-exists", args.database], check=True)
    print("run  ready(s)  stopped(s)  left")
    for number in range(1, args.runs + 1):
        proc = subprocess.Popen(
            [REPO / "scripts" / "run"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # SIGINT as a terminal leaves it, even when this runs in the
            # background (where it is ignored, and Ctrl-C could not work).
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            ready, _output = wait_for(proc, "Ctrl-C stops Odoo", args.timeout)
        finally:
            pressed = time.monotonic()
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=120)
        stopped = time.monotonic() - pressed
        left = group_members(proc.pid)
        print(f"{number:>3}  {ready:8.1f}  {stopped:10.1f}  {left or 'nothing'}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
