"""Hatchling build hook: compile srpp's gettext catalogues (.po) into the wheel (.mo).

The .po files are the source (committed, edited by translators); the .mo files are build
products (ignored by git). Every wheel, the editable one included, gets a fresh .mo for each
.po under src/srpp/locale, compiled with Babel (a build requirement in pyproject.toml). A
catalogue with errors, or with a fuzzy or missing translation, still compiles (gettext falls
back to English for those); the test suite is what insists on complete catalogues.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogues(BuildHookInterface):  # type: ignore[type-arg]  # generic in hatchling
    """Compile ``src/srpp/locale/*/LC_MESSAGES/*.po`` and force the results into the wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root)
        for po in sorted(root.glob("src/srpp/locale/*/LC_MESSAGES/*.po")):
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=po.parent.parent.name)
            mo = po.with_suffix(".mo")
            with mo.open("wb") as fh:
                write_mo(fh, catalog)
            if version != "editable":  # an editable install reads src/srpp itself
                build_data["force_include"][str(mo)] = str(mo.relative_to(root / "src"))
