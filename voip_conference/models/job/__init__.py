# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# Background work: OCA queue_job's jobs when it is installed, else as before.
from . import voip_conference_job
