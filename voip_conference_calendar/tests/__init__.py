# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import test_dialin
from . import test_dialin_ics
from . import test_dialin_icaljs
from . import test_booking
from . import test_call_in
from . import test_attendance
from . import test_scheduler
from . import test_rights
from . import test_rights_probe
from . import test_rights_preview
from . import test_ui
from . import test_js
