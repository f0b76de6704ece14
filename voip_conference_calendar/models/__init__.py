# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import calendar_attendee
from . import calendar_event
from . import voip_conference
from . import mail_template
from . import voip_incoming_number
from . import calendar_event_call_in
from . import calendar_conference_scheduler
