# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The invitation preview is for the organiser and the conference managers:
an attendee never reads another attendee's invitation, nor anybody the
accept/decline token of somebody else."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CalendarConferenceCase

CODE = "1234"


@tagged("post_install", "-at_install")
class TestCalendarConferencePreviewRights(CalendarConferenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.event = cls._event(
            partner_ids=[
                Command.link(cls.manager.partner_id.id),
                Command.link(cls.colleague.partner_id.id),
                Command.link(cls.guests["en"].id),
            ],
        )
        cls.guest = cls.event.attendee_ids.filtered(
            lambda a: a.partner_id == cls.guests["en"]
        )

    def _preview(self, user, attendee):
        return (
            self.env["calendar.event.invitation.preview"]
            .with_user(user)
            .create({"event_id": self.event.id, "attendee_id": attendee.id})
        )

    def test_an_attendee_reads_no_other_invitation(self):
        with self.assertRaises(AccessError):
            self._preview(self.colleague, self.guest)
        with self.assertRaises(AccessError):
            self.event.with_user(self.colleague).action_conference_invitation_preview()

    def test_organiser_and_managers_never_see_the_attendees_token(self):
        token = self.guest.sudo().access_token
        self.assertTrue(token)
        manager2 = self.manager.copy({"login": "vcc_preview_manager2"})
        for user in (self.manager, manager2):
            with self.subTest(user=user.login):
                preview = self._preview(user, self.guest)
                self.assertIn(CODE, preview.body_html)
                self.assertIn("/calendar/meeting/", preview.body_html)
                self.assertNotIn(token, preview.body_html)
                self.assertNotIn(token, preview.ics or "")
