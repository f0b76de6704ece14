# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tier 1: load the addon's ``tools`` package without importing Odoo.

The addon's own ``__init__`` imports Odoo, so ``tools`` is loaded by path under
the name ``voip_conference_tools``.
"""

import importlib.util
import os
import pathlib
import sys

import pytest

TOOLS_DIR = pathlib.Path(__file__).resolve().parents[2] / "tools"

if "voip_conference_tools" not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        "voip_conference_tools",
        TOOLS_DIR / "__init__.py",
        submodule_search_locations=[str(TOOLS_DIR)],
    )
    _module = importlib.util.module_from_spec(_spec)
    sys.modules[_spec.name] = _module
    _spec.loader.exec_module(_module)

if os.environ.get("VOIP_CONFERENCE_BLOCK_ODOO"):
    # Prove tier 1 needs no Odoo: any `import odoo` now fails.
    sys.modules["odoo"] = None


# The bearer token of the simulated PBX server the REST tests talk to; a test
# that needs it reads ``server.token``.
SERVER_TOKEN = "test-token-0123456789"


@pytest.fixture
def server():
    """The simulated PBX behind its REST server, on a loopback port."""
    from voip_conference_tools.rest_server import SimulatedPbxServer

    with SimulatedPbxServer(SERVER_TOKEN) as srv:
        yield srv


@pytest.fixture
def clock():
    """The client's sleeps, recorded instead of slept."""
    return []
