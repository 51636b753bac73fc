"""Where a file is: the local disk, or any filesystem pyarrow opens from a URI (``file://``, ``s3://``, ``gs://``)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ._arrow import InputError, reason


def is_uri(text: str) -> bool:
    scheme, separator, _ = text.partition("://")
    return bool(separator) and scheme.isidentifier()


@dataclass
class Location:
    """A file to read: its path on ``filesystem`` (None: the local disk) and the name errors give it."""

    path: str
    name: str
    filesystem: object = None

    def open_file(self, pa, *, memory_map: bool = False):
        """A random-access file (Parquet, Arrow); memory-mapped when local and asked for."""
        try:
            if self.filesystem is not None:
                return self.filesystem.open_input_file(self.path)
            return pa.memory_map(self.path) if memory_map else pa.OSFile(self.path)
        except (OSError, pa.ArrowException) as error:
            raise InputError(f"{self.name}: cannot read: {reason(error)}") from None

    def open_stream(self, pa):
        """The file's bytes as a stream, as stored (not decompressed)."""
        try:
            if self.filesystem is not None:
                return self.filesystem.open_input_stream(self.path)
            return pa.OSFile(self.path)
        except (OSError, pa.ArrowException) as error:
            raise InputError(f"{self.name}: cannot read: {reason(error)}") from None

    def size(self, pa) -> int:
        try:
            if self.filesystem is not None:
                return self.filesystem.get_file_info(self.path).size
            return os.path.getsize(self.path)
        except (OSError, pa.ArrowException) as error:
            raise InputError(f"{self.name}: cannot read: {reason(error)}") from None
