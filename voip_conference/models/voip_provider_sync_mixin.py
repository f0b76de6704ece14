# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import functools
import logging

from odoo import SUPERUSER_ID, api, fields, models

from ..tools import sync_planner

# Context key of writes that come from the PBX: they must not be pushed back.
INBOUND = "voip_sync_inbound"
PUSH_KEY = "voip_conference_push_pbx_ids"

_logger = logging.getLogger(__name__)


def push_after_commit(registry, pbx_ids):
    """Post-commit hook: push what the committed transaction left pending."""
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
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


class VoipProviderSyncMixin(models.AbstractModel):
    """What rooms and incoming numbers share to stay in sync with the PBX.

    A record remembers the hash of the values last agreed with the PBX
    (``sync_hash``) and whether it changed since (``need_sync``). Editing a
    synced field marks it; the push runs after the transaction commits.
    """

    _name = "voip.provider.sync.mixin"
    _description = "PBX Provider Sync"
    # Fields whose change must reach the PBX; set by each model.
    _sync_fields = ()

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
    # The PBX's values hold the access code, and a short code is recovered
    # from its hash by trying every code: both for managers only.
    sync_hash = fields.Char(
        copy=False,
        readonly=True,
        groups="voip_conference.voip_conference_group_manager",
    )
    remote_values = fields.Json(
        string="Provider's Values",
        copy=False,
        readonly=True,
        groups="voip_conference.voip_conference_group_manager",
    )
    last_sync_date = fields.Datetime(string="Last Synced", copy=False, readonly=True)

    # ------------------------------------------------------------------
    # To override
    # ------------------------------------------------------------------

    def _sync_values(self):
        """The values the PBX holds for this record (a dict)."""
        raise NotImplementedError

    def _sync_key(self):
        """The natural key matched against the PBX: extension, number."""
        raise NotImplementedError

    @api.model
    def _sync_vals_from_remote(self, remote, pbx):
        """Odoo values of a provider object."""
        raise NotImplementedError

    def _sync_secrets(self):
        """Values never to show in a provider message about this record."""
        return ()

    # ------------------------------------------------------------------

    def _sync_local_state(self):
        self.ensure_one()
        return sync_planner.LocalState(
            local_id=self.id,
            key=self._sync_key(),
            values=self._sync_values(),
            remote_id=self.remote_id or "",
            synced_hash=self.sync_hash or "",
            need_sync=self.need_sync,
        )

    def _sync_mark(self, state, remote=None, error=False):
        """Record the outcome of a sync operation, without pushing again."""
        vals = {"sync_state": state, "sync_error": error or False}
        if remote is not None:
            vals.update(
                remote_id=remote.id or self.remote_id,
                sync_hash=sync_planner.values_hash(remote.values()),
                need_sync=False,
                remote_values=False,
                last_sync_date=fields.Datetime.now(),
            )
        self.with_context(**{INBOUND: True}).write(vals)

    def _sync_touches(self, vals):
        return not self.env.context.get(INBOUND) and bool(
            set(vals) & set(self._sync_fields)
        )

    def _sync_pending_writes(self, vals):
        """Split a local change of synced values into (records, values) writes.

        Records go back to "pending push", except those in conflict: they
        stay so until a manager resolves the conflict. The caller writes
        (through its own ``super()``, so that tracking and other overrides
        run) and registers the push.
        """
        vals = vals | {"need_sync": True}
        conflicts = self.filtered(lambda r: r.sync_state == "conflict")
        return [
            (self - conflicts, vals | {"sync_state": "pending"}),
            (conflicts, vals),
        ]

    def _register_push(self, pbxs):
        """Push the PBXs' pending records once the transaction commits.

        A rolled-back transaction runs no post-commit hook, so it pushes
        nothing; the push reads what was committed, never this transaction's
        memory.
        """
        pbxs = pbxs.filtered(lambda p: p.pbx_backend != "none")
        if not pbxs:
            return
        postcommit = self.env.cr.postcommit
        pbx_ids = postcommit.data.get(PUSH_KEY)
        if pbx_ids is None:
            pbx_ids = postcommit.data[PUSH_KEY] = set()
            postcommit.add(
                functools.partial(push_after_commit, self.env.registry, pbx_ids)
            )
        pbx_ids.update(pbxs.ids)
