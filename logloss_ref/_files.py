"""Files of predictions for the command line, read in batches of rows with pyarrow.

- CSV with a header row: any delimiter (``,``, ``;``, tab or ``|``, sniffed from the header, or
  given), quoted fields, CRLF line ends and a UTF-8 byte-order mark; compressed by extension
  (``.gz``, ``.bz2``, ``.zst``); or standard input (``-``).
- Parquet (``.parquet``, ``.pq``), read one row group at a time and only the needed columns.
- Arrow IPC / Feather (``.arrow``, ``.feather``, ``.ipc``), memory-mapped.

Memory depends on the batch size, not on the number of rows. Rows are numbered as a reader
sees them: in a CSV file the header is row 1, so the first data row is row 2; in Parquet and
Arrow files the first row is row 1. Anything wrong is an `InputError` naming the file, and
where it can, the row and the column.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

INSTALL_HINT = "pip install 'logloss_ref[cli]'"
COMPRESSION = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd", ".zstd": "zstd"}
PARQUET = (".parquet", ".pq")
ARROW = (".arrow", ".feather", ".ipc")
DELIMITERS = (",", ";", "\t", "|")
HEAD_BYTES = 1 << 16  # read to find the header and the delimiter
# pyarrow's CSV reader keeps a few dozen blocks in flight; at 256 KiB that is ~10 MiB, and it
# parses as fast as with larger blocks (measured on 10**7 rows: 0.78 s, against 0.85 s at 1 MiB).
CSV_BLOCK_BYTES = 1 << 18
TRUE_WORDS, FALSE_WORDS = ("1", "true"), ("0", "false")


class InputError(Exception):
    """A problem with the user's input, reported as one line and exit status 2."""


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.csv
        import pyarrow.ipc
        import pyarrow.parquet
    except ImportError:
        raise InputError(f"reading prediction files needs pyarrow: {INSTALL_HINT}") from None
    return pyarrow


@dataclass
class Batch:
    first_row: int  # the number of its first row, as errors report it
    columns: dict  # column name -> pyarrow Array


