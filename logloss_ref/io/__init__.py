"""Reading files of predictions for the command line: one reader per format, one way to read them.

`open_predictions` takes what the user named (a file, ``-``, a directory, a glob, several files,
or a URI such as ``file://``, ``s3://`` or ``gs://`` that pyarrow's filesystems open) and returns
a reader. Every reader has the same interface:

- ``name``, ``column_names``, ``require(columns, options)``: what errors call it, and its columns;
- ``batches(columns, numeric, text)``: `Batch` after `Batch` of the named columns, numeric ones as
  float64 NumPy arrays (checked for missing values), the others as pyarrow arrays; each batch
  names its file and the number of its first row there, so errors can point at a row;
- ``total``, ``unit`` and ``position()``: how far reading has got, for a progress bar.

The formats: CSV (any delimiter, compressed, standard input; ``csv_reader``), Parquet
(``parquet_reader``), Arrow IPC / Feather (``arrow_reader``), and datasets of Parquet or CSV
parts with Hive-style partition folders (``dataset``). Labels and segments are read beside them
(``labels``). Memory depends on the batch size, not on the number of rows or files. Anything
wrong is an `InputError` naming the file, and where it can, the row and the column. Needs
pyarrow: ``pip install 'logloss_ref[cli]'``.
"""

from ._arrow import Batch, InputError, numpy_view
from .labels import LabelReader, SegmentCoder
from .sources import open_predictions

__all__ = ["Batch", "InputError", "LabelReader", "SegmentCoder", "numpy_view", "open_predictions"]
