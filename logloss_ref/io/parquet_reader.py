"""Parquet: read one row group at a time, only the columns asked for; text columns as dictionaries."""

from __future__ import annotations

from collections.abc import Iterator

from ._arrow import InputError, converted, reason, regrouped
from .location import Location


class ColumnarFile:
    """What Parquet and Arrow files share: a schema, rows numbered from 1, progress in rows."""

    first_row = 1
    unit = "rows"
    rows_read = 0

    def require(self, columns: list[str], option: dict[str, str]) -> None:
        require(self, columns, option)

    def position(self) -> int:
        return self.rows_read


class ParquetReader(ColumnarFile):
    """A Parquet file, read batch by batch."""

    def __init__(self, pa, location: Location, *, batch_rows: int = 1 << 18):
        self.pa, self.location, self.batch_rows, self.name = pa, location, batch_rows, location.name
        self._source = location.open_file(pa)
        try:
            self._file = pa.parquet.ParquetFile(self._source)
        except (OSError, pa.ArrowException) as error:
            raise InputError(f"{self.name}: not a readable Parquet file: {reason(error)}") from None
        self.schema = self._file.schema_arrow
        self.column_names = list(self.schema.names)
        self.total = self._file.metadata.num_rows

    def batches(self, columns: list[str], numeric: set[str], text: set[str] = frozenset(), constants=None) -> Iterator:
        pa = self.pa
        read = [c for c in columns if not constants or c not in constants]
        check_types(self, read, numeric)
        strings = [c for c in read if c not in numeric and (pa.types.is_string(self.schema.field(c).type)
                                                             or pa.types.is_large_string(self.schema.field(c).type))]
        try:
            # Text columns (segments, labels) come as dictionaries: far cheaper to group than strings.
            source = pa.parquet.ParquetFile(self._source, read_dictionary=strings) if strings else self._file
            record_batches = source.iter_batches(batch_size=self.batch_rows, columns=read)
            for batch in converted(pa, self.name, self.first_row, regrouped(pa, record_batches, self.batch_rows),
                                   columns, numeric, constants):
                self.rows_read += batch.num_rows
                yield batch
        except (OSError, pa.ArrowException) as error:
            raise InputError(f"{self.name}: cannot read the data after row {self.rows_read}: {reason(error)}") from None


def require(reader, columns: list[str], option: dict[str, str], where: str = "file") -> None:
    """Fail on a column that the file (or its header) lacks, naming the option that asked for it."""
    for column in columns:
        if column not in reader.column_names:
            raise InputError(f"{reader.name}: no column {column!r} ({option[column]}) in the {where}; columns are "
                             f"{', '.join(map(repr, reader.column_names))}")


def check_types(reader, columns: list[str], numeric: set[str]) -> None:
    """Numeric columns must hold numbers."""
    pa = reader.pa
    for column in numeric:
        if column not in columns:
            continue
        kind = reader.schema.field(column).type
        if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
            raise InputError(f"{reader.name}: column {column!r} holds {kind} values; expected numbers")
