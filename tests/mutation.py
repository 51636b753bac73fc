"""Perturbed twins of the library's public callables, and the page examples that catch them.

The site promises that every number it states is printed by an executed example. That holds only
if the examples would notice a wrong library. A *twin* of a public callable of ``logloss_ref``
(a function of ``__all__``, or a public method of one of its classes) returns its output
times 1.01, or, for a function of a score, computes it from the score times 1.01. The twin
replaces the original everywhere the library refers to it (each module's global, the class's
attribute), so the library's own callers and the figures use it too.

A twin is *caught* by a page example that calls it directly and then fails, run with the page
tests' parser and rules (the root conftest.py). ``tests/test_mutations.py`` requires every twin
to be caught, and every figure to change when a function it draws from is perturbed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import doctest
import functools
import hashlib
import inspect
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from sybil import Sybil
from sybil.evaluators.doctest import OutputChecker

import logloss_ref
from logloss_ref._kernels import ExactSums
from prebuild import svg_of
from pycon_pages import OPTIONFLAGS, PyconParser

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FACTOR = 1.01
# Arguments that hold a score (a logit, z = Xβ + b), by function: the input twin scales them.
SCORE_ARGUMENTS = {
    "softplus": "x", "sigmoid": "z", "log_sigmoid": "z", "softmax": "z", "log_softmax": "z",
    "log_loss_from_logits": "logits", "log_loss_logits_gradient": "logits",
}


# ---------------------------------------------------------------------------------------------
# What is perturbed


@dataclass(frozen=True)
class Target:
    """A public callable: ``owner.attribute``, where owner is a class or None for a function."""

    name: str  # "log_loss", "LogisticRegression.fit"
    owner: type | None
    attribute: str

    @property
    def original(self) -> Callable:
        return getattr(self.owner, self.attribute) if self.owner else getattr(logloss_ref, self.attribute)


def public_targets() -> tuple[list[Target], list[str]]:
    """Every public function of ``__all__`` and public method of its classes; and the classes."""
    targets, classes = [], []
    for name in logloss_ref.__all__:
        obj = getattr(logloss_ref, name)
        if inspect.isclass(obj):
            classes.append(name)
            for attribute, value in vars(obj).items():
                if not attribute.startswith("_") and inspect.isfunction(value):
                    targets.append(Target(f"{name}.{attribute}", obj, attribute))
        elif callable(obj):
            targets.append(Target(name, None, name))
    return targets, classes


@dataclass(frozen=True)
class Twin:
    target: Target
    kind: str  # "output" or "input"

    @property
    def id(self) -> str:
        return f"{self.target.name}:{self.kind}"


def twins() -> list[Twin]:
    made = []
    for target in public_targets()[0]:
        made.append(Twin(target, "output"))
        if target.owner is None and target.attribute in SCORE_ARGUMENTS:
            made.append(Twin(target, "input"))
    return made


NUMBER = re.compile(r"(?<![\w.])-?\d+\.\d+(?:e[+-]?\d+)?")


def nudge(value, *, factor: float = FACTOR, top: bool = True):
    """``value`` with every float in it times ``factor`` (an object's state is changed in place).

    The attributes of an object are scaled by factor, factor², factor³, ... in turn, so that a
    ratio of two of them (a mean: a sum over a weight) changes too. A value with no float at
    all (class labels) is changed otherwise when it is the output itself: integers get 1 added,
    other arrays are rolled by one place.
    """
    if isinstance(value, (bool, np.bool_)) or value is None:
        return value
    if isinstance(value, (float, np.floating)):
        return type(value)(value * factor)
    if isinstance(value, (int, np.integer)):
        return value + 1 if top else value
    if isinstance(value, str):
        return NUMBER.sub(lambda m: repr(float(m[0]) * factor), value) if top else value
    if isinstance(value, np.ndarray):
        if np.issubdtype(value.dtype, np.floating):
            return value * factor
        if not top:
            return value
        return value + 1 if np.issubdtype(value.dtype, np.integer) else np.roll(value, 1)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [f.name for f in dataclasses.fields(value) if f.init]
        return dataclasses.replace(value, **{
            name: nudge(getattr(value, name), factor=factor ** (k + 1), top=False) for k, name in enumerate(fields)
        })
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)._make(nudge(v, factor=factor, top=top) for v in value)
    if isinstance(value, (tuple, list)):
        return type(value)(nudge(v, factor=factor, top=top) for v in value)
    if isinstance(value, dict):
        return {k: nudge(v, factor=factor, top=top) for k, v in value.items()}
    if isinstance(value, ExactSums):  # an accumulator's exact sums: integers (times 2**-SCALE_BITS), not floats
        value.flush()
        value.totals = [int(total * Fraction(factor)) for total in value.totals]
        value.special = value.special * factor
        return value
    names = list(vars(value)) if hasattr(value, "__dict__") else list(getattr(type(value), "__slots__", ()))
    for k, name in enumerate(names):  # a fitted model, an accumulator: its state, in place
        setattr(value, name, nudge(getattr(value, name), factor=factor ** (k + 1), top=False))
    return value


def from_pages(depth: int = 2) -> bool:
    """Whether the caller's caller is the code of a page example (doctest compiles it so)."""
    return sys._getframe(depth).f_code.co_filename.startswith("<doctest ")


def make_twin(twin: Twin, calls: list[int]) -> Callable:
    original = twin.target.original
    score_argument = SCORE_ARGUMENTS.get(twin.target.attribute) if twin.kind == "input" else None
    signature = inspect.signature(original)

    @functools.wraps(original)
    def perturbed(*args, **kwargs):
        if from_pages():
            calls[0] += 1
        if score_argument is not None:
            bound = signature.bind(*args, **kwargs)
            bound.arguments[score_argument] = np.asarray(bound.arguments[score_argument], dtype=float) * FACTOR
            return original(*bound.args, **bound.kwargs)
        return nudge(original(*args, **kwargs))

    return perturbed


@contextlib.contextmanager
def replaced(target: Target, replacement: Callable) -> Iterator[None]:
    """``replacement`` wherever the library refers to the target, for the duration."""
    original = target.original
    if target.owner is not None:
        setattr(target.owner, target.attribute, replacement)
        try:
            yield
        finally:
            setattr(target.owner, target.attribute, original)
        return
    modules = [m for name, m in sys.modules.items() if name == "logloss_ref" or name.startswith("logloss_ref.")]
    bound = [(m, key) for m in modules for key, value in list(vars(m).items()) if value is original]
    for module, key in bound:
        setattr(module, key, replacement)
    try:
        yield
    finally:
        for module, key in bound:
            setattr(module, key, original)


# ---------------------------------------------------------------------------------------------
# The page examples


def page_examples(page: Path) -> list[doctest.Example]:
    return [region.parsed for region in Sybil(parsers=[PyconParser()]).parse(page)]


def pages() -> list[Path]:
    """The pages with examples, in reading order (the navigation's): the path's short pages are
    tried before the long ones beyond it, such as the scale page, whose recipes start Dask and Spark."""
    from mkdocs.utils.yaml import yaml_load

    def flatten(nav):
        for item in nav:
            for target in item.values():
                yield from flatten(target) if isinstance(target, list) else [target]

    order = list(flatten(yaml_load((DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]))
    found = [p for p in DOCS.glob("*.md") if "```pycon" in p.read_text(encoding="utf-8")]
    return sorted(found, key=lambda p: (order.index(p.name) if p.name in order else len(order), p.name))


@dataclass(frozen=True)
class Catch:
    page: str
    line: int
    source: str

    def __str__(self) -> str:
        return f"docs/{self.page} line {self.line}: {self.source.strip().splitlines()[0]}"


class _Caught(Exception):
    pass


class _Runner(doctest.DocTestRunner):
    """Runs a page's examples in order; stops at the first failure once the page has called the twin.

    The page ran clean with the original, so any failure after it has called the twin (a fitted
    model printed in a later example) is the twin's doing.
    """

    def __init__(self, calls: list[int]):
        super().__init__(checker=OutputChecker(), optionflags=OPTIONFLAGS, verbose=False)
        self.calls = calls

    def report_start(self, out, test, example):
        pass

    def report_success(self, out, test, example, got):
        pass

    def report_failure(self, out, test, example, got):
        self._failed(example)

    def report_unexpected_exception(self, out, test, example, exc_info):
        self._failed(example)

    def _failed(self, example):
        if self.calls[0] > 0:
            raise _Caught(example)


def run_page(page: Path, calls: list[int]) -> Catch | None:
    """The first example of the page that calls the twin and fails, if any."""
    examples = page_examples(page)
    lines = _example_lines(page)
    test = doctest.DocTest(examples, {"__name__": "__main__"}, page.name, str(page), 0, None)
    runner = _Runner(calls)
    try:
        with np.errstate(all="ignore"), _quiet_warnings():
            runner.run(test, out=lambda text: None, clear_globs=True)
    except _Caught as caught:
        example = caught.args[0]
        return Catch(page.name, lines[examples.index(example)], example.source)
    return None


@functools.cache
def _example_lines(page: Path) -> list[int]:
    return [example.line for example in Sybil(parsers=[PyconParser()]).parse(page)]


@contextlib.contextmanager
def _quiet_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def mentions(page: Path, name: str) -> bool:
    """Whether the page's examples name the callable (a method by its own name)."""
    text = "".join(example.source for example in page_examples(page))
    return re.search(rf"\b{re.escape(name.rsplit('.', 1)[-1])}\b", text) is not None


def catch(twin: Twin) -> Catch | None:
    """The first page example that catches the twin, trying the pages that name it first."""
    calls = [0]
    candidates = [page for page in pages() if mentions(page, twin.target.name)]
    with replaced(twin.target, make_twin(twin, calls)):
        for page in candidates:
            calls[0] = 0
            found = run_page(page, calls)
            if found:
                return found
    return None


# ---------------------------------------------------------------------------------------------
# The figures


def draw_svg(draw: Callable, theme: str = "light") -> bytes:
    """One figure as the site draws it (the pre-build step's own function), as SVG bytes."""
    return svg_of(draw, theme)


def drawing_and_calls(module_files: set[str], draw: Callable) -> tuple[bytes, set[str]]:
    """The figure's SVG, and the public callables that code of ``module_files`` calls directly while it is drawn."""
    called: set[str] = set()
    stack = contextlib.ExitStack()
    for target in public_targets()[0]:
        original = target.original

        def recording(*args, _target=target, _original=original, **kwargs):
            if sys._getframe(1).f_code.co_filename in module_files:
                called.add(_target.name)
            return _original(*args, **kwargs)

        stack.enter_context(replaced(target, functools.wraps(original)(recording)))
    with stack:
        drawing = draw_svg(draw)
    return drawing, called


def plotted(draw: Callable, theme: str = "light") -> bytes:
    """What a figure plots, read from its artists without rendering it: every line's, collection's,
    patch's and image's data, colours and sizes, every text with its position and colour (and an
    annotation's target), and each axes' limits.

    Rendering to SVG took about 60% of each drawing; a 1% change in anything drawn changes these
    numbers too (the SVG holds them, rounded), so the perturbed drawings are compared here.
    """
    import matplotlib
    from matplotlib import collections, image, lines, patches, text

    from logloss_ref.plots import THEMES

    def data(part) -> bytes:
        if isinstance(part, np.ndarray):
            values = np.ascontiguousarray(np.ma.getdata(part))
            return repr((values.dtype.str, values.shape)).encode() + values.tobytes()
        return repr(part).encode()

    digest = hashlib.sha256()
    with matplotlib.rc_context(THEMES[theme]):
        fig = draw()
        for artist in fig.findobj():
            parts: list = [type(artist).__name__]
            if isinstance(artist, lines.Line2D):
                parts += [artist.get_xydata(), artist.get_color()]
            elif isinstance(artist, collections.Collection):
                parts += [artist.get_offsets(), artist.get_array(), artist.get_facecolor(), artist.get_edgecolor(),
                          artist.get_linewidths(), getattr(artist, "get_sizes", lambda: None)()]  # markers' sizes
                parts += [path.vertices for path in artist.get_paths()]
            elif isinstance(artist, patches.Patch):
                parts += [artist.get_path().vertices, artist.get_patch_transform().get_matrix(), artist.get_facecolor()]
            elif isinstance(artist, text.Text):  # an annotation's arrow points at xy
                parts += [artist.get_text(), artist.get_position(), artist.get_color(), getattr(artist, "xy", None)]
            elif isinstance(artist, image.AxesImage):
                parts += [artist.get_array(), artist.get_extent()]
            elif hasattr(artist, "get_xlim"):
                parts += [artist.get_xlim(), artist.get_ylim()]
            for part in parts:
                digest.update(data(part) + b"\0")
    return digest.digest()


def changes_figure(draw: Callable, target: Target, unperturbed: bytes) -> bool:
    """Whether what the figure plots (`plotted`) changes when ``target`` returns its output times FACTOR."""
    with replaced(target, make_twin(Twin(target, "output"), [0])):
        try:
            return plotted(draw) != unperturbed
        except (ValueError, TypeError):  # e.g. probabilities pushed past 1: the figure cannot be drawn
            return True


def catch_without(twin: Twin, dropped: Callable[[doctest.Example], bool]) -> Catch | None:
    """``catch``, as if the pages had no example for which ``dropped`` is true."""
    global page_examples
    keep = page_examples
    page_examples = lambda page: [example for example in keep(page) if not dropped(example)]  # noqa: E731
    try:
        return catch(twin)
    finally:
        page_examples = keep
