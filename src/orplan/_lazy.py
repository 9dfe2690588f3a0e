"""Names a package exports but imports on first use, so ``orplan --help`` starts fast.

A package lists ``name -> module`` and calls ``lazy_package(__name__, EXPORTS)``; type
checkers read the same names from an ``if TYPE_CHECKING:`` import block. Importing pandas,
matplotlib or OR-Tools costs 0.1-0.5 s each, which a command that does not need them should
not pay.

Some exported functions share their name with a submodule (``orplan.check`` the function and
the package, ``orplan.durations.fit`` the function and the module). Python's import system sets
a package attribute to each submodule it imports, which would replace the function; the
package's class here keeps the exported function under that name instead (the submodule stays
importable through ``sys.modules`` and ``import orplan.check.kpis``).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


def lazy_package(package: str, exports: dict[str, str]) -> None:
    """Make ``package`` import its exported names on first use.

    Parameters
    ----------
    package
        The package's ``__name__``.
    exports
        Exported name -> module that defines it.
    """

    class LazyPackage(types.ModuleType):
        def __getattr__(self, name: str) -> Any:
            module = exports.get(name)
            if module is None:
                raise AttributeError(f"module {package!r} has no attribute {name!r}")
            value = getattr(importlib.import_module(module), name)
            self.__dict__[name] = value  # cache: the next look-up is a plain attribute
            return value

        def __setattr__(self, name: str, value: Any) -> None:
            if (
                name in exports
                and isinstance(value, types.ModuleType)
                and value.__name__ == f"{package}.{name}"
            ):
                return  # a same-named submodule was imported: keep the exported function
            super().__setattr__(name, value)

    sys.modules[package].__class__ = LazyPackage
