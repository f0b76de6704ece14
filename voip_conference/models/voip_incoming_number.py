# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools import dial_string, numbering

# Destination types of a voice call, as in the Axivox console.
DESTINATION_TYPES = [
    ("none", "Not configured"),
    ("extension", "Extension"),
    ("dial_plan", "Dial plan"),
    ("voicemail", "Voicemail"),
    ("hangup", "Hang up"),
    ("conference", "Conference"),
]
# The destination field each type needs; the others must stay empty.
DESTINATION_FIELDS = {
    "extension": "destination_extension",
    "voicemail": "destination_extension",
    "dial_plan": "dial_plan",
    "conference": "conference_id",
}


class VoipIncomingNumber(models.Model):
    _name = "voip.incoming.number"
    _description = "Incoming Number"
    # Synced with the PBX: voip.provider.sync.mixin is added in sync/.
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "number, id"
    _rec_name = "number"
    _check_company_auto = True

    number = fields.Char(
        required=True,
        tracking=True,
        copy=False,
        search="_search_number",
        help="Stored in E.164 (+3221234567) whatever the way it is typed; "
        "national numbers are read with the number's country.",
    )
    name = fields.Char(string="Label", tracking=True)
    number_display = fields.Char(
        string="Phone Number",
        compute="_compute_number_display",
        inverse="_inverse_number_display",
        help="The number as people read it (+32 2 555 01 00); type it as you "
        "like, it is stored in international form (E.164).",
    )
    country_id = fields.Many2one(
        "res.country",
        compute="_compute_country_id",
        store=True,
        readonly=False,
        precompute=True,
        help="The number's country, read from the number itself. Used to read "
        "a number typed without its country prefix; defaults to the company's "
        "country.",
    )
    pbx_id = fields.Many2one(
        "voip.pbx",
        string="PBX",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,
        default=lambda self: self.env.user.voip_pbx_id,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    active = fields.Boolean(default=True)
    destination_type = fields.Selection(
        DESTINATION_TYPES,
        string="Destination Type for Voice Calls",
        required=True,
        default="none",
        tracking=True,
    )
    conference_id = fields.Many2one(
        "voip.conference",
        string="Conference Room",
        index="btree_not_null",
        tracking=True,
        ondelete="restrict",
        check_company=True,
        domain="[('pbx_id', '=', pbx_id)]",
    )
    destination_extension = fields.Char(
        tracking=True,
        help="The extension (or its voicemail box) that receives the calls.",
    )
    dial_plan = fields.Char(
        tracking=True, help="The name of the PBX dial plan that handles the calls."
    )
    pbx_backend = fields.Selection(related="pbx_id.pbx_backend")
    destination_display = fields.Char(
        string="Destination", compute="_compute_destination_display"
    )

    _number_pbx_uniq = models.UniqueIndex(
        "(pbx_id, number)",
        "This number already exists on this PBX.",
    )

    @api.depends(
        "destination_type", "conference_id", "destination_extension", "dial_plan"
    )
    def _compute_destination_display(self):
        labels = dict(self._fields["destination_type"]._description_selection(self.env))
        for number in self:
            fname = DESTINATION_FIELDS.get(number.destination_type)
            target = fname and number[fname]
            if fname == "conference_id":
                target = target.display_name
            label = labels.get(number.destination_type, "")
            number.destination_display = (
                # Each language its own punctuation ("Conférence : …").
                self.env._("%(type)s: %(target)s", type=label, target=target)
                if target
                else label
            )

    @api.depends("number")
    def _compute_number_display(self):
        for number in self:
            number.number_display = numbering.format_international(number.number)

    def _inverse_number_display(self):
        for number in self:
            if number.number_display:
                number.number = number.number_display

    @api.depends("number")
    def _compute_country_id(self):
        for number in self:
            region = numbering.region_of(number.number)
            country = region and self.env["res.country"].search(
                [("code", "=", region)], limit=1
            )
            if country:
                number.country_id = country
            elif not number.country_id:
                number.country_id = self.env.company.country_id

    @api.depends("number", "name")
    def _compute_display_name(self):
        for number in self:
            shown = numbering.format_international(number.number)
            number.display_name = f"{shown} ({number.name})" if number.name else shown

    @api.model
    def _search_display_name(self, operator, value):
        if operator in ("ilike", "like", "=", "=like", "=ilike") and value:
            return ["|", ("number", operator, value), ("name", operator, value)]
        return super()._search_display_name(operator, value)

    # ------------------------------------------------------------------
    # Search
    # ------------------------------------------------------------------

    @api.model
    def _number_search_forms(self, value):
        """The stored (E.164) forms a number typed as ``value`` may take.

        ``02 555 01 00``, ``0032 2 555 01 00`` and ``+32 2 555 01 00`` all
        give ``+3225550100`` (phone_validation, with the company's country);
        a part of a number gives its digits and, when it starts with the
        international (``00``) or the national (``0``) prefix, the E.164
        start it stands for. Text that holds no number is searched as typed.

        :rtype: list[str]
        """
        value = (value or "").strip()
        dialled = dial_string.parse(value).number
        if not dialled or dial_string.parse(value).label:
            return [value]
        forms = [dialled]
        if dialled.startswith("00"):
            forms.append("+" + dialled[2:])
        elif not dialled.startswith("+"):
            # A national form: read it in the company's country and in the
            # countries of the numbers there are.
            countries = (
                self.env.company.country_id
                | self.sudo()._read_group(
                    [("country_id", "!=", False)], [], ["country_id:recordset"]
                )[0][0]
            )
            for country in countries:
                e164 = self._phone_format_number(dialled, country)
                if e164:
                    forms.append(e164)
                elif dialled.startswith("0") and country.phone_code:
                    forms.append(f"+{country.phone_code}{dialled[1:]}")
        else:
            e164 = self._phone_format_number(dialled, self.env.company.country_id)
            if e164:
                forms.append(e164)
        return list(dict.fromkeys(forms))

    def _search_number(self, operator, value):
        """Find a number however it is typed (national, ``00``, blanks...).

        Exact operators compare the E.164 form; pattern operators (``ilike``
        and its kin) match any of :meth:`_number_search_forms`.
        """
        if operator in ("=", "!=", "in", "not in"):
            positive = operator in ("=", "in")
            values = value if operator in ("in", "not in") else [value]
            values = [
                self._phone_format_number(v, self.env.company.country_id) or v
                if isinstance(v, str)
                else v
                for v in values
            ]
            return Domain("number", "in" if positive else "not in", values)
        if operator not in ("like", "ilike", "not like", "not ilike"):
            # =like, =ilike and the comparisons: as written, in SQL.
            field = self._fields["number"]
            return Domain.custom(
                to_sql=lambda model, alias, query: field._condition_to_sql(
                    "number", operator, value, model, alias, query
                )
            )
        forms = self._number_search_forms(value)
        sql_operator = SQL("ILIKE" if "ilike" in operator else "LIKE")
        negative = operator.startswith("not")

        def to_sql(model, alias, query):
            column = model._field_to_sql(alias, "number", query)
            matches = SQL(" OR ").join(
                SQL("%s %s %s", column, sql_operator, f"%{form}%") for form in forms
            )
            if negative:
                return SQL("(%s IS NULL OR NOT (%s))", column, matches)
            return SQL("(%s)", matches)

        def predicate(record):
            text = record.number or ""
            if "ilike" in operator:
                found = any(form.lower() in text.lower() for form in forms)
            else:
                found = any(form in text for form in forms)
            return found != negative

        return Domain.custom(to_sql=to_sql, predicate=predicate)

    # ------------------------------------------------------------------
    # Normalisation
    # ------------------------------------------------------------------

    @api.model
    def _normalize_number(self, number, country):
        """Return ``number`` in E.164, or raise a translated ValidationError.

        The number is first read the way a phone reads it: a minus sign, a
        zero-width space or bidi marks pasted with it are separators.
        """
        number = dial_string.normalize(number).strip()
        try:
            return self._phone_format(
                number=number,
                country=country,
                force_format="E164",
                raise_exception=True,
            )
        except UserError as error:
            # phone_validation's message carries the library's English.
            raise ValidationError(self._phone_number_error(number, country)) from error

    @api.model
    def _phone_number_error(self, number, country):
        """What is wrong with ``number`` read in ``country``, and how to type
        it, in the user's words: never the phonenumbers library's."""
        problem = numbering.phone_number_problem(number, country.code or None)
        # A number phone_validation refuses that phonenumbers reads (or no
        # number at all) is not in use, as far as the user can tell.
        message = self.env["voip.conference"]._numbering_error(
            "number", problem or numbering.NOT_IN_USE, number=number
        )
        return self.env._(
            "%(problem)s Type the number with its country code, e.g. "
            "+32 2 555 01 00, or choose its country.",
            problem=message,
        )

    @api.model
    def _prepare_vals(self, vals, record=None):
        # The form edits the number as people read it.
        if vals.get("number_display") and not vals.get("number"):
            vals["number"] = vals.pop("number_display")
        vals.pop("number_display", None)
        if vals.get("number"):
            country_id = vals.get("country_id", record and record.country_id.id)
            country = (
                self.env["res.country"].browse(country_id)
                if country_id
                else self.env.company.country_id
            )
            vals["number"] = self._normalize_number(vals["number"], country)
            # The number says its country; a country chosen to read a
            # national number cannot contradict it.
            region = numbering.region_of(vals["number"])
            if region:
                vals["country_id"] = self.env["res.country"].search(
                    [("code", "=", region)], limit=1
                ).id or vals.get("country_id")
        if vals.get("destination_extension"):
            vals["destination_extension"] = numbering.clean(
                vals["destination_extension"]
            )
        if isinstance(vals.get("name"), str):
            vals["name"] = vals["name"].strip() or False
        return vals

    @api.onchange("destination_type")
    def _onchange_destination_type(self):
        needed = DESTINATION_FIELDS.get(self.destination_type)
        for fname in set(DESTINATION_FIELDS.values()) - {needed}:
            self[fname] = False

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._prepare_vals(vals) for vals in vals_list])

    def copy(self, default=None):
        # Who may not create numbers hears that first, not why a copy fails.
        self.check_access("create")
        if not (default or {}).get("number"):
            raise UserError(
                self.env._(
                    "A phone number exists only once on its PBX, so it cannot be "
                    "duplicated: add the other number with New."
                )
            )
        return super().copy(default=default)

    def write(self, vals):
        if (vals.get("number") or vals.get("number_display")) and len(self) > 1:
            raise UserError(self.env._("Several records cannot share one number."))
        self._prepare_vals(vals, record=self[:1])
        return super().write(vals)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains(
        "destination_type",
        "conference_id",
        "destination_extension",
        "dial_plan",
        "pbx_id",
    )
    def _check_destination(self):
        labels = dict(self._fields["destination_type"]._description_selection(self.env))
        for number in self:
            needed = DESTINATION_FIELDS.get(number.destination_type)
            if needed and not number[needed]:
                raise ValidationError(
                    self.env._(
                        "%(number)s sends voice calls to '%(type)s': choose the "
                        "%(field)s.",
                        number=number.number_display,
                        type=labels[number.destination_type],
                        field=self._fields[needed]._description_string(self.env),
                    )
                )
            for fname in set(DESTINATION_FIELDS.values()) - {needed}:
                if number[fname]:
                    raise ValidationError(
                        self.env._(
                            "%(number)s sends voice calls to '%(type)s' and cannot "
                            "also have a %(field)s.",
                            number=number.number_display,
                            type=labels[number.destination_type],
                            field=self._fields[fname]._description_string(self.env),
                        )
                    )
            number._check_destination_room()
            if number.destination_extension and numbering.check_extension(
                number.destination_extension
            ):
                self.env["voip.conference"]._raise_extension_error(
                    number.destination_extension
                )

    def _check_destination_room(self):
        """Refuse a room of another PBX, or an archived one."""
        room = self.conference_id
        if room and room.pbx_id != self.pbx_id:
            raise ValidationError(
                self.env._(
                    "%(number)s is on PBX %(pbx)s and cannot reach room %(room)s "
                    "of PBX %(room_pbx)s.",
                    number=self.number_display,
                    pbx=self.pbx_id.display_name,
                    room=room.display_name,
                    room_pbx=room.pbx_id.display_name,
                )
            )
        if room and not room.active:
            raise ValidationError(
                self.env._(
                    "%(number)s cannot be routed to the archived room %(room)s.",
                    number=self.number_display,
                    room=room.display_name,
                )
            )
