#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Write voip_conference/README.rst from the readme/*.md fragments (as OCA's
oca-gen-addon-readme does), so the addon's page and its fragments agree."""

import pathlib
import re

ADDON = pathlib.Path(__file__).resolve().parents[1] / "voip_conference"
SECTIONS = [
    ("DESCRIPTION", None),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("CONTRIBUTORS", "Contributors"),
]


def md_to_rst(text):
    def underline(char):
        return lambda match: f"{match[1]}\n{char * len(match[1])}"

    text = re.sub(r"^### (.+)$", underline("~"), text, flags=re.M)
    text = re.sub(r"^## (.+)$", underline("-"), text, flags=re.M)
    text = re.sub(r"(?<!`)`([^`\n]+)`(?!`)", r"``\1``", text)
    return text


def main():
    title = "VoIP Conference Rooms"
    out = [
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        ".. |badge1| image:: https://img.shields.io/badge/licence-AGPL--3-blue.png",
        "    :target: http://www.gnu.org/licenses/agpl-3.0-standalone.html",
        "    :alt: License: AGPL-3",
        "",
        "|badge1|",
        "",
    ]
    for name, heading in SECTIONS:
        path = ADDON / "readme" / f"{name}.md"
        if not path.exists():
            continue
        if heading:
            out += [heading, "=" * len(heading), ""]
        out += [md_to_rst(path.read_text().strip()), ""]
    out += ["This file is generated from the ``readme/`` fragments.", ""]
    (ADDON / "README.rst").write_text("\n".join(out))


if __name__ == "__main__":
    main()
