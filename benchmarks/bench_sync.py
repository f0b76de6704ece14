#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Sync 5,000 rooms and 5,000 numbers with the REST backend over loopback.

    python3 benchmarks/bench_sync.py --database DB [--config FILE] [--size 5000]

Starts the simulated PBX server on a loopback port (the numbers are
provisioned there, as an operator would), creates the rooms in Odoo and routes
each number to a room, then measures three syncs of that PBX:

1. the first full push (rooms created, numbers' destinations set, applied);
2. a sync with nothing changed (only the paginated list requests);
3. a sync after 50 edits (about 50 requests plus one apply).

For each: wall time, HTTP requests received by the server, SQL queries.
Everything done in Odoo is rolled back.
"""

import argparse
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--config")
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=50)
    args = parser.parse_args()

    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    options = ["-d", args.database] + (["-c", args.config] if args.config else [])
    config.parse_config(options)
    from odoo.addons.voip_conference.tools.rest_server import SimulatedPbxServer

    token = "bench-token-0123456789"
    server = SimulatedPbxServer(token).start()
    size = args.size
    numbers = [f"+322{5550000 + i}" for i in range(size)]
    for number in numbers:
        server.pbx.add_number(number, f"Line {number[-4:]}")
    try:
        with Registry(args.database).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            pbx = env["voip.pbx"].create(
                {
                    "name": "Bench PBX",
                    "pbx_backend": "rest",
                    "api_url": server.url,
                    "api_token": token,
                    "auto_apply": True,
                }
            )
            rooms = env["voip.conference"].create(
                [
                    {
                        "name": f"Room {i}",
                        "extension": str(100000 + i),
                        "pbx_id": pbx.id,
                    }
                    for i in range(size)
                ]
            )
            # The numbers are the PBX's: a first pull brings them into Odoo.
            pbx._sync(trigger="manual", push=False, apply=False)
            Number = env["voip.incoming.number"]
            found = Number.search([("pbx_id", "=", pbx.id)], order="number")
            assert len(found) == size, len(found)
            for number, room in zip(found, rooms, strict=True):
                number.write(
                    {"destination_type": "conference", "conference_id": room.id}
                )
            env.flush_all()

            def measure(label):
                server.requests.clear()
                queries, start = cr.sql_log_count, time.perf_counter()
                run = pbx._sync(trigger="manual")
                env.flush_all()
                elapsed = time.perf_counter() - start
                print(
                    f"{label:<28} {elapsed:>8.2f} s {len(server.requests):>8} requests "
                    f"{cr.sql_log_count - queries:>8} queries   "
                    f"(created {run.created}, updated {run.updated}, "
                    f"pushed {run.pushed}, errors {run.errors}, status {run.status})"
                )
                return run

            print(f"{size} rooms, {size} numbers, REST backend on {server.url}")
            measure("first full push")
            assert len(server.pbx.production_rooms()) == size
            measure("nothing changed")
            for room in rooms[: args.edits]:
                room.name = f"{room.name} (edited)"
            env.flush_all()
            measure(f"after {args.edits} edits")
            cr.rollback()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
