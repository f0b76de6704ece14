# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Plain Python helpers of voip_conference.

Nothing in this package imports ``odoo``: it is tested with plain pytest on a
machine without Odoo (tier 1 of the test command).
"""

from . import dial_string, numbering
