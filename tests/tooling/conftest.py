# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tier 1: the repository's own tooling (scripts/, e2e/ helpers,
pre-commit, the addons' generated pages), tested without Odoo."""

import os
import sys

if os.environ.get("VOIP_CONFERENCE_BLOCK_ODOO"):
    # Prove tier 1 needs no Odoo: any `import odoo` now fails.
    sys.modules["odoo"] = None
