# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Rules of a PBX numbering plan: internal extensions, access codes and the
names of conference rooms.

The checks return an error *code* (or ``None`` when the value is valid) rather
than a message: the caller owns the wording and its translation.
"""

import re

import phonenumbers

from . import dial_string

EXTENSION_MIN_DIGITS = 2
EXTENSION_MAX_DIGITS = 8
# Axivox's console advises 3 to 5 digits: easy to remember and to dial.
EXTENSION_RECOMMENDED_DIGITS = (3, 5)
ACCESS_CODE_MAX_DIGITS = 20
# The contract's ConferenceInput.name maxLength (pbx_api.openapi.yaml).
ROOM_NAME_MAX_LENGTH = 100

# Error codes
REQUIRED = "required"
NOT_DIGITS = "not_digits"
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
# ... of phone numbers
NOT_A_NUMBER = "not_a_number"
NO_COUNTRY = "no_country"
UNKNOWN_COUNTRY_CODE = "unknown_country_code"
WRONG_LENGTH = "wrong_length"
NOT_IN_USE = "not_in_use"

_DIGITS = re.compile(r"[0-9]+")
# What dial_string.normalize() makes of every blank and dash of Unicode.
_SEPARATORS = re.compile(r"[ -]+")


def clean(value):
    """Return ``value`` read the way a phone reads it, or ``""``.

    Before any rule: other scripts' and full-width digits become ASCII,
    format characters (a zero-width space pasted with ``1234``, bidi marks)
    go, and blanks and dashes of every kind (``12 34``, ``12\u221234``) are
    separators, not part of the value (see :func:`dial_string.normalize`).
    """
    if not value:
        return ""
    return _SEPARATORS.sub("", dial_string.normalize(str(value)))


def is_digits(value):
    """Whether ``value`` is made only of the ASCII digits 0-9."""
    return bool(value) and _DIGITS.fullmatch(value) is not None


def check_extension(value):
    """Check an internal extension; ``None`` when valid, else an error code.

    An extension is dialled from a desk phone keypad: digits only (as
    :func:`clean` reads them), between 2 and 8 of them.
    """
    value = clean(value)
    if not value:
        return REQUIRED
    if not is_digits(value):
        return NOT_DIGITS
    if len(value) < EXTENSION_MIN_DIGITS:
        return TOO_SHORT
    if len(value) > EXTENSION_MAX_DIGITS:
        return TOO_LONG
    return None


def check_access_code(value):
    """Check a conference access code; ``None`` when valid, else an error code.

    The code is optional (empty is valid). ``#`` ends the code on the PBX's
    digital receptionist and ``*`` is a control key, so neither may be part
    of it: ASCII digits only, at most 20 of them.
    """
    value = clean(value)
    if not value:
        return None
    if not is_digits(value):
        return NOT_DIGITS
    if len(value) > ACCESS_CODE_MAX_DIGITS:
        return TOO_LONG
    return None


def check_room_name(value):
    """Check a conference room's name; ``None`` when valid, else an error code.

    Blanks around it do not count: a name of blanks only is no name.
    """
    value = (value or "").strip()
    if not value:
        return REQUIRED
    if len(value) > ROOM_NAME_MAX_LENGTH:
        return TOO_LONG
    return None


def is_recommended_extension(value):
    """Whether an extension has the 3 to 5 digits that are easiest to dial."""
    low, high = EXTENSION_RECOMMENDED_DIGITS
    return is_digits(value) and low <= len(value) <= high


def one_tap(number, access_code=None, pause=",,"):
    """The one-tap dial string of a room: see :func:`dial_string.one_tap`."""
    return dial_string.one_tap(number, access_code, pause=pause)


def one_tap_display(number, access_code=None, pause=",,"):
    """The one-tap string as people read it: ``+32 2 555 01 00,,1234#``.

    Shown beside (or as the text of) the ``tel:`` link: several mail apps
    link no ``tel:`` with commas, so the plain string must be readable and
    copied as it is; diallers skip its blanks. A number phonenumbers cannot
    read is kept as :func:`one_tap` writes it.
    """
    tap = one_tap(number, access_code, pause=pause)
    dialled = dial_string.parse(tap).number
    if not dialled:
        return tap
    return format_international(dialled) + tap[len(dialled) :]


def phone_number_problem(number, region=None):
    """Why phonenumbers refuses ``number`` read in ``region`` (ISO 3166-1
    alpha-2, or None), as an error code; ``None`` when it is a valid number.

    The library's own messages are English sentences meant for developers:
    the caller words the code for users instead.
    """
    number = dial_string.normalize(number).strip()
    if not number:
        return REQUIRED
    try:
        parsed = phonenumbers.parse(number, region or None)
    except phonenumbers.NumberParseException as error:
        kind = error.error_type
        if kind == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            international = number.startswith(("+", "00"))
            return UNKNOWN_COUNTRY_CODE if international else NO_COUNTRY
        if kind in (
            phonenumbers.NumberParseException.TOO_SHORT_NSN,
            phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD,
        ):
            return TOO_SHORT
        if kind == phonenumbers.NumberParseException.TOO_LONG:
            return TOO_LONG
        return NOT_A_NUMBER
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason == phonenumbers.ValidationResult.INVALID_COUNTRY_CODE:
        return UNKNOWN_COUNTRY_CODE
    if reason == phonenumbers.ValidationResult.TOO_SHORT:
        return TOO_SHORT
    if reason == phonenumbers.ValidationResult.TOO_LONG:
        return TOO_LONG
    if reason == phonenumbers.ValidationResult.INVALID_LENGTH:
        return WRONG_LENGTH
    if not phonenumbers.is_valid_number(parsed):
        return NOT_IN_USE
    return None


def format_international(number):
    """Return an E.164 number as people read it: ``+32 2 555 01 00``.

    Formatting is phonenumbers' (Google's libphonenumber metadata), grouped
    as in the number's own country. A value phonenumbers cannot read is
    returned unchanged, never lost.
    """
    if not number:
        return ""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


def region_of(number):
    """Return the ISO 3166-1 alpha-2 code of an E.164 number's country
    (``"BE"`` for ``+3225550100``), or ``None`` when it has none."""
    if not number:
        return None
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(parsed)
    return region if region and region != "ZZ" else None


def next_free_extension(extension, taken):
    """Return the first extension after ``extension`` that is not ``taken``.

    The number of digits is kept (``8009`` is followed by ``8010``, ``099``
    by ``100``); ``None`` when every extension of that length above it is
    taken.
    """
    extension = clean(extension)
    if not is_digits(extension):
        return None
    width = len(extension)
    for value in range(int(extension) + 1, 10**width):
        candidate = str(value).zfill(width)
        if candidate not in taken:
            return candidate
    return None
