"""scripts/derivations.py: every derivation on the pages is proved link by link, and a wrong step is caught."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"<!-- derivation: (?P<name>[\w-]+) -->")


def _load_derivations():
    spec = importlib.util.spec_from_file_location("derivations", ROOT / "scripts" / "derivations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


D = _load_derivations()
NAMES = sorted(D.DERIVATIONS)


@pytest.mark.parametrize("name", NAMES)
def test_every_link_is_proved(name):
    D.verify(D.DERIVATIONS[name])


@pytest.mark.parametrize("name", NAMES)
def test_a_sign_flipped_in_any_step_is_caught(name):
    derivation = D.DERIVATIONS[name]
    for position in range(len(derivation.steps)):
        with pytest.raises(D.DerivationError, match=rf"step {position + 1} does not follow"):
            D.verify(D.plant_sign_error(derivation, position))


def test_a_false_sign_claim_is_caught():
    second = D.DERIVATIONS["log-loss-second-derivative"]
    claim = D.Derivation("negated", -second.start, tuple(D.Step(-s.expr, s.reason) for s in second.steps),
                         sign="positive", by_definition=True)
    with pytest.raises(D.DerivationError, match="not provably positive"):
        D.verify(claim)


def test_the_sigmoid_rule_used_by_the_proofs_is_the_derivative_of_its_definition():
    t = D.sp.Symbol("t", real=True)
    rule = D.sigma(t).diff(t).replace(D.sigma, D.sigmoid_definition)
    assert D.sp.simplify(rule - D.sp.diff(D.sigmoid_definition(t), t)) == 0


def test_every_page_marker_names_a_derivation_and_every_derivation_is_shown():
    shown = {}
    for page in sorted((ROOT / "docs").glob("*.md")):
        for match in MARKER.finditer(page.read_text(encoding="utf-8")):
            assert match["name"] in D.DERIVATIONS, f"{page.name}: unknown derivation {match['name']!r}"
            shown.setdefault(match["name"], page.name)
    assert sorted(shown) == NAMES, f"derivations on no page: {sorted(set(NAMES) - set(shown))}"


def test_the_rendered_block_is_display_maths_printed_from_the_proved_expressions():
    block = D.to_markdown("log-loss-score-gradient")
    assert block.startswith("$$\n\\begin{aligned}") and block.endswith("\\end{aligned}\n$$")
    for step in D.DERIVATIONS["log-loss-score-gradient"].steps:
        assert D.sp.latex(step.expr, order="none") in block
    with pytest.raises(KeyError, match="unknown derivation"):
        D.to_markdown("no-such-derivation")
