# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# The dial-in of a room: what a reader dials from any phone (numbers, code,
# one-tap strings), computed once and rendered by one QWeb template for the
# room's Dial-in Details, and by the calendar bridge for events, invitations
# and .ics files.
from . import voip_conference
