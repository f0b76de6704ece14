# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import functools
import logging

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError

from ...tools import sync_planner
from ...tools.provider import (
    ProviderError,
)

# Context key of writes that come from the PBX: they must not be pushed back.
INBOUND = "voip_sync_inbound"
PUSH_KEY = "voip_conference_push_pbx_ids"
# Context key of the memo a sync run shares between its hooks (lookups).
MEMO = "voip_sync_memo"
# Context key of a confirmed Re-create: link to the PBX's object of the same key.
ADOPT = "voip_sync_adopt"

_logger = logging.getLogger(__name__)


def push_after_commit(registry, pbx_ids, lang=None):
    """Post-commit hook: push what the committed transaction left pending.

    It runs in ``lang``, the language of the user who saved: the messages it
    stores (a record's provider message, the sync run's) are read by them.
    """
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"lang": lang} if lang else {})
            for pbx in env["voip.pbx"].browse(sorted(pbx_ids)).exists():
                pbx._sync(trigger="save", pull=False)
    except Exception:
        # The records stay pending: the next sync pushes them.
        _logger.exception("Pushing PBXs %s after commit failed", sorted(pbx_ids))


SYNC_STATES = [
    ("pending", "Pending push"),
    ("pushed", "Pushed, not applied"),
    ("synced", "Synced"),
    ("error", "Error"),
    ("conflict", "Conflict"),
    ("missing", "Missing on the provider"),
]
# States a push leaves alone until a manager acts.
HELD_STATES = ("conflict", "missing")


