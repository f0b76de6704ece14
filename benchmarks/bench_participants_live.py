#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""From a participant joining on the PBX to the panel updated in a browser.

    python3 benchmarks/bench_participants_live.py --database DB --config FILE \\
        --url http://127.0.0.1:PORT [--joins 20] [--login admin --password admin]

Needs a running Odoo (``--url``, the same database) with voip_conference.
Starts the simulated PBX server on a loopback port, configured to push its
events to Odoo's webhook, signed; creates a PBX using it and a room (committed,
removed at the end); opens the room's form in Chromium (playwright-core, see
participants_live_browser.mjs) as the given user; then, ``--joins`` times,
someone dials into the room on the PBX. For each join it measures, on this
machine's clock, from the moment the PBX sends the webhook to the moment the
panel in the browser shows the new count (webhook handling, bus message,
the browser's read of the panel, rendering). Prints the median and the worst.
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--config")
    parser.add_argument("--url", required=True)
    parser.add_argument("--joins", type=int, default=20)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--pause", type=float, default=0.5)
    args = parser.parse_args()

    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    options = ["-d", args.database] + (["-c", args.config] if args.config else [])
    config.parse_config(options)
    from odoo.addons.voip_conference.tools.rest_server import SimulatedPbxServer
    from odoo.addons.voip_conference.tools.webhook import WebhookSender

    token, secret = "bench-live-token-0123", "bench-live-secret-0123456789"
    server = SimulatedPbxServer(token).start()
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        pbx = env["voip.pbx"].create(
            {
                "name": "Bench live PBX",
                "pbx_backend": "rest",
                "api_url": server.url,
                "api_token": token,
                "conference_webhook_secret": secret,
                "auto_apply": True,
            }
        )
        room = env["voip.conference"].create(
            {"name": "Bench live room", "extension": "8991", "pbx_id": pbx.id}
        )
        pbx._sync(trigger="manual", apply=True)
        pbx_id, room_id, remote_id = pbx.id, room.id, room.remote_id
    url = f"{args.url.rstrip('/')}/voip_conference/webhook/{pbx_id}"
    server.webhook = WebhookSender(url, secret, server._events).start(
        server.pbx.state.get("event_cursor", 0)
    )
    browser = subprocess.Popen(
        [
            "node",
            str(HERE / "participants_live_browser.mjs"),
            args.url,
            str(room_id),
            args.login,
            args.password,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, NODE_PATH=str(HERE.parent / "node_modules")),
        cwd=HERE.parent,
    )
    latencies, requests = [], []
    try:
        line = ""
        while '"ready"' not in line:
            line = browser.stdout.readline()
            if not line:
                sys.exit("The browser stopped before the panel was shown.")
            if '"error"' in line:
                sys.exit(f"Browser error: {line}")
        for index in range(1, args.joins + 1):
            before = len(server.webhook.delivered)
            server.act(server.pbx.dial_in, remote_id, f"+3225551{index:03d}")
            shown = None
            while shown is None:
                line = browser.stdout.readline()
                if not line:
                    sys.exit("The browser stopped.")
                event = json.loads(line)
                if event.get("count") == index:
                    shown = event["t"]
            delivery = next(d for d in server.webhook.delivered[before:] if d[1] == 204)
            latencies.append((shown - delivery[2]) * 1000)
            requests.append((delivery[3] - delivery[2]) * 1000)
            time.sleep(args.pause)
    finally:
        browser.stdin.close()
        browser.wait(timeout=10)
        server.stop()
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["voip.conference"].browse(room_id).unlink()
            env["voip.pbx"].browse(pbx_id).unlink()
    print(f"{len(latencies)} joins, webhook sent -> panel updated in another browser:")
    print(
        f"  median {statistics.median(latencies):.0f} ms, "
        f"worst {max(latencies):.0f} ms, best {min(latencies):.0f} ms"
    )
    print(
        f"  of which the webhook request itself: median "
        f"{statistics.median(requests):.0f} ms, worst {max(requests):.0f} ms"
    )


if __name__ == "__main__":
    main()
