# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import calendar_event
from . import calendar_event_ics
from . import calendar_attendee
from . import mail_template
from . import voip_conference
from . import voip_incoming_number
