# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from lxml import etree, html
from markupsafe import Markup

from odoo import api, models

# The node this module puts into the invitation templates: it renders the
# attendee's own dial-in (with the access code) in the attendee's language.
DIAL_IN_EXPRESSION = "object._voip_conference_dial_in_mail()"
TEMPLATES = (
    "calendar.calendar_template_meeting_invitation",
    "calendar.calendar_template_meeting_changedate",
)


class CalendarAttendee(models.Model):
    _inherit = "calendar.attendee"

    @api.model_create_multi
    def create(self, vals_list):
        attendees = super().create(vals_list)
        attendees.event_id._conference_check_new_attendees(attendees)
        return attendees

    def write(self, vals):
        result = super().write(vals)
        if "partner_id" in vals:
            self.event_id._conference_check_new_attendees(self)
        return result

    def _voip_conference_dial_in_mail(self):
        """The dial-in section of this attendee's invitation (HTML).

        Rendered by the invitation templates, in the attendee's language:
        the code is given, as the invitation goes to the attendee only.
        """
        self.ensure_one()
        event = self.event_id
        if not event.conference_id:
            return ""
        values = event._conference_dial_in_values(self.partner_id, with_code=True)
        return Markup(event._conference_dial_in_html(values))

    def _notify_attendees(self, mail_template, notify_author=False, force_send=False):
        """Send each attendee's invitation with their own .ics: the dial-in
        in their language and for their country (Odoo builds one .ics per
        event, in the sender's language)."""
        with_room = self.filtered(lambda a: a.event_id.conference_id)
        result = super(CalendarAttendee, self - with_room)._notify_attendees(
            mail_template, notify_author=notify_author, force_send=force_send
        )
        for attendee in with_room:
            result = super(
                CalendarAttendee,
                attendee.with_context(
                    lang=attendee.partner_id.lang or self.env.lang,
                    voip_conference_calendar_partner_id=attendee.partner_id.id,
                ),
            )._notify_attendees(
                mail_template, notify_author=notify_author, force_send=force_send
            )
        return result

    # ------------------------------------------------------------------
    # The invitation templates
    # ------------------------------------------------------------------

    @api.model
    def _voip_conference_template_body(self, body, add=True):
        """``body`` (an invitation template's HTML) with the dial-in node
        added after its details table (else at its end), or removed."""
        root = html.fragment_fromstring(body, create_parent="div")
        hooks = root.xpath(f"//t[@t-out='{DIAL_IN_EXPRESSION}']")
        if add == bool(hooks):
            return body
        if not add:
            for hook in hooks:
                hook.getparent().remove(hook)
        else:
            hook = etree.Element("t", {"t-out": DIAL_IN_EXPRESSION})
            tables = root.xpath("//table")
            if tables:
                details = tables[0].getparent()
                details.addnext(hook)
            else:
                root[-1].append(hook) if len(root) else root.append(hook)
        inner = "".join(html.tostring(child, encoding="unicode") for child in root)
        return (root.text or "") + inner

    @api.model
    def _voip_conference_install_templates(self, add=True):
        """Put the dial-in into the invitation templates (or take it out).

        Written in English: Odoo keeps the other languages' translations of
        the unchanged text; the dial-in has its own translations.
        """
        for xmlid in TEMPLATES:
            template = self.env.ref(xmlid, raise_if_not_found=False)
            if not template:
                continue
            template = template.with_context(lang="en_US")
            body = self._voip_conference_template_body(template.body_html, add=add)
            if body != template.body_html:
                template.body_html = body
