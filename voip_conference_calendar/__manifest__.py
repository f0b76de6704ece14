# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "VoIP Conference Rooms in the Calendar",
    "summary": "Calendar events with a conference room: dial-in in the "
    "invitation and the .ics, bookings, Join, call-in and attendance",
    "version": "19.0.1.2.0",
    "author": "voip_conference developers",
    "website": "https://github.com/OCA/connector-telephony",
    "license": "AGPL-3",
    "category": "Productivity/VOIP",
    "depends": ["calendar", "voip_conference"],
    "external_dependencies": {"python": ["phonenumbers", "vobject"]},
    "data": [
        "security/ir.model.access.csv",
        "security/calendar_event_invitation_preview_security.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "views/calendar_event_templates.xml",
        "views/calendar_event_views.xml",
        "views/voip_conference_views.xml",
        "wizards/calendar_event_invitation_preview_views.xml",
    ],
    "demo": ["demo/calendar_event_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "voip_conference_calendar/static/src/**/*",
        ],
        "web.assets_tests": [
            "voip_conference_calendar/static/tests/tours/**/*",
        ],
        "web.assets_unit_tests": [
            "voip_conference_calendar/static/tests/*.test.js",
        ],
    },
    "installable": True,
    "application": False,
}
