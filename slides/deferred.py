"""Modules imported only when a name in them is first used: what the libraries a build needs
import at their top for features no build uses.

- `urllib.request`: python-pptx imports xml.sax.saxutils (for `escape`), which imports it for
  one function (`prepare_input_source`, opening an XML source by URL) nothing here calls; it
  brings http.client, ssl, email and socket: 45-50 ms of every PPTX build's CPU.
- `PIL.ExifTags`: Pillow's Image imports it (its enums take 5-9 ms to make) for photos' Exif
  tags, which only a lecture's own pictures need.

Importing one gives a stand-in (a finder first on `sys.meta_path` answers for these names, when
the real module is there to be found). The first name looked up in the stand-in imports the
real module, which then takes its place in `sys.modules` and in its package; the stand-in
passes every later lookup on to it.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import types

DEFERRED = {"urllib.request", "PIL.ExifTags"}
_wanted: set[str] = set()  # the deferred modules used since: imported as they are


class _OnFirstUse(types.ModuleType):
    """A module's stand-in: any name looked up in it is the real module's (imported then)."""

    def __getattr__(self, name: str) -> object:
        module = self.__name__
        if not self.__dict__.get("_made"):  # the import system setting it up (`__path__`?)
            raise AttributeError(name)
        if module not in _wanted:
            _wanted.add(module)
            if sys.modules.get(module) is self:
                del sys.modules[module]
        return getattr(importlib.import_module(module), name)


class _StandIns:
    """Finds a stand-in for a deferred module not used yet (if the real one can be found, so
    that a missing module still fails its import); any other is left to the next finders.
    A finder and loader as importlib.abc describes them (not imported: it imports tempfile)."""

    def find_spec(
        self, fullname: str, path: object, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in DEFERRED or fullname in _wanted:
            return None
        others = (f for f in sys.meta_path if f is not self and hasattr(f, "find_spec"))
        if not any(f.find_spec(fullname, path, target) for f in others):
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _OnFirstUse(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        module._made = True


if not any(isinstance(finder, _StandIns) for finder in sys.meta_path):
    sys.meta_path.insert(0, _StandIns())
