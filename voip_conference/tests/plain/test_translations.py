# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every string of the addon is translated in French, Spanish and Dutch."""

import pathlib
import re

import polib
import pytest

I18N = pathlib.Path(__file__).resolve().parents[2] / "i18n"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%s|%d")


@pytest.fixture(scope="module")
def template():
    return polib.pofile(str(I18N / "voip_conference.pot"))


def test_template_is_not_empty(template):
    assert len(template) > 100


@pytest.mark.parametrize("lang", ["fr", "es", "nl"])
def test_every_string_translated(template, lang):
    po = polib.pofile(str(I18N / f"{lang}.po"))
    translated = {entry.msgid: entry.msgstr for entry in po if not entry.obsolete}
    missing = [entry.msgid for entry in template if not translated.get(entry.msgid)]
    assert missing == []
    assert po.metadata.get("Language") == lang


@pytest.mark.parametrize("lang", ["fr", "es", "nl"])
def test_placeholders_kept(lang):
    po = polib.pofile(str(I18N / f"{lang}.po"))
    wrong = [
        entry.msgid
        for entry in po
        if sorted(PLACEHOLDER.findall(entry.msgid))
        != sorted(PLACEHOLDER.findall(entry.msgstr))
    ]
    assert wrong == []


# What a sentence reads as, its markup, links, times and placeholders aside.
NOT_PROSE = re.compile(r"https?://\S+|<[^>]+>|\d:\d|%\([a-z_]+\)s|%s|%d")
ADDONS = pathlib.Path(__file__).resolve().parents[3]


def _translations(lang):
    """(file, msgid, msgstr) of every addon of the repository in ``lang``."""
    for path in sorted(ADDONS.glob(f"*/i18n/{lang}.po")):
        for entry in polib.pofile(str(path)):
            if entry.msgstr and not entry.obsolete:
                yield path.parent.parent.name, entry.msgid, entry.msgstr


def test_french_puts_a_space_before_double_punctuation():
    """French typography: a (non-breaking) space before ? ! : ;."""
    glued = re.compile(r"[^\s\u00a0\u202f][?!:;](?=\s|$)")
    wrong = [
        (addon, msgstr)
        for addon, _msgid, msgstr in _translations("fr")
        if glued.search(NOT_PROSE.sub("x", msgstr))
    ]
    assert wrong == []


def test_spanish_opens_its_questions():
    wrong = [
        (addon, msgstr)
        for addon, _msgid, msgstr in _translations("es")
        if "?" in NOT_PROSE.sub("x", msgstr) and "¿" not in msgstr
    ]
    assert wrong == []


def test_french_telephony_says_poste():
    """A phone's internal number is a "poste" in French telephony; an
    "extension" is a file's (issue 26)."""
    wrong = [
        (addon, msgstr)
        for addon, _msgid, msgstr in _translations("fr")
        if re.search(r"\bextensions?\b", NOT_PROSE.sub("x", msgstr), re.I)
    ]
    assert wrong == []


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_voip_oca_terms_the_softphone_shows_are_translated(lang):
    """voip_oca ships no French or Spanish: its softphone's words come from
    here, as web-client ("odoo-javascript") terms, which the web client
    finds whatever module they come from (translatedTermsGlobal)."""
    po = polib.pofile(str(I18N / f"{lang}.po"))
    shipped = {
        entry.msgid: entry
        for entry in po
        if "odoo-javascript" in entry.comment
        and any("voip_oca" in path for path, _line in entry.occurrences)
    }
    for msgid in ("Calls", "Contacts", "No contact info"):
        assert shipped.get(msgid) and shipped[msgid].msgstr, msgid
