# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import date, datetime, time, timedelta

from odoo.tests import TransactionCase, new_test_user

MANAGER_GROUPS = "base.group_user,voip_conference.voip_conference_group_manager"
USER_GROUPS = "base.group_user,voip_conference.voip_conference_group_user"


def holds_code(text, code):
    """Whether ``text`` shows the access code ``code`` as a number of its own:
    a timestamp (``CREATED:20261208T012341Z``) or a phone number that
    happens to contain its digits does not count."""
    return bool(re.search(rf"(?<!\d){re.escape(code)}(?!\d)", str(text)))


def coming_monday(month, day, today=None):
    """Midnight (naive) of the first Monday on or after ``day`` of ``month``,
    the next time that Monday is at least a week after ``today``: Odoo sends
    no invitation for a past event, so a fixed date expires."""
    today = today or date.today()
    for year in (today.year, today.year + 1):
        first = date(year, month, day)
        monday = first + timedelta(days=-first.weekday() % 7)
        if monday >= today + timedelta(weeks=1):
            return datetime.combine(monday, time())
    raise AssertionError("unreachable: a year later is always later")


# A Monday in winter, 8 to 14 January (so that its series of a few weeks
# stays in winter): Brussels is UTC+1, London UTC+0, New York UTC-5,
# Auckland UTC+13, whatever the year.
MONDAY = coming_monday(1, 8)


def minutes(when):
    """``when`` as messages show it to an English (US) reader, to the minute,
    as Odoo's own mails do (the language's date and short time):
    ``01/11/2027 09:30 AM``."""
    return when.strftime("%m/%d/%Y %I:%M %p")


class CalendarConferenceCase(TransactionCase):
    """A PBX with three rooms, two numbers routed to the first (code 1234),
    a conference manager (organiser), a conference user, an internal user
    who is not a conference user, and external contacts in four languages.

    Nothing here depends on demo data.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.country_id = cls.env.ref("base.be")
        cls.pbx = cls.env["voip.pbx"].create({"name": "Calendar PBX"})
        cls.manager = new_test_user(
            cls.env,
            login="vcc_manager",
            groups=MANAGER_GROUPS,
            voip_pbx_id=cls.pbx.id,
            voip_extension="210",
            tz="Europe/Brussels",
            email="manager@example.com",
        )
        cls.conf_user = new_test_user(
            cls.env,
            login="vcc_user",
            groups=USER_GROUPS,
            voip_pbx_id=cls.pbx.id,
            voip_extension="211",
        )
        cls.colleague = new_test_user(
            cls.env,
            login="vcc_colleague",
            groups="base.group_user",
            email="colleague@example.com",
        )
        cls.plain_user = new_test_user(
            cls.env, login="vcc_plain", groups="base.group_user"
        )
        Room = cls.env["voip.conference"]
        cls.room = Room.create(
            {
                "name": "Board",
                "extension": "8101",
                "access_code": "1234",
                "pbx_id": cls.pbx.id,
            }
        )
        cls.room_b = Room.create(
            {"name": "Sales", "extension": "8102", "pbx_id": cls.pbx.id}
        )
        cls.room_c = Room.create(
            {"name": "Support", "extension": "8103", "pbx_id": cls.pbx.id}
        )
        Number = cls.env["voip.incoming.number"]
        for number, label in (("+3225550100", "Brussels"), ("+33184880100", "Paris")):
            Number.create(
                {
                    "number": number,
                    "name": label,
                    "pbx_id": cls.pbx.id,
                    "destination_type": "conference",
                    "conference_id": cls.room.id,
                }
            )
        Partner = cls.env["res.partner"]
        cls.guests = {}
        for lang, country, phone in (
            ("en_US", "base.us", "+1 212 555 0199"),
            ("fr_FR", "base.fr", "01 84 88 01 99"),
            ("es_ES", "base.es", "+34 915 55 01 99"),
            ("nl_NL", "base.nl", "020 555 0199"),
        ):
            cls.guests[lang[:2]] = Partner.create(
                {
                    "name": f"Guest {lang}",
                    "email": f"guest.{lang}@example.com",
                    "lang": lang if lang == "en_US" else False,
                    "country_id": cls.env.ref(country).id,
                    "phone": phone,
                }
            )

    @classmethod
    def _event(cls, start=None, hours=1, room=None, **vals):
        """An event in UTC times (naive), organised by the manager."""
        start = start or MONDAY.replace(hour=8)
        return (
            cls.env["calendar.event"]
            .with_user(cls.manager)
            .with_context(no_mail_to_attendees=True)
            .create(
                {
                    "name": "Board meeting",
                    "start": start,
                    "stop": start + timedelta(hours=hours),
                    "conference_id": (room or cls.room).id,
                    "user_id": cls.manager.id,
                }
                | vals
            )
            .with_user(cls.env.user)
            .with_context(no_mail_to_attendees=False)
        )
