# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import models
from . import wizards


def uninstall_hook(env):
    """Take the dial-in out of the invitation templates."""
    env["calendar.attendee"]._voip_conference_install_templates(add=False)
