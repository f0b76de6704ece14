#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Webhook intake: how many PBX events per second Odoo applies, and how fast.

    python3 benchmarks/bench_webhook_intake.py --database DB \\
        [--modes threaded,prefork] [--senders 16] [--seconds 60] [--rooms 10] \\
        [--batch 10000]

``DB`` is a database with voip_conference (e.g. the one ``./scripts/run``
creates). For each mode the benchmark starts Odoo with ``./scripts/run``
(``--workers 2`` for prefork) on free loopback ports, creates a REST PBX
served by the simulator on loopback and ``--rooms`` rooms (committed, removed
at the end), then:

1. **sustained**: ``--senders`` threads, each with its own HTTP connection,
   POST signed deliveries of one event each (a participant joins, then
   leaves: events about different people interleave across senders) for
   ``--seconds``; events/s, response p50/p95/max, and the check that every
   accepted event was applied exactly once (rows expected = rows found,
   events recorded = events accepted), once the drain has applied what busy
   rooms left pending (how long after the last answer: "drained");
2. **batch**: one delivery of ``--batch`` events: its response time, and
   when its last event was applied (the drain applies a large delivery
   after answering it).

Prints one table with the load average before and after each mode. Figures,
not a test: nothing here asserts a time.
"""

import argparse
import json
import os
import pathlib
import queue
import signal
import socket
import statistics
import subprocess
import threading
import time

import requests

REPO = pathlib.Path(__file__).resolve().parents[1]
TOKEN = "bench-intake-token-0123"
SECRET = "bench-intake-secret-0123456789"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_odoo(database, mode, log_path):
    """``./scripts/run`` as a user starts it; returns (process, base URL)."""
    port, gevent_port = free_port(), free_port()
    env = dict(
        os.environ,
        VOIP_CONFERENCE_DB=database,
        VOIP_CONFERENCE_PORT=str(port),
        VOIP_CONFERENCE_GEVENT_PORT=str(gevent_port),
        VOIP_CONFERENCE_RUN_DIR=str(log_path.parent / f"run-{mode}"),
    )
    args = [str(REPO / "scripts" / "run")]
    if mode == "prefork":
        args += ["--workers", "2"]
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 600
    while "Odoo is ready" not in log_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"Odoo did not start ({mode}):\n{log_path.read_text()}")
        time.sleep(0.5)
    return process, f"http://127.0.0.1:{port}"


def stop_odoo(process):
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


class Fixture:
    """A REST PBX on the simulator with ``rooms`` rooms, committed."""

    def __init__(self, database, rooms):
        from odoo import SUPERUSER_ID, api
        from odoo.modules.registry import Registry

        from odoo.addons.voip_conference.tools.rest_server import SimulatedPbxServer

        self.api, self.su = api, SUPERUSER_ID
        self.server = SimulatedPbxServer(TOKEN).start()
        self.server.pbx.set_limits(max_participants=0)
        self.registry = Registry(database)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            pbx = env["voip.pbx"].create(
                {
                    "name": "Bench intake PBX",
                    "pbx_backend": "rest",
                    "api_url": self.server.url,
                    "api_token": TOKEN,
                    "conference_webhook_secret": SECRET,
                    "auto_apply": True,
                }
            )
            created = env["voip.conference"].create(
                [
                    {"name": f"Bench {i}", "extension": f"79{i:02d}", "pbx_id": pbx.id}
                    for i in range(rooms)
                ]
            )
            pbx._sync(trigger="manual", apply=True)
            self.pbx_id, self.room_ids = pbx.id, created.ids
            self.remote_ids = created.mapped("remote_id")
        self.cursor = self.server.pbx.state.get("event_cursor", 0)

    def events(self, people, prefix):
        """``people`` join then leave, spread over the rooms: the bodies of
        single-event deliveries, in the PBX's order."""
        pbx, found = self.server.pbx, []
        for index in range(people):
            room = self.remote_ids[index % len(self.remote_ids)]
            person = pbx.dial_in(room, f"+32{prefix}{index:07d}")
            pbx.hang_up(room, person.id)
            if index % 100 == 99 or index == people - 1:
                # The simulator keeps its recent events only: read as we go.
                events, self.cursor = pbx.events(self.cursor, limit=10_000)
                found += [e.to_dict() for e in events]
        return found

    def pending(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM voip_pbx_event WHERE pbx_id = %s AND pending",
                [self.pbx_id],
            )
            return cr.fetchone()[0]

    def drained(self, timeout=120):
        """Seconds until no event of the PBX is pending (None: still some)."""
        start = time.monotonic()
        while self.pending():
            if time.monotonic() - start > timeout:
                return None
            time.sleep(0.05)
        return time.monotonic() - start

    def counts(self):
        with self.registry.cursor() as cr:
            env = self.api.Environment(cr, self.su, {})
            rows = env["voip.conference.participation"].search(
                [("conference_id", "in", self.room_ids)]
            )
            distinct = len(set(rows.mapped("remote_id")))
            return len(rows), distinct

    def drop(self):
        with self.registry.cursor() as cr:
            env = self.api.Environment(cr, self.su, {})
            env["voip.conference"].browse(self.room_ids).unlink()
            env["voip.pbx"].browse(self.pbx_id).unlink()
        self.server.stop()


