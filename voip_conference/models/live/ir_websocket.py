# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import AccessError

# A browser with a room's participants panel open subscribes to
# "voip_conference_live:<room id>"; the server tells each room's changes on
# that room's channel only: bus traffic follows the open panels.
LIVE_CHANNEL_PREFIX = "voip_conference_live:"


def live_channel(dbname, room_id):
    """The bus channel of a room's live state (what the browser's string
    channel becomes once its reader is checked)."""
    return (dbname, "voip_conference_live", room_id)


class IrWebsocket(models.AbstractModel):
    _inherit = "ir.websocket"

    def _build_bus_channel_list(self, channels):
        channels = list(channels)
        room_ids = {
            int(channel[len(LIVE_CHANNEL_PREFIX) :])
            for channel in channels
            if isinstance(channel, str)
            and channel.startswith(LIVE_CHANNEL_PREFIX)
            and channel[len(LIVE_CHANNEL_PREFIX) :].isdigit()
        }
        if room_ids and self.env.uid and not self.env.user._is_public():
            channels.extend(
                live_channel(self.env.cr.dbname, room.id)
                for room in self._voip_conference_readable_rooms(room_ids)
            )
        return super()._build_bus_channel_list(channels)

    def _voip_conference_readable_rooms(self, room_ids):
        """The rooms among ``room_ids`` whose panel this user may read."""
        readable = self.env["voip.conference"]
        for room in self.env["voip.conference"].browse(sorted(room_ids)).exists():
            try:
                room._live_check_read()
            except AccessError:
                continue
            readable |= room
        return readable
