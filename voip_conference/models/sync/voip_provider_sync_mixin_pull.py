# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import functools
import logging

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError

from ...tools import sync_planner
from ...tools.provider import CursorExpiredError
from .voip_provider_sync_mixin import INBOUND

_logger = logging.getLogger(__name__)


class VoipProviderSyncMixin(models.AbstractModel):
    """The pull: the PBX's changes into Odoo."""

    _inherit = "voip.provider.sync.mixin"

    @api.model
    def _sync_pull(self, pbx, backend, run, incremental=True):
        """Bring the PBX's changes into Odoo (everything the first time or
        when the PBX refuses the cursor, as google_calendar does with a stale
        sync token)."""
        resource = self._sync_resource
        cursors = dict(pbx.sync_cursors or {})
        cursor = cursors.get(resource, "") if incremental else ""
        if cursor and self.with_context(active_test=False).search_count(
            self._sync_domain(pbx) + [("sync_state", "=", "missing")], limit=1
        ):
            # A 404 may come from a proxy or a wrong route: only a full list
            # tells a deleted object from one the PBX still has.
            cursor = ""
        try:
            changes = backend.changes(resource, cursor)
        except CursorExpiredError:
            _logger.info("PBX %s refused the %s cursor: full resync", pbx.id, resource)
            changes = backend.changes(resource, "")
        outbox = set(
            self.env["voip.pbx.deletion"]
            .search_fetch(
                [("pbx_id", "=", pbx.id), ("resource", "=", resource)], ["remote_id"]
            )
            .mapped("remote_id")
        )
        remotes = [remote for remote in changes.items if remote.id not in outbox]
        if remotes or changes.deleted or changes.full:
            records = self._sync_pull_records(pbx, changes, remotes)
            errors = run.errors
            actions = sync_planner.plan(
                [record._sync_local_state() for record in records],
                remotes,
                lambda remote: getattr(remote, self._sync_key_field),
                full=changes.full,
                deleted=changes.deleted,
            )
            self._sync_apply_pull(pbx, actions, run)
            if run.errors > errors:
                # Odoo refused some of it: the next pull brings it again, and
                # the PBX's status says so until it is taken.
                return
        cursors[resource] = changes.cursor
        pbx.sync_cursors = cursors

    @api.model
    def _sync_pull_records(self, pbx, changes, remotes):
        """The records of ``pbx`` that ``changes`` (with ``remotes``, its
        objects less the outbox's) may concern: all of them on a full list."""
        domain = self._sync_domain(pbx)
        if not changes.full:
            key = self._sync_key_field
            domain += [
                "|",
                "|",
                ("remote_id", "in", [r.id for r in remotes] + changes.deleted),
                (key, "in", [getattr(r, key) for r in remotes]),
                ("sync_state", "=", "missing"),
            ]
        return self.with_context(active_test=False).search(domain)

    def _sync_local_state(self):
        self.ensure_one()
        return sync_planner.LocalState(
            local_id=self.id,
            key=self[self._sync_key_field],
            values=self._sync_export(),
            remote_id=self.remote_id or "",
            agreed=self.sync_agreed or {},
            need_sync=self.need_sync,
            missing=self.sync_state == "missing",
        )

    @api.model
    def _sync_apply_pull(self, pbx, actions, run):
        counts = dict.fromkeys(("updated", "conflicts"), 0)
        by_id = {
            record.id: record
            for record in self.browse(
                [action.local.local_id for action in actions if action.local]
            )
        }
        to_create, to_take = [], []
        for action in actions:
            record = by_id[action.local.local_id] if action.local else None
            kind, remote = action.kind, action.remote
            if kind == sync_planner.CREATE_LOCAL:
                to_create.append(remote)
            elif kind == sync_planner.UPDATE_LOCAL:
                to_take.append((record, remote))
            elif kind in (sync_planner.MARK_SYNCED, sync_planner.FOUND):
                record._sync_agree(remote, "synced")
            elif kind == sync_planner.CONFLICT:
                record._sync_conflict(remote)
                counts["conflicts"] += 1
            elif kind == sync_planner.MISSING:
                if record.sync_state != "missing":
                    record._sync_missing(record._sync_missing_message())
            elif kind == sync_planner.PUSH and record.remote_id != remote.id:
                # Met by its key: adopt the PBX's object, push Odoo's edit.
                record._sync_write(
                    {
                        "remote_id": remote.id,
                        "remote_version": remote.version,
                        "sync_agreed": sync_planner.synced_part(
                            remote.values(), self._sync_field_table
                        ),
                        "sync_state": "pending",
                        "sync_error": False,
                    }
                )
            elif (
                kind == sync_planner.NOTHING and record.remote_version != remote.version
            ):
                record._sync_write({"remote_version": remote.version})
        counts["updated"] = self._sync_take_all(pbx, to_take, run)
        run._sync_count(**counts, created=self._sync_create_all(pbx, to_create, run))

    @api.model
    def _sync_take_all(self, pbx, pairs, run):
        """Take the PBX's values, ordered so that a unique key moving between
        records (a swap made on the PBX) never collides in Odoo; a record
        Odoo refuses keeps its values and shows why. Returns the count."""
        by_id = {record.id: (record, remote) for record, remote in pairs}
        unique = self._sync_unique_key
        moves = [
            (
                record.id,
                record[self._sync_key_field] if unique else "",
                getattr(remote, unique) if unique else "",
            )
            for record, remote in pairs
        ]
        pbx_ = pbx
        steps = sync_planner.order_updates(
            moves, lambda taken: self._sync_temporary_key(pbx_, taken)
        )
        taken = 0
        for local_id, temporary in steps:
            record, remote = by_id[local_id]
            if temporary:
                change = functools.partial(
                    record._sync_write, {self._sync_key_field: temporary}
                )
            else:
                change = functools.partial(record._sync_take, remote, pbx)
            if self._sync_guarded(run, change, record.display_name, record):
                taken += 0 if temporary else 1
        return taken

    @api.model
    def _sync_guarded(self, run, change, name, record=None):
        """Apply one change the PBX sent, in its own savepoint.

        When Odoo's rules refuse it (an extension a user or another room
        holds, a value out of range), nothing of it is kept: the record, if
        any, is flagged with the reason, the run notes it, the other changes
        go on.
        """
        try:
            with self.env.cr.savepoint():
                change()
                self.env.flush_all()
        except (UserError, psycopg2.IntegrityError) as error:
            self.env.invalidate_all()
            reason = (
                error.args[0]
                if isinstance(error, UserError)
                else self.env._(
                    "another active record of this PBX already uses the same "
                    "extension or number"
                )
            )
            reason = self.env._(
                "The PBX's values of %(name)s were not taken: %(reason)s",
                name=name,
                reason=reason,
            )
            if record:
                record._sync_write({"sync_state": "error", "sync_error": reason})
            run._sync_count(errors=1)
            run._sync_note(reason)
            return False
        return True

    @api.model
    def _sync_create_all(self, pbx, remotes, run):
        """Create the records that exist only on the PBX; one Odoo refuses is
        reported on the run, the others are created. Returns the count."""
        if not remotes:
            return 0
        Inbound = self.with_context(**{INBOUND: True, "tracking_disable": True})

        def vals_of(remote):
            agreed = sync_planner.synced_part(remote.values(), self._sync_field_table)
            return self._sync_create_vals(remote, pbx) | {
                "remote_id": remote.id,
                "remote_version": remote.version,
                "sync_agreed": agreed,
                "sync_state": "synced",
                "need_sync": False,
                "last_sync_date": fields.Datetime.now(),
            }

        try:
            with self.env.cr.savepoint():
                created = Inbound.create([vals_of(remote) for remote in remotes])
                self.env.flush_all()
                return len(created)
        except (UserError, psycopg2.IntegrityError):
            self.env.invalidate_all()
        # One by one: Odoo refuses one of them.
        created = 0
        for remote in remotes:
            # The PBX's name and key: nothing in Odoo names it yet.
            key = getattr(remote, self._sync_key_field)
            name = f"{getattr(remote, 'name', '') or remote.id} ({key})"
            if self._sync_guarded(
                run, functools.partial(Inbound.create, [vals_of(remote)]), name
            ):
                created += 1
        return created
