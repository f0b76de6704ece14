# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import ast
import pathlib

import pytest
from voip_conference_tools import dial_string, numbering
from voip_conference_tools.numbering import NOT_DIGITS, REQUIRED, TOO_LONG, TOO_SHORT


@pytest.mark.parametrize(
    "value",
    ["10", "100", "8001", "12345", "12345678", " 80 01 ", "0000"],
)
def test_extension_accepted(value):
    assert numbering.check_extension(value) is None


# Issue 24, 4: what people paste is read the way a phone reads it, in every
# field that holds digits, before any rule.
PASTED_8001 = [
    "8001\u200b",  # zero-width space
    "\u202a8001\u202c",  # bidi marks (Outlook, Teams)
    "80\u206001",  # word joiner
    "80\u00ad01",  # soft hyphen
    "\ufeff8001",  # byte-order mark
    "80\u221201",  # minus sign
    "80\u201101",  # non-breaking hyphen
    "80\u201401",  # em dash
    "80-01",
    "80\u00a001",  # no-break space
    "80\u202f01",  # narrow no-break space
    "80\u300001",  # ideographic space
    "８００１",  # full-width digits
    "٨٠٠١",  # Arabic-Indic digits
]


@pytest.mark.parametrize("value", PASTED_8001)
def test_pasted_digits_read_as_a_phone_does(value):
    assert numbering.clean(value) == "8001"
    assert numbering.check_extension(value) is None
    assert numbering.check_access_code(value) is None


@pytest.mark.parametrize(
    "value, error",
    [
        ("", REQUIRED),
        (None, REQUIRED),
        ("   ", REQUIRED),
        ("1", TOO_SHORT),
        ("123456789", TOO_LONG),
        ("80a1", NOT_DIGITS),
        ("8001#", NOT_DIGITS),
        ("*8001", NOT_DIGITS),
        ("+3221", NOT_DIGITS),
        ("80.01", NOT_DIGITS),
    ],
)
def test_extension_refused(value, error):
    assert numbering.check_extension(value) == error


@pytest.mark.parametrize("value", [None, "", "0", "1234", "9" * 20, "12 34"])
def test_access_code_accepted(value):
    assert numbering.check_access_code(value) is None


@pytest.mark.parametrize(
    "value, error",
    [
        ("1234#", NOT_DIGITS),
        ("#", NOT_DIGITS),
        ("12*4", NOT_DIGITS),
        ("abcd", NOT_DIGITS),
        ("9" * 21, TOO_LONG),
    ],
)
def test_access_code_refused(value, error):
    assert numbering.check_access_code(value) == error


@pytest.mark.parametrize("value", ["A", " Sales ", "x" * 100])
def test_room_name_accepted(value):
    assert numbering.check_room_name(value) is None


@pytest.mark.parametrize(
    "value, error",
    [(None, REQUIRED), ("", REQUIRED), ("   ", REQUIRED), ("x" * 101, TOO_LONG)],
)
def test_room_name_refused(value, error):
    assert numbering.check_room_name(value) == error


def test_clean_removes_separators_only():
    assert numbering.clean(" 12\t34 ") == "1234"
    assert numbering.clean("12-34") == "1234"
    assert numbering.clean("12.34") == "12.34"
    assert numbering.clean("*12#") == "*12#"
    assert numbering.clean(None) == ""


@pytest.mark.parametrize(
    "value, expected",
    [("12", False), ("123", True), ("12345", True), ("123456", False), ("12a", False)],
)
def test_recommended_extension(value, expected):
    assert numbering.is_recommended_extension(value) is expected


def test_one_tap_with_code():
    assert numbering.one_tap("+3225550100", "1234") == "+3225550100,,1234#"


def test_one_tap_without_code_never_sends_a_lone_hash():
    assert numbering.one_tap("+3225550100", "") == "+3225550100"
    assert numbering.one_tap("+3225550100", None) == "+3225550100"


def test_one_tap_custom_pause_and_no_number():
    assert numbering.one_tap("8001", "42", pause=";") == "8001;42#"
    assert numbering.one_tap("", "42") == ""


@pytest.mark.parametrize(
    ("number", "code", "shown"),
    [
        ("+3225550100", "1234", "+32 2 555 01 00,,1234#"),
        ("+33184880100", "1234", "+33 1 84 88 01 00,,1234#"),
        ("+12025550100", "42 42", "+1 202-555-0100,,4242#"),
        ("+3225550100", "", "+32 2 555 01 00"),
        ("8101", "1234", "8101,,1234#"),  # an extension: nothing to group
        ("", "1234", ""),
    ],
)
def test_one_tap_as_people_read_it(number, code, shown):
    assert numbering.one_tap_display(number, code) == shown
    # It dials what the one-tap string dials.
    assert (
        dial_string.parse(shown).number
        == dial_string.parse(numbering.one_tap(number, code)).number
    )


def test_tools_never_import_odoo():
    """The tools are what tier 1 proves without Odoo: keep them Odoo-free."""
    tools_dir = pathlib.Path(numbering.__file__).parent
    offenders = []
    for path in sorted(tools_dir.glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            offenders += [
                f"{path.name}: {name}"
                for name in names
                if name == "odoo" or name.startswith("odoo.")
            ]
    assert tools_dir.name == "tools"
    assert len(list(tools_dir.glob("*.py"))) >= 2
    assert offenders == []


@pytest.mark.parametrize(
    "number, shown, region",
    [
        ("+3225550100", "+32 2 555 01 00", "BE"),
        ("+33142685300", "+33 1 42 68 53 00", "FR"),
        ("+34915550100", "+34 915 55 01 00", "ES"),
        ("+12025550100", "+1 202-555-0100", "US"),
        ("+31201234567", "+31 20 123 4567", "NL"),
    ],
)
def test_numbers_as_people_read_them_with_their_country(number, shown, region):
    assert numbering.format_international(number) == shown
    assert numbering.region_of(number) == region


@pytest.mark.parametrize("value", ["", None, "not a number", "8001"])
def test_unreadable_numbers_are_kept(value):
    assert numbering.format_international(value) == (value or "")
    assert numbering.region_of(value) is None


@pytest.mark.parametrize(
    "extension, taken, expected",
    [
        ("8001", {"8001"}, "8002"),
        ("8001", {"8001", "8002", "8003"}, "8004"),
        ("8009", {"8009"}, "8010"),
        ("099", {"099"}, "100"),
        ("99", {"99"}, None),
    ],
)
def test_next_free_extension_keeps_the_length(extension, taken, expected):
    assert numbering.next_free_extension(extension, taken) == expected


@pytest.mark.parametrize(
    "number, region, problem",
    [
        ("+32 2 555 01 00", None, None),
        ("02 555 01 00", "BE", None),
        ("", "BE", numbering.REQUIRED),
        ("abc", "BE", numbering.NOT_A_NUMBER),
        ("02 555 01 00", None, numbering.NO_COUNTRY),
        # Issue 24, 4: a minus sign, bidi marks, a zero-width space.
        ("\u202a+32\u22122\u2212555\u200b01\u202f00\u202c", None, None),
        ("+999 123 456", None, numbering.UNKNOWN_COUNTRY_CODE),
        ("12", "BE", TOO_SHORT),
        ("+32 2 123 45 67 89 01", None, TOO_LONG),
        ("+32 9 999 99 99 9", None, numbering.NOT_IN_USE),
    ],
)
def test_phone_number_problem_is_a_code_never_the_library_text(number, region, problem):
    assert numbering.phone_number_problem(number, region) == problem
