"""The documentation stays true to the code: a short README, every environment variable in one table, no dead links.

- README.md is for newcomers and stays at most 12,000 characters (issue 25); the rest lives in docs/.
- Every environment variable the project's code reads, or sets for the programs it starts, has a row in the
  table of docs/configuration.md. The variables are found by reading the source: Python files are parsed (reads
  of os.environ / os.getenv / a mapping called env or environ, the typed readers of knowledge/settings.py
  (``env.integer("NAME", ...)``, every public method of its Environment), with names given literally, through a module
  constant such as ``DATABASE_URL_ENV = "KNOWLEDGE_DATABASE_URL"`` or through a loop over literal names, and the
  keys of a dict built on ``**os.environ``), shell scripts are read with regexes (``${NAME:-default}``, ``$NAME``
  that the script never assigns, ``export NAME=``), and the Makefile's ``export NAME :=``.
- Every relative link in README.md, docs/*.md and data/knowledge/README.md points to a file that exists, and a
  link to a heading (``file.md#heading``) to a heading that exists.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from knowledge.settings import Environment

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
CONFIGURATION = ROOT / "docs" / "configuration.md"
README_LIMIT = 12_000

PYTHON_DIRS = ("actions", "knowledge", "rasa_ext", "safety", "scripts", "deploy", "benchmarks", "web")
SKIPPED_PARTS = {"node_modules", "vendor", "__pycache__"}
SHELL_SCRIPTS = (*sorted((ROOT / "scripts").glob("*.sh")), ROOT / ".ci" / "run")
# Bash's own variables and what every login has: never the project's settings.
SHELL_SPECIAL = {"BASH_SOURCE", "SECONDS", "RANDOM", "LINENO", "HOME", "PATH", "PWD", "UID", "EUID", "IFS", "OLDPWD"}

# knowledge/settings.py reads every variable with these (env.text, env.integer, ...), besides mapping reads
SETTINGS_READERS = tuple(name for name in vars(Environment) if not name.startswith("_"))
NAME = r"[A-Z][A-Z0-9_]*"
ENV_NAME = re.compile(rf"^{NAME}$")


# -- finding the variables ----------------------------------------------------------------------------------------
def python_files() -> Iterator[Path]:
    for folder in PYTHON_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if not SKIPPED_PARTS & set(path.relative_to(ROOT).parts):
                yield path


def _is_environment(node: ast.expr) -> bool:
    """os.environ, environ, env, self.channel_env, ...: a mapping of environment variables by its name."""
    text = ast.unparse(node)
    return text.endswith("environ") or text == "env" or text.endswith("_env") or text.endswith(".env")


def _string_constants(tree: ast.Module) -> dict[str, str]:
    """Names bound to a string that looks like a variable name: ``X_ENV = "NAME"`` and ``A, B = "X", "Y"``."""
    constants: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            pairs: list[tuple[ast.expr, ast.expr]] = []
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                pairs = list(zip(target.elts, node.value.elts))
            else:
                pairs = [(target, node.value)]
            for name, value in pairs:
                if (
                    isinstance(name, ast.Name)
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                    and ENV_NAME.match(value.value)
                ):
                    constants[name.id] = value.value
    return constants


def _loop_values(tree: ast.Module) -> dict[str, list[str]]:
    """``for name in ("A", "B")`` (a loop or a comprehension): the literal names a loop variable takes."""
    values: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.For | ast.comprehension) and isinstance(node.target, ast.Name):
            if isinstance(node.iter, ast.Tuple | ast.List):
                names = [e.value for e in node.iter.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
                values.setdefault(node.target.id, []).extend(names)
    return values


def _names(arg: ast.expr, constants: dict[str, str], loops: dict[str, list[str]]) -> list[str]:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    if isinstance(arg, ast.Name):
        if arg.id in constants:
            return [constants[arg.id]]
        return loops.get(arg.id, [])
    return []


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def project_constants() -> dict[str, str]:
    """Module constants of every scanned file: a constant may be imported (``from knowledge.settings import X``)."""
    constants: dict[str, str] = {}
    for path in python_files():
        constants.update(_string_constants(_parse(path)))
    return constants


def python_variables(path: Path, imported: dict[str, str] | None = None) -> set[str]:
    tree = _parse(path)
    constants, loops = {**(imported or {}), **_string_constants(tree)}, _loop_values(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        args: list[ast.expr] = []
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            func = node.func
            if func.attr == "getenv" and ast.unparse(func.value) == "os":
                args = [node.args[0]]
            elif func.attr in ("get", "setdefault", "pop", *SETTINGS_READERS) and _is_environment(func.value):
                args = [node.args[0]]
        elif isinstance(node, ast.Subscript) and _is_environment(node.value):
            args = [node.slice]
        elif isinstance(node, ast.Dict) and any(
            key is None and _is_environment(value) for key, value in zip(node.keys, node.values)
        ):
            # {**os.environ, "NAME": ...}: the variables this code sets for a program it starts
            args = [key for key in node.keys if key is not None]
        for arg in args:
            found.update(name for name in _names(arg, constants, loops) if ENV_NAME.match(name))
    return found


def shell_variables(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    with_default = set(re.findall(rf"\$\{{({NAME}):?[-=?+]", text))  # ${NAME:-x}: read, whatever follows
    referenced = set(re.findall(rf"\$\{{({NAME})\}}", text)) | set(re.findall(rf"\$({NAME})\b", text))
    assigned = set(re.findall(rf"(?:^|[\s;(]|\blocal\s|\bexport\s)({NAME})(?:\[[^\]]*\])?\+?=", text, re.M))
    assigned |= set(re.findall(rf"\bfor\s+({NAME})\s+in\b", text))
    exported: set[str] = set()
    for line in re.findall(r"^\s*export\s+(.*)$", text, re.M):
        exported.update(re.findall(rf"\b({NAME})=", line))
    return (with_default | (referenced - assigned) | exported) - SHELL_SPECIAL


def makefile_variables(path: Path) -> set[str]:
    return set(re.findall(rf"^export\s+({NAME})\s*:?=", path.read_text(encoding="utf-8"), re.M))


def code_variables() -> dict[str, set[str]]:
    """Every variable found, with the files that read or set it."""
    where: dict[str, set[str]] = {}
    imported = project_constants()
    sources: list[tuple[Path, set[str]]] = [(path, python_variables(path, imported)) for path in python_files()]
    sources += [(path, shell_variables(path)) for path in SHELL_SCRIPTS if path.exists()]
    sources.append((ROOT / "Makefile", makefile_variables(ROOT / "Makefile")))
    for path, names in sources:
        for name in names:
            where.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return where


def configuration_table() -> set[str]:
    """The variables named (in backticks) in the first column of docs/configuration.md's table."""
    names: set[str] = set()
    for line in CONFIGURATION.read_text(encoding="utf-8").splitlines():
        cells = line.split("|")
        if line.startswith("|") and len(cells) > 2:
            names.update(re.findall(rf"`({NAME})`", cells[1]))
    return names


