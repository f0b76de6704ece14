#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Write each addon's README.rst and static/description/index.html from its
readme/*.md fragments and its manifest, as OCA's oca-gen-addon-readme does, so
that an addon's pages and its fragments agree.

    python3 scripts/gen_addon_readme.py            # write both pages of every addon
    python3 scripts/gen_addon_readme.py --check    # exit 1 when one is not up to date

An addon is a folder of the repository with a ``__manifest__.py`` and a
``readme/``. The fragments use a small part of Markdown: ``##``/``###``
headings, paragraphs, ``-`` and ``1.`` lists, blocks indented by four spaces,
and inline code, bold and italics. Both pages are rendered from one reading of
them with no third-party package, so that they are the same on every machine.
"""

import argparse
import ast
import html
import pathlib
import re
import sys

REPO = pathlib.Path(__file__).resolve().parents[1]
SECTIONS = [
    ("DESCRIPTION", None),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("ROADMAP", "Known issues / Roadmap"),
]
LICENSE_BADGE = "https://img.shields.io/badge/licence-AGPL--3-blue.png"
LICENSE_URL = "http://www.gnu.org/licenses/agpl-3.0-standalone.html"
GENERATED = "This file is generated from the ``readme/`` fragments."
LIST_ITEM = re.compile(r"^(?:[-*]|\d+\.) ")


def addons(repo=REPO):
    return sorted(
        path.parent.name
        for path in repo.glob("*/__manifest__.py")
        if (path.parent / "readme").is_dir()
    )


def manifest(addon_dir):
    return ast.literal_eval((addon_dir / "__manifest__.py").read_text())


# Reading the fragments: a list of blocks, each (kind, data):
#   ("heading", (level, text)), ("paragraph", lines), ("code", lines),
#   ("list", (ordered, items)) with each item its lines, continuation unindented.


def blocks(text):
    out = []
    for chunk in re.split(r"\n[ \t]*\n", text.strip("\n")):
        lines = chunk.split("\n")
        while lines:
            lines = _take_block(lines, out)
    return out


def _take_block(lines, out):
    """Append the block that starts ``lines`` to ``out``; return the rest."""
    first = lines[0]
    heading = re.match(r"^(#{1,3}) (.+)$", first)
    if heading:
        out.append(("heading", (len(heading[1]), heading[2].strip())))
        return lines[1:]
    if all(line.startswith("    ") for line in lines):
        out.append(("code", [line[4:] for line in lines]))
        return []
    if LIST_ITEM.match(first):
        items = []
        for index, line in enumerate(lines):
            if LIST_ITEM.match(line):
                items.append([LIST_ITEM.sub("", line)])
            elif line.startswith(" "):
                items[-1].append(line.strip())
            else:
                out.append(("list", (first[0].isdigit(), items)))
                return lines[index:]
        out.append(("list", (first[0].isdigit(), items)))
        return []
    for index, line in enumerate(lines[1:], 1):
        if LIST_ITEM.match(line) or re.match(r"^#{1,3} ", line):
            out.append(("paragraph", lines[:index]))
            return lines[index:]
    out.append(("paragraph", lines))
    return []


def fragments(addon_dir):
    """[(heading or None, blocks)] for each fragment present."""
    found = []
    for name, heading in SECTIONS:
        path = addon_dir / "readme" / f"{name}.md"
        if path.exists():
            found.append((heading, blocks(path.read_text())))
    return found


def contributors(addon_dir):
    path = addon_dir / "readme" / "CONTRIBUTORS.md"
    if not path.exists():
        return []
    return [item for _kind, data in blocks(path.read_text()) for item in data[1]]


# README.rst


def rst_inline(text):
    return re.sub(r"(?<!`)`([^`\n]+)`(?!`)", r"``\1``", text)


def rst_title(text, char, overline=False):
    line = char * len(text)
    return [line, text, line] if overline else [text, line]


def rst_blocks(items):
    underline = {2: "-", 3: "~"}
    out = []
    for index, (kind, data) in enumerate(items):
        following = items[index + 1][0] if index + 1 < len(items) else None
        if kind == "heading":
            out += rst_title(data[1], underline.get(data[0], "-"))
        elif kind == "paragraph":
            lines = [rst_inline(line) for line in data]
            if following == "code" and lines[-1].endswith(":"):
                lines[-1] += ":"  # a literal block follows
            out += lines
        elif kind == "code":
            out += ["    " + line for line in data]
        else:
            ordered, list_items = data
            for number, item in enumerate(list_items, 1):
                marker = f"{number}. " if ordered else "- "
                out.append(marker + rst_inline(item[0]))
                out += [" " * len(marker) + rst_inline(line) for line in item[1:]]
        out.append("")
    return out


