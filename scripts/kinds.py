"""The datasets conform reads, as declared in its table of kinds
(src/inventory/kinds.rs, the one place they are declared), for the scripts
that write inventories (make-example-estate.py, bench-offline).

Each entry of that table starts with a line `Variant: "name", "service",
Regional|Global, ...`; this reads those lines.
"""
import pathlib
import re

TABLE = pathlib.Path(__file__).resolve().parent.parent / "src" / "inventory" / "kinds.rs"
_ROW = re.compile(r'^\s*[A-Z]\w*: "([a-z0-9-]+)", "[a-z0-9-]+", (Regional|Global),', re.M)


def datasets():
    """(name, is_global) of every dataset, in the table's order."""
    rows = _ROW.findall(TABLE.read_text())
    if not rows:
        raise SystemExit(f"scripts/kinds.py: no datasets found in {TABLE}")
    return [(name, scope == "Global") for name, scope in rows]


# Read once per account and region.
REGIONAL = [name for name, is_global in datasets() if not is_global]
# Read once per account (region "global").
GLOBAL = [name for name, is_global in datasets() if is_global]
