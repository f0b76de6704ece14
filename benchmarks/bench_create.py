#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Count the SQL queries and time of creating rooms and numbers in one batch.

    python3 benchmarks/bench_create.py --database voip_conference_demo \
        [--addons-path ...] [--sizes 10 100 1000 2000]

For each size N, one ``create`` call makes N rooms, another N incoming
numbers each routed to one of those rooms, on a fresh PBX. Everything is
rolled back. The queries per record must stay flat as N grows: the rules
(extension and capacity checks, E.164 normalisation, destination checks)
cost a constant number of queries per batch, not per record.
"""

import argparse
import time


def measure(env, size):
    cr = env.cr
    pbx = env["voip.pbx"].create({"name": f"Bench PBX {size}"})
    env.flush_all()

    def run(func):
        start_count, start = cr.sql_log_count, time.perf_counter()
        records = func()
        env.flush_all()
        return records, cr.sql_log_count - start_count, time.perf_counter() - start

    rooms, room_queries, room_time = run(
        lambda: env["voip.conference"].create(
            [
                {
                    "name": f"Room {i}",
                    "extension": str(100000 + i),
                    "access_code": str(1000 + i),
                    "pbx_id": pbx.id,
                }
                for i in range(size)
            ]
        )
    )
    numbers, number_queries, number_time = run(
        lambda: env["voip.incoming.number"].create(
            [
                {
                    # Valid Belgian numbers: +32 2 555 xx xx
                    "number": f"+322{5550000 + i}",
                    "pbx_id": pbx.id,
                    "destination_type": "conference",
                    "conference_id": rooms[i].id,
                }
                for i in range(size)
            ]
        )
    )
    assert len(rooms) == len(numbers) == size
    return room_queries, room_time, number_queries, number_time


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--config")
    parser.add_argument("--addons-path")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 2000])
    parser.add_argument(
        "--with-chatter",
        action="store_true",
        help="keep mail's creation message and tracking (one message per record)",
    )
    args = parser.parse_args()

    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    options = ["-d", args.database]
    if args.config:
        options += ["-c", args.config]
    if args.addons_path:
        options += ["--addons-path", args.addons_path]
    config.parse_config(options)

    context = {} if args.with_chatter else {"tracking_disable": True}
    print(
        f"{'N':>6} {'rooms: queries':>15} {'per rec':>8} {'s':>6}   "
        f"{'numbers: queries':>17} {'per rec':>8} {'s':>6}"
    )
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, context)
        for size in args.sizes:
            rq, rt, nq, nt = measure(env, size)
            print(
                f"{size:>6} {rq:>15} {rq / size:>8.2f} {rt:>6.2f}   "
                f"{nq:>17} {nq / size:>8.2f} {nt:>6.2f}"
            )
        cr.rollback()


if __name__ == "__main__":
    main()
