#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Sync N rooms and N numbers with the REST backend over loopback, the first
sync protocol and the second side by side, in one run.

    python3 benchmarks/bench_sync.py --database DB [--config FILE] [--size 10000]

Two simulated PBX servers on loopback ports, each with N incoming numbers
provisioned (as an operator would), and two PBXs in Odoo with N rooms each,
every number routed to a room. One PBX declares none of the second version's
capabilities (``bulk``, ``incremental``, ``versions``): the engine then works
as the first version did, listing everything on every pull and pushing one
request per object. The other declares them all. For each:

1. the first full push (rooms created, numbers' destinations set, applied);
2. a sync with nothing changed;
3. a sync after 100 edits, without bulk (the second PBX's ``bulk`` switched
   off for this step), then after 100 more with bulk.

For each: HTTP requests the server received, SQL queries, wall time and the
peak growth of the process's resident memory during the sync. Everything
done in Odoo is rolled back.
"""

import argparse
import os
import threading
import time

CAPABILITIES_V2 = ("bulk", "incremental", "versions")


class PeakRss:
    """Peak resident memory growth while the block runs (sampled every 5 ms)."""

    def __enter__(self):
        self.start = self.peak = _rss()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, _rss())
            time.sleep(0.005)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, _rss())

    @property
    def growth_mb(self):
        return (self.peak - self.start) / 2**20


def _rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--config")
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument(
        "--profile", action="store_true", help="cProfile v2's first full push"
    )
    args = parser.parse_args()

    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    options = ["-d", args.database] + (["-c", args.config] if args.config else [])
    config.parse_config(options)
    from odoo.addons.voip_conference.tools.rest_server import SimulatedPbxServer

    token = "bench-token-0123456789"
    size = args.size
    servers = {
        "v1": SimulatedPbxServer(token).start(),
        "v2": SimulatedPbxServer(token).start(),
    }
    servers["v1"].pbx.set_capabilities(**dict.fromkeys(CAPABILITIES_V2, False))
    numbers = [f"+322{5550000 + i}" for i in range(size)]
    for server in servers.values():
        for number in numbers:
            server.pbx.add_number(number, f"Line {number[-4:]}")
    results = {}
    try:
        with Registry(args.database).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            pbxs, rooms = {}, {}
            for label, server in servers.items():
                pbx = pbxs[label] = env["voip.pbx"].create(
                    {
                        "name": f"Bench PBX {label}",
                        "pbx_backend": "rest",
                        "api_url": server.url,
                        "api_token": token,
                        "auto_apply": True,
                    }
                )
                rooms[label] = env["voip.conference"].create(
                    [
                        {
                            "name": f"Room {i}",
                            "extension": str(100000 + i),
                            "pbx_id": pbx.id,
                        }
                        for i in range(size)
                    ]
                )
                # The numbers are the PBX's: a first pull brings them in.
                pbx._sync(trigger="manual", push=False, apply=False)
                found = env["voip.incoming.number"].search(
                    [("pbx_id", "=", pbx.id)], order="number"
                )
                assert len(found) == size, len(found)
                for number, room in zip(found, rooms[label], strict=True):
                    number.write(
                        {"destination_type": "conference", "conference_id": room.id}
                    )
            env.flush_all()

            def measure(label, step):
                server, pbx = servers[label], pbxs[label]
                server.requests.clear()
                env.flush_all()
                queries, start = cr.sql_log_count, time.perf_counter()
                profiler = None
                if args.profile and (label, step) == ("v2", "first full push"):
                    import cProfile  # noqa: PLC0415

                    profiler = cProfile.Profile()
                    profiler.enable()
                with PeakRss() as memory:
                    run = pbx._sync(trigger="manual")
                    env.flush_all()
                if profiler:
                    profiler.disable()
                    profiler.dump_stats("/tmp/bench_sync.prof")
                elapsed = time.perf_counter() - start
                results[(step, label)] = (
                    len(server.requests),
                    cr.sql_log_count - queries,
                    elapsed,
                    memory.growth_mb,
                    f"{run.status}: {run.created} created, {run.pushed} pushed, "
                    f"{run.errors} errors",
                )
                return run

            def edit(label, tag):
                for room in rooms[label][: args.edits]:
                    room.name = f"{room.name} ({tag})"
                env.flush_all()

            steps = ["first full push", "nothing changed"]
            for label in servers:
                measure(label, steps[0])
                assert len(servers[label].pbx.production_rooms()) == size
                measure(label, steps[1])
            # 100 edits: the first protocol as it is; the second without bulk,
            # then with it.
            no_bulk, with_bulk = (
                f"{args.edits} edits, no bulk",
                f"{args.edits} edits, bulk",
            )
            steps += [no_bulk, with_bulk]
            edit("v1", "a")
            measure("v1", no_bulk)
            servers["v2"].pbx.set_capabilities(bulk=False)
            edit("v2", "a")
            measure("v2", no_bulk)
            servers["v2"].pbx.set_capabilities(bulk=True)
            edit("v2", "b")
            measure("v2", with_bulk)
            cr.rollback()
    finally:
        for server in servers.values():
            server.stop()

    print(f"{size} rooms and {size} numbers per PBX, REST backend over loopback")
    print(
        "v1: the PBX declares no bulk, incremental, versions (the first "
        "protocol: full lists, one request per object)"
    )
    print("v2: the PBX declares them (second version)\n")
    header = f"{'':<22}" + "".join(
        f"{label + ' ' + what:>16}"
        for label in ("v1", "v2")
        for what in ("requests", "queries", "seconds", "peak MB")
    )
    print(header)
    for step in steps:
        cells = ""
        for label in ("v1", "v2"):
            row = results.get((step, label))
            if row is None:
                cells += f"{'-':>16}" * 4
                continue
            requests, queries, seconds, memory, _ = row
            cells += f"{requests:>16}{queries:>16}{seconds:>16.2f}{memory:>16.1f}"
        print(f"{step:<22}{cells}")
    print()
    for (step, label), row in sorted(results.items()):
        print(f"{label} {step}: {row[4]}")


if __name__ == "__main__":
    main()
