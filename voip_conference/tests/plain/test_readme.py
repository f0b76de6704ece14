# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The readme reads as whole paragraphs: no merge left one cut in two."""

import pathlib
import re

import pytest

ADDON = pathlib.Path(__file__).resolve().parents[2]
DOCUMENTS = sorted((ADDON / "readme").glob("*.md")) + [ADDON / "README.rst"]
# A paragraph that starts in lower case or with a closing mark is the tail of
# a sentence whose start is elsewhere.
MID_SENTENCE = re.compile(r"[a-z)\],;:.]")


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_every_paragraph_starts_a_sentence(path):
    starts = [
        block.strip("\n").splitlines()[0]
        for block in re.split(r"\n[ \t]*\n", path.read_text())
        if block.strip()
    ]
    orphans = [
        line
        for line in starts
        if MID_SENTENCE.match(line) and not line.startswith("..")
    ]
    assert orphans == []


def test_usage_says_what_mute_all_does():
    """USAGE.md tells the truth of Mute All, as the simulator (the contract's
    reference) does it: administrators untouched, later joiners unmuted."""
    from voip_conference_tools.provider import Room
    from voip_conference_tools.simulated_pbx import SimulatedPbx

    pbx = SimulatedPbx(sleep=lambda _s: None)
    room = pbx.create_room(Room(name="R", extension="8001", admin_extension="100"))
    pbx.apply_changes()
    admin = pbx.dial_in(room.id, "100")
    pbx.update_participant(room.id, admin.id, muted=True)  # muted their own line
    pbx.dial_in(room.id, "101")
    pbx.room_action(room.id, "mute_all")
    pbx.room_action(room.id, "unmute_all")
    pbx.room_action(room.id, "mute_all")
    later = pbx.dial_in(room.id, "102")
    muted = {p.number: p.muted for p in pbx.list_participants(room.id)}
    assert muted == {"100": True, "101": True, "102": False}
    assert not later.muted
    usage = " ".join((ADDON / "readme" / "USAGE.md").read_text().split())
    assert "whoever joins or is invited afterwards joins unmuted" in usage
    assert "neither mutes nor unmutes them, and neither does **Unmute All**" in usage
