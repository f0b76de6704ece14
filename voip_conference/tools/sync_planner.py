# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Decide what a sync does, record by record, from values alone.

Odoo keeps, for each synced record, the values it last agreed on with the PBX
(``agreed``) and whether it was edited since (``need_sync``). Comparing them
with what the PBX says now tells who changed what, without writing anything
for records nobody changed:

==========================  ============  ==========================
PBX values vs agreed        Odoo edited   action
==========================  ============  ==========================
same                        no            nothing
same                        yes           push (Odoo's edit wins)
changed                     no            update_local
changed, equal to Odoo's    yes           mark_synced
changed                     yes           conflict
gone (had a remote id)      any           missing
listed again (was missing)  no / yes      found, then as above
only on the PBX             \\-            create_local
==========================  ============  ==========================

A record is *missing* when a list no longer has its object, or when one
request about it was answered 404 (a proxy, a wrong route may say so too).
A list that has its object again proves it was not deleted: the record is
found (``found`` when nothing else changed), never kept missing.

Records are matched by provider id first, then by their natural key (the
extension of a room, the E.164 number of an incoming number), never twice. A
record whose provider id is gone from the PBX may match by key a new object
(re-created on the PBX under a new id): that is a first meeting, as for a
record never pushed: equal values are synced, else Odoo's edit is pushed or
the PBX's values are taken.

Only the keys Odoo syncs are compared: the PBX may hold more.

:func:`order_updates` orders the pushes of a natural key that must stay unique
on the PBX (extensions), so that swaps and cycles converge in one sync.
"""

import dataclasses

NOTHING = "nothing"
PUSH = "push"
UPDATE_LOCAL = "update_local"
MARK_SYNCED = "mark_synced"
CONFLICT = "conflict"
MISSING = "missing"
FOUND = "found"
CREATE_LOCAL = "create_local"


@dataclasses.dataclass(frozen=True)
class LocalState:
    local_id: int
    key: str
    # The provider values Odoo has now, and those last agreed with the PBX.
    values: dict
    remote_id: str = ""
    agreed: dict = None
    need_sync: bool = False
    # Already known to be gone from the PBX: it may match a new object by key.
    missing: bool = False


@dataclasses.dataclass(frozen=True)
class Action:
    kind: str
    local: LocalState = None
    remote: object = None


def synced_part(remote_values, local_values):
    """The PBX's values of the keys Odoo syncs (``local_values``' keys)."""
    return {key: remote_values.get(key) for key in local_values}


def plan(locals_, remotes, key_of, full=True, deleted=()):
    """Return the actions of a pull.

    :param locals_: [LocalState] of one PBX and one kind of record; with
        ``full=False``, only those that may match ``remotes`` or ``deleted``
    :param remotes: provider objects with ``id`` and ``values()``: every object
        of the PBX (``full``) or those changed since the last pull
    :param key_of: remote object -> natural key
    :param deleted: provider ids deleted since the last pull (incremental)
    """
    listed = {remote.id for remote in remotes}
    if full:
        gone = {loc.remote_id for loc in locals_ if loc.remote_id} - listed
    else:
        gone = set(deleted) - listed
    # A missing record's object may come back under a new id (matched by
    # key) or under its own: then it was never gone.
    gone |= {loc.remote_id for loc in locals_ if loc.missing and loc.remote_id}
    gone -= listed
    by_remote_id = {loc.remote_id: loc for loc in locals_ if loc.remote_id}
    by_key = {
        loc.key: loc
        for loc in locals_
        if loc.key and (not loc.remote_id or loc.remote_id in gone)
    }
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
        kind = _decide(local, remote)
        if local.missing and kind in (NOTHING, PUSH) and local.remote_id == remote.id:
            kind = FOUND  # listed again: only its state changes (then pushed)
        actions.append(Action(kind, local, remote))
    for local in locals_:
        if local.local_id not in matched and local.remote_id in gone:
            actions.append(Action(MISSING, local))
    return actions


def _decide(local, remote):
    theirs = synced_part(remote.values(), local.values)
    if local.remote_id != remote.id:
        # Matched by key: the first meeting of both sides.
        if theirs == local.values:
            return MARK_SYNCED
        return PUSH if local.need_sync else UPDATE_LOCAL
    if theirs == synced_part(local.agreed or {}, local.values):
        return PUSH if local.need_sync else NOTHING
    if not local.need_sync:
        return UPDATE_LOCAL
    if theirs == local.values:
        return MARK_SYNCED
    return CONFLICT


def changed_values(values, agreed):
    """What a push sends: the values that differ from the agreed ones."""
    agreed = agreed or {}
    return {key: value for key, value in values.items() if agreed.get(key) != value}


def order_updates(moves, temporary_key):
    """Order pushes that change a unique key so that each one finds it free.

    A PBX refuses an extension another room still holds: swapping two rooms'
    extensions, or any cycle, can only be pushed through a temporary value.

    :param moves: ``[(local_id, key_now_on_the_pbx, key_wanted)]`` in the
        order the caller would push them; ``key_wanted`` equal to the key now
        for records whose key does not change
    :param temporary_key: ``taken_keys -> key`` returning a key free on the
        PBX and not in ``taken_keys``
    :return: ``[(local_id, temporary_key_or_None)]``: push in this order; a
        step with a temporary key moves only the key there, the record's own
        step comes later. A move whose key a record outside ``moves`` holds is
        left for the PBX to refuse.
    """
    holder = {old: local_id for local_id, old, _new in moves if old}
    pending = {local_id: (old, new) for local_id, old, new in moves}
    steps = []
    while pending:
        progressed = False
        for local_id, (old, new) in list(pending.items()):
            blocker = holder.get(new)
            if new != old and blocker in pending and blocker != local_id:
                continue
            steps.append((local_id, None))
            if holder.get(old) == local_id:
                del holder[old]
            holder[new] = local_id
            del pending[local_id]
            progressed = True
        if progressed:
            continue
        # Every record left waits for another one: a cycle. Find a record on
        # it (follow who waits for whom) and park it on a temporary key.
        local_id = next(iter(pending))
        seen = set()
        while local_id not in seen:
            seen.add(local_id)
            local_id = holder[pending[local_id][1]]
        old, new = pending[local_id]
        taken = set(holder) | {wanted for _o, wanted in pending.values()}
        temporary = temporary_key(taken)
        steps.append((local_id, temporary))
        del holder[old]
        holder[temporary] = local_id
        pending[local_id] = (temporary, new)
    return steps


def temporary_extension(taken, digits=8):
    """The highest ``digits``-digit extension not in ``taken``."""
    for value in range(10**digits - 1, 10 ** (digits - 1) - 1, -1):
        if str(value) not in taken:
            return str(value)
    raise ValueError("No free extension left.")