# -- links --------------------------------------------------------------------------------------------------------
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_LINK = re.compile(r"""(?:href|src)=["']([^"']+)["']""")


def documents() -> list[Path]:
    return [README, *sorted((ROOT / "docs").glob("*.md")), ROOT / "data" / "knowledge" / "README.md"]


def _without_code(text: str) -> str:
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", text)


def heading_anchors(path: Path) -> set[str]:
    """GitHub's anchors: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2, ..."""
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.S | re.M)
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def relative_links(path: Path) -> Iterator[str]:
    text = _without_code(path.read_text(encoding="utf-8"))
    for target in [*LINK.findall(text), *HTML_LINK.findall(text)]:
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) and not target.startswith("//"):
            yield target


# -- the tests ----------------------------------------------------------------------------------------------------
def test_the_readme_is_short():
    size = len(README.read_text(encoding="utf-8"))
    assert size <= README_LIMIT, f"README.md has {size:,} characters (at most {README_LIMIT:,}): move detail to docs/"


def test_the_scanner_finds_variables_each_way_they_are_read():
    # One of each: a literal, a module constant, a tuple of constants, a loop, a shell default, a dict for a child,
    # an export. If the code moves, update the example; the scanner must keep finding each kind.
    found = code_variables()
    for name in (
        "MAX_MESSAGE_CHARS",
        "KNOWLEDGE_DATABASE_URL",
        "CURATOR_TOKEN_FILE",
        "SLACK_TOKEN",
        "RASA_PORT",
        "TICKET_LOCK_LIFETIME",
        "PYTHONPATH",
    ):
        assert name in found, f"the scanner no longer finds {name}; it found: {sorted(found)}"
    assert not {"LOCAL", "ROOT", "PY", "TOKEN_FILE", "SECONDS", "BASH_SOURCE"} & set(found)


def test_every_environment_variable_is_in_the_configuration_table():
    found = code_variables()
    documented = configuration_table()
    missing = {name: sorted(files) for name, files in sorted(found.items()) if name not in documented}
    assert not missing, (
        f"environment variables missing from docs/configuration.md's table: {missing}\n"
        f"(all {len(found)} found in the code: {', '.join(sorted(found))})"
    )


def test_the_configuration_table_names_no_variable_the_code_ignores():
    stale = configuration_table() - set(code_variables()) - {"HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"}
    assert not stale, f"docs/configuration.md lists variables no code reads or sets: {sorted(stale)}"


def test_relative_links_point_to_existing_files_and_headings():
    broken: list[str] = []
    for document in documents():
        for target in relative_links(document):
            file_part, _, anchor = target.partition("#")
            resolved = (document.parent / file_part).resolve() if file_part else document
            if not resolved.exists():
                broken.append(f"{document.relative_to(ROOT)}: {target} (no such file)")
            elif anchor and resolved.suffix == ".md" and anchor not in heading_anchors(resolved):
                broken.append(f"{document.relative_to(ROOT)}: {target} (no such heading)")
    assert not broken, "broken links:\n" + "\n".join(broken)
