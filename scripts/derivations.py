"""The derivations the pages show, as SymPy expressions proved equal link by link.

A derivation is a chain ``start = step_1 = step_2 = ...``, each step with a short reason. The
build renders a chain into a page wherever the page says ``<!-- derivation: NAME -->``, and
the maths shown is printed from the very expressions that `verify` proves equal, so a wrong
step cannot reach a page without failing the tests (``tests/test_derivations.py``, which also
plants a sign error in every step and checks that `verify` catches it).

To prove a link, every abstract piece is replaced by its definition (the sigmoid by
``1 / (1 + exp(-z))``), sums and products over N samples are written out for N = 3, and
K-class sums for K = 3 with every choice of the true class and the differentiated class;
then SymPy must simplify the difference of the two sides to exactly 0. A claim about the
sign of a final expression (a second derivative is positive) is proved the same way, on
the expression with its definitions substituted.

Run ``python scripts/derivations.py`` to verify every chain and print it as LaTeX.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import sympy as sp

# --- the symbols the pages use ----------------------------------------------------------------
z, y = sp.symbols("z y", real=True)
beta, b, u, v = sp.symbols("beta b u v", real=True)
N, K = sp.symbols("N K", integer=True, positive=True)
i, j, k, c = sp.symbols("i j k c", integer=True, positive=True)
x_ = sp.IndexedBase("x", real=True)
y_ = sp.IndexedBase("y", real=True)
p_ = sp.IndexedBase("p", positive=True)
z_ = sp.IndexedBase("z", real=True)


class sigma(sp.Function):  # noqa: N801 -- printed as σ, as the pages write it
    """The sigmoid, kept abstract: its derivative is the rule that "sigmoid-derivative" proves.

    Proofs of the later derivations use the rule σ′ = σ(1 − σ) instead of the definition,
    which keeps their algebra rational (fast to prove) and states the chain of reasoning as
    the pages do; the two derivations about σ itself substitute the definition.
    """

    is_real = True

    def fdiff(self, argindex=1):
        return self * (1 - self)

    def _latex(self, printer):
        return rf"\sigma({printer._print(self.args[0])})"

SAMPLES = 3  # N written out as this many samples when a link is proved
CLASSES = 3  # K likewise


class ell(sp.Function):  # noqa: N801
    """One sample's log loss ℓ(z, y), shown by name; the proofs replace it by its definition."""

    def _latex(self, printer):
        return rf"\ell({printer._print(self.args[0])}, {printer._print(self.args[1])})"


class L(sp.Function):  # noqa: N801
    """The mean log loss L(β, b) of the one-feature model, shown by name; the proofs write it out."""

    def _latex(self, printer):
        return rf"L({printer._print(self.args[0])}, {printer._print(self.args[1])})"


def sigmoid_definition(t):
    return 1 / (1 + sp.exp(-t))


def per_sample_log_loss(t, label):
    """One sample's log loss as a function of its score ``t``: −[y log σ(t) + (1 − y) log(1 − σ(t))]."""
    return -(label * sp.log(sigma(t)) + (1 - label) * sp.log(1 - sigma(t)))


def score(index):
    """The linear score of sample ``index``: β x_i + b."""
    return sp.Add(beta * x_[index], b, evaluate=False)


def mean_log_loss(slope, intercept):
    """L(β, b) written out: the mean over N samples of ℓ(β x_i + b, y_i)."""
    return sp.Sum(ell(slope * x_[i] + intercept, y_[i]), (i, 1, N)) / N


@dataclass(frozen=True)
class Step:
    expr: sp.Expr
    reason: str  # plain words, shown beside the step


@dataclass(frozen=True)
class Derivation:
    name: str
    start: sp.Expr
    steps: tuple[Step, ...]
    # Every way of making the expressions concrete that the proof must cover (see module doc).
    cases: Callable[[], list[dict]] = lambda: [{}]
    # An optional claim about the last step: "positive" or "nonnegative" (with its definitions substituted).
    sign: str | None = None
    # Prove the links with σ's definition, not its derivative rule (for the derivations about σ itself).
    by_definition: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def chain(self) -> list[sp.Expr]:
        return [self.start, *(step.expr for step in self.steps)]


