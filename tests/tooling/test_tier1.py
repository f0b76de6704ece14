# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tier 1 of scripts/test runs every addon's plain tests and this folder."""

import pathlib
import subprocess

REPO = pathlib.Path(__file__).resolve().parents[2]


def test_tier1_runs_each_addons_plain_tests_and_the_tooling():
    script = (
        "set -u; source <(sed -n '/^ADDONS=/p; /^tier1_suites()/,/^}/p' "
        "scripts/test); tier1_suites"
    )
    suites = subprocess.run(
        ["bash", "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert suites == [
        "voip_conference/tests/plain",
        "voip_conference_calendar/tests/plain",
        "tests/tooling",
    ]
    assert all((REPO / suite / "pytest.ini").is_file() for suite in suites)
