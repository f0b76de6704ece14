#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Check that upgrading voip_conference keeps rooms, codes and routes.

Creates a room and a number (committed), runs ``odoo -u voip_conference`` in
another process, then compares every room and number before and after.
Exits non-zero on any difference.
"""

import argparse
import subprocess
import sys


def snapshot(env):
    rooms = env["voip.conference"].with_context(active_test=False).search([])
    numbers = env["voip.incoming.number"].with_context(active_test=False).search([])
    return {
        "rooms": sorted(
            (r.extension, r.name, r.access_code or "", r.pbx_id.name, r.active)
            for r in rooms
        ),
        "numbers": sorted(
            (n.number, n.destination_type, n.conference_id.extension or "")
            for n in numbers
        ),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()

    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database])

    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        pbx = env["voip.pbx"].create({"name": "Upgrade check PBX"})
        room = env["voip.conference"].create(
            {
                "name": "Kept",
                "extension": "8999",
                "access_code": "2468",
                "pbx_id": pbx.id,
            }
        )
        env["voip.incoming.number"].create(
            {
                "number": "+3226260099",
                "pbx_id": pbx.id,
                "destination_type": "conference",
                "conference_id": room.id,
            }
        )
        before = snapshot(env)

    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "server",
            "-c",
            args.config,
            "-d",
            args.database,
            "-u",
            "voip_conference",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )

    Registry.delete(args.database)
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        after = snapshot(env)
    if before != after:
        print("upgrade lost or changed data:", file=sys.stderr)
        print("before:", before, file=sys.stderr)
        print("after: ", after, file=sys.stderr)
        return 1
    if ("8999", "Kept", "2468", "Upgrade check PBX", True) not in after["rooms"]:
        print("the room created before the upgrade is gone", file=sys.stderr)
        return 1
    print(
        f"upgrade: {len(after['rooms'])} rooms and {len(after['numbers'])} numbers "
        "kept, access codes and routes unchanged"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
