# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from voip_conference_tools import sync_planner as sp
from voip_conference_tools.provider import Room


def _local(local_id, room, remote_id="", synced=None, need_sync=False):
    return sp.LocalState(
        local_id=local_id,
        key=room.extension,
        values=room.values(),
        remote_id=remote_id,
        synced_hash=sp.values_hash(synced.values()) if synced else "",
        need_sync=need_sync,
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


def _plan(locals_, remotes):
    return _kinds(sp.plan(locals_, remotes, lambda r: r.extension))


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


def test_deleted_on_pbx_is_missing_and_new_local_is_pushed():
    new = Room(name="New", extension="8002")
    assert _plan([_local(1, A, "c1", A), _local(2, new, need_sync=True)], []) == [
        ("missing", 1, None),
        ("push", 2, None),
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


def test_hash_is_stable():
    assert sp.values_hash({"a": 1, "b": "x"}) == sp.values_hash({"b": "x", "a": 1})
    assert sp.values_hash({"a": 1}) != sp.values_hash({"a": 2})
