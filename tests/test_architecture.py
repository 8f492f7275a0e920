"""How the apps may depend on each other, read from the source (ast; nothing is imported).

- No app imports a private name (`_name`) of another app: what another app may
  use is its public API.
- The apps import each other one way: the app-level import graph has no
  cycle. Imports inside functions count (a lazy import is still a dependency);
  imports under `if TYPE_CHECKING:` do not; migrations and tests are left out.
- `deadlines` imports nothing from `approvals`: the clocks serve the workflow,
  which registers its handlers with them (`deadlines.clocks.on_deadline_moved`).
- Nothing imports `api`: the API calls the other apps' selectors and
  services, never the reverse.
- Inside every app, the modules import each other one way too (a service
  queues its tasks by name; the tasks call the services).

Each failure names the file, the line and the import, so that it can be fixed
where it is.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("portal", "services", "deadlines", "approvals", "licenses", "seals", "supervision", "api")
# Apps whose own modules form no import cycle either.


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "licenses.services"
    path: str  # its file, relative to the repository
    line: int
    target: str  # the module imported, e.g. "approvals.services"
    names: tuple[str, ...]  # the names taken from it (`from target import a, b`), if any
    text: str  # the statement as written

    @property
    def app(self) -> str:
        return self.module.split(".")[0]

    @property
    def target_app(self) -> str | None:
        head = self.target.split(".")[0]
        return head if head in APPS else None

    def __str__(self):
        return f"{self.path}:{self.line}: {self.text}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(dotted: str) -> bool:
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


@cache
def project_modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).parts
            if "migrations" in relative or "tests" in relative:
                continue
            modules[_module_name(path)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(tree: ast.AST):
    """Every node, skipping the bodies of `if TYPE_CHECKING:` (their `else:` still counts)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


@cache
def parsed(module: str) -> tuple[ast.Module, str]:
    path = project_modules()[module]
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), str(path.relative_to(ROOT))


@cache
def imports_of(module: str) -> tuple[Import, ...]:
    """The imports of one module; `from pkg import sub` counts as importing the module pkg.sub."""
    tree, path = parsed(module)
    is_package = project_modules()[module].name == "__init__.py"
    found = []
    for node in _statements(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(module, path, node.lineno, alias.name, (), ast.unparse(node)))
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, is_package, node)
            plain = []
            for alias in node.names:
                if _is_module(f"{target}.{alias.name}"):
                    found.append(Import(module, path, node.lineno, f"{target}.{alias.name}", (), ast.unparse(node)))
                else:
                    plain.append(alias.name)
            if plain:
                found.append(Import(module, path, node.lineno, target, tuple(plain), ast.unparse(node)))
    return tuple(sorted(found, key=lambda i: (i.line, i.target)))


def all_imports() -> list[Import]:
    return [i for module in project_modules() for i in imports_of(module)]


def _module_aliases(module: str) -> dict[str, str]:
    """Local names bound to another app's module: `from approvals import services` binds services."""
    tree, _path = parsed(module)
    aliases = {}
    for node in _statements(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, project_modules()[module].name == "__init__.py", node)
            for alias in node.names:
                if _is_module(f"{target}.{alias.name}"):
                    aliases[alias.asname or alias.name] = f"{target}.{alias.name}"
    return aliases


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses() -> list[str]:
    """Where an app takes a private name (or a private module) of another app."""
    problems = []
    for module in project_modules():
        app = module.split(".")[0]
        for i in imports_of(module):
            if i.target_app is None or i.target_app == app:
                continue
            private_module = [part for part in i.target.split(".") if _private(part)]
            private_names = [name for name in i.names if _private(name)]
            if private_module or private_names:
                problems.append(f"{i}  (private {', '.join(private_module + private_names)} of {i.target})")
        aliases = {
            local: target
            for local, target in _module_aliases(module).items()
            if target.split(".")[0] in APPS and target.split(".")[0] != app
        }
        tree, path = parsed(module)
        for node in _statements(tree):
            if isinstance(node, ast.Attribute) and _private(node.attr):
                owner = _dotted(node.value)
                target = aliases.get(owner) if owner else None
                if target is None and owner and owner.split(".")[0] in APPS and owner.split(".")[0] != app:
                    target = owner if _is_module(owner) else None  # `import approvals.services` then approvals.services._x
                if target:
                    problems.append(f"{path}:{node.lineno}: {ast.unparse(node)}  (private {node.attr} of {target})")
    return sorted(set(problems))


