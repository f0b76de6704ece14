# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The dial-string grammar: what a phone dials from what people paste.

One grammar for the whole addon; the phone widget's twin is
``static/src/utils/dial_string.esm.js`` and both are tested against the same
vectors (``static/tests/dial_string_cases.json``), so they cannot drift apart.

A dial string is ``<number><post-dial><label>``:

- **number**: what is dialled. An E.164 number keeps its ``+``
  (ITU-T E.164, E.123; RFC 3966 "global-number"); ``*`` and ``#`` are kept
  for feature codes (``*43``, ``#31#``). The visual separators of E.123 and
  RFC 3966 (blank, ``-``, ``.``, ``(``, ``)``, ``/``) are not dialled; the
  national trunk prefix written ``(0)`` after a country code
  (``+44 (0)20 7946 0000``) is not dialled either.
- **post-dial**: what is sent as tones once the call is connected, written as
  diallers write it (Android ``PhoneNumberUtils``, iOS, and the one-tap
  strings of Zoom, Microsoft Teams and Webex invitations):

  - ``,`` is a pause of two seconds (also ``p`` or ``P`` among the digits,
    the older RFC 2806 / GSM handset notation);
  - ``;`` is a wait: the dialler stops there and offers to send the rest,
    which goes only when the user says so (also ``w``/``W`` among the
    digits), as Android's and iOS's diallers do (:attr:`DialString.steps`);
  - ``0``-``9``, ``*`` and ``#`` are tones (RFC 4733 events 0-11). ``A``-``D``
    are not: no phone keypad (ITU-T E.161) and no invitation has them, and a
    letter in pasted text is a label's.

  Blanks, ``-`` and ``.`` between tones, pauses and waits
  (``850 1234 5678#``, ``8001 , , 1234 #``) are not tones; after a ``#``
  they start the label unless a pause or wait follows. Trailing pauses and
  waits are dropped: they would only delay the end.
- **extension**: an extension written after the number, as RFC 3966 writes
  it (``;ext=1234``) or as people do (``ext. 1234``, ``x1234``,
  ``extension 1234``, ``poste 1234``, ``toestel 1234``): a dialler sends it
  after the answer, so it is post-dial, one pause then its digits
  (``,1234``).
- **label**: whatever follows (``BE (Brussels)``, ``Belgium, Brussels``,
  ``US Toll``): ignored, never turned into tones.

Before any rule applies the text is read the way a phone reads it, by
Unicode category (:data:`CATEGORY_READING`), never by a list of characters
seen so far: compatibility forms (full-width ``＋３２``) and other scripts'
decimal digits become ASCII; format characters (Cf: bidi marks Outlook and
Teams put around numbers, zero-width spaces, word joiners, soft hyphens) are
dropped; blanks (Zs, Zl, Zp) and control characters (Cc: tabs, newlines) are
a blank; dashes (Pd, and the rest of Unicode's Dash property: ``−`` MINUS
SIGN, ``⁓``) are a ``-``. A pasted ``tel:`` link is read as the text it
encodes (``%23`` is ``#``; its ``;name=value`` parameters are not tones,
but its ``;ext=`` is an extension).

This module must not import Odoo (tier-1 tests load it alone).
"""

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

PAUSE = ","
WAIT = ";"
PAUSE_SECONDS = 2  # Android, iOS and RTCDTMFSender.insertDTMF all use 2 s
TONES = "0123456789*#"
DIAL_CHARS = "0123456789*#"
VISUAL_SEPARATORS = " -./()"
POST_DIAL_SEPARATORS = " -."
_LETTER_PAUSES = {"p": PAUSE, "P": PAUSE, "w": WAIT, "W": WAIT}
_TEL_PARAM = re.compile(r";(?!ext=)[A-Za-z0-9-]+=[^;]*", re.IGNORECASE)
# How a phone reads a character, by Unicode general category: format
# characters are invisible, blanks and controls separate, dashes are "-".
CATEGORY_READING = {
    "Cf": "",
    "Cc": " ",
    "Zs": " ",
    "Zl": " ",
    "Zp": " ",
    "Pd": "-",
}
# Unicode's Dash property outside Pd (PropList.txt): MINUS SIGN and SWUNG
# DASH (superscript and subscript minus become MINUS SIGN under NFKC). The
# widget's twin reads them with \p{Dash}.
OTHER_DASHES = "\u2053\u2212"
# How an extension after the number is written: RFC 3966 ";ext=", then the
# words of invitations and signatures (English, French, Spanish, Dutch).
EXTENSION_MARKERS = (
    ";ext=",
    "extension",
    "extensión",
    "extn",
    "ext",
    "poste",
    "toestel",
    "tst",
    "x",
)
_EXTENSION = re.compile(
    r"[ ]*(?:,[ ]*)?(?:"
    + "|".join(re.escape(marker) for marker in EXTENSION_MARKERS)
    + r")\.?[ ]*:?[ ]*(?P<digits>[0-9]+)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DialString:
    """A parsed dial string.

    :ivar number: what is dialled: ``"+3225550100"``, ``"8001"`` or ``""``
    :ivar post_dial: pauses, waits and tones sent once connected, as written
        (``",,85012345678#,,,,*123456#"``); ``""`` when there are none
    :ivar label: the ignored trailing text (``"BE (Brussels)"``) or ``""``
    """

    number: str
    post_dial: str = ""
    label: str = ""

    @property
    def tones(self):
        """The post-dial part without its leading pauses and waits."""
        return self.post_dial.lstrip(PAUSE + WAIT)

    @property
    def lead(self):
        """The pauses and waits before the first tone (``",,"``)."""
        return self.post_dial[: len(self.post_dial) - len(self.tones)]

    @property
    def steps(self):
        """The post-dial part as a dialler plays it: a list of
        ``{"wait": bool, "pauses": int, "tones": str}``.

        Each wait (``;``) starts a step that the user must ask for
        (``wait``); ``pauses`` are the two-second pauses before its tones;
        ``tones`` may hold pauses of their own (``"1234#,,*9#"``). A step
        with no tone is dropped: ``8001;1234#`` is one step, waiting.
        """
        return steps(self.post_dial)

    def __str__(self):
        return self.number + self.post_dial

    def as_dict(self):
        return {"number": self.number, "post_dial": self.post_dial, "label": self.label}


def _digit_value(char):
    try:
        return str(unicodedata.digit(char))
    except (TypeError, ValueError):
        return None


def steps(post_dial):
    """Split a post-dial string at its waits: see :attr:`DialString.steps`."""
    found = []
    for index, part in enumerate(post_dial.split(WAIT)):
        tones = part.strip(PAUSE)
        if tones:
            pauses = len(part) - len(part.lstrip(PAUSE))
            found.append({"wait": index > 0, "pauses": pauses, "tones": tones})
    return found


def normalize(text):
    """Read ``text`` as a phone would before the grammar applies.

    :param str text: anything pasted
    :returns: ASCII digits, blanks and controls as ``" "``, dashes as
        ``"-"``, format characters removed (:data:`CATEGORY_READING`)
    :rtype: str
    """
    text = unicodedata.normalize("NFKC", text or "")
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Nd":
            out.append(_digit_value(char) or char)
        elif char in OTHER_DASHES:
            out.append("-")
        else:
            out.append(CATEGORY_READING.get(category, char))
    return "".join(out)


def _untel(text):
    """The text a pasted ``tel:`` URI encodes, without its parameters."""
    if text[:4].lower() != "tel:":
        return text
    return _TEL_PARAM.sub("", unquote(text[4:]))


def parse(text):
    """Parse a dial string as pasted from an invitation, a contact or a page.

    ``parse("+3225550100,,85012345678#,,,,*123456# BE (Brussels)")`` is
    ``DialString("+3225550100", ",,85012345678#,,,,*123456#", "BE (Brussels)")``.

    :param str text: anything; ``None`` and ``""`` give an empty number
    :rtype: DialString
    """
    text = _untel(normalize(text).strip())
    size = len(text)
    i = 0
    number = []
    if i < size and text[i] == "+":
        number.append("+")
        i += 1
    while i < size:
        char = text[i]
        if char in DIAL_CHARS:
            number.append(char)
            i += 1
        elif number[:1] == ["+"] and text.startswith("(0)", i):
            i += 3  # the national trunk prefix is not dialled after a country code
        elif char in VISUAL_SEPARATORS:
            j = i
            while j < size and text[j] in VISUAL_SEPARATORS:
                if number[:1] == ["+"] and text.startswith("(0)", j):
                    break
                j += 1
            # Separators group the digits; after a "#" or before anything but
            # a digit they start the label ("+3225550100 (Brussels)").
            if number[-1:] == ["#"] or j == size:
                break
            if text[j] in DIAL_CHARS + PAUSE + WAIT or text.startswith("(0)", j):
                i = j
            else:
                break
        else:
            break
    extension, i = _read_extension(text, i, number)
    post_dial, i = _read_post_dial(text, i, (extension or number or [""])[-1])
    post_dial = extension + post_dial
    label = text[i:].strip(" -") if i < size else ""
    if not post_dial and not label and len(number) == 1 and number[0] == "+":
        number = []
    return DialString("".join(number), post_dial, label)


def _read_extension(text, i, number):
    """Read an extension written after the number (``;ext=12``, ``x12``).

    :returns: ``(post_dial, end)``: one pause and the extension's digits
        (``",12"``), or ``("", i)`` when there is none
    """
    if not number or number[-1] not in "0123456789":
        return "", i
    match = _EXTENSION.match(text, i)
    if not match:
        return "", i
    return PAUSE + match.group("digits"), match.end()


def _read_post_dial(text, i, prev=""):
    """Read pauses, waits and tones from ``text[i:]``.

    :returns: ``(post_dial, end)``: the post-dial string without trailing
        pauses and waits, and the index where the label starts
    """
    size = len(text)
    post = []
    while i < size:
        char = text[i]
        prev = post[-1] if post else prev
        if char in TONES or char in (PAUSE, WAIT):
            post.append(char)
            i += 1
        elif char in _LETTER_PAUSES and prev and _glued_pause(text, i):
            post.append(_LETTER_PAUSES[char])
            i += 1
        elif char in POST_DIAL_SEPARATORS:
            j = i
            while j < size and text[j] in POST_DIAL_SEPARATORS:
                j += 1
            # Separators group a code's digits ("850 1234 5678#") and stand
            # between pauses and keys as people type them ("8001 , , 1234 #");
            # after a "#" they start the label unless a pause or wait follows.
            following = text[j] if j < size else ""
            if following and (
                following in PAUSE + WAIT
                or (following in TONES and prev != "#")
                or (following in _LETTER_PAUSES and _glued_pause(text, j))
            ):
                i = j
            else:
                break
        else:
            break
    return "".join(post).rstrip(PAUSE + WAIT), i


def _glued_pause(text, i):
    """Whether the ``p``/``w`` at ``i`` is a pause or wait, not a label's letter.

    Its letters stand between tones, pauses or waits, glued to them or apart
    by blanks (``1234pp5678#``, ``5550100w1234#``, ``8001 p 1234#``); a
    word (``pin 1234#``) is a label.
    """
    before = text[:i].rstrip(POST_DIAL_SEPARATORS)
    if not before or before[-1] not in TONES + PAUSE + WAIT + "pPwW":
        return False
    j = i
    while j < len(text) and text[j] in _LETTER_PAUSES:
        j += 1
    if j < len(text) and text[j] not in POST_DIAL_SEPARATORS + TONES + PAUSE + WAIT:
        return False  # a word: "pin", "Wemmel"
    while j < len(text) and text[j] in POST_DIAL_SEPARATORS + "pPwW":
        j += 1
    return j < len(text) and text[j] in TONES + PAUSE + WAIT


def one_tap(number, access_code=None, pause=PAUSE * 2):
    """The one-tap string of a room reached from ``number``.

    ``one_tap("+32 2 555 01 00", "1234")`` is ``"+3225550100,,1234#"``: dial,
    pause twice two seconds for the digital receptionist, send the code and
    the ``#`` that ends it. Without a code it is the number alone (never a
    lone ``#``).

    :param str number: a number in any written form
    :param str access_code: digits (blanks allowed) or empty
    :param str pause: the pauses and waits before the code
    :rtype: str
    """
    dialled = parse(number).number
    if not dialled:
        return ""
    code = "".join(ch for ch in normalize(access_code or "") if ch in TONES)
    return f"{dialled}{pause}{code}#" if code else dialled


def tel_uri(number, dtmf=""):
    """A ``tel:`` URI (RFC 3966) that dials ``number``, then sends ``dtmf``.

    ``tel_uri("+32 2 555 01 00", ",,1234#")`` is
    ``"tel:+3225550100,,1234%23"``: ``#`` would start a URI fragment
    (RFC 3986 section 3.5), so it is written ``%23`` (RFC 3966 section
    5.1.5); ``;`` would start a URI parameter and is written ``%3B``. RFC 3966
    has no post-dial syntax of its own (RFC 2806's ``postd`` was dropped);
    pauses after the number are what Android and iOS diallers read, so a tone
    never directly follows the number: one pause is put first when ``dtmf``
    starts with a tone.

    :param str number: a global number (``+`` and digits, written any way);
        local numbers (extensions) have no ``tel:`` URI without a
        ``phone-context`` and are refused
    :param str dtmf: post-dial pauses, waits and tones (``",,1234#"``)
    :raises ValueError: no global number, or ``dtmf`` holds something other
        than pauses, waits and tones
    :rtype: str
    """
    dialled = parse(number).number
    if not dialled.startswith("+") or len(dialled) < 2:
        raise ValueError(f"{number!r} is not a global (E.164) number")
    text = normalize(dtmf).strip()
    post_dial, end = _read_post_dial(text, 0, PAUSE)
    if end < len(text):
        raise ValueError(f"{dtmf!r} is not made of pauses, waits and tones")
    if post_dial and post_dial[0] not in PAUSE + WAIT:
        post_dial = PAUSE + post_dial
    return f"tel:{dialled}" + post_dial.replace("#", "%23").replace(";", "%3B")
