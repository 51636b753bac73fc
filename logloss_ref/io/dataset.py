"""A dataset: several files read as one, as Spark, Dask, BigQuery exports and Hive tables write them.

The parts are read one after another, each by the reader of its format, so memory does not
grow with their number. Folders named ``key=value`` between the dataset's root (the folder, or
a pattern's fixed start) and a part, or anywhere in the path of files listed one by one
(Hive-style partitions, such as ``country=US/part-00000.parquet``), give every row of that
part a column ``key`` of that value; it is never read from the part itself. Each part must have the
columns asked for: an error names the part, and the row within it.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

from ._arrow import InputError, reason
from .location import Location, is_uri

GLOB_CHARACTERS = "*?["
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"  # how Hive and Spark name the partition of missing values


@dataclass
class Part:
    location: Location
    partitions: dict = field(default_factory=dict)  # column -> value (None: missing) for every row of the part


def _hidden(relative: str) -> bool:
    """Files and folders that writers leave beside the data: _SUCCESS, _metadata, .crc files, _temporary/."""
    return any(piece.startswith((".", "_")) for piece in relative.replace(os.sep, "/").split("/") if piece)


def _partitions(relative_folder: str) -> dict:
    values = {}
    for piece in relative_folder.replace(os.sep, "/").split("/"):
        key, equals, value = piece.partition("=")
        if equals and key:
            value = unquote(value)
            values[unquote(key)] = None if value == HIVE_NULL else value
    return values


def _glob_root(pattern: str) -> str:
    """The folder of a pattern before its first wildcard."""
    pieces = pattern.split("/")
    fixed = []
    for piece in pieces:
        if any(c in piece for c in GLOB_CHARACTERS):
            break
        fixed.append(piece)
    return "/".join(fixed) or ("/" if pattern.startswith("/") else ".")


def find_parts(pa, argument: str) -> list[Part] | Location:
    """The parts an argument names: a file gives its Location; a folder or a pattern, its parts (maybe none)."""
    if is_uri(argument):
        import pyarrow.fs  # noqa: F401  (only here: it takes a while to import)

        try:
            filesystem, path = pa.fs.FileSystem.from_uri(argument)
        except (OSError, pa.ArrowException) as error:
            raise InputError(f"{argument}: cannot open: {reason(error)}") from None
        return _find_on(pa, filesystem, path, argument)
    if any(c in argument for c in GLOB_CHARACTERS):
        root = _glob_root(argument)
        files = sorted(path for path in glob.glob(argument, recursive=True) if os.path.isfile(path))
        folders = sorted(path for path in glob.glob(argument, recursive=True) if os.path.isdir(path))
        parts = [_part(path, root) for path in files if not _hidden(os.path.relpath(path, root))]
        for folder in folders:
            parts += _walk(folder, root)
        return parts
    if os.path.isdir(argument):
        return _walk(argument, argument)
    return Location(argument, argument)


def _part(path: str, root: str, filesystem=None, name: str | None = None) -> Part:
    relative = os.path.relpath(os.path.dirname(path), root) if filesystem is None else _relative(os.path.dirname(path), root)
    return Part(Location(path, name or path, filesystem), _partitions(relative))


def _relative(path: str, root: str) -> str:
    root = root.rstrip("/")
    return path[len(root):].lstrip("/") if path.startswith(root) else path


def _walk(folder: str, root: str) -> list[Part]:
    parts = []
    for directory, subdirectories, files in os.walk(folder):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith((".", "_")))
        for file in sorted(files):
            path = os.path.join(directory, file)
            if not _hidden(os.path.relpath(path, folder)):
                parts.append(_part(path, root))
    return parts


def _find_on(pa, filesystem, path: str, argument: str) -> list[Part] | Location:
    """The same on a pyarrow filesystem (URIs): a file, a folder or a pattern."""
    scheme = argument.partition("://")[0]
    prefix = argument[:len(argument) - len(path)] if argument.endswith(path) else f"{scheme}://"

    def named(p: str) -> str:
        return prefix + p

    try:
        if any(c in path for c in GLOB_CHARACTERS):
            root = _glob_root(path)
            infos = filesystem.get_file_info(pa.fs.FileSelector(root, recursive=True, allow_not_found=True))
            matched = [info.path for info in infos if info.type == pa.fs.FileType.File
                       and fnmatch.fnmatchcase(info.path, path) and not _hidden(_relative(info.path, root))]
            return [_part(p, root, filesystem, named(p)) for p in sorted(matched)]
        info = filesystem.get_file_info(path)
        if info.type == pa.fs.FileType.Directory:
            infos = filesystem.get_file_info(pa.fs.FileSelector(path, recursive=True))
            files = sorted(i.path for i in infos if i.type == pa.fs.FileType.File and not _hidden(_relative(i.path, path)))
            return [_part(p, path, filesystem, named(p)) for p in files]
    except (OSError, pa.ArrowException) as error:
        raise InputError(f"{argument}: cannot read: {reason(error)}") from None
    return Location(path, argument, filesystem)


class Dataset:
    """Parts read one after another as one stream of batches; each batch names its part."""

    unit = "rows"
    total = None

    def __init__(self, pa, name: str, parts: list[Part], open_part):
        self.pa, self.name, self.parts, self._open = pa, name, parts, open_part
        first = parts[0]
        self._first = open_part(first.location)
        self.column_names = list(self._first.column_names) + [k for k in first.partitions if k not in self._first.column_names]
        self.rows_read = 0
        self._options: dict[str, str] = {}

    def require(self, columns: list[str], option: dict[str, str]) -> None:
        """Fail on a column that the first part lacks (the others are checked as they are read)."""
        self._options = dict(option)
        self._first.require([c for c in columns if c not in self.parts[0].partitions], option)

    def position(self) -> int:
        return self.rows_read

    def batches(self, columns: list[str], numeric: set[str], text: set[str] = frozenset(), constants=None) -> Iterator:
        for number, part in enumerate(self.parts):
            reader = self._first if number == 0 else self._open(part.location)
            constants = {c: v for c, v in part.partitions.items() if c in columns}
            reader.require([c for c in columns if c not in constants], self._options or {c: "column" for c in columns})
            for batch in reader.batches(columns, numeric, text, constants):
                self.rows_read += batch.num_rows
                yield batch
