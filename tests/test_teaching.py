"""The reader's path: terms defined before use, one notation, one numbering, questions on every page.

Each lint is a plain function over the pages' text, run on the real pages and on a copy with a
planted defect, so that each is shown to catch what it is for.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from mkdocs.utils.yaml import yaml_load

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CONFIG = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
GLOSSARY = "glossary.md"


def nav_pages(nav=None) -> list[tuple[str, str]]:
    """(title in the navigation, page) in reading order."""
    pages = []
    for item in CONFIG["nav"] if nav is None else nav:
        for title, target in item.items():
            pages.extend(nav_pages(target) if isinstance(target, list) else [(title, target)])
    return pages


READING_ORDER = [page for _, page in nav_pages()]
PATH = READING_ORDER[:READING_ORDER.index("faq.md") + 1]  # home, the numbered steps and the questions


def read_pages() -> dict[str, str]:
    return {page: (DOCS / page).read_text(encoding="utf-8") for page in READING_ORDER}


FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```|~~~).*?^(?P=indent)(?P=fence)[ \t]*$", re.M | re.S)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
CITE = re.compile(r"<cite>.*?</cite>", re.S)  # a title quoted is not a use of its words
HEADING = re.compile(r"^#+ .*$", re.M)


def prose(text: str) -> str:
    """A page without its front matter, code, comments and images, each replaced by spaces (offsets kept)."""
    blank = lambda m: re.sub(r"[^\n]", " ", m[0])  # noqa: E731
    for pattern in (FRONT_MATTER, FENCE, COMMENT, IMAGE, CITE):
        text = pattern.sub(blank, text)
    return text


# --- the glossary: each term defined once, never used before its definition ------------------------

GLOSSARY_ENTRY = re.compile(r"^- \*\*(?P<term>[^*]+)\*\*(?: \(also (?P<aliases>[^)]*)\))?: .*?\]\((?P<page>[\w-]+\.md)(?:#[\w-]*)?\)\s*$", re.M)


def glossary_terms(glossary: str) -> dict[str, dict]:
    terms = {}
    for match in GLOSSARY_ENTRY.finditer(glossary):
        aliases = [a.strip(" *") for a in match["aliases"].split(",")] if match["aliases"] else []
        terms[match["term"]] = {"names": [match["term"], *aliases], "page": match["page"]}
    return terms


def _name_pattern(name: str) -> str:
    # Whole words, any case, an optional plural s; "odds" is not found inside "log-odds", nor
    # "entropy" inside "cross-entropy" or "normalized entropy".
    return rf"(?<![\w-])(?<!normalized ){re.escape(name)}(?:s|es)?(?![\w-])"


LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]*)\)")


def definition_problems(pages: dict[str, str], glossary: str, order: list[str]) -> list[str]:
    """Terms used before the page that defines them (its first **bold** use) without a link there."""
    problems = []
    texts = {page: prose(pages[page]) for page in order if page != GLOSSARY}
    for term, entry in glossary_terms(glossary).items():
        names = "|".join(_name_pattern(name) for name in sorted(entry["names"], key=len, reverse=True))
        bold = re.compile(rf"\*\*(?:{names})\*\*", re.I)
        defined_on = next((page for page in order if page in texts and bold.search(texts[page])), None)
        if defined_on is None:
            problems.append(f"{term!r} is bold on no page: no page defines it")
            continue
        if entry["page"] != defined_on:
            problems.append(f"the glossary sends {term!r} to {entry['page']}, but it is defined on {defined_on}")
        used = re.compile(names, re.I)
        for page in order[:order.index(defined_on) + 1]:
            if page not in texts:
                continue
            text = texts[page]
            if page == defined_on:  # its title and section headings may name the term it then defines
                text = HEADING.sub(lambda m: " " * len(m[0]), text)
            end = bold.search(text).start() if page == defined_on else len(text)
            first = used.search(text, 0, end)
            if first is None:
                continue
            linked = any(link.start() <= first.start() < link.end() and link["target"].split("#")[0] in (defined_on, GLOSSARY)
                         for link in LINK.finditer(text))
            if not linked:
                line = text.count("\n", 0, first.start()) + 1
                problems.append(f"{page}:{line} uses {first[0]!r} before {defined_on} defines it, without a link to it")
    return problems


def test_every_term_is_defined_before_it_is_used_or_linked():
    pages = read_pages()
    assert definition_problems(pages, pages[GLOSSARY], READING_ORDER) == []


def test_the_definition_lint_catches_a_term_used_early():
    pages = read_pages()
    pages["straight-line.md"] += "\nA straight line has no corrected probability.\n"
    problems = definition_problems(pages, pages[GLOSSARY], READING_ORDER)
    assert any(p.startswith("straight-line.md:") and "'corrected probability'" in p for p in problems), problems


def test_the_glossary_covers_the_terms_the_issue_names():
    terms = {name.lower() for entry in glossary_terms(read_pages()[GLOSSARY]).values() for name in entry["names"]}
    for wanted in ("log loss", "cross-entropy", "corrected probability", "logit", "likelihood", "calibration",
                   "baseline", "normalized entropy", "d²", "entropy", "kl divergence", "nats"):
        assert wanted in terms, wanted


# --- one notation -----------------------------------------------------------------------------------

# The one notation (docs/glossary.md#notation): p the predicted probability, z = Xβ + b the score,
# β the slope, L the mean loss, ℓ one sample's, Lik the likelihood, log the natural log, ε the
# float64 epsilon and α a smoothing rate. The alternates each had a page.
ALTERNATES = {
    r"\\hat\s*\{?\s*[yp]|ŷ|p̂": "a hat on y or p: the predicted probability is p",
    r"\\mathcal\{L\}": "𝓛: the likelihood is Lik, L is the mean loss",
    r"\\ln\b|(?<![\w\\])ln (?=[\dK])": "ln: write log (natural, as everywhere on the site)",
    r"\\sigma\(w|(?<![\w\\])w\s*x\b|slope \\\(w\\\)|\\partial w\b": "w for the slope: it is β",
    r"(?<![\w\\])l_i\b": "l_i: one sample's loss is \\ell_i",
    r"\bZ = X": "Z: the score is z = Xβ + b",
}
SMOOTHING_EPSILON = re.compile(r"smooth[^\n]*\\varepsilon|\\varepsilon[^\n]*smooth")


def notation_problems(texts: dict[str, str]) -> list[str]:
    problems = []
    for name, text in texts.items():
        for pattern, why in ALTERNATES.items():
            for match in re.finditer(pattern, text):
                problems.append(f"{name}:{text.count(chr(10), 0, match.start()) + 1}: {match[0]!r}: {why}")
        for match in SMOOTHING_EPSILON.finditer(text):
            problems.append(f"{name}:{text.count(chr(10), 0, match.start()) + 1}: ε for a smoothing rate: it is α")
    return problems


def docstrings() -> dict[str, str]:
    found = {}
    for path in sorted((ROOT / "logloss_ref").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node):
                found[f"{path.name}:{getattr(node, 'name', 'module')}"] = ast.get_docstring(node)
    return found


def test_one_notation_on_every_page_and_in_every_docstring():
    texts = {page: prose(text) for page, text in read_pages().items()} | docstrings()
    texts[DERIVATIONS_TEX] = derivations_latex()
    assert notation_problems(texts) == []


DERIVATIONS_TEX = "the derivations (scripts/derivations.py)"


def derivations_latex() -> str:
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("derivations", ROOT / "scripts" / "derivations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return "\n".join(module.to_latex(d) for d in module.DERIVATIONS.values())


@pytest.mark.parametrize("planted", [r"the slope \(w\) of the model", r"\(\sigma(w x + b)\)", r"\(\hat p_i\)",
                                     r"\(\ln 2\)", r"the smoothing rate \(\varepsilon\)"])
def test_the_notation_lint_catches_an_alternate(planted):
    texts = {"why-not-mse.md": prose(read_pages()["why-not-mse.md"]) + "\n" + planted + "\n"}
    assert len(notation_problems(texts)) == 1


# --- one numbering --------------------------------------------------------------------------------

NUMBERED = re.compile(r"^(?P<number>\d+)\. (?P<title>.+)$")


def numbering_problems(pages: dict[str, str], nav: list[tuple[str, str]]) -> list[str]:
    """The steps' numbers agree across the navigation, the page titles, the home page's list and
    every link whose text says "step N"."""
    problems, number_of = [], {}
    for title, page in nav:
        match = NUMBERED.match(title)
        if match:
            number_of[page] = int(match["number"])
    numbers = sorted(number_of.values())
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"the navigation numbers the steps {numbers}, not 1 to {len(numbers)}")
    for page, number in number_of.items():
        heading = re.search(r"^# (?P<title>.+)$", pages[page], re.M)["title"]
        if not heading.startswith(f"{number}. "):
            problems.append(f"{page}: the title {heading!r} does not start with {number}., as the navigation does")
    listed = {m["page"]: int(m["number"]) for m in re.finditer(r"^(?P<number>\d+)\. .*?\]\((?P<page>[\w-]+\.md)\)", pages["index.md"], re.M)}
    if listed != number_of:
        problems.append(f"the home page lists {listed}, the navigation {number_of}")
    for page, text in pages.items():
        for link in LINK.finditer(prose(text)):
            said = re.search(r"\bstep (\d+)\b", link["text"], re.I)
            target = link["target"].split("#")[0] or page
            if said and number_of.get(target) != int(said[1]):
                problems.append(f"{page}: a link says {link['text']!r} but {target} is step {number_of.get(target)}")
    return problems


def test_one_numbering_across_navigation_titles_home_and_links():
    assert numbering_problems(read_pages(), nav_pages()) == []


def test_the_numbering_lint_catches_a_wrong_number():
    pages = read_pages()
    pages["faq.md"] += "\nSee [step 3](sigmoid.md).\n"
    assert numbering_problems(pages, nav_pages()) == ["faq.md: a link says 'step 3' but sigmoid.md is step 2"]


# --- check your understanding -------------------------------------------------------------------

QUESTION = re.compile(r'^\?\?\? question "(?P<question>[^"]+)"\n(?P<answer>(?:(?: {4}.*)?\n)+)', re.M)
DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+")
OUTPUT_NUMBER = re.compile(r"-?\d+\.\d+(?:e[+-]?\d+)?")


def question_problems(page: str, text: str) -> list[str]:
    """At least two collapsed questions at the end of the page; each decimal an answer states is
    printed, to the digits stated, by an example inside that answer (or is given: it appears in
    the question or in an example's own code)."""
    problems = []
    section = text.split("\n## Check your understanding\n", 1)
    if len(section) == 1:
        return [f"{page}: no 'Check your understanding' section"]
    if "\n## " in section[1]:
        problems.append(f"{page}: the questions are not the page's last section")
    questions = list(QUESTION.finditer(section[1]))
    if len(questions) < 2:
        problems.append(f"{page}: {len(questions)} question(s); at least two are wanted")
    for match in questions:
        answer = "\n".join(line[4:] for line in match["answer"].splitlines())
        outputs, given = [], set(DECIMAL.findall(match["question"]))
        for block in re.finditer(r"```pycon\n(.*?)```", answer, re.S):
            for line in block[1].splitlines():
                if line.startswith((">>>", "...")):
                    given.update(DECIMAL.findall(line))
                else:
                    outputs.append(line)
        printed = [float(n) for n in OUTPUT_NUMBER.findall("\n".join(outputs))]
        for stated in set(DECIMAL.findall(prose(answer))) - given:
            digits = len(stated.split(".")[1])
            if not any(round(value, digits) == float(stated) for value in printed):
                problems.append(f"{page}: the answer to {match['question'][:40]!r}... states {stated}, which no example in it prints")
    return problems


@pytest.mark.parametrize("page", PATH)
def test_every_page_of_the_path_ends_with_backed_questions(page):
    assert question_problems(page, read_pages()[page]) == []


def test_the_question_check_catches_an_unbacked_answer_and_a_missing_question():
    text = read_pages()["log-loss.md"]
    assert any("states 0.123" in p for p in question_problems("log-loss.md", text.replace("to 0.9045: one", "to 0.123: one")))
    first = QUESTION.search(text)
    assert "1 question(s)" in question_problems("log-loss.md", text.replace(first[0], ""))[0]
