#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Draw each addon's static/description/icon.png (128 x 128): a white handset
and three people on Odoo's teal for voip_conference, the handset on a calendar
sheet on Odoo's purple for voip_conference_calendar. Drawn at four times the
size and scaled down, for smooth edges. Needs Pillow (Odoo's requirements).

    python3 scripts/draw_icons.py
"""

import math
import pathlib

from PIL import Image, ImageDraw

S = 512  # drawing size; the icon is 128
TEAL = (1, 126, 132)  # Odoo's teal
PURPLE = (113, 75, 103)  # Odoo's purple
WHITE = (255, 255, 255)


def rounded_background(color):
    img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    ImageDraw.Draw(img).rounded_rectangle((0, 0, S - 1, S - 1), radius=96, fill=color)
    return img


def handset(size, color):
    """A handset on its own layer: earpiece top-left, mouthpiece bottom-right,
    the grip bowed towards the bottom-left (in units of size / 100)."""
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    u = size / 100
    cx, cy, r, grip = 84 * u, 14 * u, 62 * u, 24 * u
    box = (cx - r - grip / 2, cy - r - grip / 2, cx + r + grip / 2, cy + r + grip / 2)
    d.arc(box, start=95, end=175, fill=color, width=round(grip))
    cap = 14 * u
    for angle in (95, 175):
        a = math.radians(angle)
        outer = (cx + (r + 6 * u) * math.cos(a), cy + (r + 6 * u) * math.sin(a))
        inner = (cx + (r - 14 * u) * math.cos(a), cy + (r - 14 * u) * math.sin(a))
        d.line((outer, inner), fill=color, width=round(2 * cap))
        for x, y in (outer, inner):
            d.ellipse((x - cap, y - cap, x + cap, y + cap), fill=color)
    return layer


def person(d, x, y, scale, color):
    head = 0.075 * scale
    d.ellipse((x - head, y - head, x + head, y + head), fill=color)
    bw, bh = 0.13 * scale, 0.11 * scale
    d.pieslice(
        (x - bw, y + head * 1.25, x + bw, y + head * 1.25 + 2 * bh),
        180,
        360,
        fill=color,
    )


def conference_icon():
    img = rounded_background(TEAL)
    phone = handset(300, WHITE)
    img.alpha_composite(phone, (70, 150))
    d = ImageDraw.Draw(img)
    # Three people, top right: the room's participants.
    for i, x in enumerate((300, 372, 444)):
        person(d, x, 118 if i != 1 else 100, 360, WHITE)
    return img


def calendar_icon():
    img = rounded_background(PURPLE)
    d = ImageDraw.Draw(img)
    # A calendar sheet: white page, a band at the top and two rings.
    d.rounded_rectangle((86, 112, 426, 430), radius=36, fill=WHITE)
    d.rounded_rectangle((86, 112, 426, 196), radius=36, fill=(232, 221, 229))
    d.rectangle((86, 160, 426, 196), fill=(232, 221, 229))
    for x in (170, 342):
        d.rounded_rectangle((x - 16, 78, x + 16, 148), radius=16, fill=WHITE)
        d.rounded_rectangle((x - 8, 86, x + 8, 140), radius=8, fill=PURPLE)
    img.alpha_composite(handset(200, TEAL), (158, 212))
    return img


def save(img, path):
    img.resize((128, 128), Image.LANCZOS).save(path, optimize=True)


if __name__ == "__main__":
    repo = pathlib.Path(__file__).resolve().parents[1]
    for addon, draw in (
        ("voip_conference", conference_icon),
        ("voip_conference_calendar", calendar_icon),
    ):
        save(draw(), repo / addon / "static" / "description" / "icon.png")