class DerivationError(AssertionError):
    """A link of a derivation that SymPy cannot prove, or a sign claim that does not hold."""


def concrete(expr: sp.Expr, case: dict, *, by_definition: bool) -> sp.Expr:
    """Substitute the case (N, K, class indices), expand sums and derivatives (σ′ by its rule), and
    with ``by_definition`` replace σ by 1/(1 + e^{−z}) first."""
    expr = expr.replace(L, mean_log_loss).replace(ell, per_sample_log_loss).subs(case)
    if by_definition:
        expr = expr.replace(sigma, sigmoid_definition)
    return expr.doit()


def _is_zero(expr: sp.Expr) -> bool:
    # A value other than 0 at one point disproves the link at once (SymPy's simplifications take
    # seconds to give up on a wrong one); otherwise cheapest first: most links are rational in
    # σ(z_i), y_i and x_i once expanded.
    if expr == 0:
        return True
    if abs(_value_at_a_point(expr)) > 1e-9:
        return False
    attempts = (sp.expand, sp.cancel, sp.simplify, lambda e: sp.simplify(sp.expand_log(sp.expand(e), force=True)))
    return any(attempt(expr) == 0 for attempt in attempts)


def verify(derivation: Derivation) -> None:
    """Prove every link of the chain (and the sign claim); raise `DerivationError` naming the first that fails."""
    chain = derivation.chain
    for case in derivation.cases():
        concrete_chain = [concrete(e, case, by_definition=derivation.by_definition) for e in chain]
        for link, (left, right) in enumerate(itertools.pairwise(concrete_chain), start=1):
            if not _is_zero(left - right):
                raise DerivationError(
                    f"derivation {derivation.name!r}: step {link} does not follow from the one before "
                    f"(case {case}): {sp.sstr(chain[link - 1])}  ≠  {sp.sstr(chain[link])}"
                )
        if derivation.sign is not None:
            last = concrete(chain[-1], case, by_definition=True)
            last = sp.Add(*(sp.factor(sp.simplify(term)) for term in sp.Add.make_args(last)))  # term by term: fast
            holds = last.is_positive if derivation.sign == "positive" else last.is_nonnegative
            if holds is not True:
                raise DerivationError(f"derivation {derivation.name!r}: the last step is not provably {derivation.sign}.")


def plant_sign_error(derivation: Derivation, position: int) -> Derivation:
    """The derivation with one sign flipped in step ``position`` (0-based): the first term of a sum in
    that step, in reading order, whose flip changes the step's value (flipping a constant inside a
    derivative changes nothing, so it would plant no error). Used by the tests."""
    step = derivation.steps[position]
    case = derivation.cases()[0]
    reference = _sample_value(step.expr, case)
    for node in sp.preorder_traversal(step.expr):
        if not isinstance(node, sp.Add):
            continue
        for index in range(len(node.args)):
            args = list(node.args)
            args[index] = -args[index]
            flipped = step.expr.xreplace({node: sp.Add(*args, evaluate=False)})
            if abs(_sample_value(flipped, case) - reference) > 1e-9:
                steps = list(derivation.steps)
                steps[position] = Step(flipped, step.reason)
                return Derivation(derivation.name, derivation.start, tuple(steps), derivation.cases,
                                  derivation.sign, derivation.by_definition)
    raise ValueError(f"step {position + 1} of {derivation.name!r} has no sign whose flip changes its value")


def _sample_value(expr: sp.Expr, case: dict) -> complex:
    """The expression's value at one fixed point: every free symbol given its own number in (0.1, 0.9)."""
    return _value_at_a_point(concrete(expr, case, by_definition=True))


def _value_at_a_point(expr: sp.Expr) -> complex:
    """A concrete expression's value at one fixed point (see `_sample_value`); nan where it has none
    there, or where the point would break what a symbol is assumed to be (an integer, a negative)."""
    value = expr.replace(sigma, sigmoid_definition).doit()  # σ must have numbers to evaluate
    atoms = sorted(value.atoms(sp.Symbol, sp.Indexed), key=sp.default_sort_key)
    if any(atom.is_integer or atom.is_negative or atom.is_nonpositive for atom in atoms):
        return complex("nan")
    point = {atom: sp.Rational(3 + 7 * n % 17, 23) for n, atom in enumerate(atoms)}
    try:
        return complex(value.xreplace(point).doit().evalf())  # a flip may take a log below 0
    except (TypeError, ValueError):
        return complex("nan")  # abs(nan) > 1e-9 is False: the link goes on to the symbolic proof


