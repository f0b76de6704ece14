# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.2.0: webhook deliveries are no longer recognised by their
signature but each event by its id (``voip.pbx.event``): the table of
signatures is dropped (Odoo removes the model, not its table)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("DROP TABLE IF EXISTS voip_pbx_webhook_delivery")
