# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import numbering

# Join waits this long at most before sending an access code (seconds): the
# digital receptionist asks for it within a few seconds.
RECEPTIONIST_DELAY_MAX = 60
# The PBX's fields that hold keys a phone dials.
DIALLED_FIELDS = (
    "dial_international_prefix",
    "conference_menu_mute_self",
    "conference_menu_lock",
    "conference_menu_kick_last",
    "conference_menu_mute_others",
)


class VoipPbx(models.Model):
    _inherit = "voip.pbx"

    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share this PBX between all companies.",
    )
    conference_max_rooms = fields.Integer(
        string="Maximum Rooms",
        help="How many conference rooms the PBX accepts. Empty means no limit. "
        "An Ooma conference server accepts 10.",
    )
    conference_max_participants = fields.Integer(
        string="Maximum Participants per Room",
        help="How many people may be in one room at once. Empty means no limit. "
        "An Ooma conference server accepts 10.",
    )
    pbx_backend = fields.Selection(
        [
            ("simulator", "Built-in simulator"),
            ("rest", "REST provider API"),
            ("none", "None"),
        ],
        string="Provider API",
        default="simulator",
        required=True,
        help="Where rooms and incoming numbers are synced. The built-in "
        "simulator behaves like a hosted PBX and keeps its state in this "
        "database; 'REST provider API' talks to the URL below.",
    )
    # The provider API's settings: system administrators only, as its token
    # (where Odoo talks to, and how, is nobody else's business).
    api_url = fields.Char(
        string="API URL",
        help="e.g. https://pbx.example.com",
        groups="base.group_system",
    )
    api_token = fields.Char(string="API Token", groups="base.group_system", copy=False)
    api_connect_timeout = fields.Float(
        string="Connect Timeout (s)",
        default=3.05,
        help="How long to wait for the PBX's API to accept a connection. "
        "Empty: 3.05 s.",
        groups="base.group_system",
    )
    api_read_timeout = fields.Float(
        string="Read Timeout (s)",
        default=10.0,
        help="How long to wait for the PBX's API to answer. Empty: 10 s.",
        groups="base.group_system",
    )
    auto_apply = fields.Boolean(
        string="Apply Changes Automatically",
        help="Put every push in production at once, as if you clicked "
        "'Apply changes' after each save.",
    )
    simulator_state = fields.Json(groups="base.group_system", copy=False)
    sync_status = fields.Selection(
        [
            ("never", "Never synced"),
            ("ok", "OK"),
            # Something the PBX sent or refused was not synced: see the message.
            ("partial", "Done with errors"),
            ("error", "Error"),
        ],
        default="never",
        readonly=True,
        copy=False,
    )
    sync_message = fields.Text(
        readonly=True,
        copy=False,
        groups="base.group_system,voip_conference.voip_conference_group_manager",
    )
    last_sync_date = fields.Datetime(readonly=True, copy=False)
    sync_run_ids = fields.One2many(
        "voip.pbx.sync.run",
        "pbx_id",
        string="Sync Runs",
        groups="voip_conference.voip_conference_group_manager",
    )
    # {resource: cursor}: where the next incremental list starts.
    sync_cursors = fields.Json(copy=False, readonly=True, groups="base.group_system")
    sync_run_retention_days = fields.Integer(
        string="Keep Sync Runs (days)",
        default=90,
        help="Sync runs older than this are deleted by the daily clean-up. "
        "Empty keeps them forever.",
    )
    conference_receptionist_delay = fields.Float(
        string="Receptionist Delay (s)",
        default=2.0,
        help="How long Join waits, once the call is connected, before sending "
        "the access code: the time the digital receptionist takes to ask for it "
        "(0 to 60 seconds).",
    )
    conference_code_on_request = fields.Boolean(
        string="Send the Access Code When Asked",
        help="For a digital receptionist that waits for the caller rather than "
        "asking after a fixed delay: Join dials the room and stops, as a phone "
        "does at a wait (;), and the call view offers to send the access code "
        "when the user clicks.",
    )
    # TURN passwords: administrators only; the PBX's users get the servers
    # through their session (res.users._voip_get_info).
    ice_servers = fields.Text(
        string="ICE Servers",
        groups="base.group_system",
        help="The STUN/TURN servers the phone widget uses to reach the PBX's "
        "media, one per line: a URL, then for TURN a username and a password "
        "separated by spaces (turn:turn.example.com:3478 alice s3cret). Empty: "
        "none, not even a public STUN server; enough when the PBX's media "
        "server is directly reachable.",
    )
    conference_dtmf_method = fields.Selection(
        [
            ("auto", "Automatic"),
            ("rfc4733", "In the audio (RFC 4733)"),
            ("info", "SIP INFO"),
        ],
        string="Access Code Sent As",
        default="auto",
        required=True,
        help="How the phone widget sends tones (access codes and the in-call "
        "keypad). Automatic sends them in the audio and falls back to SIP INFO "
        "when the browser cannot.",
    )
    dial_international_prefix = fields.Char(
        string="International Prefix",
        help="Empty: the phone widget dials E.164 numbers with their + "
        "(sip:+3225550100@...), as most PBXs expect. Set the PBX's international "
        "prefix (00, 011) when it does not understand the +: +3225550100 is then "
        "dialled 003225550100.",
    )
    adhoc_conference_max_parties = fields.Integer(
        string="Parties in a Conference from a Call",
        default=5,
        help="How many parties (besides the host) the phone widget may bring "
        "into one conference made from a call. The browser mixes their audio.",
    )
    # Every internal user reads the PBX (voip_oca): what only conference
    # users may read is restricted, so that reading the PBX never fails.
    conference_ids = fields.One2many(
        "voip.conference",
        "pbx_id",
        string="Rooms",
        groups="voip_conference.voip_conference_group_user",
    )
    # Webhooks: the events the PBX pushes (see webhook/ and live/).
    conference_webhook_secret = fields.Char(
        string="Webhook Secret",
        groups="base.group_system",
        copy=False,
        help="The PBX signs the events it pushes to Odoo with this secret "
        "(HMAC-SHA256). Give it, with the webhook URL, to the PBX.",
    )
    conference_webhook_url = fields.Char(
        string="Webhook URL",
        compute="_compute_conference_webhook_url",
        help="Where the PBX pushes its conference events.",
        groups="base.group_system",
    )
    conference_menu_mute_self = fields.Char(
        string="Menu Key: Mute or Unmute Me",
        default="*1",
        help="The keys of the conference's in-call menu (ConfBridge, FreePBX) "
        "that the host's call view sends when the PBX has no participant API.",
    )
    conference_menu_lock = fields.Char(string="Menu Key: Lock or Unlock", default="*2")
    conference_menu_kick_last = fields.Char(
        string="Menu Key: Remove the Last to Join", default="*3"
    )
    conference_menu_mute_others = fields.Char(
        string="Menu Key: Mute or Unmute the Others"
    )
    conference_count = fields.Integer(
        compute="_compute_counts", groups="voip_conference.voip_conference_group_user"
    )
    incoming_number_ids = fields.One2many(
        "voip.incoming.number",
        "pbx_id",
        string="Incoming Numbers",
        groups="voip_conference.voip_conference_group_user",
    )
    incoming_number_count = fields.Integer(
        compute="_compute_counts", groups="voip_conference.voip_conference_group_user"
    )

    def _compute_counts(self):
        for fname, model in (
            ("conference_count", "voip.conference"),
            ("incoming_number_count", "voip.incoming.number"),
        ):
            counts = dict(
                self.env[model]._read_group(
                    [("pbx_id", "in", self.ids)], ["pbx_id"], ["__count"]
                )
            )
            for pbx in self:
                pbx[fname] = counts.get(pbx, 0)

    def _compute_conference_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for pbx in self:
            pbx.conference_webhook_url = (
                f"{base}/voip_conference/webhook/{pbx.id}" if pbx.id else False
            )

    @api.constrains("dial_international_prefix")
    def _check_dial_international_prefix(self):
        for pbx in self.filtered("dial_international_prefix"):
            if not numbering.is_digits(pbx.dial_international_prefix):
                raise ValidationError(
                    self.env._(
                        "The international prefix of PBX %(pbx)s must be digits "
                        "(00, 011), not %(prefix)s.",
                        pbx=pbx.display_name,
                        prefix=pbx.dial_international_prefix,
                    )
                )

    @api.constrains("conference_receptionist_delay")
    def _check_conference_receptionist_delay(self):
        for pbx in self:
            if not 0 <= pbx.conference_receptionist_delay <= RECEPTIONIST_DELAY_MAX:
                raise ValidationError(
                    self.env._(
                        "The receptionist delay of PBX %(pbx)s must be between 0 "
                        "and %(max)s seconds: the time its digital receptionist "
                        "takes to ask for the access code (0 sends it at once).",
                        pbx=pbx.display_name,
                        max=RECEPTIONIST_DELAY_MAX,
                    )
                )

    @api.constrains("adhoc_conference_max_parties")
    def _check_adhoc_conference_max_parties(self):
        for pbx in self:
            if not 2 <= pbx.adhoc_conference_max_parties <= 10:
                raise ValidationError(
                    self.env._(
                        "A conference from a call on PBX %(pbx)s takes from 2 to "
                        "10 parties; %(count)s is out of range.",
                        pbx=pbx.display_name,
                        count=pbx.adhoc_conference_max_parties,
                    )
                )

    @api.constrains("conference_max_rooms", "conference_max_participants")
    def _check_conference_limits(self):
        for pbx in self:
            if pbx.conference_max_rooms < 0 or pbx.conference_max_participants < 0:
                raise ValidationError(
                    self.env._(
                        "The limits of PBX %(pbx)s cannot be negative; "
                        "leave them empty for no limit.",
                        pbx=pbx.display_name,
                    )
                )
        # Lowering a limit below what exists would make every later save fail.
        self.env["voip.conference"].search(
            [("pbx_id", "in", self.ids)]
        )._check_capacity()

    @api.model
    def _clean_vals(self, vals):
        # A token or URL pasted with a line break is still the same.
        for fname in ("api_token", "api_url"):
            if isinstance(vals.get(fname), str):
                vals[fname] = vals[fname].strip() or False
        # Keys a phone dials are read the way it reads them (a minus sign or
        # a zero-width space pasted with them are separators).
        for fname in DIALLED_FIELDS:
            if isinstance(vals.get(fname), str):
                vals[fname] = numbering.clean(vals[fname]) or False
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._clean_vals(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._clean_vals(vals))

    def action_view_conferences(self):
        self.env["res.users"]._voip_conference_check_rights("manager")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "voip_conference.voip_conference_action"
        )
        action["domain"] = [("pbx_id", "=", self.id)]
        action["context"] = {"default_pbx_id": self.id}
        return action

    def action_view_incoming_numbers(self):
        self.env["res.users"]._voip_conference_check_rights("manager")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "voip_conference.voip_incoming_number_action"
        )
        action["domain"] = [("pbx_id", "=", self.id)]
        action["context"] = {"default_pbx_id": self.id}
        return action

    def _voip_ice_servers(self):
        """The ICE servers of this PBX as RTCPeerConnection expects them."""
        servers = []
        for line in (self.ice_servers or "").splitlines():
            parts = line.split()
            if not parts:
                continue
            server = {"urls": parts[0]}
            if len(parts) >= 3:
                server.update(username=parts[1], credential=parts[2])
            servers.append(server)
        return servers
