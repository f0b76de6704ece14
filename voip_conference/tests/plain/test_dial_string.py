# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tier 1: the dial-string grammar, driven by the vectors the widget's twin
(``static/src/utils/dial_string.esm.js``) is tested against in Hoot."""

import json
import pathlib

import pytest
from voip_conference_tools import dial_string

VECTORS = (
    pathlib.Path(dial_string.__file__).parents[1]
    / "static/tests/dial_string_cases.json"
)
CASES = json.loads(VECTORS.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "case", CASES["parse"], ids=[case["description"] for case in CASES["parse"]]
)
def test_parse(case):
    parsed = dial_string.parse(case["input"])
    assert parsed.as_dict() == {
        "number": case["number"],
        "post_dial": case["post_dial"],
        "label": case["label"],
    }


def test_label_letters_never_become_tones():
    """Issue 10, 1: the label's letters were sent as A-D tones."""
    parsed = dial_string.parse("+3225550100,,85012345678#,,,,*123456# BE (Brussels)")
    assert parsed.tones == "85012345678#,,,,*123456#"
    assert parsed.lead == ",,"
    parsed = dial_string.parse("+32 2 555 01 00,,123456789#   Belgium, Brussels")
    assert parsed.tones == "123456789#"
    assert str(parsed) == "+3225550100,,123456789#"


@pytest.mark.parametrize(
    "case", CASES["tel_uri"], ids=[case["uri"] for case in CASES["tel_uri"]]
)
def test_tel_uri(case):
    uri = dial_string.tel_uri(case["number"], case["dtmf"])
    assert uri == case["uri"]
    # RFC 3986: no fragment, no parameter; the link dials what it says.
    assert "#" not in uri and ";" not in uri
    parsed = dial_string.parse(uri)
    assert parsed.number == dial_string.parse(case["number"]).number


@pytest.mark.parametrize("case", CASES["tel_uri_errors"], ids=repr)
def test_tel_uri_refuses(case):
    with pytest.raises(ValueError):
        dial_string.tel_uri(case["number"], case["dtmf"])


def test_one_tap():
    assert dial_string.one_tap("+32 2 555 01 00", "12 34") == "+3225550100,,1234#"
    assert dial_string.one_tap("+3225550100", "") == "+3225550100"
    assert dial_string.one_tap("", "1234") == ""
    assert dial_string.one_tap("8001", "42", pause=";") == "8001;42#"


@pytest.mark.parametrize(
    "case",
    [case for case in CASES["parse"] if "steps" in case],
    ids=[case["description"] for case in CASES["parse"] if "steps" in case],
)
def test_steps(case):
    """Issue 24, 2: a wait stops the dialler; the rest is a step of its own
    that the user asks for. Pauses stay pauses."""
    assert dial_string.parse(case["input"]).steps == case["steps"]


def test_normalize_reads_by_unicode_category():
    """Issue 24, 4: every dash, blank and format character, derived from the
    Unicode categories, not from the characters seen so far."""
    assert dial_string.normalize("12\u221234") == "12-34"
    assert dial_string.normalize("\u202a12\u200b34\u00ad\u2060\u202c") == "1234"
    assert dial_string.normalize("12\u300034\u2028") == "12 34 "
    assert dial_string.normalize("\uff11\uff12\u0663") == "123"
