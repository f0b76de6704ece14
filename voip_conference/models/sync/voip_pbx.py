# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import contextlib
import logging
import time

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError

from ...tools.provider import (
    RESOURCES,
    AuthError,
    BadResponseError,
    ProviderError,
    ProviderTimeout,
    RateLimitedError,
    UnavailableError,
)
from .voip_provider_sync_mixin import MEMO

_logger = logging.getLogger(__name__)

# Failures of the PBX as a whole: stop the run, keep everything pending.
PBX_FAILURES = (
    AuthError,
    UnavailableError,
    ProviderTimeout,
    RateLimitedError,
    BadResponseError,
)

# What a run catches: the provider's failures and Odoo refusing what the PBX
# sent; the run's savepoint undoes whatever the run did before.
RUN_FAILURES = (ProviderError, UserError, psycopg2.Error)

# Records pushed per transaction by the scheduled sync.
SYNC_BATCH = 200


class VoipPbx(models.Model):
    """The sync of a PBX: runs, their orchestration, and the user's actions."""

    _inherit = "voip.pbx"

    def action_sync(self):
        self.env["res.users"]._voip_conference_check_rights("manager")
        self.check_access("read")
        # A run writes the PBX's status, which only administrators may write.
        pbxs = self.sudo()
        for pbx in pbxs:
            pbx._sync(trigger="manual")
        return pbxs._notify_sync_result()

    def action_apply_changes(self):
        self.env["res.users"]._voip_conference_check_rights("manager")
        self.check_access("read")
        pbxs = self.sudo()
        for pbx in pbxs:
            pbx._sync(trigger="apply", pull=False, apply=True)
        return pbxs._notify_sync_result()

    def _notify_sync_result(self):
        runs = (
            self.sync_run_ids.sorted("id")[-len(self) :] if self else self.sync_run_ids
        )
        failed = runs.filtered(lambda r: r.status != "done")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if failed else "success",
                "message": "\n".join(runs.mapped("summary")),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_sync(self):
        pbxs = self.search([("pbx_backend", "!=", "none")])
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        for index, pbx in enumerate(pbxs, start=1):
            # One PBX's failure never stops the others: a run records what
            # it can; anything else is logged and the next PBX is synced.
            try:
                if in_cron:
                    # Batches committed as they go: the cron's own commits.
                    pbx._sync(trigger="cron", batch=SYNC_BATCH)
                else:
                    with self.env.cr.savepoint():
                        pbx._sync(trigger="cron")
            except Exception:
                _logger.exception("Scheduled sync of PBX %s failed", pbx.display_name)
                if in_cron:
                    self.env.cr.rollback()
            if in_cron:
                # One PBX's work is kept even if a later one fails.
                self.env["ir.cron"]._commit_progress(1, remaining=len(pbxs) - index)

    @api.model
    def _sync_models(self):
        """The synced models, in the order of their provider resources."""
        names = self.env.registry.descendants(["voip.provider.sync.mixin"], "_inherit")
        models_ = [self.env[name] for name in names if not self.env[name]._abstract]
        return sorted(models_, key=lambda m: RESOURCES.index(m._sync_resource))

    def _sync(self, trigger="manual", pull=True, push=True, apply=None, batch=None):
        """One sync run of this PBX: pull, push, deletions, apply.

        One run per PBX at a time (row lock). With ``batch``, the pushes are
        committed every ``batch`` records (the scheduled sync): the lock is
        taken again after each commit, and a run that loses it stops, the
        other one going on; nothing is pushed twice.
        """
        self.ensure_one()
        if self.pbx_backend == "none":
            return self.env["voip.pbx.sync.run"]
        run = (
            self.env["voip.pbx.sync.run"]
            .sudo()
            .create(
                {
                    "pbx_id": self.id,
                    "trigger": trigger,
                    "direction": _direction(pull, push, apply),
                }
            )
        )
        start = time.perf_counter()
        if not self.try_lock_for_update(allow_referencing=True):
            run.write(
                {
                    "status": "skipped",
                    "message": self.env._("Another sync of this PBX is running."),
                }
            )
            return run
        status, backend = self._sync_run(run, pull, push, apply, batch)
        run.write(
            {
                "status": run._final_status(
                    status, {name: run[name] for name in ("errors", "conflicts")}
                ),
                "requests": backend.request_count if backend else 0,
                "duration": time.perf_counter() - start,
            }
        )
        return run

    def _sync_run(self, run, pull, push, apply, batch):
        """Run the steps of ``run`` (this PBX locked) and write the PBX's
        sync status. Returns ``(status, backend)``: "done" or "failed", and
        the backend used, if one was made."""
        pbx = self.with_context(**{MEMO: {}})
        backend = None
        try:
            with pbx._provider() as backend:
                # Batches commit as they go; otherwise the run is one unit:
                # a failure undoes it all (its counts too, on the run).
                with contextlib.nullcontext() if batch else self.env.cr.savepoint():
                    pbx._sync_steps(backend, run, pull, push, apply, batch)
            status = "done"
            self.write(
                {
                    "sync_status": "partial" if run.errors else "ok",
                    "sync_message": run.message,
                    "last_sync_date": fields.Datetime.now(),
                }
            )
        except RUN_FAILURES as error:
            # Records keep their pending state for next time.
            self.env.invalidate_all()
            status = "failed"
            run._sync_note(self._sync_failure_message(error))
            self.write({"sync_status": "error", "sync_message": run.message})
            _logger.info("Sync of PBX %s failed: %s", self.display_name, error)
        return status, backend

    def _sync_steps(self, backend, run, pull, push, apply, batch):
        capabilities = backend.capabilities()
        if pull:
            with self.env.cr.savepoint():
                for Model in self._sync_models():
                    Model._sync_pull(
                        self, backend, run, capabilities.get("incremental")
                    )
        if push:
            if not self._sync_push_all(backend, run, capabilities, batch):
                return  # another run holds the PBX now and goes on
            with self.env.cr.savepoint():
                self.env["voip.pbx.deletion"]._process(self, backend, run)
        if apply or (apply is None and self.auto_apply and run.pushed):
            run._sync_count(applied=self._sync_apply(backend))

    def _sync_failure_message(self, error):
        """The translated reason a whole run failed."""
        if isinstance(error, ProviderError):
            return self._provider_error_message(error)
        if isinstance(error, psycopg2.Error):
            return self.env._(
                "The database refused what the PBX sent; nothing was kept: %(error)s",
                error=error.pgerror or str(error),
            )
        return str(error.args[0] if error.args else error)

    def _sync_push_all(self, backend, run, capabilities, batch=None):
        """Push every pending record, model after model, ``batch`` records per
        transaction when set (else all in this one). False when another run
        took the PBX over between two batches."""
        for Model in self._sync_models():
            cursor = (self.sync_cursors or {}).get(Model._sync_resource, "")
            versions, last_id = [], 0
            while True:
                with self.env.cr.savepoint():
                    records = Model._sync_pending(self, batch or None, last_id)
                    if not records:
                        break
                    versions += records._sync_push(self, backend, run, capabilities)
                    last_id = records[-1].id
                if not batch or len(records) < batch:
                    break
                # Commit this batch; go on only while we hold the PBX.
                self._sync_advance_cursor(Model._sync_resource, cursor, versions)
                self._provider_save(backend)
                self.env["ir.cron"]._commit_progress(len(records))
                cursor, versions = (
                    (self.sync_cursors or {}).get(Model._sync_resource, ""),
                    [],
                )
                if not self.try_lock_for_update(allow_referencing=True):
                    run._sync_note(self.env._("Another sync took over this PBX."))
                    # Its state is the other run's now (the simulator's too).
                    backend.released = True
                    return False
            self._sync_advance_cursor(Model._sync_resource, cursor, versions)
        return True

    def _sync_advance_cursor(self, resource, cursor, versions):
        """Skip our own writes in the next incremental list.

        A PBX numbers its changes of a resource; if ours are exactly the
        next ones after the cursor, nobody else changed anything meanwhile
        and the cursor may move past them. Otherwise the next list brings
        them back with the others' changes (and they match: nothing to do).
        """
        if not versions or not str(cursor).isdigit():
            return
        start = int(cursor)
        if sorted(versions) == list(range(start + 1, start + len(versions) + 1)):
            self.sync_cursors = dict(self.sync_cursors or {}) | {
                resource: str(start + len(versions))
            }

    def _sync_apply(self, backend):
        """Put the pushed changes in production; return how many records."""
        backend.apply_changes()
        applied = 0
        for Model in self._sync_models():
            pushed = Model.with_context(active_test=False).search(
                [("pbx_id", "=", self.id), ("sync_state", "=", "pushed")]
            )
            pushed._sync_write({"sync_state": "synced"})
            applied += len(pushed)
        return applied


def _direction(pull, push, apply):
    if pull and push:
        return "both"
    if pull:
        return "pull"
    if push:
        return "push"
    return "apply"
