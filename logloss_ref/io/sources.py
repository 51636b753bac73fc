"""From what the user named to a reader: a file by its extension, standard input, or a dataset."""

from __future__ import annotations

import os
import posixpath

from ._arrow import InputError, load_pyarrow
from .arrow_reader import ArrowReader
from .csv_reader import CsvReader
from .dataset import Dataset, Part, _partitions, find_parts
from .location import Location
from .parquet_reader import ParquetReader

PARQUET = (".parquet", ".pq")
ARROW = (".arrow", ".feather", ".ipc")


def open_file(pa, location: Location, *, delimiter: str | None = None, batch_rows: int = 1 << 18, threads: int = 1):
    """The reader of one file, chosen by its extension (CSV unless Parquet or Arrow)."""
    lower = location.path.lower()
    if lower.endswith(PARQUET):
        return ParquetReader(pa, location, batch_rows=batch_rows)
    if lower.endswith(ARROW):
        return ArrowReader(pa, location, batch_rows=batch_rows)
    return CsvReader(pa, location, delimiter=delimiter, batch_rows=batch_rows, threads=threads)


def open_predictions(paths: list[str], *, delimiter: str | None = None, batch_rows: int = 1 << 18, threads: int = 1):
    """A reader for ``paths``: ``["-"]`` (CSV on standard input), one file, or a dataset.

    ``threads`` threads may parse a large local CSV file side by side. A dataset is a folder (its files, sub-folders included), a glob pattern (``'preds/*.parquet'``,
    ``**`` for any depth), several files, or a mix, each local or a URI; files and folders whose
    names start with ``.`` or ``_`` (``_SUCCESS``, ``.crc``) are left out. Folders named
    ``key=value`` below a folder or pattern, or anywhere in the path of files listed one by one,
    give their rows a column ``key`` (Hive-style partitions).
    """
    pa = load_pyarrow()
    if paths == ["-"]:
        return CsvReader(pa, None, delimiter=delimiter, batch_rows=batch_rows)
    if "-" in paths:
        raise InputError("- (standard input) cannot be read beside files; give files only, or - alone")

    def open_part(location: Location):
        return open_file(pa, location, delimiter=delimiter, batch_rows=batch_rows, threads=threads)

    parts: list[Part] = []
    for argument in paths:
        found = find_parts(pa, argument)
        if isinstance(found, Location):
            if len(paths) == 1:
                return open_part(found)
            parts.append(Part(found, _partitions(posixpath.dirname(found.path.replace(os.sep, "/")))))
        elif not found:
            pattern = any(c in argument for c in "*?[")
            raise InputError(f"{argument}: {'no file matches the pattern' if pattern else 'the folder holds no data file'}")
        else:
            parts += found
    return Dataset(pa, ", ".join(paths), parts, open_part)
