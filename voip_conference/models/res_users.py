# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools import numbering


class ResUsers(models.Model):
    _inherit = "res.users"

    voip_extension = fields.Char(
        string="Internal Extension",
        help="The user's extension on the PBX (digits only). It is unique on the "
        "PBX, conference rooms included, and makes the user eligible as a "
        "conference administrator.",
        copy=False,
    )
    # voip_oca leaves it readable by every internal user: its owner
    # (SELF_READABLE_FIELDS, preferences) and administrators only.
    voip_password = fields.Char(groups="base.group_system")

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["voip_extension"]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("voip_extension"):
                vals["voip_extension"] = numbering.clean(vals["voip_extension"])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("voip_pbx_id"):
            self._check_voip_pbx_choice(vals["voip_pbx_id"])
        if vals.get("voip_extension"):
            vals["voip_extension"] = numbering.clean(vals["voip_extension"])
        return super().write(vals)

    def _check_voip_pbx_choice(self, pbx_id):
        """voip_oca lets users set their own PBX: only to one of their
        companies' (the session gives the PBX's TURN credentials).

        :raises AccessError: for another company's PBX, unless the writer is
            a system administrator.
        """
        if self.env.su or self.env.user.has_group("base.group_system"):
            return
        pbx = self.env["voip.pbx"].browse(pbx_id)
        pbx.with_context(
            allowed_company_ids=self.env.user.company_ids.ids
        ).check_access("read")

    def _voip_conference_check_rights(self, level):
        """Raise AccessError unless the current user may act at ``level``.

        ``level``: ``"user"`` (join rooms), ``"manager"`` (rooms, numbers and
        their sync with the PBX) or ``"system"`` (PBX connection and API
        settings). Called first by every public method a button or an RPC
        reaches, before anything is read from or sent to the provider; code
        running as superuser (post-commit push, scheduled action) passes.
        Call it on ``self.env["res.users"]`` (``env.user`` is always sudo).
        """
        if self.env.su:
            return
        user = self.env.user
        if level == "user":
            if not user.has_group("voip_conference.voip_conference_group_user"):
                raise AccessError(
                    self.env._("You are not allowed to join conference rooms.")
                )
        elif level == "manager":
            if not user.has_group("voip_conference.voip_conference_group_manager"):
                raise AccessError(
                    self.env._(
                        "Only conference managers can change conference rooms, "
                        "incoming numbers and their sync with the PBX."
                    )
                )
        elif level == "system":
            if not user.has_group("base.group_system"):
                raise AccessError(
                    self.env._(
                        "Only system administrators can test the PBX connection "
                        "or change its API settings."
                    )
                )
        else:
            raise ValueError(f"Unknown rights level {level!r}")

    def _voip_get_info(self):
        info = super()._voip_get_info()
        # SIP.js would otherwise use a public STUN server nobody chose.
        pbx = self.voip_pbx_id.sudo()
        info["ice_servers"] = pbx._voip_ice_servers()
        # How the widget dials E.164 numbers and sends keypad tones.
        info["international_prefix"] = pbx.dial_international_prefix or ""
        info["dtmf_method"] = pbx.conference_dtmf_method or "auto"
        # Test mode records nothing: the widget needs the party limit itself.
        info["adhoc_max_parties"] = pbx.adhoc_conference_max_parties or 5
        return info

    @api.constrains("voip_extension", "voip_pbx_id")
    def _check_voip_extension(self):
        users = self.filtered("voip_extension")
        Conference = self.env["voip.conference"]
        for user in users:
            Conference._raise_extension_error(user.voip_extension)
        if not users:
            return
        taken = Conference._extension_owners(
            users.voip_pbx_id, users.mapped("voip_extension")
        )
        for user in users:
            for owner in taken.get((user.voip_pbx_id.id, user.voip_extension), []):
                if owner != user:
                    raise ValidationError(
                        self.env._(
                            "Extension %(extension)s is already used on PBX %(pbx)s "
                            "by %(owner)s. Choose another extension.",
                            extension=user.voip_extension,
                            pbx=user.voip_pbx_id.display_name or "-",
                            owner=owner.display_name,
                        )
                    )
