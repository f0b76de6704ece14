# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Up to 19.0.1.0.0 the dial-in was written into the English body of Odoo's
invitation templates (the other languages never had it). It is now added
when a mail is rendered: take the old node out of every language, so that
the templates are Odoo's again."""

import re

from psycopg2.extras import Json

LEGACY_NODE = re.compile(
    r"""<t t-out=["']object\._voip_conference_dial_in_mail\(\)["']\s*(?:/>|></t>)"""
)
TEMPLATES = (
    "calendar.calendar_template_meeting_invitation",
    "calendar.calendar_template_meeting_changedate",
)


def migrate(cr, version):
    cr.execute(
        """
        SELECT t.id, t.body_html
          FROM mail_template t
          JOIN ir_model_data d ON d.model = 'mail.template' AND d.res_id = t.id
         WHERE d.module || '.' || d.name IN %s
        """,
        [TEMPLATES],
    )
    for template_id, bodies in cr.fetchall():
        cleaned = {
            lang: LEGACY_NODE.sub("", body) if isinstance(body, str) else body
            for lang, body in (bodies or {}).items()
        }
        if cleaned != bodies:
            cr.execute(
                "UPDATE mail_template SET body_html = %s WHERE id = %s",
                [Json(cleaned), template_id],
            )
