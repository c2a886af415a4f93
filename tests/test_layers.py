"""Dependencies point inward: domain packages never import the web layer."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ("corpus", "codebook", "coding", "models", "storage")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", DOMAIN)
def test_domain_packages_do_not_import_streamlit_or_ui(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & {"streamlit", "ui", "app"})
        for path in (ROOT / package).rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
