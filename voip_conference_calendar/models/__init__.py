# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# The core of each model first, then one folder per feature (as mail's
# models/discuss/): each extends the models it needs; last, the timed jobs
# of the features (as calendar.alarm_manager).
from . import calendar_event
from . import calendar_attendee
from . import dialin
from . import booking
from . import join
from . import reminder
from . import call_in
from . import attendance
from . import calendar_conference_scheduler
