# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# A feature folder extends the model, as mail's models/discuss/ does:
# pylint: disable=consider-merging-classes-inherited

from odoo import models

# Odoo's mails to an attendee about their event: each one carries the
# attendee's dial-in. It is added when the body is rendered, not written into
# the templates: Odoo keeps one body per language, and a language installed
# later loads calendar's own translation of it.
DIAL_IN_TEMPLATES = (
    "calendar.calendar_template_meeting_invitation",
    "calendar.calendar_template_meeting_changedate",
    "voip_conference_calendar.calendar_template_meeting_dial_in_changed",
)


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def _render_template(self, template_src, model, res_ids, *args, **kwargs):
        """Called once per language, that language in the context: the
        dial-in is rendered in the language of the body it goes into."""
        rendered = super()._render_template(
            template_src, model, res_ids, *args, **kwargs
        )
        if (
            model == "calendar.attendee"
            and self._voip_conference_adds_dial_in()
            # The body (not the subject, the sender or the language).
            and template_src == self.body_html
        ):
            for attendee in self.env[model].browse(res_ids):
                rendered[attendee.id] = attendee._voip_conference_with_dial_in(
                    rendered[attendee.id]
                )
        return rendered

    def _voip_conference_adds_dial_in(self):
        IrModelData = self.env["ir.model.data"]
        return len(self) == 1 and self.id in {
            IrModelData._xmlid_to_res_id(xmlid, raise_if_not_found=False)
            for xmlid in DIAL_IN_TEMPLATES
        }
