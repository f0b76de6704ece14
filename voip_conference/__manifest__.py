# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "VoIP Conference Rooms",
    "summary": "Telephone conference rooms and incoming numbers of a hosted PBX",
    "version": "19.0.1.2.0",
    "author": "voip_conference developers",
    "website": "https://github.com/OCA/connector-telephony",
    "license": "AGPL-3",
    "category": "Productivity/VOIP",
    "depends": ["mail", "phone_validation", "voip_oca"],
    "external_dependencies": {"python": ["phonenumbers", "jsonschema", "PyYAML"]},
    "data": [
        "security/voip_conference_security.xml",
        "security/ir.model.access.csv",
        "security/voip_call_conference_security.xml",
        "data/ir_cron_data.xml",
        "wizards/voip_conference_route_number_views.xml",
        "wizards/voip_conference_unroute_views.xml",
        "wizards/voip_conference_sync_views.xml",
        "wizards/voip_provider_sync_conflict_views.xml",
        "views/voip_conference_views.xml",
        "views/voip_incoming_number_views.xml",
        "views/voip_pbx_sync_run_views.xml",
        "views/voip_pbx_views.xml",
        "views/res_users_views.xml",
        "views/voip_conference_participation_views.xml",
        "views/voip_conference_menus.xml",
        "views/voip_call_conference_views.xml",
    ],
    "demo": ["demo/voip_conference_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "voip_conference/static/src/**/*",
        ],
        "web.assets_tests": [
            "voip_conference/static/tests/tours/**/*",
        ],
        "web.assets_unit_tests": [
            "voip_conference/static/tests/*.test.js",
        ],
    },
    "installable": True,
    "application": False,
}
