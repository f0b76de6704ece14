# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""pre-commit runs what scripts/test's lint tier runs: the same versions
(scripts/test's pip pins, package.json's npm pins) on the same files, so the
two cannot drift apart."""

import json
import os
import pathlib
import re
import shlex

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
TEST_SCRIPT = (REPO / "scripts" / "test").read_text()
NPM_PINS = json.loads((REPO / "package.json").read_text())["devDependencies"]
ADDONS = shlex.split(re.search(r"^ADDONS=\((.*)\)$", TEST_SCRIPT, re.M)[1])


def hook(hook_id):
    [(repo, found)] = [
        (repo, h)
        for repo in CONFIG["repos"]
        for h in repo["hooks"]
        if h["id"] == hook_id
    ]
    return repo, found


def pip_pin(name):
    return re.search(rf'"{re.escape(name)}==([^"]+)"', TEST_SCRIPT)[1]


def npm_pins(hook_id):
    pins = (dep.rpartition("@") for dep in hook(hook_id)[1]["additional_dependencies"])
    return {name: version for name, _at, version in pins}


def test_ruff_is_the_lint_tiers():
    repo, _hook = hook("ruff")
    assert repo["repo"] == "https://github.com/astral-sh/ruff-pre-commit"
    assert repo["rev"] == f"v{pip_pin('ruff')}" == "v0.8.6"
    assert hook("ruff-format")[0] is repo


def test_pylint_odoo_is_the_lint_tiers_with_the_mandatory_checks():
    repo, pylint = hook("pylint_odoo")
    assert repo["repo"] == "https://github.com/OCA/pylint-odoo"
    assert repo["rev"] == f"v{pip_pin('pylint-odoo')}" == "v10.0.12"
    rcfile = re.search(r"-m pylint (--rcfile=\S+)", TEST_SCRIPT)[1]
    assert pylint["args"] == [rcfile] == ["--rcfile=.pylintrc-mandatory"]


@pytest.mark.parametrize("hook_id", ["prettier", "eslint"])
def test_node_linters_are_package_jsons(hook_id):
    pins = npm_pins(hook_id)
    assert pins == {name: NPM_PINS[name] for name in pins}
    assert hook_id in pins


def test_prettier_has_the_xml_plugin_of_package_json():
    assert npm_pins("prettier") == {
        "prettier": NPM_PINS["prettier"],
        "@prettier/plugin-xml": NPM_PINS["@prettier/plugin-xml"],
    }
    assert NPM_PINS["prettier"] == "3.6.2" and NPM_PINS["eslint"] == "9.39.1"


def test_the_readme_hook_runs_the_projects_generator():
    _repo, readme = hook("gen-addon-readme")
    assert readme["entry"] == "python3 scripts/gen_addon_readme.py"
    assert (REPO / "scripts" / "gen_addon_readme.py").is_file()
    for source in ("voip_conference/readme/USAGE.md", "scripts/gen_addon_readme.py"):
        assert re.search(readme["files"], source)
    assert re.search(readme["files"], "voip_conference_calendar/__manifest__.py")


# The files each linter sees: scripts/test names them by glob and folder,
# pre-commit by pattern; both must select the same files of the repository.


def repository_files():
    for folder, dirs, files in os.walk(REPO):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "node_modules"]
        for name in files:
            yield (pathlib.Path(folder) / name).relative_to(REPO).as_posix()


def glob_regex(glob):
    """A shell glob of scripts/test (``**``, ``*`` and one ``{a,b}``) as a
    regular expression."""
    head, brace, tail = re.fullmatch(r"([^{]*)(?:\{([^}]*)\})?(.*)", glob).groups()
    alternatives = brace.split(",") if brace else [""]

    def one(pattern):
        out = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?")
        return out.replace(r"\*", "[^/]*")

    return "(?:" + "|".join(one(head + alt + tail) for alt in alternatives) + ")"


def selected_by_hook(hook_id):
    _repo, found = hook(hook_id)
    exclude = re.compile(CONFIG["exclude"], re.X)
    return {
        path
        for path in repository_files()
        if re.search(found["files"], path) and not exclude.search(path)
    }


def test_prettier_sees_the_files_of_the_lint_tier():
    addon_glob = re.search(r'globs\+=\("\$addon/([^"]+)"\)', TEST_SCRIPT)[1]
    other_globs = re.search(r'prettier --check "\$\{globs\[@\]\}" (.*) \\', TEST_SCRIPT)
    globs = [f"{addon}/{addon_glob}" for addon in ADDONS]
    globs += shlex.split(other_globs[1])
    pattern = re.compile("^(?:" + "|".join(map(glob_regex, globs)) + ")$")
    expected = {path for path in repository_files() if pattern.match(path)}
    assert expected and selected_by_hook("prettier") == expected


def test_eslint_sees_the_files_of_the_lint_tier():
    folders = [
        f"{addon}/static" for addon in ADDONS if (REPO / addon / "static").is_dir()
    ]
    folders += shlex.split(
        re.search(r'eslint "\$\{statics\[@\]\}" (.*)$', TEST_SCRIPT, re.M)[1]
    )
    expected = {
        path
        for path in repository_files()
        if path.endswith((".js", ".mjs", ".cjs"))
        and any(path.startswith(f"{folder}/") for folder in folders)
    }
    assert expected and selected_by_hook("eslint") == expected


def test_pylint_sees_the_addons_of_the_lint_tier():
    python_files = {p for p in repository_files() if p.endswith(".py")}
    expected = {p for p in python_files if p.split("/")[0] in ADDONS}
    assert expected and selected_by_hook("pylint_odoo") & python_files == expected
