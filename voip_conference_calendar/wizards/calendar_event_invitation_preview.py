# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.base.models.res_partner import _lang_get


class CalendarEventInvitationPreview(models.TransientModel):
    """The invitation an attendee receives: e-mail body and .ics.

    For the event's organiser and the conference managers only: it holds the
    access code and the attendee's own answer link, whose token is never
    shown to anyone else. A preview is readable by its creator only.
    """

    _name = "calendar.event.invitation.preview"
    _inherit = ["voip.conference.wizard.mixin"]
    _description = "Invitation Preview of a Calendar Event"

    event_id = fields.Many2one("calendar.event", required=True, readonly=True)
    attendee_id = fields.Many2one(
        "calendar.attendee",
        domain="[('event_id', '=', event_id)]",
    )
    lang = fields.Selection(
        _lang_get,
        string="Language",
        compute="_compute_lang",
        store=True,
        readonly=False,
    )
    body_html = fields.Html(string="E-mail", compute="_compute_preview", sanitize=False)
    ics = fields.Text(string=".ics", compute="_compute_preview")

    def _wizard_company_depends(self):
        return super()._wizard_company_depends() + ["event_id.conference_id.company_id"]

    def _wizard_company_records(self):
        # An event has no company: the preview is of its room's.
        return [self.event_id.conference_id]

    @api.depends("attendee_id")
    def _compute_lang(self):
        for preview in self:
            preview.lang = preview.attendee_id.partner_id.lang or self.env.lang

    @api.depends("attendee_id", "lang")
    def _compute_preview(self):
        template = self.env.ref("calendar.calendar_template_meeting_invitation")
        for preview in self:
            attendee = preview.attendee_id
            event = preview.event_id
            if not attendee or not self._may_preview(event):
                preview.body_html = preview.ics = False
                continue
            lang = preview.lang or self.env.lang
            preview.body_html = (
                template.sudo()
                .with_context(lang=lang)
                ._render_field("body_html", attendee.ids, set_lang=lang)[attendee.id]
            )
            ics = (
                event.sudo()
                .with_context(
                    lang=lang,
                    voip_conference_calendar_partner_id=attendee.partner_id.id,
                )
                ._get_ics_file()
            )
            preview.ics = ics.get(event.id, b"").decode()
            if attendee.partner_id != self.env.user.partner_id:
                # The accept/decline links carry the attendee's token: theirs.
                token = attendee.sudo().access_token
                for fname in ("body_html", "ics"):
                    if token and preview[fname]:
                        preview[fname] = preview[fname].replace(token, "********")

    @api.model
    def _may_preview(self, event):
        """The organiser (who may read the code) and the conference managers
        of the room's company; not the other attendees."""
        user = self.env.user
        return event._conference_may_read_code() and (
            event.sudo().user_id == user
            or user.has_group("voip_conference.voip_conference_group_manager")
        )

    @api.model_create_multi
    def create(self, vals_list):
        events = self.env["calendar.event"].browse(
            [vals["event_id"] for vals in vals_list if vals.get("event_id")]
        )
        for event in events:
            if not self._may_preview(event):
                raise AccessError(
                    self.env._(
                        "Only the organiser of %(event)s and the conference "
                        "managers may preview its invitations: each holds the "
                        "access code and its attendee's answer link.",
                        event=event.name,
                    )
                )
        previews = super().create(vals_list)
        previews._check_attendee_of_event()
        return previews

    def write(self, vals):
        result = super().write(vals)
        if "attendee_id" in vals or "event_id" in vals:
            self._check_attendee_of_event()
        return result

    def _check_attendee_of_event(self):
        """The attendee's invitation is rendered as superuser: it must be
        one of the previewed event's (a domain in a view binds nobody)."""
        for preview in self.sudo():
            if preview.attendee_id and preview.attendee_id.event_id != preview.event_id:
                raise AccessError(
                    self.env._(
                        "Only the invitation of an attendee of %(event)s can be "
                        "previewed from it.",
                        event=preview.event_id.name,
                    )
                )
