"""The layering rule of docs/decisions/0018-layers-and-homes.md, checked on the source.

Read from the code's own imports (Python's `ast`; nothing is imported or run): domain code
imports no view, form or seller-workspace module; project modules import each other without
circles; an import inside a function is rare and says why on the line above.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("marketplace", "shops", "catalogue", "search")
MAX_FUNCTION_LEVEL_IMPORTS = 15

UI_PARTS = ("views", "forms", "urls")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _resolve(module: str, node: ast.ImportFrom | ast.Import, alias: ast.alias) -> list[str]:
    """The project modules an import statement in `module` names."""
    if isinstance(node, ast.Import):
        names = [alias.name]
    else:
        if node.level:
            package = module.split(".")
            is_package = MODULES.get(module, Path()).name == "__init__.py"
            base = package if is_package else package[:-1]
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        names = [f"{prefix}.{alias.name}", prefix]
    for name in names:
        if name.split(".")[0] in PACKAGES and name in MODULES:
            return [name]
    return []


def _imports(module: str, *, top_level: bool) -> list[tuple[str, int]]:
    """(imported project module, line) of the module's top-level or function-level imports."""
    tree = ast.parse(MODULES[module].read_text())
    if top_level:
        nodes = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
        # Imports under `if TYPE_CHECKING:` never run.
        nodes += [
            n for block in tree.body if isinstance(block, ast.Try)
            for n in block.body if isinstance(n, ast.Import | ast.ImportFrom)
        ]
    else:
        nodes = [
            n for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
            for n in ast.walk(fn) if isinstance(n, ast.Import | ast.ImportFrom)
        ]
    return [
        (target, node.lineno)
        for node in nodes for alias in node.names for target in _resolve(module, node, alias)
    ]


def _is_domain(module: str) -> bool:
    parts = module.split(".")
    if any(part in UI_PARTS or part in ("dashboard", "seller", "api", "templatetags",
                                        "management", "cms", "reports", "demo", "embedded",
                                        "settings") for part in parts):
        return False
    return parts[-1] not in ("apps", "admin", "views", "urls", "wsgi", "asgi", "config")


def _is_ui(module: str) -> bool:
    parts = module.split(".")
    return any(part in UI_PARTS for part in parts) or "seller" in parts or "dashboard" in parts


def test_the_rule_sees_the_modules_it_guards():
    for module in ("marketplace.order.lifecycle", "marketplace.payment.services",
                   "marketplace.checkout.services", "catalogue.certificates", "shops.services",
                   "shops.models"):
        assert module in MODULES and _is_domain(module), module
    assert _is_ui("shops.seller.operations.views") and _is_ui("catalogue.dashboard.views")
    assert _imports("marketplace.order.lifecycle", top_level=True)


def test_domain_code_imports_no_view_form_or_seller_workspace():
    offences = [
        f"{module} imports {target} (line {line})"
        for module in MODULES if _is_domain(module)
        for target, line in _imports(module, top_level=True) + _imports(module, top_level=False)
        if _is_ui(target)
    ]
    assert offences == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _graph(*, function_level: bool) -> dict[str, set[str]]:
    graph = {}
    for module in MODULES:
        targets = {t for t, _line in _imports(module, top_level=True)}
        if function_level:
            targets |= {t for t, _line in _imports(module, top_level=False)}
        # A package's __init__ importing its own submodules is not a circle of ideas.
        graph[module] = {t for t in targets if t != module and not module.startswith(t + ".")}
    return graph


def test_no_import_circles_between_project_modules():
    assert _cycles(_graph(function_level=True)) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("limit", [MAX_FUNCTION_LEVEL_IMPORTS])
def test_function_level_imports_are_few_and_say_why(limit):
    found = []
    for module, path in MODULES.items():
        lines = path.read_text().splitlines()
        for target, line in _imports(module, top_level=False):
            above = lines[line - 2].strip() if line >= 2 else ""
            found.append((module, line, target, above.startswith("#")))
    assert len(found) <= limit, found
    assert [f for f in found if not f[3]] == []


# --- spreadsheets: one writer -----------------------------------------------------------------

SPREADSHEET_HOME = "marketplace.core.spreadsheets"
#: names that write CSV or XLSX; reading (csv.reader, openpyxl.load_workbook) is allowed anywhere
SPREADSHEET_WRITERS = {("csv", "writer"), ("csv", "DictWriter"), ("openpyxl", "Workbook"),
                       ("openpyxl.workbook", "Workbook"), ("openpyxl.writer.excel", "save_workbook")}


def _spreadsheet_writer_uses(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [f"{node.module}.{a.name}" for a in node.names if (node.module, a.name) in SPREADSHEET_WRITERS]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if (node.value.id, node.attr) in SPREADSHEET_WRITERS:
                found.append(f"{node.value.id}.{node.attr}")
    return found


def test_every_csv_and_xlsx_is_written_by_the_spreadsheets_module():
    """Formula injection is guarded in one place (ADR 0031): a new export that builds its own
    csv.writer or openpyxl Workbook would skip the guard."""
    offenders = {
        name: uses
        for name, path in MODULES.items()
        if name != SPREADSHEET_HOME and (uses := _spreadsheet_writer_uses(ast.parse(path.read_text())))
    }
    assert offenders == {}


def test_the_spreadsheet_writer_check_sees_a_writer():
    code = "import csv\nfrom openpyxl import Workbook\nw = csv.writer(x)\nd = csv.DictWriter(x, [])\n"
    assert _spreadsheet_writer_uses(ast.parse(code)) == ["openpyxl.Workbook", "csv.writer", "csv.DictWriter"]