def _cycles(edges: dict[str, dict[str, list[Import]]]) -> list[list[str]]:
    """The strongly connected components with more than one member (Tarjan), each sorted."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(set(edges) | {n for targets in edges.values() for n in targets}):
        if node not in index:
            visit(node)
    return sorted(components)


def _describe(component: list[str], edges: dict[str, dict[str, list[Import]]]) -> str:
    """Every import between the members, the direction with the fewest imports first (likely the one to cut)."""
    hops = [
        (source, target, edges[source][target])
        for source in component
        for target in component
        if edges.get(source, {}).get(target)
    ]
    hops.sort(key=lambda hop: (len(hop[2]), hop[0], hop[1]))
    lines = [" ↔ ".join(component) + ":"]
    for source, target, found in hops:
        lines += [f"  {source} → {target}  {i}" for i in found]
    return "\n".join(lines)


def app_edges() -> dict[str, dict[str, list[Import]]]:
    edges: dict[str, dict[str, list[Import]]] = defaultdict(lambda: defaultdict(list))
    for i in all_imports():
        if i.target_app and i.target_app != i.app:
            edges[i.app][i.target_app].append(i)
    return edges


def module_edges(app: str) -> dict[str, dict[str, list[Import]]]:
    """Imports between the modules of `app` (a package's own `__init__` left out: it is imported implicitly)."""
    modules = project_modules()
    edges: dict[str, dict[str, list[Import]]] = defaultdict(lambda: defaultdict(list))
    for module in modules:
        if module.split(".")[0] != app:
            continue
        for i in imports_of(module):
            target = i.target
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            if target.split(".")[0] == app and target in modules and target != module and target != app:
                edges[module][target].append(i)
    return edges


# -- the checks -------------------------------------------------------------------------------------


def test_it_reads_every_app():
    modules = project_modules()
    for app in APPS:
        assert f"{app}.models" in modules or f"{app}.views" in modules, app
    assert any(i.target == "services.services" for i in all_imports())


def test_no_app_imports_a_private_name_of_another():
    problems = private_uses()
    assert not problems, "Private names used from another app (make them public API or move the code):\n" + "\n".join(
        problems
    )


def test_the_apps_import_each_other_one_way():
    edges = app_edges()
    cycles = _cycles(edges)
    assert not cycles, "Import cycles between apps (lazy imports count):\n" + "\n\n".join(
        _describe(c, edges) for c in cycles
    )


def test_deadlines_imports_nothing_from_approvals():
    offending = [str(i) for i in app_edges().get("deadlines", {}).get("approvals", [])]
    assert not offending, "deadlines imports from approvals:\n" + "\n".join(offending)


def test_nothing_imports_the_api():
    """The API is a caller of the other apps' selectors and services; no app depends on it."""
    offending = [str(i) for app, targets in app_edges().items() if app != "api" for i in targets.get("api", [])]
    assert not offending, "imports of the api app:\n" + "\n".join(offending)


def test_the_modules_of_each_app_import_each_other_one_way():
    problems = []
    for app in APPS:
        edges = module_edges(app)
        problems += [_describe(c, edges) for c in _cycles(edges)]
    assert not problems, "Import cycles between modules (lazy imports count):\n" + "\n\n".join(problems)


# -- the guard's own parsing -------------------------------------------------------------------------


def test_it_counts_lazy_imports_and_skips_type_checking_blocks():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from approvals.models import Application\n"
        "def f():\n"
        "    from licenses.services import _hidden\n"
        "    from . import sibling\n"
    )
    tree = ast.parse(source)
    targets = []
    for node in _statements(tree):
        if isinstance(node, ast.ImportFrom):
            targets.append((_resolve("deadlines.clocks", False, node), [a.name for a in node.names]))
    assert sorted(targets) == [("deadlines", ["sibling"]), ("licenses.services", ["_hidden"]), ("typing", ["TYPE_CHECKING"])]


def test_it_finds_a_cycle_and_names_its_imports():
    a = Import("a.x", "a/x.py", 3, "b.y", ("f",), "from b.y import f")
    b = Import("b.y", "b/y.py", 7, "a.x", ("g",), "from a.x import g")
    edges = {"a": {"b": [a]}, "b": {"a": [b]}, "c": {"a": []}}
    cycles = _cycles(edges)
    assert cycles == [["a", "b"]]
    text = _describe(cycles[0], edges)
    assert "a/x.py:3: from b.y import f" in text and "b/y.py:7: from a.x import g" in text
