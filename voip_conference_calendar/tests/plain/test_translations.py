# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every string of the calendar bridge is translated in French, Spanish and
Dutch, with its placeholders kept."""

import pathlib
import re

import polib
import pytest

I18N = pathlib.Path(__file__).resolve().parents[2] / "i18n"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%s|%d")


@pytest.fixture(scope="module")
def template():
    return polib.pofile(str(I18N / "voip_conference_calendar.pot"))


def test_template_is_not_empty(template):
    assert len(template) > 50


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
