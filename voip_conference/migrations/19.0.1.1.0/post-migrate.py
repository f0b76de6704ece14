# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.1.0: an incoming number's country is read from the number itself.

Before, ``country_id`` defaulted to the company's country whatever the number
said (a Brussels number of a US company showed "United States"). The field is
now computed and stored; Odoo computes a stored field only when its column is
created, so the numbers already there are computed here. A number without a
country code of its own (an extension-like value) keeps its country.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    numbers = env["voip.incoming.number"].with_context(active_test=False).search([])
    env.add_to_compute(numbers._fields["country_id"], numbers)
    numbers._recompute_recordset(["country_id"])
    env.flush_all()
