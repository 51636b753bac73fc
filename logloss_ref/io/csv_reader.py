"""CSV with a header row: any delimiter, quoted fields, CRLF, a UTF-8 byte-order mark; compressed by extension; or standard input.

The delimiter (``,``, ``;``, tab or ``|``) is guessed from the header unless given. Rows are
numbered as an editor shows them: the header is row 1, so the first data row is row 2. When
pyarrow refuses a row, the file is read again with Python's csv module to find which.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import sys
from collections.abc import Iterator

import numpy as np

from ._arrow import InputError, converted, merged, reason, regrouped
from .location import Location
from .parquet_reader import require

COMPRESSION = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd", ".zstd": "zstd"}
DELIMITERS = (",", ";", "\t", "|")
HEAD_BYTES = 1 << 16  # read to find the header and the delimiter
# pyarrow's CSV reader keeps a few dozen blocks in flight; at 256 KiB that is ~10 MiB, and it
# parses as fast as with larger blocks (measured on 10**7 rows: 0.78 s, against 0.85 s at 1 MiB).
CSV_BLOCK_BYTES = 1 << 18
# A local, uncompressed file of at least this size is parsed by one thread per core, a stretch each.
PARALLEL_BYTES = 1 << 24


class CsvReader:
    """A CSV file (a `Location`) or standard input (None), read batch by batch."""

    first_row = 2

    def __init__(self, pa, location: Location | None, *, delimiter: str | None = None, batch_rows: int = 1 << 18,
                 threads: int = 1):
        self.pa, self.location, self.batch_rows, self.threads = pa, location, batch_rows, threads
        self.name = "<stdin>" if location is None else location.name
        self.codec = None if location is None else COMPRESSION.get(os.path.splitext(location.path.lower())[1])
        self.total = None if location is None else location.size(pa)
        self.unit = "bytes"
        self._file = None
        text = _decoded_head(self._head(), self.name, self.codec)
        first_line = text.splitlines()[0] if text.strip() else ""
        if not first_line.strip():
            raise InputError(f"{self.name}: the file is empty; expected a header row and data rows")
        if delimiter is None:
            counts = [first_line.count(d) for d in DELIMITERS]
            delimiter = DELIMITERS[int(np.argmax(counts))] if max(counts) else ","
        self.delimiter = delimiter
        self.column_names = [name.strip() for name in next(csv.reader([first_line], delimiter=delimiter))]

    def _head(self) -> bytes:
        if self.location is None:
            self._stdin_head = sys.stdin.buffer.read(HEAD_BYTES)
            return self._stdin_head
        with self._raw_stream() as stream:
            return stream.read(HEAD_BYTES)

    def _raw_stream(self):
        """The file's bytes, decompressed; its compressed position is ``self._file.tell()``."""
        self._file = self.location.open_stream(self.pa)
        try:
            return self.pa.CompressedInputStream(self._file, self.codec) if self.codec else self._file
        except (OSError, self.pa.ArrowException) as error:
            raise InputError(f"{self.name}: cannot read: {reason(error)}") from None

    def require(self, columns: list[str], option: dict[str, str]) -> None:
        require(self, columns, option, "header")

    def position(self) -> int | None:
        """How far reading has got, in bytes of the file as stored."""
        try:
            return self._file.tell() if self._file is not None and self.location is not None else None
        except (OSError, AttributeError, ValueError):
            return None

    def batches(self, columns: list[str], numeric: set[str], text: set[str] = frozenset(), constants=None) -> Iterator:
        """Batches of the named columns: numeric ones as float64 NumPy, the others as pyarrow arrays,
        read as text when in ``text`` and of the type pyarrow infers otherwise (0/1 labels are
        integers, which parse fastest)."""
        pa = self.pa
        read = [c for c in columns if not constants or c not in constants]
        rows_read = 0

        def counted(batches):
            nonlocal rows_read
            for batch in batches:
                rows_read += batch.num_rows
                yield batch

        try:
            stretches = self._stretches()
            if len(stretches) > 1:
                yield from merged([self._stretch_batches(stretches, k, read, columns, numeric, text, constants)
                                   for k in range(len(stretches))])
                return
            pieces = regrouped(pa, self._record_batches(read, numeric, text), self.batch_rows)
            yield from converted(pa, self.name, self.first_row, counted(pieces), columns, numeric, constants)
        except (OSError, pa.ArrowException) as error:
            if self.location is not None:
                self._diagnose(read, numeric)
            raise InputError(f"{self.name}: cannot read the data after row {self.first_row + rows_read - 1}: "
                             f"{reason(error)}") from None

    def _stretches(self) -> list[tuple[int, int]]:
        """Byte ranges of a large, local, uncompressed file that threads parse side by side, split at line ends.

        pyarrow's reader assumes no line end inside a quoted field (``newlines_in_values``), and
        so does this split; one stretch for anything else.
        """
        if self.threads < 2 or self.location is None or self.codec or self.location.filesystem is not None \
                or not self.total or self.total < PARALLEL_BYTES:
            return [(0, self.total or 0)]
        with self.pa.OSFile(self.location.path) as file:
            ends = [file.read_at(HEAD_BYTES, 0).find(b"\n") + 1]  # after the header
            for k in range(1, self.threads):
                start = max(self.total * k // self.threads, ends[-1])
                found = file.read_at(HEAD_BYTES, start).find(b"\n")
                if found < 0:
                    break
                ends.append(start + found + 1)
        ends.append(self.total)
        return [(a, b) for a, b in zip(ends, ends[1:]) if b > a]

    def _rows_before(self, end: int) -> int:
        """The number of the row that starts at byte ``end`` (counted only when an error needs it)."""
        lines = 0
        with self.pa.OSFile(self.location.path) as file:
            stream = file.get_stream(0, end)
            while block := stream.read(1 << 22):
                lines += block.count(b"\n")
        return lines + 1

    def _stretch_batches(self, stretches, k: int, read, columns, numeric, text, constants):
        pa = self.pa
        start, end = stretches[k]
        with pa.OSFile(self.location.path) as file:
            stream = file.get_stream(start, end - start)
            first_row = self.first_row if k == 0 else (lambda: self._rows_before(start))
            pieces = regrouped(pa, self._record_batches(read, numeric, text, stream=stream, skip_rows=0), self.batch_rows)
            yield from converted(pa, self.name, first_row, pieces, columns, numeric, constants)

    def _record_batches(self, columns: list[str], numeric: set[str], text_columns: set[str], *, stream=None, skip_rows=1):
        pa, csv_module = self.pa, self.pa.csv
        if stream is not None:
            pass
        elif self.location is None:
            stream = pa.PythonFile(_Prefixed(self._stdin_head, sys.stdin.buffer), mode="r")
        else:
            stream = self._raw_stream()
        text = pa.dictionary(pa.int32(), pa.string())
        return csv_module.open_csv(
            stream,
            read_options=csv_module.ReadOptions(column_names=self.column_names, skip_rows=skip_rows, block_size=CSV_BLOCK_BYTES),
            parse_options=csv_module.ParseOptions(delimiter=self.delimiter),
            convert_options=csv_module.ConvertOptions(
                include_columns=columns,
                column_types={c: pa.float64() if c in numeric else text for c in columns
                              if c in numeric or c in text_columns},
                null_values=[""], strings_can_be_null=True,
            ),
        )

    def _diagnose(self, columns: list[str], numeric: set[str]) -> None:
        """Find the first row that pyarrow refused, reading the file again with Python's csv module."""
        try:
            with self._raw_stream() as stream:
                reader = csv.reader(_text_lines(stream), delimiter=self.delimiter)
                next(reader, None)
                header = self.column_names
                wanted = {header.index(c): c for c in columns if c in numeric}
                for row, fields in enumerate(reader, start=2):
                    if len(fields) != len(header):
                        raise InputError(f"{self.name}: row {row}: expected {len(header)} fields, found {len(fields)}")
                    for index, column in wanted.items():
                        if fields[index].strip():
                            try:
                                float(fields[index])
                            except ValueError:
                                raise InputError(f"{self.name}: row {row}, column {column!r}: {fields[index]!r} is not a number") from None
        except (OSError, self.pa.ArrowException, UnicodeDecodeError):
            return  # the data itself is unreadable: the caller reports how far reading got


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
