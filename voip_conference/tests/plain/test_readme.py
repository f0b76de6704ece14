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
