# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Decide what a pull does, record by record, from hashes alone.

Odoo keeps, for each synced record, the hash of the values it last agreed on
with the PBX (``synced_hash``) and whether it was edited since
(``need_sync``). Comparing that with the hash of what the PBX says now tells
who changed what, without writing anything for records nobody changed:

==========================  ============  ==========================
PBX values vs last synced   Odoo edited   action
==========================  ============  ==========================
same                        no            nothing
same                        yes           push (Odoo's edit wins)
changed                     no            update_local
changed, equal to Odoo's    yes           mark_synced
changed                     yes           conflict
gone (had a remote id)      any           missing
only on the PBX             \\-            create_local
only in Odoo, never pushed  \\-            push
==========================  ============  ==========================

Records are matched by provider id first, then by their natural key (the
extension of a room, the E.164 number of an incoming number), never twice.
"""

import dataclasses
import hashlib
import json

NOTHING = "nothing"
PUSH = "push"
UPDATE_LOCAL = "update_local"
MARK_SYNCED = "mark_synced"
CONFLICT = "conflict"
MISSING = "missing"
CREATE_LOCAL = "create_local"


def values_hash(values):
    """A stable hash of a dict of synced values."""
    data = json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha1(data.encode()).hexdigest()


@dataclasses.dataclass(frozen=True)
class LocalState:
    local_id: int
    key: str
    values: dict
    remote_id: str = ""
    synced_hash: str = ""
    need_sync: bool = False


@dataclasses.dataclass(frozen=True)
class Action:
    kind: str
    local: LocalState = None
    remote: object = None


def plan(locals_, remotes, key_of):
    """Return the actions of a pull.

    :param locals_: [LocalState] of one PBX and one kind of record
    :param remotes: provider objects with ``id`` and ``values()``
    :param key_of: remote object -> natural key
    """
    by_remote_id = {loc.remote_id: loc for loc in locals_ if loc.remote_id}
    by_key = {loc.key: loc for loc in locals_ if not loc.remote_id and loc.key}
    matched = set()
    actions = []
    for remote in remotes:
        local = by_remote_id.get(remote.id)
        if local is None:
            local = by_key.pop(key_of(remote), None)
        if local is None or local.local_id in matched:
            actions.append(Action(CREATE_LOCAL, remote=remote))
            continue
        matched.add(local.local_id)
        actions.append(Action(_decide(local, remote), local, remote))
    for local in locals_:
        if local.local_id in matched:
            continue
        actions.append(Action(MISSING if local.remote_id else PUSH, local))
    return actions


def _decide(local, remote):
    remote_hash = values_hash(remote.values())
    if not local.remote_id:
        # Matched by key: the first meeting of both sides.
        if values_hash(local.values) == remote_hash:
            return MARK_SYNCED
        return PUSH if local.need_sync else UPDATE_LOCAL
    if remote_hash == local.synced_hash:
        return PUSH if local.need_sync else NOTHING
    if not local.need_sync:
        return UPDATE_LOCAL
    if values_hash(local.values) == remote_hash:
        return MARK_SYNCED
    return CONFLICT
