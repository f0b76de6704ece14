#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Build, once and committed, the asset bundles that the browser tests load.

A test request runs on the test's one shared cursor, under a lock that others
wait 20 s for. The first request for a bundle builds it (web.assets_web takes
17 s at load 5 on two cores) inside the test's transaction, which is rolled
back after the test: every tour built it again, and on a busy machine the
build outlasted the lock, so the browser's next request got an HTML error
page. Built here, the bundles are attachments that every test only reads.
"""

import argparse
import time

# The bundles a page of the tests loads, as it loads them (minified: the
# tours and Hoot run without debug=assets).
BUNDLES = (
    "web.assets_web",
    "web.assets_tests",
    "web.__assets_tests_call__",
    "web.assets_unit_tests_setup",
    "web.assets_unit_tests",
    "web.fullcalendar_lib",
    "voip_oca.agent_assets",
)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()

    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        for name in BUNDLES:
            start = time.monotonic()
            bundle = env["ir.qweb"]._get_asset_bundle(name, debug_assets=False)
            bundle.js()
            bundle.css()
            print(f"  {name}: {time.monotonic() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main()
