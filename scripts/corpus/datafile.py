"""Reading the generator's data files: TOML, with errors that name the file and the entry."""

import pathlib
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]


class DataError(Exception):
    """A data file the generator cannot use; the message says which file, which entry, and why."""


def shown(path):
    """The path as the repository names it (errors are read by whoever edits the file)."""
    try:
        return str(pathlib.Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def read_toml(path):
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except OSError as e:
        raise DataError("%s: cannot read it: %s" % (shown(path), e.strerror)) from None
    except tomllib.TOMLDecodeError as e:
        raise DataError("%s: %s" % (shown(path), e)) from None


class Entries:
    """A TOML file's tables, read with `get`: a missing key or a value of the wrong type is a
    DataError naming the file and the key's path ("products_en.toml: [milk] units: ...")."""

    def __init__(self, path, table=None, where=""):
        self.path = path
        self.table = read_toml(path) if table is None else table
        self.where = where

    def fail(self, what, key=None):
        at = ".".join(x for x in (self.where, key) if x)
        raise DataError("%s: %s%s" % (shown(self.path), at + ": " if at else "", what))

    def get(self, key, kind, default=None):
        if key not in self.table:
            if default is not None:
                return default
            self.fail("missing (expected %s)" % describe(kind), key)
        value = self.table[key]
        if not conforms(value, kind):
            self.fail("expected %s, found %r" % (describe(kind), value), key)
        return value

    def sub(self, key):
        """The table under `key`, read the same way."""
        return Entries(self.path, self.get(key, dict), ".".join(x for x in (self.where, key) if x))

    def keys(self):
        return list(self.table)


def conforms(value, kind):
    """kind: a type, or [type] (a list of it), or (type, type) (a pair)."""
    if isinstance(kind, list):
        return isinstance(value, list) and all(conforms(v, kind[0]) for v in value)
    if isinstance(kind, tuple):
        return isinstance(value, list) and len(value) == len(kind) and \
            all(conforms(v, k) for v, k in zip(value, kind))
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def describe(kind):
    if isinstance(kind, list):
        return "a list (each %s)" % describe(kind[0])
    if isinstance(kind, tuple):
        return "a pair [" + ", ".join(describe(k) for k in kind) + "]"
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false",
            dict: "a table", list: "a list"}[kind]
