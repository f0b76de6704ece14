# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from voip_conference_tools import sync_planner as sp
from voip_conference_tools.provider import Room


def _local(local_id, room, remote_id="", synced=None, need_sync=False, missing=False):
    return sp.LocalState(
        local_id=local_id,
        key=room.extension,
        values=room.values(),
        remote_id=remote_id,
        agreed=synced.values() if synced else None,
        need_sync=need_sync,
        missing=missing,
    )


def _kinds(actions):
    return sorted(
        (
            a.kind,
            a.local.local_id if a.local else None,
            a.remote.id if a.remote else None,
        )
        for a in actions
    )


def _plan(locals_, remotes, **kwargs):
    return _kinds(sp.plan(locals_, remotes, lambda r: r.extension, **kwargs))


A = Room(name="A", extension="8001", id="c1")
A2 = Room(name="A renamed", extension="8001", id="c1")


def test_unchanged_does_nothing():
    assert _plan([_local(1, A, "c1", A)], [A]) == [("nothing", 1, "c1")]


def test_local_edit_is_pushed():
    assert _plan([_local(1, A2, "c1", A, need_sync=True)], [A]) == [("push", 1, "c1")]


def test_remote_edit_updates_local():
    assert _plan([_local(1, A, "c1", A)], [A2]) == [("update_local", 1, "c1")]


def test_both_edited_is_a_conflict():
    local = Room(name="A local", extension="8001")
    assert _plan([_local(1, local, "c1", A, need_sync=True)], [A2]) == [
        ("conflict", 1, "c1")
    ]


def test_both_edited_the_same_way_is_synced():
    assert _plan([_local(1, A2, "c1", A, need_sync=True)], [A2]) == [
        ("mark_synced", 1, "c1")
    ]


def test_deleted_on_pbx_is_missing_and_new_local_is_left_to_the_push():
    new = Room(name="New", extension="8002")
    assert _plan([_local(1, A, "c1", A), _local(2, new, need_sync=True)], []) == [
        ("missing", 1, None),
    ]


def test_incremental_pull_flags_only_the_deleted():
    other = Room(name="B", extension="8002", id="c2")
    locals_ = [_local(1, A, "c1", A), _local(2, other, "c2", other)]
    assert _plan(locals_, [], full=False, deleted=["c2"]) == [("missing", 2, None)]
    assert _plan(locals_, [], full=False) == []


def test_recreated_on_the_pbx_under_a_new_id_rematches_by_key():
    again = Room(name="A", extension="8001", id="c7")
    # Full list: c1 is gone, c7 holds its extension.
    assert _plan([_local(1, A, "c1", A)], [again]) == [("mark_synced", 1, "c7")]
    # Incremental: c1 was deleted, c7 created since the last pull.
    assert _plan(
        [_local(1, A2, "c1", A, need_sync=True)], [again], full=False, deleted=["c1"]
    ) == [("push", 1, "c7")]
    # Flagged missing earlier, re-created later.
    assert _plan(
        [_local(1, A, "c1", A, missing=True)],
        [A2.__class__(**(A2.values() | {"id": "c8"}))],
        full=False,
    ) == [("update_local", 1, "c8")]


def test_keys_odoo_does_not_sync_are_not_compared():
    local = sp.LocalState(1, "8001", {"name": "A"}, "c1", {"name": "A"})
    assert _kinds(sp.plan([local], [A], lambda r: r.extension)) == [
        ("nothing", 1, "c1")
    ]


def test_only_on_pbx_is_created_locally():
    assert _plan([], [A]) == [("create_local", None, "c1")]


def test_matched_by_extension_never_duplicated():
    local = _local(1, Room(name="A", extension="8001"))
    twin = Room(name="A", extension="8001", id="c9")
    # The first meeting: same values -> synced; a second PBX room with the
    # same key is not matched twice.
    assert _plan([local], [A, twin]) == [
        ("create_local", None, "c9"),
        ("mark_synced", 1, "c1"),
    ]


def test_remote_id_wins_over_key():
    moved = Room(name="A", extension="8009", id="c1")
    assert _plan([_local(1, A, "c1", A)], [moved]) == [("update_local", 1, "c1")]


def test_changed_values_are_what_differs_from_the_agreed():
    assert sp.changed_values(
        {"name": "B", "extension": "1"}, {"name": "A", "extension": "1"}
    ) == {"name": "B"}
    assert sp.changed_values({"name": "B"}, None) == {"name": "B"}


def _run(moves, holders=None):
    """Push the steps on a PBX that refuses a key someone holds."""
    holders = dict(holders or {})  # key -> local_id
    holders.update({old: local_id for local_id, old, _new in moves})
    wanted = {local_id: new for local_id, _old, new in moves}
    now = {local_id: old for local_id, old, _new in moves}
    refused = []
    for local_id, temporary in sp.order_updates(moves, sp.temporary_extension):
        key = temporary or wanted[local_id]
        if holders.get(key, local_id) != local_id:
            refused.append(local_id)
            continue
        del holders[now[local_id]]
        now[local_id] = key
        holders[key] = local_id
    return now, refused


def test_swap_converges_through_a_temporary_key():
    moves = [(1, "8001", "8002"), (2, "8002", "8001")]
    steps = sp.order_updates(moves, sp.temporary_extension)
    assert steps == [(1, "99999999"), (2, None), (1, None)]
    assert _run(moves) == ({1: "8002", 2: "8001"}, [])


def test_chain_is_ordered_without_temporary_keys():
    moves = [(1, "8001", "8002"), (2, "8002", "8003")]
    assert sp.order_updates(moves, sp.temporary_extension) == [(2, None), (1, None)]


def test_three_cycle_and_a_chain_into_it():
    moves = [
        (1, "1", "2"),
        (2, "2", "3"),
        (3, "3", "1"),
        (4, "4", "1"),  # wants a key of the cycle: the PBX will refuse it
        (5, "5", "5"),  # unchanged key
    ]
    now, refused = _run(moves)
    assert (now[1], now[2], now[3], now[5]) == ("2", "3", "1", "5")
    assert refused == [4]


def test_temporary_key_avoids_taken_ones():
    assert sp.temporary_extension({"99999999", "99999998"}) == "99999997"


def test_missing_but_listed_again_is_found():
    """One 404 flagged it missing; a list that has its object clears that,
    whatever else holds the same key, and whoever edited it."""
    other = Room(name="Other", extension="8001", id="c9")
    assert _plan([_local(1, A, "c1", A, missing=True)], [A]) == [("found", 1, "c1")]
    assert _plan([_local(1, A2, "c1", A, need_sync=True, missing=True)], [A]) == [
        ("found", 1, "c1")
    ]
    assert _plan([_local(1, A, "c1", A, missing=True)], [A2]) == [
        ("update_local", 1, "c1")
    ]
    assert _plan([_local(1, A, "c1", A, missing=True)], [other, A], full=False) == [
        ("create_local", None, "c9"),
        ("found", 1, "c1"),
    ]
