"""What the readers share: pyarrow, the batch they yield, the error they raise, and the batch pipeline."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

INSTALL_HINT = "pip install 'logloss_ref[cli]'"


class InputError(Exception):
    """A problem with the user's input, reported as one line and exit status 2."""


def load_pyarrow():
    """pyarrow with the modules the readers use, or an InputError that says how to install it."""
    try:
        import pyarrow
        import pyarrow.csv
        import pyarrow.ipc
        import pyarrow.parquet  # noqa: F401  (pyarrow.fs, ~50 ms, only for URIs: see dataset.find_parts)
    except ImportError:
        raise InputError(f"reading prediction files needs pyarrow: {INSTALL_HINT}") from None
    return pyarrow


@dataclass
class Batch:
    name: str  # the file it comes from, as errors name it
    row_base: int | Callable[[], int]  # the number of the first row of its stretch of the file (or how to count it)
    columns: dict  # column name -> float64 NumPy array (numeric columns) or pyarrow Array
    offset: int = 0  # rows before this batch in its stretch

    @property
    def first_row(self) -> int:
        """The number of its first row in the file, as errors report it."""
        base = self.row_base() if callable(self.row_base) else self.row_base
        return base + self.offset

    @property
    def num_rows(self) -> int:
        return len(next(iter(self.columns.values())))


def reason(error: BaseException) -> str:
    """The first line of an error's message."""
    return (getattr(error, "strerror", None) or str(error)).strip().splitlines()[0]


def numpy_view(pa, array) -> np.ndarray:
    """A pyarrow array of numbers or booleans as NumPy, from its buffers (values under nulls are junk).

    Not ``to_numpy``: pyarrow's conversions import pandas whenever it is installed, which costs
    longer than scoring a million rows.
    """
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    data = array.buffers()[1]
    if pa.types.is_boolean(array.type):  # one bit per value
        bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
        return bits[array.offset:array.offset + len(array)].astype(bool)
    dtype = np.dtype(array.type.to_pandas_dtype())
    return np.frombuffer(data, dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize)


def as_float(pa, array) -> np.ndarray:
    """A numeric column (without nulls: the caller checked) as float64 NumPy."""
    return numpy_view(pa, array).astype(np.float64, copy=False)


def regrouped(pa, record_batches, rows: int):
    """The record batches as tables of exactly ``rows`` rows (the last may be shorter).

    pyarrow's CSV reader gives a batch per 256 KiB block (a few thousand rows); scoring works
    best on large batches, and tests ask for small ones.
    """
    pending, pending_rows = [], 0
    for record_batch in record_batches:
        if not pending and record_batch.num_rows == rows:
            yield record_batch  # already the right size: no copy
            continue
        pending.append(record_batch)
        pending_rows += record_batch.num_rows
        while pending_rows >= rows:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, rows).combine_chunks()
            rest = table.slice(rows)
            pending, pending_rows = rest.to_batches(), rest.num_rows
    if pending_rows:
        yield pa.Table.from_batches(pending).combine_chunks()


def converted(pa, name: str, first_row, pieces, columns: list[str], numeric: set[str], constants: dict | None = None):
    """`Batch` after `Batch` from tables or record batches: numeric columns as float64, checked for missing values.

    ``first_row`` is the number of the first row, or a function that counts it (a stretch of a
    file read beside the others). ``constants`` holds columns that are one value for the whole
    file (a dataset's partition columns): they become dictionary arrays of that value, or float64
    arrays when numeric.
    """
    offset = 0
    for piece in pieces:
        batch = Batch(name, first_row, {}, offset)
        for column in columns:
            if constants and column in constants:
                batch.columns[column] = constant_column(pa, constants[column], piece.num_rows, column in numeric, name)
                continue
            array = piece.column(column)
            if isinstance(array, pa.ChunkedArray):
                array = array.combine_chunks()
            if column in numeric:
                if array.null_count:
                    at = int(np.argmin(numpy_view(pa, array.is_valid())))
                    raise InputError(f"{name}: row {batch.first_row + at}, column {column!r}: the value is missing (an empty field)")
                array = as_float(pa, array)
            batch.columns[column] = array
        offset += piece.num_rows
        yield batch


def constant_column(pa, value: str, n: int, numeric: bool, name: str):
    if numeric:
        try:
            return np.full(n, float(value))
        except ValueError:
            raise InputError(f"{name}: the partition value {value!r} is not a number") from None
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array([value], pa.string()))


def merged(sources: list, depth: int = 2) -> Iterator:
    """The items of several iterables, each read in a thread of its own, as they come.

    An error in any of them is raised here; stopping early stops them all.
    """
    pending: queue.Queue = queue.Queue(maxsize=depth * len(sources))
    stop = threading.Event()

    def read(source) -> None:
        try:
            for item in source:
                while not stop.is_set():
                    try:
                        pending.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            pending.put((_DONE, None))
        except BaseException as error:  # handed to the caller, which raises it
            pending.put((None, error))

    readers = [threading.Thread(target=read, args=(source,), daemon=True) for source in sources]
    for reader in readers:
        reader.start()
    try:
        running = len(readers)
        while running:
            item, error = pending.get()
            if error is not None:
                raise error
            if item is _DONE:
                running -= 1
                continue
            yield item
    finally:
        stop.set()
        for reader in readers:
            reader.join()


_DONE = object()


def read_ahead(batches, depth: int = 2) -> Iterator:
    """The same batches, read by a background thread while the caller scores the previous ones.

    pyarrow decodes and NumPy computes without holding the GIL, so on two cores reading and
    scoring overlap. An error in the thread is raised here, at the batch where it happened.
    """
    return merged([batches], depth)