class VoipProviderSyncMixin(models.AbstractModel):
    """The sync engine of every record kept in sync with the PBX.

    Learned from google_calendar's ``google.calendar.sync``: the mixin owns
    ``create``/``write`` (need-sync marking, pending or conflict) and the
    pull, push and resolve steps; each model gives a field table and a few
    hooks. ``voip.pbx._sync`` only orchestrates. The pull and the push are
    in ``voip_provider_sync_mixin_pull.py`` and ``..._push.py``.

    The field table ``_sync_field_table`` maps each provider key to the Odoo
    fields it is made of; it alone decides what a change marks, what is
    pushed, what is pulled and what a conflict compares. Per key, a model may
    define ``_sync_export_<key>()`` (the provider value of a record) and
    ``_sync_import_<key>(values, pbx)`` (Odoo values from the provider's, or
    None when Odoo cannot map it: the PBX's value is then kept in
    ``sync_unmapped``, shown on the record and pushed back unchanged).

    A record remembers the values last agreed with the PBX (``sync_agreed``)
    and the PBX's version of them (``remote_version``): a push sends only
    what changed since, on condition that the PBX's object is still at that
    version.
    """

    _name = "voip.provider.sync.mixin"
    _description = "PBX Provider Sync"

    # The provider's resource (tools/provider.py RESOURCES).
    _sync_resource = None
    # {provider key: (Odoo field, ...)}
    _sync_field_table = {}
    # The natural key: an Odoo field and the provider object's attribute.
    _sync_key_field = None
    # Odoo fields that are not synced values but still need a push.
    _sync_trigger_fields = ()
    # False when Odoo cannot create the object on the PBX (the operator does).
    _sync_creatable = True
    # The provider key the PBX keeps unique, whose pushes must be ordered.
    _sync_unique_key = None

    remote_id = fields.Char(
        string="Provider ID", copy=False, readonly=True, index="btree_not_null"
    )
    sync_state = fields.Selection(
        SYNC_STATES,
        string="Sync Status",
        default="pending",
        copy=False,
        readonly=True,
        index=True,
        tracking=True,
    )
    sync_error = fields.Text(string="Provider Message", copy=False, readonly=True)
    need_sync = fields.Boolean(default=True, copy=False, readonly=True, index=True)
    # The agreed and the PBX's values hold a room's access code: for managers
    # only (the engine reads them as superuser).
    sync_agreed = fields.Json(
        string="Values Agreed with the PBX",
        copy=False,
        readonly=True,
        groups="voip_conference.voip_conference_group_manager",
    )
    remote_version = fields.Integer(
        string="Provider Version", copy=False, readonly=True
    )
    # Bumped at each re-creation on the PBX: a new idempotency key.
    sync_generation = fields.Integer(copy=False, readonly=True)
    remote_values = fields.Json(
        string="Provider's Values",
        copy=False,
        readonly=True,
        groups="voip_conference.voip_conference_group_manager",
    )
    sync_unmapped = fields.Json(
        string="PBX Values Odoo Cannot Map", copy=False, readonly=True
    )
    sync_unmapped_display = fields.Char(
        string="Kept from the PBX",
        compute="_compute_sync_unmapped_display",
        help="Values the PBX holds that Odoo cannot show in its own fields "
        "(an administrator extension no user of this PBX has, a destination "
        "Odoo does not know). They are kept on the PBX as they are until "
        "you change the field in Odoo.",
    )
    last_sync_date = fields.Datetime(string="Last Synced", copy=False, readonly=True)

    @api.depends("sync_unmapped")
    def _compute_sync_unmapped_display(self):
        for record in self:
            record.sync_unmapped_display = ", ".join(
                f"{record._sync_label(key)}: {value}"
                for key, value in (record.sync_unmapped or {}).items()
            )

    # ------------------------------------------------------------------
    # The field table
    # ------------------------------------------------------------------

    def _sync_label(self, key):
        """The user's name of a provider key: its first Odoo field's."""
        return self._fields[self._sync_field_table[key][0]]._description_string(
            self.env
        )

    def _sync_export(self):
        """The provider values Odoo has now: ``{provider key: value}``."""
        self.ensure_one()
        unmapped = self.sync_unmapped or {}
        values = {}
        for key, fnames in self._sync_field_table.items():
            if key in unmapped:
                values[key] = unmapped[key]
                continue
            hook = getattr(self, f"_sync_export_{key}", None)
            values[key] = hook() if hook else self._sync_export_field(fnames[0])
        return values

    def _sync_export_field(self, fname):
        value, field = self[fname], self._fields[fname]
        if field.type == "boolean":
            return bool(value)
        if field.type in ("integer", "float"):
            return value or 0
        return value or ""

    @api.model
    def _sync_import(self, values, pbx):
        """Odoo values from provider values: ``(vals, unmapped)``, where
        ``unmapped`` holds the PBX values Odoo cannot map."""
        vals, unmapped = {}, {}
        for key, fnames in self._sync_field_table.items():
            if key not in values:
                continue
            hook = getattr(self, f"_sync_import_{key}", None)
            if hook:
                mapped = hook(values, pbx)
            else:
                field = self._fields[fnames[0]]
                value = values[key]
                if field.type not in ("boolean", "integer", "float"):
                    value = value or False
                mapped = {fnames[0]: value}
            if mapped is None:
                unmapped[key] = values[key]
                mapped = self._sync_unmapped_vals(key)
            vals.update(mapped)
        return vals, unmapped

    @api.model
    def _sync_unmapped_vals(self, key):
        """The Odoo values of a key whose PBX value Odoo cannot map."""
        return dict.fromkeys(self._sync_field_table[key], False)

    @api.model
    def _sync_create_vals(self, remote, pbx):
        """The values of a record created in Odoo from a provider object."""
        vals, unmapped = self._sync_import(remote.values(), pbx)
        return vals | {
            self._sync_key_field: getattr(remote, self._sync_key_field),
            "pbx_id": pbx.id,
            "company_id": (pbx.company_id or self.env.company).id,
            "sync_unmapped": unmapped or False,
        }

    def _sync_display(self, key, value):
        """How a provider value reads in the conflict wizard."""
        if isinstance(value, bool):
            return self.env._("Yes") if value else self.env._("No")
        return str(value) if value not in (None, "") else ""

    @api.model
    def _sync_domain(self, pbx):
        """The records of ``pbx`` that the PBX should have."""
        return [("pbx_id", "=", pbx.id)]

    @api.model
    def _sync_memo(self, key, compute):
        """A lookup computed once per sync run (e.g. users by extension)."""
        memo = self.env.context.get(MEMO)
        if memo is None:
            return compute()
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    @api.model
    def _sync_temporary_key(self, pbx, taken):
        """A value of the unique key free on ``pbx`` and not in ``taken``."""
        raise NotImplementedError

    def _sync_secrets(self):
        """Values never to show in a provider message about this record."""
        return ()

    # ------------------------------------------------------------------
    # CRUD: local edits mark the record and push after commit
    # ------------------------------------------------------------------

    def _sync_touched_keys(self, vals):
        return {
            key
            for key, fnames in self._sync_field_table.items()
            if set(fnames) & set(vals)
        }

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if not self.env.context.get(INBOUND):
            records._register_push(records.pbx_id)
        return records

    def write(self, vals):
        if self.env.context.get(INBOUND):
            return super().write(vals)
        touched = self._sync_touched_keys(vals)
        if not touched and not set(vals) & set(self._sync_trigger_fields):
            return super().write(vals)
        # A PBX value Odoo could not map gives way to what the user sets.
        for record in self.filtered("sync_unmapped"):
            kept = {k: v for k, v in record.sync_unmapped.items() if k not in touched}
            if kept != record.sync_unmapped:
                super(VoipProviderSyncMixin, record).write(
                    {"sync_unmapped": kept or False}
                )
        vals = vals | {"need_sync": True}
        # Records in conflict or missing stay so until a manager acts.
        held = self.filtered(lambda r: r.sync_state in HELD_STATES)
        if held:
            super(VoipProviderSyncMixin, held).write(vals)
        if self - held:
            super(VoipProviderSyncMixin, self - held).write(
                vals | {"sync_state": "pending"}
            )
        self._register_push(self.pbx_id)
        return True

    def _register_push(self, pbxs):
        """Push the PBXs' pending records once the transaction commits (a
        queue_job job when queue_job is installed).

        A rolled-back transaction runs no post-commit hook, so it pushes
        nothing; the push reads what was committed, never this transaction's
        memory. It runs in the language of the user who registered it first.
        """
        pbxs = pbxs.filtered(lambda p: p.pbx_backend != "none")
        if not pbxs:
            return
        Job = self.env["voip.conference.job"]
        if Job._queue_installed():
            # A job per PBX, committed with the records (one while it waits).
            for pbx in pbxs.sudo():
                Job._delay(
                    pbx.with_context(lang=self.env.lang),
                    "_sync",
                    f"voip_conference_push:{pbx.id}",
                    "save",
                    False,
                    description=f"Push the changes saved on PBX {pbx.id}",
                )
            return
        postcommit = self.env.cr.postcommit
        pbx_ids = postcommit.data.get(PUSH_KEY)
        if pbx_ids is None:
            pbx_ids = postcommit.data[PUSH_KEY] = set()
            postcommit.add(
                functools.partial(
                    push_after_commit,
                    self.env.registry,
                    pbx_ids,
                    lang=self.env.lang,
                )
            )
        pbx_ids.update(pbxs.ids)

    # ------------------------------------------------------------------
    # Outcomes (written as inbound: they never trigger a push)
    # ------------------------------------------------------------------

    def _sync_write(self, vals):
        return self.with_context(**{INBOUND: True}).write(vals)

    def _sync_agree(self, remote, state):
        """Odoo and the PBX agree on ``remote`` (a provider object)."""
        self.ensure_one()
        agreed = sync_planner.synced_part(remote.values(), self._sync_field_table)
        need_sync = self._sync_export() != agreed
        self._sync_write(
            {
                "remote_id": remote.id,
                "remote_version": remote.version,
                "sync_agreed": agreed,
                "need_sync": need_sync,
                "sync_state": "pending" if need_sync else state,
                "sync_error": False,
                "remote_values": False,
                "last_sync_date": fields.Datetime.now(),
            }
        )

    def _sync_take(self, remote, pbx):
        """Odoo takes the PBX's values of ``remote``."""
        vals, unmapped = self._sync_import(remote.values(), pbx)
        self._sync_write(vals | {"sync_unmapped": unmapped or False})
        self._sync_agree(remote, "synced")

    def _sync_conflict(self, remote):
        self._sync_write(
            {
                "sync_state": "conflict",
                "remote_values": remote.values()
                | {"id": remote.id, "version": remote.version},
                "sync_error": False,
            }
        )

    def _sync_missing(self, message):
        self._sync_write({"sync_state": "missing", "sync_error": message})

    def _sync_missing_message(self):
        return self.env._(
            "It is no longer on the PBX: deleted there? Re-create it on the PBX "
            "or delete it in Odoo."
        )

    # ------------------------------------------------------------------
    # Manager actions
    # ------------------------------------------------------------------

    def action_recreate_on_pbx(self):
        """Create again on the PBX the records deleted there (new provider
        ids); their Odoo values are pushed at once."""
        self.env["res.users"]._voip_conference_check_rights("manager")
        self.check_access("write")
        if not self._sync_creatable:
            raise UserError(
                self.env._(
                    "Odoo cannot create these on the PBX: ask the PBX's operator."
                )
            )
        missing = self.sudo().filtered(lambda r: r.sync_state == "missing")
        found, taken = missing._sync_look_up()
        if taken and not self.env.context.get(ADOPT):
            return self.env["voip.provider.sync.adopt"]._open_for(taken)
        for record, remote in found.items():
            # Never deleted (a 404 that was not one): it is linked again.
            record._sync_agree(remote, "synced")
        for record, remote in taken.items():
            record._sync_adopt(remote)
        for record in missing.filtered(lambda r: r not in found and r not in taken):
            record._sync_write(
                {
                    "remote_id": False,
                    "remote_version": 0,
                    "sync_agreed": False,
                    "sync_generation": record.sync_generation + 1,
                    "sync_state": "pending",
                    "sync_error": False,
                    "need_sync": True,
                }
            )
            if hasattr(record, "message_post"):
                record.message_post(
                    body=self.env._("Re-created on the PBX at a manager's request.")
                )
        self._register_push(missing.pbx_id)
        return True

    def _sync_look_up(self):
        """Look for these missing records on their PBX: ``(found, taken)``,
        dicts of record -> the PBX's object: ``found`` still has the
        record's id, ``taken`` has its key (extension) under another id that
        no record of Odoo holds."""
        found, taken = {}, {}
        for pbx, records in self.grouped("pbx_id").items():
            try:
                with pbx._provider() as backend:
                    remotes = backend.changes(self._sync_resource, "").items
            except ProviderError as error:
                raise UserError(pbx._provider_error_message(error)) from error
            by_id = {remote.id: remote for remote in remotes}
            held = set(
                self.with_context(active_test=False)
                .search(self._sync_domain(pbx) + [("remote_id", "in", list(by_id))])
                .mapped("remote_id")
            )
            by_key = {
                getattr(remote, self._sync_key_field): remote
                for remote in remotes
                if remote.id not in held - set(records.mapped("remote_id"))
            }
            for record in records:
                if record.remote_id in by_id:
                    found[record] = by_id[record.remote_id]
                elif record[self._sync_key_field] in by_key:
                    taken[record] = by_key[record[self._sync_key_field]]
        return found, taken

    def _sync_adopt(self, remote):
        """Link this record to the PBX's object ``remote`` (of its key), and
        push Odoo's values over it (a manager confirmed)."""
        self.ensure_one()
        agreed = sync_planner.synced_part(remote.values(), self._sync_field_table)
        self._sync_write(
            {
                "remote_id": remote.id,
                "remote_version": remote.version,
                "sync_agreed": agreed,
                "need_sync": True,
                "sync_state": "pending",
                "sync_error": False,
            }
        )
        if hasattr(self, "message_post"):
            self.message_post(
                body=self.env._(
                    "Linked at a manager's request to %(name)s, found on the PBX "
                    "with the same %(key)s; Odoo's values are pushed to it.",
                    name=getattr(remote, "name", "") or remote.id,
                    key=self._fields[self._sync_key_field].get_description(self.env)[
                        "string"
                    ],
                )
            )

    def action_resolve_conflict(self):
        self.env["res.users"]._voip_conference_check_rights("manager")
        self.ensure_one()
        self.check_access("write")
        # The wizard and its lines are made here, from the record: the dialog
        # then sends back only the choices, never the keys and values it
        # shows read-only (a form does not send read-only fields).
        wizard = self.env["voip.provider.sync.conflict"]._create_for(self)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Resolve the Conflict of %(record)s", record=self.display_name
            ),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "context": {"default_res_model": self._name, "default_res_id": self.id},
        }

    def _sync_resolve(self, choices):
        """Resolve a conflict: ``choices`` maps each provider key to
        ``"odoo"`` or ``"pbx"``. The PBX's chosen values are taken, Odoo's
        chosen values are pushed (only them, on condition of the PBX's
        current version)."""
        self.ensure_one()
        record = self.sudo()
        if record.sync_state != "conflict" or not record.remote_values:
            raise UserError(
                self.env._(
                    "%(record)s has no conflict to resolve.", record=self.display_name
                )
            )
        remote_values = dict(record.remote_values)
        taken = {k: v for k, v in remote_values.items() if choices.get(k) == "pbx"}
        vals, unmapped = record._sync_import(taken, record.pbx_id)
        kept = {
            k: v
            for k, v in (record.sync_unmapped or {}).items()
            if choices.get(k) != "pbx"
        }
        record._sync_write(vals | {"sync_unmapped": (kept | unmapped) or False})
        agreed = {key: remote_values.get(key) for key in record._sync_field_table}
        need_sync = record._sync_export() != agreed
        record._sync_write(
            {
                "remote_id": remote_values.get("id") or record.remote_id,
                "remote_version": remote_values.get("version", 0),
                "sync_agreed": agreed,
                "remote_values": False,
                "need_sync": need_sync,
                "sync_state": "pending" if need_sync else "synced",
                "sync_error": False,
            }
        )
        if need_sync:
            record._register_push(record.pbx_id)
