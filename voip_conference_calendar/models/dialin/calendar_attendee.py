# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# A feature folder extends the model, as mail's models/discuss/ does:
# pylint: disable=consider-merging-classes-inherited
"""The dial-in in each attendee's invitation: in their language, for their
country, with their own .ics."""

from lxml import html
from markupsafe import Markup

from odoo import models


class CalendarAttendee(models.Model):
    _inherit = "calendar.attendee"

    def _voip_conference_dial_in_mail(self):
        """The dial-in section of this attendee's invitation (HTML).

        Added to the invitation mails, in the attendee's language: the code
        is given, as the invitation goes to the attendee only.
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
        # A meeting that lost its room: its .ics keeps the UID of the ones
        # sent with the room, so that it replaces them.
        removed = self.env.context.get("voip_conference_calendar_room_removed")
        with_room = self.filtered(lambda a: a.event_id.conference_id or removed)
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

    def _voip_conference_with_dial_in(self, body):
        """``body`` (a mail rendered for this attendee) with their dial-in
        after its details (the block of its first table), else at its end."""
        self.ensure_one()
        dial_in = self._voip_conference_dial_in_mail()
        if not dial_in:
            return body
        root = html.fragment_fromstring(str(body), create_parent="div")
        sections = [
            node
            for node in html.fragments_fromstring(str(dial_in))
            if not isinstance(node, str)  # blank text around the section
        ]
        tables = root.xpath("//table")
        if tables:
            anchor = tables[0]
            # After the block of the table (its title and it), unless that
            # block is the whole mail.
            parent = anchor.getparent()
            if parent is not root and parent.getparent() is not root:
                anchor = parent
            for section in reversed(sections):
                anchor.addnext(section)
        else:
            parent = root[0] if len(root) == 1 else root
            parent.extend(sections)
        inner = "".join(html.tostring(child, encoding="unicode") for child in root)
        return Markup((root.text or "") + inner)