class PredictionFile:
    """A file of predictions, read batch by batch (see the module's docstring)."""

    def __init__(self, path: str, *, delimiter: str | None = None, batch_rows: int = 1 << 18):
        self.pa = _pyarrow()
        self.path, self.batch_rows = path, batch_rows
        self.name = "<stdin>" if path == "-" else path
        lower = path.lower()
        self.kind = "parquet" if lower.endswith(PARQUET) else "arrow" if lower.endswith(ARROW) else "csv"
        self.first_row = 2 if self.kind == "csv" else 1
        self.rows_read = 0
        if self.kind == "parquet":
            self._open_parquet()
        elif self.kind == "arrow":
            self._open_arrow()
        else:
            self._open_csv(delimiter)

    # -- the three formats ---------------------------------------------------------------------

    def _open_parquet(self) -> None:
        try:
            self._parquet = self.pa.parquet.ParquetFile(self.path)
        except (OSError, self.pa.ArrowException) as error:
            raise InputError(f"{self.name}: not a readable Parquet file: {_reason(error)}") from None
        self.schema = self._parquet.schema_arrow
        self.total, self.unit = self._parquet.metadata.num_rows, "rows"

    def _open_arrow(self) -> None:
        try:
            source = self.pa.memory_map(self.path)
            try:
                reader = self.pa.ipc.open_file(source)
                self._arrow = [reader.get_batch(i) for i in range(reader.num_record_batches)]  # memory-mapped: no copy
            except self.pa.ArrowInvalid:
                source.seek(0)
                self._arrow = list(self.pa.ipc.open_stream(source))
        except (OSError, self.pa.ArrowException) as error:
            raise InputError(f"{self.name}: not a readable Arrow IPC or Feather file: {_reason(error)}") from None
        self.schema = self._arrow[0].schema if self._arrow else None
        if self.schema is None:
            raise InputError(f"{self.name}: the file holds no record batch")
        self.total, self.unit = sum(batch.num_rows for batch in self._arrow), "rows"

    def _open_csv(self, delimiter: str | None) -> None:
        self.codec = None if self.path == "-" else COMPRESSION.get(os.path.splitext(self.path.lower())[1])
        self.total = None if self.path == "-" else _size(self.path, self.name)
        self.unit = "bytes"
        head = self._head()
        text = _decoded_head(head, self.name, self.codec)
        first_line = text.splitlines()[0] if text.strip() else ""
        if not first_line.strip():
            raise InputError(f"{self.name}: the file is empty; expected a header row and data rows")
        if delimiter is None:
            counts = [first_line.count(d) for d in DELIMITERS]
            delimiter = DELIMITERS[int(np.argmax(counts))] if max(counts) else ","
        self.delimiter = delimiter
        names = [name.strip() for name in next(csv.reader([first_line], delimiter=delimiter))]
        self.schema = None
        self.header = names

    def _head(self) -> bytes:
        if self.path == "-":
            self._stdin_head = sys.stdin.buffer.read(HEAD_BYTES)
            return self._stdin_head
        with self._raw_stream() as stream:
            return stream.read(HEAD_BYTES)

    def _raw_stream(self):
        """The file's bytes, decompressed; its compressed position is ``self._file.tell()``."""
        try:
            self._file = self.pa.OSFile(self.path)
            return self.pa.CompressedInputStream(self._file, self.codec) if self.codec else self._file
        except (OSError, self.pa.ArrowException) as error:
            raise InputError(f"{self.name}: cannot read: {_reason(error)}") from None

    # -- columns ---------------------------------------------------------------------------------

    @property
    def column_names(self) -> list[str]:
        return self.header if self.kind == "csv" else list(self.schema.names)

    def require(self, columns: list[str], option: dict[str, str]) -> None:
        """Fail on a column that the file lacks, naming the option that asked for it."""
        for column in columns:
            if column not in self.column_names:
                raise InputError(
                    f"{self.name}: no column {column!r} ({option[column]}) in the "
                    f"{'header' if self.kind == 'csv' else 'file'}; columns are {', '.join(map(repr, self.column_names))}"
                )

    def position(self) -> int | None:
        """How far reading has got, in the unit of ``total``."""
        if self.kind != "csv":
            return self.rows_read
        try:
            return self._file.tell() if self.path != "-" else None
        except (OSError, AttributeError, ValueError):
            return None

    # -- batches -------------------------------------------------------------------------------

    def batches(self, columns: list[str], numeric: set[str], text: set[str] = frozenset()) -> Iterator[Batch]:
        """Batches of the named columns: ``numeric`` ones as float64 NumPy arrays, the others as
        pyarrow arrays, read from CSV as text when in ``text`` and of the type pyarrow infers
        otherwise (0/1 labels are integers, which parse fastest)."""
        pa = self.pa
        if self.kind == "csv":
            record_batches = self._csv_batches(columns, numeric, text)
        elif self.kind == "parquet":
            self._check_types(columns, numeric)
            record_batches = self._parquet.iter_batches(batch_size=self.batch_rows, columns=columns)
        else:
            self._check_types(columns, numeric)
            record_batches = (batch.select(columns) for batch in self._arrow)
        try:
            for piece in _read_ahead(_regrouped(pa, record_batches, self.batch_rows)):
                batch = Batch(self.first_row + self.rows_read, {c: piece.column(c) for c in columns})
                for column in numeric:
                    array = batch.columns[column]
                    if array.null_count:
                        at = int(np.argmin(numpy_view(pa, array.is_valid())))
                        raise InputError(f"{self.name}: row {batch.first_row + at}, column {column!r}: "
                                         "the value is missing (an empty field)")
                    batch.columns[column] = _as_float(pa, array)
                self.rows_read += piece.num_rows
                yield batch
        except (OSError, pa.ArrowException) as error:
            if self.kind == "csv" and self.path != "-":
                self._diagnose(columns, numeric)
            raise InputError(f"{self.name}: cannot read the data after row {self.first_row + self.rows_read - 1}: "
                             f"{_reason(error)}") from None

    def _check_types(self, columns: list[str], numeric: set[str]) -> None:
        for column in numeric:
            kind = self.schema.field(column).type
            if not (self.pa.types.is_integer(kind) or self.pa.types.is_floating(kind)):
                raise InputError(f"{self.name}: column {column!r} holds {kind} values; expected numbers")

    def _csv_batches(self, columns: list[str], numeric: set[str], text_columns: set[str]):
        pa, csv_module = self.pa, self.pa.csv
        if self.path == "-":
            stream = pa.PythonFile(_Prefixed(self._stdin_head, sys.stdin.buffer), mode="r")
        else:
            stream = self._raw_stream()
        text = pa.dictionary(pa.int32(), pa.string())
        try:
            return csv_module.open_csv(
                stream,
                read_options=csv_module.ReadOptions(column_names=self.header, skip_rows=1, block_size=CSV_BLOCK_BYTES),
                parse_options=csv_module.ParseOptions(delimiter=self.delimiter),
                convert_options=csv_module.ConvertOptions(
                    include_columns=columns,
                    column_types={c: pa.float64() if c in numeric else text for c in columns
                                  if c in numeric or c in text_columns},
                    null_values=[""], strings_can_be_null=True,
                ),
            )
        except (OSError, pa.ArrowException) as error:
            if self.path != "-":
                self._diagnose(columns, numeric)
            raise InputError(f"{self.name}: cannot read the data after row {self.first_row - 1}: {_reason(error)}") from None

    def _diagnose(self, columns: list[str], numeric: set[str]) -> None:
        """Find the first row that pyarrow refused, reading the file again with Python's csv module."""
        try:
            with self._raw_stream() as stream:
                lines = _text_lines(stream)
                reader = csv.reader(lines, delimiter=self.delimiter)
                next(reader, None)
                wanted = {self.header.index(c): c for c in columns if c in numeric}
                for row, fields in enumerate(reader, start=2):
                    if len(fields) != len(self.header):
                        raise InputError(f"{self.name}: row {row}: expected {len(self.header)} fields, found {len(fields)}")
                    for index, column in wanted.items():
                        if fields[index].strip():
                            try:
                                float(fields[index])
                            except ValueError:
                                raise InputError(f"{self.name}: row {row}, column {column!r}: {fields[index]!r} is not a number") from None
        except (OSError, self.pa.ArrowException, UnicodeDecodeError):
            return  # the data itself is unreadable: the caller reports how far reading got


