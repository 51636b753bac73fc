"""Arrow IPC / Feather (file or stream format), memory-mapped when local: no copy."""

from __future__ import annotations

from collections.abc import Iterator

from ._arrow import InputError, converted, reason, regrouped
from .location import Location
from .parquet_reader import ColumnarFile, check_types


class ArrowReader(ColumnarFile):
    """An Arrow IPC or Feather file, read batch by batch."""

    def __init__(self, pa, location: Location, *, batch_rows: int = 1 << 18):
        self.pa, self.batch_rows, self.name = pa, batch_rows, location.name
        source = location.open_file(pa, memory_map=True)
        try:
            try:
                reader = pa.ipc.open_file(source)
                self._batches = [reader.get_batch(i) for i in range(reader.num_record_batches)]
            except pa.ArrowInvalid:
                source.seek(0)
                self._batches = list(pa.ipc.open_stream(source))
        except (OSError, pa.ArrowException) as error:
            raise InputError(f"{self.name}: not a readable Arrow IPC or Feather file: {reason(error)}") from None
        if not self._batches:
            raise InputError(f"{self.name}: the file holds no record batch")
        self.schema = self._batches[0].schema
        self.column_names = list(self.schema.names)
        self.total = sum(batch.num_rows for batch in self._batches)

    def batches(self, columns: list[str], numeric: set[str], text: set[str] = frozenset(), constants=None) -> Iterator:
        pa = self.pa
        read = [c for c in columns if not constants or c not in constants]
        check_types(self, read, numeric)
        pieces = regrouped(pa, (batch.select(read) for batch in self._batches), self.batch_rows)
        for batch in converted(pa, self.name, self.first_row, pieces, columns, numeric, constants):
            self.rows_read += batch.num_rows
            yield batch