# --- the derivations --------------------------------------------------------------------------

def _all_class_pairs() -> list[dict]:
    return [{K: CLASSES, c: true, k: other} for true in range(1, CLASSES + 1) for other in range(1, CLASSES + 1)]


def _samples() -> list[dict]:
    return [{N: SAMPLES}]


_log_sum_exp = sp.log(sp.Sum(sp.exp(z_[j]), (j, 1, K)))

DERIVATIONS: dict[str, Derivation] = {
    d.name: d
    for d in [
        Derivation(
            "sigmoid-derivative",
            sp.Derivative(sigma(z), z),
            (
                Step(sp.exp(-z) / (1 + sp.exp(-z)) ** 2, r"differentiate $\sigma(z) = 1/(1 + e^{-z})$"),
                Step(sp.UnevaluatedExpr(1 / (1 + sp.exp(-z))) * sp.UnevaluatedExpr(sp.exp(-z) / (1 + sp.exp(-z))),
                     "split the fraction in two"),
                Step(sp.Mul(sigma(z), 1 - sigma(z), evaluate=False), r"$e^{-z}/(1 + e^{-z}) = 1 - \sigma(z)$"),
            ),
            by_definition=True,
        ),
        Derivation(
            "log-loss-score-gradient",
            sp.Derivative(per_sample_log_loss(z, y), z),
            (
                Step(-(y * sp.Derivative(sigma(z), z) / sigma(z)
                       - (1 - y) * sp.Derivative(sigma(z), z) / (1 - sigma(z))),
                     r"chain rule: the derivative of $\log u$ is $u^\prime/u$"),
                Step(-(y * (1 - sigma(z)) - (1 - y) * sigma(z)), r"$\sigma^\prime(z) = \sigma(z)(1 - \sigma(z))$ cancels each denominator"),
                Step(sp.Add(sigma(z), -y, evaluate=False), r"multiply out: the $y\,\sigma(z)$ terms cancel"),
            ),
        ),
        Derivation(
            "squared-error-score-gradient",
            sp.Derivative((sigma(z) - y) ** 2, z),
            (
                Step(2 * (sigma(z) - y) * sp.Derivative(sigma(z), z), "chain rule"),
                Step(sp.Mul(2, sigma(z) - y, sigma(z), 1 - sigma(z), evaluate=False),
                     r"$\sigma^\prime(z) = \sigma(z)(1 - \sigma(z))$, and nothing cancels it"),
            ),
        ),
        Derivation(
            "log-loss-second-derivative",
            sp.Derivative(per_sample_log_loss(z, y), (z, 2)),
            (
                Step(sp.Derivative(sigma(z) - y, z), r"the first derivative is $\sigma(z) - y$"),
                Step(sp.Mul(sigma(z), 1 - sigma(z), evaluate=False), "the derivative of the sigmoid"),
                Step(sp.exp(-z) / (1 + sp.exp(-z)) ** 2, r"written out: positive for every $z$"),
            ),
            sign="positive",
            by_definition=True,
        ),
        Derivation(
            "minus-log-sigmoid",
            -sp.log(sigma(z)),
            (
                Step(-sp.log(1 / (1 + sp.exp(-z))), r"the definition of $\sigma$"),
                Step(sp.log(1 + sp.exp(-z)), r"$-\log(1/a) = \log a$: this is $\operatorname{softplus}(-z)$"),
            ),
            by_definition=True,
        ),
        Derivation(
            "parameter-gradient",
            sp.Derivative(L(beta, b), beta),
            (
                Step(sp.Derivative(sp.Sum(ell(score(i), y_[i]), (i, 1, N)) / N, beta), "the mean over the customers"),
                Step(sp.Sum(sp.Derivative(ell(score(i), y_[i]), beta), (i, 1, N)) / N,
                     "the derivative of a sum is the sum of the derivatives"),
                Step(sp.Sum(sp.Add(sigma(score(i)), -y_[i], evaluate=False) * x_[i], (i, 1, N)) / N,
                     r"chain rule: $\partial\ell/\partial z = \sigma(z) - y$, times $\partial z_i/\partial\beta = x_i$"),
            ),
            cases=_samples,
        ),
        Derivation(
            "intercept-gradient",
            sp.Derivative(L(beta, b), b),
            (
                Step(sp.Sum(sp.Add(sigma(score(i)), -y_[i], evaluate=False), (i, 1, N)) / N, r"the same chain, with $\partial z_i/\partial b = 1$"),
            ),
            cases=_samples,
        ),
        Derivation(
            "hessian-quadratic-form",
            sp.Add(u**2 * sp.Derivative(L(beta, b), (beta, 2)), 2 * u * v * sp.Derivative(L(beta, b), beta, b),
                   v**2 * sp.Derivative(L(beta, b), (b, 2)), evaluate=False),
            (
                Step(sp.Sum(sp.Mul(sigma(score(i)), 1 - sigma(score(i)), sp.Add(u * x_[i], v, evaluate=False) ** 2,
                                   evaluate=False), (i, 1, N)) / N,
                     r"each second derivative is $\sigma(z_i)(1 - \sigma(z_i))$ times two of $x_i$ and $1$"),
            ),
            cases=_samples,
            sign="nonnegative",
        ),
        Derivation(
            "likelihood",
            -sp.log(sp.Product(p_[i] ** y_[i] * (1 - p_[i]) ** (1 - y_[i]), (i, 1, N))) / N,
            (
                Step(-sp.Sum(sp.log(p_[i] ** y_[i] * (1 - p_[i]) ** (1 - y_[i])), (i, 1, N)) / N,
                     "the log of a product is the sum of the logs"),
                Step(-sp.Sum(y_[i] * sp.log(p_[i]) + (1 - y_[i]) * sp.log(1 - p_[i]), (i, 1, N)) / N,
                     r"the log of a power: $\log a^b = b \log a$"),
            ),
            cases=_samples,
        ),
        Derivation(
            "softmax-score-gradient",
            sp.Derivative(-sp.log(sp.exp(z_[c]) / sp.Sum(sp.exp(z_[j]), (j, 1, K))), z_[k]),
            (
                Step(sp.Derivative(-z_[c] + _log_sum_exp, z_[k]), r"the log of a quotient, and $\log e^{z_c} = z_c$"),
                Step(-sp.KroneckerDelta(c, k) + sp.exp(z_[k]) / sp.Sum(sp.exp(z_[j]), (j, 1, K)),
                     r"$\partial z_c/\partial z_k$ is $1$ when $k = c$, else $0$; the log-sum-exp gives the softmax"),
            ),
            cases=_all_class_pairs,
        ),
    ]
}