def readme_rst(addon_dir):
    info = manifest(addon_dir)
    out = rst_title(info["name"], "=", overline=True) + [
        "",
        f".. |badge1| image:: {LICENSE_BADGE}",
        f"    :target: {LICENSE_URL}",
        f"    :alt: License: {info['license']}",
        "",
        "|badge1|",
        "",
    ]
    for heading, items in fragments(addon_dir):
        if heading:
            out += rst_title(heading, "=") + [""]
        out += rst_blocks(items)
    out += rst_title("Credits", "=") + [""]
    out += rst_title("Authors", "-") + [""]
    out += [f"- {author.strip()}" for author in info["author"].split(",")] + [""]
    people = contributors(addon_dir)
    if people:
        out += rst_title("Contributors", "-") + [""]
        out += [f"- {rst_inline(' '.join(item))}" for item in people] + [""]
    out += [GENERATED, ""]
    return "\n".join(out)


# static/description/index.html

STYLE = """\
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  line-height: 1.5; color: #212529; max-width: 60em; margin: 0 auto;
  padding: 0 1em; }
h1.title { color: #714b67; }
h2 { border-bottom: 1px solid #dee2e6; padding-bottom: 0.2em; }
code, pre { background: #f4f5f7; border-radius: 3px; }
code { padding: 0 0.2em; }
pre { padding: 0.5em 1em; overflow-x: auto; }
.contents ul { list-style: none; padding-left: 1em; }"""


def html_inline(text):
    """Inline code, then bold and italics around it (``**The `.ics` ...**``)."""
    codes = []

    def keep(match):
        codes.append(f"<code>{html.escape(match[1], quote=False)}</code>")
        return f"\0{len(codes) - 1}\0"

    text = html.escape(re.sub(r"`([^`\n]+)`", keep, text), quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", text)
    return re.sub(r"\0(\d+)\0", lambda match: codes[int(match[1])], text)


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def html_blocks(items):
    out = []
    for kind, data in items:
        if kind == "heading":
            level = min(data[0] + 1, 4)  # "##" under a section's h2
            out.append(
                f'<h{level} id="{slug(data[1])}">{html_inline(data[1])}</h{level}>'
            )
        elif kind == "paragraph":
            out.append(f"<p>{html_inline(' '.join(data))}</p>")
        elif kind == "code":
            code = html.escape("\n".join(data), quote=False)
            out.append(f'<pre class="literal-block">{code}</pre>')
        else:
            ordered, list_items = data
            tag = "ol" if ordered else "ul"
            out.append(f"<{tag}>")
            out += [f"<li>{html_inline(' '.join(item))}</li>" for item in list_items]
            out.append(f"</{tag}>")
    return out


def index_html(addon_dir):
    info = manifest(addon_dir)
    title = html.escape(info["name"], quote=False)
    sections = fragments(addon_dir)
    people = contributors(addon_dir)
    body = [
        f'<h1 class="title">{title}</h1>',
        f'<p><a class="reference external" href="{LICENSE_URL}">'
        f'<img alt="License: {info["license"]}" src="{LICENSE_BADGE}" /></a></p>',
    ]
    toc = [
        f'<li><a href="#{slug(heading)}">{html.escape(heading)}</a></li>'
        for heading, _items in sections
        if heading
    ] + ['<li><a href="#credits">Credits</a></li>']
    for heading, items in sections:
        if not heading:
            body += html_blocks(items)
            body += [
                '<div class="contents">',
                "<p><strong>Table of contents</strong></p>",
            ]
            body += ["<ul>", *toc, "</ul>", "</div>"]
            continue
        body.append(f'<h2 id="{slug(heading)}">{html.escape(heading)}</h2>')
        body += html_blocks(items)
    body += ['<h2 id="credits">Credits</h2>', "<h3>Authors</h3>", "<ul>"]
    body += [f"<li>{html.escape(a.strip())}</li>" for a in info["author"].split(",")]
    body.append("</ul>")
    if people:
        body += ["<h3>Contributors</h3>", "<ul>"]
        body += [f"<li>{html_inline(' '.join(item))}</li>" for item in people]
        body.append("</ul>")
    body.append(
        "<p>This page is generated from the <code>readme/</code> fragments.</p>"
    )
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        '<meta name="generator" content="scripts/gen_addon_readme.py" />',
        f"<title>{title}</title>",
        "<style>",
        STYLE,
        "</style>",
        "</head>",
        "<body>",
        '<div class="document">',
    ]
    return "\n".join(head + body + ["</div>", "</body>", "</html>", ""])


def pages(addon_dir):
    """{path: text} of the pages this addon's fragments make."""
    return {
        addon_dir / "README.rst": readme_rst(addon_dir),
        addon_dir / "static" / "description" / "index.html": index_html(addon_dir),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing")
    args = parser.parse_args(argv)
    stale = []
    for addon in addons():
        for path, text in pages(REPO / addon).items():
            if path.exists() and path.read_text() == text:
                continue
            stale.append(path.relative_to(REPO))
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
    for path in stale:
        print(f"{'not up to date' if args.check else 'written'}: {path}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