def _read_ahead(batches, depth: int = 2):
    """The same batches, read by a background thread while the caller scores the previous ones.

    pyarrow decodes and NumPy computes without holding the GIL, so on two cores reading and
    scoring overlap. An error in the thread is raised here, at the batch where it happened.
    """
    import queue
    import threading

    pending: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def read() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        pending.put((batch, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            pending.put((None, None))
        except BaseException as error:  # handed to the caller, which raises it
            pending.put((None, error))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while True:
            batch, error = pending.get()
            if error is not None:
                raise error
            if batch is None:
                return
            yield batch
    finally:
        stop.set()


def _regrouped(pa, record_batches, rows: int):
    """The record batches as tables of exactly ``rows`` rows (the last may be shorter).

    pyarrow's CSV reader gives a batch per 256 KiB block (a few thousand rows); scoring works
    best on large batches, and tests ask for small ones.
    """
    pending, pending_rows = [], 0
    for record_batch in record_batches:
        pending.append(record_batch)
        pending_rows += record_batch.num_rows
        while pending_rows >= rows:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, rows).combine_chunks()
            rest = table.slice(rows)
            pending, pending_rows = rest.to_batches(), rest.num_rows
    if pending_rows:
        yield pa.Table.from_batches(pending).combine_chunks()


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


def _as_float(pa, array) -> np.ndarray:
    """A numeric column (without nulls: the caller checked) as float64 NumPy."""
    return numpy_view(pa, array).astype(np.float64, copy=False)


class _Prefixed(io.RawIOBase):
    """Standard input with its first bytes, already read to find the header, put back in front."""

    def __init__(self, head: bytes, rest):
        self.head, self.rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _text_lines(stream) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pending = ""
    while True:
        block = stream.read(1 << 20)
        pending += decoder.decode(block, final=not block)
        *lines, pending = pending.split("\n")
        yield from (line + "\n" for line in lines)
        if not block:
            if pending:
                yield pending
            return


def _decoded_head(head: bytes, name: str, codec: str | None) -> str:
    try:
        return codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        hint = "" if codec else " (if it is compressed, its name must end in .gz, .bz2 or .zst)"
        raise InputError(f"{name}: not UTF-8 text{hint}") from None


def _size(path: str, name: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError as error:
        raise InputError(f"{name}: cannot read: {error.strerror or error}") from None


def _reason(error: BaseException) -> str:
    return (getattr(error, "strerror", None) or str(error)).strip().splitlines()[0]


# ---------------------------------------------------------------------------------------------
# Labels and segments


def _texts(pa, array):
    """A text column as (codes per row, the distinct values); nulls get code -1."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not pa.types.is_dictionary(array.type):
        array = array.cast(pa.string()).dictionary_encode() if not pa.types.is_string(array.type) else array.dictionary_encode()
    codes = numpy_view(pa, array.indices)
    if array.null_count:
        codes = np.where(numpy_view(pa, array.is_valid()), codes, -1)
    return codes.astype(np.int64, copy=False), array.dictionary.to_pylist()


@dataclass
class LabelReader:
    """Turns label columns into 0/1 indicators (two classes) or class indices (K classes)."""

    name: str
    column: str
    positive: str | None = None
    n_classes: int = 2

    def __post_init__(self):
        self.seen: set[str] = set()

    def __call__(self, pa, array, first_row: int) -> np.ndarray:
        if pa.types.is_boolean(array.type) and self.n_classes == 2 and self.positive is None:
            if array.null_count:
                self._missing(pa, array, first_row)
            return numpy_view(pa, array)
        if array.null_count:
            self._missing(pa, array, first_row)
        if (pa.types.is_integer(array.type) or pa.types.is_floating(array.type)) and self.positive is None:
            return self._numbers(numpy_view(pa, array), first_row)
        codes, values = _texts(pa, array)
        mapped = np.array([self._value(str(v), first_row, codes, k) for k, v in enumerate(values)], dtype=np.int64)
        labels = mapped[codes] if len(mapped) else np.empty(0, dtype=np.int64)
        return labels.astype(bool) if self.n_classes == 2 else labels

    def _numbers(self, values: np.ndarray, first_row: int) -> np.ndarray:
        """Labels stored or parsed as numbers: 0/1, or class indices 0 to K-1."""
        if self.n_classes == 2:
            valid = (values == 0) | (values == 1)
        else:
            valid = (values >= 0) & (values < self.n_classes) & (values == np.floor(values))
        if not valid.all():
            at = int(np.argmin(valid))
            wanted = "0 or 1, nor true or false" if self.n_classes == 2 else f"a class index 0 to {self.n_classes - 1}"
            raise InputError(f"{self.name}: row {first_row + at}, column {self.column!r}: "
                             f"{_plain(values[at])!r} is not {wanted}")
        return values.astype(bool) if self.n_classes == 2 else values.astype(np.int64)

    def _value(self, text: str, first_row: int, codes: np.ndarray, k: int) -> int:
        self.seen.add(text)
        if self.positive is not None:
            if len(self.seen) > 2:
                raise InputError(self._where(first_row, codes, k) + f"a third label {text!r} (after "
                                 f"{', '.join(map(repr, sorted(self.seen - {text})))}); --positive needs exactly two")
            return int(text == self.positive)
        word = text.strip().lower()
        if self.n_classes == 2:
            if word in TRUE_WORDS or word in FALSE_WORDS or _is_number(word, {0.0, 1.0}):
                return int(word in TRUE_WORDS or (_is_number(word, {1.0})))
            raise InputError(self._where(first_row, codes, k) + f"{text!r} is not 0 or 1, nor true or false; "
                             "to score two other values, name the positive one with --positive VALUE")
        if _is_number(word, set(map(float, range(self.n_classes)))):
            return int(float(word))
        raise InputError(self._where(first_row, codes, k) + f"{text!r} is not a class index 0 to {self.n_classes - 1}")

    def _where(self, first_row: int, codes: np.ndarray, k: int) -> str:
        return f"{self.name}: row {first_row + int(np.argmax(codes == k))}, column {self.column!r}: "

    def _missing(self, pa, array, first_row: int):
        at = int(np.argmin(numpy_view(pa, array.is_valid())))
        raise InputError(f"{self.name}: row {first_row + at}, column {self.column!r}: the label is missing")

    def finish(self) -> None:
        if self.positive is not None and self.positive not in self.seen:
            raise InputError(f"{self.name}: column {self.column!r}: --positive {self.positive!r} never occurs; "
                             f"its values are {', '.join(map(repr, sorted(self.seen)))}")


def _plain(value) -> str:
    """A number as it was probably written: 2, not 2.0."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _is_number(word: str, allowed: set[float]) -> bool:
    try:
        return float(word) in allowed
    except ValueError:
        return False


class SegmentCoder:
    """Numbers each distinct combination of segment values, over all batches, in order of appearance.

    ``keys[n]`` is the tuple of values of segment ``n``; a missing value is None.
    """

    BITS = 20  # distinct values per column, at most 2**20 when segmenting by several columns

    def __init__(self, columns: list[str], name: str):
        self.columns, self.name = columns, name
        self.keys: list[tuple] = []
        self._number: dict[int, int] = {}  # combined value codes -> segment number
        self._codes: list[dict] = [{} for _ in columns]  # per column: value -> code
        self._values: list[list] = [[] for _ in columns]  # per column: code -> value

    def __call__(self, pa, arrays: list) -> np.ndarray:
        combined = None
        for position, array in enumerate(arrays):
            codes, values = _texts(pa, array)
            lookup = np.array([self._code(position, v) for v in values] + [self._code(position, None)], dtype=np.int64)
            column_codes = lookup[codes]  # a null's code -1 picks the last entry, None
            combined = column_codes if combined is None else (combined << self.BITS) | column_codes
        if combined.size and combined.max() < (1 << 22):  # small codes: a lookup table, no sort
            present = np.flatnonzero(np.bincount(combined))
            table = np.zeros(int(present[-1]) + 1, dtype=np.int64)
            table[present] = [self._segment(int(key)) for key in present]
            return table[combined]
        present, inverse = np.unique(combined, return_inverse=True)
        return np.array([self._segment(int(key)) for key in present], dtype=np.int64)[inverse]

    def _code(self, position: int, value) -> int:
        codes = self._codes[position]
        if value not in codes:
            if len(codes) == 1 << self.BITS and len(self.columns) > 1:
                raise InputError(f"{self.name}: column {self.columns[position]!r} has over {1 << self.BITS:,} distinct values")
            codes[value] = len(codes)
            self._values[position].append(value)
        return codes[value]

    def _segment(self, key: int) -> int:
        if key not in self._number:
            parts, rest = [], key
            for position in reversed(range(len(self.columns))):
                code = rest & ((1 << self.BITS) - 1) if position else rest
                rest >>= self.BITS
                parts.append(self._values[position][code])
            self._number[key] = len(self.keys)
            self.keys.append(tuple(reversed(parts)))
        return self._number[key]
