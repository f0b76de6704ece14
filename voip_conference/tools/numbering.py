# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Rules of a PBX numbering plan: internal extensions and access codes.

The checks return an error *code* (or ``None`` when the value is valid) rather
than a message: the caller owns the wording and its translation.
"""

import re

from . import dial_string

EXTENSION_MIN_DIGITS = 2
EXTENSION_MAX_DIGITS = 8
# Axivox's console advises 3 to 5 digits: easy to remember and to dial.
EXTENSION_RECOMMENDED_DIGITS = (3, 5)
ACCESS_CODE_MAX_DIGITS = 20

# Error codes
NOT_DIGITS = "not_digits"
TOO_SHORT = "too_short"
TOO_LONG = "too_long"

_DIGITS = re.compile(r"[0-9]+")
_SPACES = re.compile(r"\s+")


def clean(value):
    """Return ``value`` without blanks (users paste ``12 34``), or ``""``."""
    if not value:
        return ""
    return _SPACES.sub("", str(value))


def is_digits(value):
    """Whether ``value`` is made only of the ASCII digits 0-9."""
    return bool(value) and _DIGITS.fullmatch(value) is not None


def check_extension(value):
    """Check an internal extension; ``None`` when valid, else an error code.

    An extension is dialled from a desk phone keypad: ASCII digits only,
    between 2 and 8 of them.
    """
    value = clean(value)
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


def is_recommended_extension(value):
    """Whether an extension has the 3 to 5 digits that are easiest to dial."""
    low, high = EXTENSION_RECOMMENDED_DIGITS
    return is_digits(value) and low <= len(value) <= high


def one_tap(number, access_code=None, pause=",,"):
    """The one-tap dial string of a room: see :func:`dial_string.one_tap`."""
    return dial_string.one_tap(number, access_code, pause=pause)