# --- rendering --------------------------------------------------------------------------------

def _latex(expr: sp.Expr) -> str:
    return sp.latex(expr, order="none")


def to_latex(derivation: Derivation) -> str:
    """The chain as one displayed ``aligned`` block: the start, then each step on its own row with
    its reason in small type beneath it, so the block stays as narrow as its widest expression."""
    rows = [f"& {_latex(derivation.start)}"]
    for step in derivation.steps:
        rows.append(f"&= {_latex(step.expr)}")
        rows.append(f"&\\qquad {{\\footnotesize {_reason(step.reason)}}}")
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def _reason(text: str) -> str:
    """A step's reason: words in \\text{}, and the $...$ pieces in it as maths."""
    pieces = text.split("$")
    if len(pieces) % 2 == 0:
        raise ValueError(f"unbalanced $ in the reason {text!r}")
    return "".join(f"\\text{{{piece}}}" if n % 2 == 0 else piece for n, piece in enumerate(pieces) if piece)


def to_markdown(name: str) -> str:
    """The block a page shows for ``<!-- derivation: NAME -->``: display maths for arithmatex."""
    if name not in DERIVATIONS:
        raise KeyError(f"unknown derivation {name!r}; known: {sorted(DERIVATIONS)}")
    return "$$\n" + to_latex(DERIVATIONS[name]) + "\n$$"


if __name__ == "__main__":
    for derivation in DERIVATIONS.values():
        verify(derivation)
        print(f"{derivation.name}: {len(derivation.steps)} steps, proved")
        if "-v" in sys.argv:
            print(to_latex(derivation), "\n")
