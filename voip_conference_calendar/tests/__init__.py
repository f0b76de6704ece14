# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import test_calendar_conference_invitation
from . import test_calendar_conference_rights
from . import test_calendar_conference_probe
from . import test_calendar_conference_preview_rights
from . import test_calendar_conference_bookings
from . import test_calendar_conference_call_in
from . import test_calendar_conference_attendance
from . import test_calendar_conference_ui
from . import test_js
