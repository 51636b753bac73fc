"""Labels and segments, as they come out of a file: text, numbers or booleans, turned into what the accumulators take."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._arrow import InputError, numpy_view

TRUE_WORDS, FALSE_WORDS = ("1", "true"), ("0", "false")


def texts(pa, array):
    """A column as (codes per row, the distinct values as text); nulls get code -1."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not pa.types.is_dictionary(array.type):
        array = (array if pa.types.is_string(array.type) else array.cast(pa.string())).dictionary_encode()
    elif not pa.types.is_string(array.dictionary.type):
        array = array.cast(pa.dictionary(array.type.index_type, pa.string()))
    codes = numpy_view(pa, array.indices)
    if array.null_count:
        codes = np.where(numpy_view(pa, array.is_valid()), codes, -1)
    return codes.astype(np.int64, copy=False), array.dictionary.to_pylist()


@dataclass
class LabelReader:
    """Turns a label column into 0/1 indicators (two classes) or class indices 0..K-1 (K classes).

    Two classes: 0/1, true/false (any case), or any two values with ``positive`` naming class 1.
    K classes: the class names ``classes`` (in the order of the score columns), or else the
    class indices 0..K-1 themselves.
    """

    column: str
    positive: str | None = None
    n_classes: int = 2
    classes: list[str] | None = None

    def __post_init__(self):
        self.seen: set[str] = set()
        self.seen_in: str | None = None
        self._index = None if self.classes is None else {name: k for k, name in enumerate(self.classes)}

    def __call__(self, pa, array, batch) -> np.ndarray:
        if array.null_count:
            at = int(np.argmin(numpy_view(pa, array.is_valid())))
            raise InputError(f"{batch.name}: row {batch.first_row + at}, column {self.column!r}: the label is missing")
        if self.classes is None and self.positive is None:
            if pa.types.is_boolean(array.type) and self.n_classes == 2:
                return numpy_view(pa, array)
            if pa.types.is_integer(array.type) or pa.types.is_floating(array.type):
                return self._numbers(numpy_view(pa, array), batch)
        codes, values = texts(pa, array)
        mapped = np.array([self._value(str(v), batch, codes, k) for k, v in enumerate(values)], dtype=np.int64)
        labels = mapped[codes] if len(mapped) else np.empty(0, dtype=np.int64)
        return labels.astype(bool) if self.n_classes == 2 and self.classes is None else labels

    def _numbers(self, values: np.ndarray, batch) -> np.ndarray:
        """Labels stored or parsed as numbers: 0/1, or class indices 0 to K-1."""
        if values.dtype.kind in "iu" and len(values) and values.min() >= 0 and values.max() < self.n_classes:
            return values.astype(bool) if self.n_classes == 2 else values.astype(np.int64, copy=False)  # two reductions, no temporaries
        if self.n_classes == 2:
            valid = (values == 0) | (values == 1)
        else:
            valid = (values >= 0) & (values < self.n_classes) & (values == np.floor(values))
        if not valid.all():
            at = int(np.argmin(valid))
            wanted = "0 or 1, nor true or false" if self.n_classes == 2 else f"a class index 0 to {self.n_classes - 1}"
            hint = "" if self.n_classes == 2 else "; to name the classes, give --classes"
            raise InputError(f"{batch.name}: row {batch.first_row + at}, column {self.column!r}: "
                             f"{_plain(values[at])!r} is not {wanted}{hint}")
        return values.astype(bool) if self.n_classes == 2 else values.astype(np.int64)

    def _value(self, text: str, batch, codes: np.ndarray, k: int) -> int:
        self.seen.add(text)
        if self._index is not None:
            if text in self._index:
                return self._index[text]
            raise InputError(self._where(batch, codes, k) + f"{text!r} is not among --classes "
                             f"{','.join(self.classes)}")
        if self.positive is not None:
            if len(self.seen) > 2:
                raise InputError(self._where(batch, codes, k) + f"a third label {text!r} (after "
                                 f"{', '.join(map(repr, sorted(self.seen - {text})))}); --positive needs exactly two")
            return int(text == self.positive)
        word = text.strip().lower()
        if self.n_classes == 2:
            if word in TRUE_WORDS or word in FALSE_WORDS or _is_number(word, {0.0, 1.0}):
                return int(word in TRUE_WORDS or (_is_number(word, {1.0})))
            raise InputError(self._where(batch, codes, k) + f"{text!r} is not 0 or 1, nor true or false; "
                             "to score two other values, name the positive one with --positive VALUE")
        if _is_number(word, set(map(float, range(self.n_classes)))):
            return int(float(word))
        raise InputError(self._where(batch, codes, k) + f"{text!r} is not a class index 0 to {self.n_classes - 1}; "
                         "to name the classes, give --classes")

    def _where(self, batch, codes: np.ndarray, k: int) -> str:
        return f"{batch.name}: row {batch.first_row + int(np.argmax(codes == k))}, column {self.column!r}: "

    def finish(self, name: str) -> None:
        if self.positive is not None and self.positive not in self.seen:
            raise InputError(f"{name}: column {self.column!r}: --positive {self.positive!r} never occurs; "
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

    ``keys[n]`` is the tuple of values of segment ``n``; a missing value is None. With one column
    the numbers are its values' codes, and ``keys`` may name a value no row has yet.
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
            codes, values = texts(pa, array)
            lookup = np.array([self._code(position, v) for v in values] + [self._code(position, None)], dtype=np.int64)
            column_codes = lookup[codes]  # a null's code -1 picks the last entry, None
            combined = column_codes if combined is None else (combined << self.BITS) | column_codes
        if len(arrays) == 1:  # one column: a segment is a value, numbered by its code (no second lookup)
            self.keys.extend((value,) for value in self._values[0][len(self.keys):])
            return combined
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