def post(session, url, events):
    from odoo.addons.voip_conference.tools import webhook

    body = json.dumps({"events": events}).encode()
    start = time.monotonic()
    response = session.post(
        url, data=body, headers=webhook.signed_headers(SECRET, body), timeout=120
    )
    return response.status_code, (time.monotonic() - start) * 1000


def sustained(url, events, senders, seconds):
    work = queue.Queue()
    for event in events:
        work.put(event)
    results, lock = [], threading.Lock()
    deadline = time.monotonic() + seconds

    def sender():
        with requests.Session() as session:
            while time.monotonic() < deadline:
                try:
                    event = work.get_nowait()
                except queue.Empty:
                    return
                status, ms = post(session, url, [event])
                with lock:
                    results.append((event, status, ms))

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.monotonic() - start


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_mode(args, mode, tmp):
    load_before = os.getloadavg()[0]
    process, base = start_odoo(args.database, mode, tmp / f"odoo-{mode}.log")
    fixture = Fixture(args.database, args.rooms)
    try:
        url = f"{base}/voip_conference/webhook/{fixture.pbx_id}"
        people = max(args.seconds * 300 // 2, 100)
        events = fixture.events(people, "2" + str(len(mode)))
        results, elapsed = sustained(url, events, args.senders, args.seconds)
        drained = fixture.drained()
        accepted = [event for event, status, _ms in results if status == 204]
        joined = {
            e["participant"]["id"] for e in accepted if e["type"].endswith("joined")
        }
        rows, distinct = fixture.counts()
        times = [ms for _e, _s, ms in results]
        # A person makes four events: joined and left, and the room's own
        # (it starts and ends with them here).
        batch = fixture.events(args.batch // 4, "3" + str(len(mode)))
        start = time.monotonic()
        with requests.Session() as session:
            batch_status, batch_ms = post(session, url, batch)
        fixture.drained()
        applied = time.monotonic() - start
        rows_after, _distinct = fixture.counts()
        batch_joined = sum(1 for e in batch if e["type"].endswith("joined"))
        return {
            "mode": mode,
            "load": f"{load_before:.1f} → {os.getloadavg()[0]:.1f}",
            "events/s": f"{len(results) / elapsed:.1f}",
            "p50/p95/max ms": (
                f"{statistics.median(times):.0f} / {percentile(times, 0.95):.0f}"
                f" / {max(times):.0f}"
            ),
            "accepted/sent": f"{len(accepted)}/{len(results)}",
            "drained": "never" if drained is None else f"{drained:.2f} s",
            "rows found/expected": f"{rows}/{len(joined)} (distinct {distinct})",
            f"batch of {len(batch)}": (
                f"{batch_status} in {batch_ms / 1000:.1f} s, applied in "
                f"{applied:.1f} s, rows +{rows_after - rows} (expected {batch_joined})"
            ),
        }
    finally:
        fixture.drop()
        stop_odoo(process)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--config")
    parser.add_argument("--modes", default="threaded,prefork")
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--batch", type=int, default=10000)
    args = parser.parse_args()

    from odoo.tools import config

    config.parse_config(
        ["-d", args.database] + (["-c", args.config] if args.config else [])
    )
    tmp = pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-intake-{os.getpid()}"
    tmp.mkdir(parents=True, exist_ok=True)
    rows = [run_mode(args, mode, tmp) for mode in args.modes.split(",")]
    print(f"{args.senders} senders, one event per request, {args.rooms} rooms:")
    for row in rows:
        print("  " + " | ".join(f"{key}: {value}" for key, value in row.items()))


if __name__ == "__main__":
    main()
