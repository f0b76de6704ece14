# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Each addon's README.rst and static/description/index.html are what
scripts/gen_addon_readme.py makes of its readme/ fragments (run it after
changing one), and each addon has its 128 x 128 icon."""

import html
import importlib.util
import pathlib
import re
import shlex
import struct

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "voip_conference_gen_addon_readme", REPO / "scripts" / "gen_addon_readme.py"
)
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

TEST_SCRIPT = (REPO / "scripts" / "test").read_text()
ADDONS = shlex.split(re.search(r"^ADDONS=\((.*)\)$", TEST_SCRIPT, re.M)[1])


def test_the_generator_serves_every_addon_tested():
    assert gen.addons() == sorted(ADDONS)


@pytest.mark.parametrize("addon", ADDONS)
@pytest.mark.parametrize("page", ["README.rst", "static/description/index.html"])
def test_committed_page_is_up_to_date(addon, page):
    path = REPO / addon / page
    assert (
        path.read_text() == gen.pages(REPO / addon)[path]
    ), f"{addon}/{page} is not up to date: run python3 scripts/gen_addon_readme.py"


def _words(text):
    return " ".join(text.split())


@pytest.mark.parametrize("addon", ADDONS)
def test_index_html_says_every_word_of_the_fragments_in_order(addon):
    """Nothing of a fragment is lost or garbled on the way to the page."""
    page = gen.index_html(REPO / addon)
    shown = _words(html.unescape(re.sub(r"<[^>]+>", "", page)))
    for name, _heading in gen.SECTIONS:
        path = REPO / addon / "readme" / f"{name}.md"
        if not path.exists():
            continue
        text = re.sub(r"^(#+|[-*]|\d+\.) ", "", path.read_text(), flags=re.M)
        assert _words(_plain(text)) in shown, f"{addon}/readme/{name}.md"


def _plain(markdown):
    """The text of inline Markdown: code as written, no emphasis marks."""
    parts = re.split(r"`([^`\n]+)`", markdown)
    parts[::2] = [
        re.sub(r"\*\*|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)", "", p) for p in parts[::2]
    ]
    return "".join(parts)


def test_markdown_blocks_are_read_as_written():
    text = (
        "## Title\n\nA **bold** `*43` and *em*\ntext:\n\n    CODE;X\n\n"
        "- one\n  two\n- three\n\n1. first\n2. second\n"
    )
    assert gen.blocks(text) == [
        ("heading", (2, "Title")),
        ("paragraph", ["A **bold** `*43` and *em*", "text:"]),
        ("code", ["CODE;X"]),
        ("list", (False, [["one", "two"], ["three"]])),
        ("list", (True, [["first"], ["second"]])),
    ]
    assert gen.html_inline("**The `.ics` x** *a b* `*43`") == (
        "<strong>The <code>.ics</code> x</strong> <em>a b</em> <code>*43</code>"
    )
    rst = gen.rst_blocks(gen.blocks(text))
    assert "text::" in rst and "    CODE;X" in rst and "  two" in rst


@pytest.mark.parametrize("addon", ADDONS)
def test_icon_is_a_128_pixel_png(addon):
    data = (REPO / addon / "static" / "description" / "icon.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (128, 128)
