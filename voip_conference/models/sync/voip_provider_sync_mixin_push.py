# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import collections
import functools
import json

from odoo import api, fields, models
from odoo.tools import SQL

from ...tools import sync_planner
from ...tools.provider import (
    BULK_MAX,
    NotFoundError,
    PbxBackend,
    PreconditionFailedError,
)
from .voip_provider_sync_mixin import HELD_STATES


class VoipProviderSyncMixin(models.AbstractModel):
    """The push: Odoo's changes to the PBX."""

    _inherit = "voip.provider.sync.mixin"

    @api.model
    def _sync_pending(self, pbx, limit=None, after_id=0):
        return self.with_context(active_test=False).search(
            self._sync_domain(pbx)
            + [
                ("need_sync", "=", True),
                ("sync_state", "not in", HELD_STATES),
                ("id", ">", after_id),
            ],
            order="id",
            limit=limit,
        )

    def _sync_push(self, pbx, backend, run, capabilities):
        """Push these records: only the values changed since the last agreed
        ones, conditional on the PBX's version, in bulk when the PBX offers
        it (else one request per object). Returns the versions the PBX gave
        our writes (see ``voip.pbx._sync_advance_cursor``)."""
        send = (
            backend.bulk
            if capabilities.get("bulk")
            else functools.partial(PbxBackend.bulk, backend)
        )
        use_versions = capabilities.get("versions")
        creates = self.filtered(lambda r: not r.remote_id)
        if not self._sync_creatable:
            for record in creates:
                record._sync_missing(record._sync_not_creatable_message())
            creates = self.browse()
        updates = self - creates - self.filtered(lambda r: not r.remote_id)
        steps = [(record.id, None) for record in creates]
        steps += self._sync_push_order(pbx, updates)
        versions = []
        operations, records = [], []

        def flush():
            if operations:
                versions.extend(self._sync_push_send(send, records, operations, run))
                operations.clear()
                records.clear()

        # Records of this recordset: they prefetch together (a browse of one
        # id would read each record's fields alone).
        by_id = {record.id: record for record in self}
        for local_id, temporary in steps:
            record = by_id[local_id]
            if local_id in {r.id for r in records} or len(operations) >= BULK_MAX:
                flush()  # a record's second step needs its first one's version
            operation = record._sync_operation(temporary, use_versions)
            if operation is None:
                record._sync_write(
                    {"need_sync": False, "sync_state": "synced", "sync_error": False}
                )
                continue
            operations.append(operation)
            records.append(record)
        flush()
        return versions

    def _sync_push_send(self, send, records, operations, run):
        """Send ``operations`` (one per record of ``records``) in one bulk
        and count their outcomes on ``run``. Returns the versions the PBX
        gave the writes it accepted."""
        results = send(self._sync_resource, list(operations))
        counts = collections.Counter()
        done, versions = [], []
        for record, operation, result in zip(records, operations, results, strict=True):
            if isinstance(result, Exception):
                counts[record._sync_push_failed(operation, result)] += 1
            else:
                done.append((record, result))
                versions.append(result.version)
        counts["pushed"] += self._sync_agree_all(done, "pushed")
        counts.pop(None, None)
        run._sync_count(**counts)
        return versions

    def _sync_push_order(self, pbx, updates):
        """Updates in an order the PBX accepts (see sync_planner.order_updates)."""
        unique = self._sync_unique_key
        if not unique:
            return [(record.id, None) for record in updates]
        moves = [
            (
                record.id,
                (record.sync_agreed or {}).get(unique, ""),
                record._sync_export()[unique],
            )
            for record in updates
        ]
        return sync_planner.order_updates(
            moves, lambda taken: self._sync_temporary_key(pbx, taken)
        )

    def _sync_operation(self, temporary=None, use_versions=True):
        """The bulk operation that pushes this record, or None if nothing
        differs from what the PBX has."""
        self.ensure_one()
        values = self._sync_export()
        if not self.remote_id:
            return {
                "op": "create",
                "values": values,
                "idempotency_key": self._sync_idempotency_key(),
            }
        if temporary:
            changes = {self._sync_unique_key: temporary}
        else:
            changes = sync_planner.changed_values(values, self.sync_agreed)
        if not changes:
            return None
        operation = {"op": "update", "id": self.remote_id, "values": changes}
        # Version 0: never agreed on one (a record of the first sync): no
        # condition, as then.
        if use_versions and self.remote_version:
            operation["if_match"] = self.remote_version
        return operation

    def _sync_idempotency_key(self):
        # The same key for every retry of one creation: never two objects.
        return "{}:{}:{}:{}".format(
            self.env["ir.config_parameter"].sudo().get_param("database.uuid"),
            self._name,
            self.id,
            self.sync_generation,
        )

    def _sync_push_failed(self, operation, error):
        """Record a push the PBX refused; return the run's count to add
        ("conflicts", "errors" or None)."""
        self.ensure_one()
        if isinstance(error, PreconditionFailedError):
            current = error.current
            if current is None:
                self._sync_write(
                    {"sync_state": "conflict", "sync_error": error.message}
                )
            elif (
                sync_planner.synced_part(current.values(), self._sync_field_table)
                == self._sync_export()
            ):
                # The PBX already has Odoo's values (an earlier push of ours).
                self._sync_agree(current, "pushed")
                return None
            else:
                self._sync_conflict(current)
            return "conflicts"
        if isinstance(error, NotFoundError) and operation["op"] == "update":
            self._sync_missing(self._sync_missing_message())
            return "errors"
        message = self.pbx_id._provider_error_message(error, self._sync_secrets())
        self._sync_write({"sync_state": "error", "sync_error": message})
        return "errors"

    @api.model
    def _sync_agree_all(self, pairs, state):
        """``_sync_agree`` for many ``(record, remote)`` at once: the values
        that differ per record in one UPDATE, the others in one write. Returns
        how many records are now in ``state`` (not pending again).

        Why SQL: a first push of 10,000 rooms would otherwise make 10,000
        ORM writes of three fields each, the bulk of its time.
        """
        if not pairs:
            return 0
        table = self._sync_field_table
        agreed = {
            record.id: sync_planner.synced_part(remote.values(), table)
            for record, remote in pairs
        }
        records = self.browse([record.id for record, _remote in pairs])
        columns = ["remote_id", "remote_version", "sync_agreed"]
        records.flush_recordset(columns)
        self.env.cr.execute(
            SQL(
                "UPDATE %s AS t SET remote_id = v.remote_id, "
                "remote_version = v.version, sync_agreed = v.agreed::jsonb "
                "FROM (VALUES %s) AS v(id, remote_id, version, agreed) "
                "WHERE t.id = v.id",
                SQL.identifier(self._table),
                SQL(", ").join(
                    SQL(
                        "(%s, %s, %s, %s)",
                        record.id,
                        remote.id,
                        remote.version,
                        json.dumps(agreed[record.id]),
                    )
                    for record, remote in pairs
                ),
            )
        )
        records.invalidate_recordset(columns)
        pending = records.filtered(lambda r: r._sync_export() != agreed[r.id])
        common = {
            "sync_error": False,
            "remote_values": False,
            "last_sync_date": fields.Datetime.now(),
        }
        (records - pending)._sync_write(
            common | {"need_sync": False, "sync_state": state}
        )
        pending._sync_write(common | {"need_sync": True, "sync_state": "pending"})
        return len(records - pending)

    def _sync_not_creatable_message(self):
        return self.env._("Odoo cannot create it on the PBX.")
