"""Standard modules imported only when a name in them is first used.

python-pptx imports xml.sax.saxutils (for `escape`), which imports urllib.request at its top
for one function (`prepare_input_source`, opening an XML source by URL) that nothing here calls.
urllib.request brings http.client, ssl, email and socket: 45-50 ms of every PPTX build's CPU.
A stand-in in `sys.modules` makes `import urllib.request` cheap; the first name looked up in it
imports the real module, which then replaces it everywhere the import system put it.
"""

from __future__ import annotations

import importlib
import sys
import types

UNUSED_BY_BUILDS = ("urllib.request",)


class _OnFirstUse(types.ModuleType):
    """A module's stand-in: any name looked up in it is the real module's (imported then)."""

    def __getattr__(self, name: str) -> object:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


def defer(name: str) -> None:
    """Let `import name` cost nothing until a name in the module is used (a no-op when it is
    imported already)."""
    if name in sys.modules:
        return
    parent, _, child = name.rpartition(".")
    stand_in = _OnFirstUse(name)
    sys.modules[name] = stand_in
    if parent:  # `import a.b` then `a.b.f()`: the package must hold it, as an import sets it
        setattr(importlib.import_module(parent), child, stand_in)


for _name in UNUSED_BY_BUILDS:
    defer(_name)
