"""Labelled formulas against the catalog, in the course's own style (one extractor of claims).

- a chain of equalities (``$32(5*5*8+1) = 6432$``) must hold link by link;
  a link between a formula and a number holds with the worked example's numbers;
- a formula labelled as a quantity (``Params = $...$``) under a heading or list
  item naming a layer type is checked against the catalog, symbolically, or
  against the worked example's numbers when it is a number;
- what cannot be parsed or placed is a note, never an error.

>>> note = '''# Convolution
... - Input: 128x128x8, Filter = 5x5x8x32, padding = valid
... - MACs = $5*5*8*32*124*124*32$'''
>>> [(c.line, c.kind, c.readings[0].holds) for c in catalog_claims(note)]
[(3, 'macs', False)]
"""

from __future__ import annotations

import dataclasses
import re

import sympy

from ..errors import InputError
from ..formula.parse import Resolver, parse
from ..symbols import SYMBOLS
from .check import LABELS, check_formula, compare
from .budget import Budget
from .claim import Claim, Reading
from .notation import prepare
from .scan import MAX_PER_LINE, Formula, scan
from .setting import example_options, example_values, layer_for, numeric_expected, options_for
from .wording import factor, how, is_literal, show, source_of, why

_NOT_EQUALITY = re.compile(r"<|>|\\le\b|\\ge\b|\\leq|\\geq|\\neq|\\ne\b|\\lt\b|\\gt\b|≤|≥|≠|\\in\b"
                           r"|\\sim\b|\\propto|\\to\b|\\rightarrow|\\Rightarrow|\\mapsto")
_WORDS_ONLY = re.compile(r"^\\?[A-Za-z]+(?:_\{?\w+\}?)?$|\\text\{\s*(?:params|parameters|"
                         r"macs|flops|weights)\s*\}|^\s*\\(?:text|mathrm|textrm)\{[A-Za-z-]+\}\s*$"
                         r"|^\s*\(?\s*[\w{}\\ ]+(?:\s*,\s*[\w{}\\ ]+)+\s*\)?\s*$", re.I)  # a shape (W, H, C)
#: one name, as written (p_h, p_\textrm{h}, n[l], \alpha): one side of a setting
_NAME = re.compile(r"\\?[A-Za-z]+'?(?:_\{?\\?(?:textrm|mathrm|text)?\{?[A-Za-z0-9]*\}?\}?)?(?:\[[^\]]*\])?")
#: symbols a note may use without saying what they measure (H, W: input or output?)
_UNPLACED = {SYMBOLS[n] for n in ("H", "W", "C") if n in SYMBOLS}
#: slips that another tool's or author's convention makes right (diagnose's cause codes)
WEIGHTS_WITH_BIASES = "weights counted with their biases (all the parameters)"
CONVENTIONS = {
    "adds-n-minus-1": "FLOPs counting n multiplications and n-1 additions per output",
    "bias-adds-counted": "FLOPs counting the bias additions",
    "keras-bn-4c": "Keras counts BatchNorm's moving mean and variance as (non-trainable) parameters",
    "keras-separable-bias": "Keras's SeparableConv2D, one bias per output channel",
}
_TWO_FLOPS = re.compile(r"(?i)FLOPs?\s*(?:=|is|are)\s*2\s*(?:[x×*·]|\\times|\\cdot)?\s*(?:MAC|multiply)|"
                        r"2\s*(?:[x×*·]|\\times|\\cdot)\s*MACs?\b|(?:twice|two FLOPs per)\s+(?:the\s+)?MAC")
_WITH_BIAS = re.compile(r"(?i)(?:param|参数)[^\n]{0,80}(?:\+\s*1\s*\)|\+\s*(?:C_?\{?o|D_?\{?out|K\b|N\b)|"
                        r"\bbias|偏置)")
_NO_BIAS = re.compile(r"(?i)\b(?:no|without|ignor\w*|excluding|omit\w*)\s+(?:the\s+)?bias|weights only|"
                      r"不考虑\s*bias|不考虑偏置|忽略偏置|不含偏置")
_FLOPS_ARE_MACS = re.compile(r"(?i)FLOPs?\s*(?:=|==|are|is)\s*MACs?\b|FLOPs?\s*\((?:i\.e\.\s*)?multiply[- ]adds?\)")
_APPROX = re.compile(r"\\approx|≈|\\simeq|~=")
_OUT = {SYMBOLS["W_out"], SYMBOLS["H_out"]}
#: the symbols of a sliding window's output size (the same for convolution and pooling)
_WINDOW = _OUT | {SYMBOLS[n] for n in ("W_in", "H_in", "W_F", "H_F", "K", "S", "S_W", "S_H", "P",
                                       "P_W", "P_H", "d", "d_W", "d_H")}
_LABEL_LHS = re.compile(r"(?i)^\s*(?:\\text\{|\\mathrm\{|\\#|#)*\s*(params|parameters|maccs|macc|macs|flops|"
                        r"weights|mult-adds)\s*\}?\s*$")


#: layers whose "same" padding is a reading of an output size that states no padding
_SAME_KINDS = {"conv", "depthwise", "pointwise", "grouped", "dw-sep", "max-pool", "avg-pool"}


def _split_top_level(text: str, separators: str) -> list[str]:
    """``text`` cut at each of ``separators`` outside brackets."""
    pieces, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        elif c in separators and depth == 0:
            pieces.append(text[start:i])
            start = i + 1
    return pieces + [text[start:]]


def _equations(text: str) -> list[str]:
    """``W_out = W_in/S, H_out = H_in/S`` -> its equations (split at top-level commas when
    every piece is an equation); one formula otherwise."""
    pieces = _split_top_level(text, ",，;；")
    if len(pieces) > 1 and all("=" in p for p in pieces):
        return [p.strip() for p in pieces]
    return [text]


def _split_chain(text: str) -> list[list[str]]:
    """``a = b = c \\approx d`` -> ``[[a, b, c], [d]]``: the links that must hold exactly."""
    text = re.sub(r"\\begin\{[a-z*]+\}|\\end\{[a-z*]+\}|&|\\\\", " ", text).strip().rstrip(".,;")
    runs = []
    for run in _APPROX.split(text):
        runs.append([p.strip() for p in _split_top_level(run, "=")])
    return runs


class Linter:
    """Reads the labelled formulas of one note; collects :class:`Claim` s."""

    def __init__(self, resolver: Resolver, letters: frozenset = frozenset()):
        self.resolver = resolver
        self.letters = letters   # the note's own names: plain-text equations over them are read
        self.claims: list[Claim] = []

    def convention(self, cause: str | None) -> str | None:
        """The convention a formula that differs from the catalog follows, unless the note
        itself says otherwise (a note that states FLOPs = 2 MACs, or counts biases)."""
        if cause == "missing-bias" and not self.with_bias:
            return "weights only (no bias), as the note counts them"
        if cause == "macs-as-flops" and not self.two_flops:
            return "FLOPs counted as multiply-accumulates (FLOPs = MACs)"
        if cause in ("missing-floor", "missing-ceil"):
            return ("the output size written without its rounding: exact when the stride divides "
                    "the span the windows slide over")
        return CONVENTIONS.get(cause or "")

    def stated(self, cause: str | None) -> bool:
        """Whether the note states the convention that makes a formula right."""
        if cause == "missing-bias":
            return self.no_bias
        if cause == "macs-as-flops":
            return self.flops_are_macs
        return cause in ("missing-floor", "missing-ceil")  # the usual way to write it (CS231n)

    def add(self, f: Formula, kind: str, message: str, given=None, expected=None,
            quantity=None, holds: bool | None = None, convention: str | None = None,
            stated: bool = False) -> None:
        """A claim: ``kind`` "wrong" (a firm reading fails), "ok" (it holds) or "note"."""
        claim = Claim(f.line, f.text, quantity or f.quantity or "formula", layer=f.kind)
        if kind == "note":
            claim.note = message
        else:
            claim.readings.append(Reading(how(f, quantity, self.resolver.notation), kind == "ok", expected=expected,
                                          given=given, source=source_of(f), detail=message,
                                          convention=convention, stated=stated))
        self.claims.append(claim)

    def lint(self, text: str, budget: Budget | None = None) -> list[Claim]:
        budget = Budget() if budget is None else budget
        formulas = []
        for formula in scan(text, self.letters):
            if not budget.allows(formula.line, look=len(formulas) % 64 == 0):
                break
            formulas.append(formula)
        # conventions the note states (or contradicts): FLOPs = 2 MACs, biases in its parameters
        self.two_flops = bool(_TWO_FLOPS.search(text))
        self.with_bias = bool(_WITH_BIAS.search(text))
        self.no_bias = bool(_NO_BIAS.search(text))
        self.flops_are_macs = bool(_FLOPS_ARE_MACS.search(text))
        self.document_options = []  # the option sets of the note's worked examples
        for f in formulas:
            options = example_options(f.example)
            if options and options not in self.document_options:
                self.document_options.append(options)
        per_line: dict[int, int] = {}
        for formula in formulas:
            if not budget.allows(formula.line):   # one formula may cost sympy a second: look each time
                break
            per_line[formula.line] = per_line.get(formula.line, 0) + 1
            if per_line[formula.line] > MAX_PER_LINE:  # a generated or hostile line
                if per_line[formula.line] == MAX_PER_LINE + 1:
                    self.add(formula, "note", f"more than {MAX_PER_LINE} formulas on one "
                                              f"line; the rest of the line is not checked")
                continue
            if formula.example.get("_conflict"):
                self.add(formula, "note", f"worked example: {formula.example.pop('_conflict')}")
            try:
                self.formula(formula)
            except InputError as error:  # a layer the example cannot build, and the like
                self.add(formula, "note", f"cannot check {formula.text!r}: {error}")
        return self.claims

    def formula(self, f: Formula) -> None:
        if f.output_claim is not None:
            return self.output_claim(f)
        if f.text.lstrip().startswith("="):   # Params $= 3 \times 3 ...$: the label is outside
            f = dataclasses.replace(f, text=f.text.lstrip()[1:].strip(), modifiers=dict(f.modifiers))
        if _NOT_EQUALITY.search(f.text) or not f.text.strip():
            return
        equations = _equations(f.text)
        if len(equations) > 1:   # W_out = ..., H_out = ...: each on its own
            for text in equations:
                self.formula(dataclasses.replace(f, text=text, modifiers=dict(f.modifiers)))
            return
        runs = _split_chain(prepare(f.text))
        if runs and runs[0] and _LABEL_LHS.match(runs[0][0]):  # $\text{MACs} = ...$
            f.quantity = f.quantity or _quantity_word(runs[0][0])
            runs[0] = runs[0][1:]
        exprs: list[list[tuple[str, sympy.Expr | None]]] = []
        noted = False
        for run in runs:
            parsed = []
            for part in run:
                try:
                    parsed.append((part, parse(part, resolver=self.resolver)))
                except InputError as error:
                    # one note per formula; none for a symbol's name ($S$) or a named
                    # quantity ($2 \cdot \text{MACs}$): words, not formulas
                    if not noted and not _WORDS_ONLY.search(part):
                        self.add(f, "note", f"cannot parse ${part}$: {error}")
                    noted = True
                    parsed.append((part, None))
            exprs.append(parsed)
        values = example_values(f.kind, f.example)
        for parsed in exprs:
            for (ta, a), (tb, b) in zip(parsed, parsed[1:]):
                if a is not None and b is not None:
                    self.link(f, ta, a, tb, b, values)
        items = [(t, e) for parsed in exprs for t, e in parsed if e is not None]
        head = exprs[0][0][1] if exprs and exprs[0] else None
        if f.kind is None and (f.quantity == "output-size" or head in _OUT) and \
                all(e.free_symbols <= _WINDOW for _, e in items) and \
                any(e.free_symbols - _OUT for _, e in items):
            # an output size over the input, kernel, stride and padding alone: any sliding
            # window (convolution or pooling) gives it, so no layer type needs naming
            f = dataclasses.replace(f, kind="conv", window=True)
        if f.quantity is None and head in _OUT and f.kind:
            # $W_{out} = \lfloor ... \rfloor + 1$: an output-size formula; its numbers are
            # links, checked above with the example's numbers
            f.quantity = "output-size"
            items = [(t, e) for t, e in items if e.free_symbols]
            return self.labelled(f, items, str(head))
        if f.quantity:
            self.labelled(f, items)

    def link(self, f: Formula, ta, a, tb, b, values) -> None:
        """One link of a chain: two formulas, two numbers, or a formula and a number."""
        by_example = False
        if not a.free_symbols and not b.free_symbols:
            return  # plain arithmetic: chains.py reads it, with written precision
        if (_NAME.fullmatch(ta.strip()) or _NAME.fullmatch(tb.strip())) and a.free_symbols and \
                b.free_symbols and not ({a, b} & {SYMBOLS["W_out"], SYMBOLS["H_out"]}):
            return  # p_h = k_h - 1, p_h = p_w: a setting the author chooses, not a claim
        if (a.free_symbols or b.free_symbols) and not (
                a.free_symbols and b.free_symbols and not (a.is_Symbol or b.is_Symbol)):
            a, b = a.xreplace(values), b.xreplace(values)
            if a.free_symbols or b.free_symbols:
                return  # a definition such as W_out = ..., with no numbers to try
            by_example = True
        result = compare(a, b)
        if result.verdict == "correct":
            return self.add(f, "ok", f"{ta} = {tb}" + (" with the worked example's numbers" if by_example else ""),
                            quantity="formula")
        if f.modifiers.get("_if") and not (a.is_number and b.is_number):
            return self.add(f, "note", f"{ta} = {tb} does not hold in general, but the sentence "
                                       f"before it states a premise this check does not take")
        if a.is_number and b.is_number:
            sides = [f"the left side is {show(a)}"]
            if not is_literal(tb, b):
                sides.append(f"the right side {show(b)}")
            where = " with the worked example's numbers" if by_example else ""
            message = f"{ta} = {tb} does not hold{where}: {', '.join(sides)}"
        else:
            message = f"{ta} = {tb} does not hold: left - right = {show(result.difference)}"
            if result.counterexample:
                shown = ", ".join(f"{k}={v}" for k, v in result.counterexample.items())
                message += (f" (at {shown}: {show(result.given_value)} vs "
                            f"{show(result.expected_value)})")
        self.add(f, "wrong", message, given=a, expected=b, quantity="formula")

    def labelled(self, f: Formula, items, label: str | None = None) -> None:
        """A formula labelled as a quantity: check it against the catalog."""
        label = label or LABELS[f.quantity]
        if not items:
            return
        if f.kind is None:
            self.add(f, "note", f"cannot place {label} = {f.text}: no heading or list item "
                                f"above names a layer type", quantity=f.quantity)
            return
        symbolic = [(t, e) for t, e in items if e.free_symbols and not e.is_Symbol]
        numbers = [(t, e) for t, e in items if not e.free_symbols]
        if symbolic:
            text, expr = symbolic[0]
            result = self.symbolic(f, expr)
            convention = self.convention(result.cause)
            if not result.ok and not convention and f.quantity == "weights":
                # "weights" often means every parameter, biases too (weights = K*K*Cin*Cout + Cout)
                as_params = self.symbolic(dataclasses.replace(f, quantity="params"), expr)
                if as_params.ok:
                    self.add(f, "ok", f"{label} = {show(as_params.given)}: the weights with their biases",
                             quantity=f.quantity, convention=WEIGHTS_WITH_BIASES, expected=result.expected)
                    symbolic = []
            if not symbolic:
                pass
            elif result.ok:
                self.add(f, "ok", f"{label} = {show(result.given)}", quantity=f.quantity)
            elif convention:
                self.add(f, "ok", f"{label} = {show(result.given)}: {result.cause_message}",
                         quantity=f.quantity, convention=convention, expected=result.expected,
                         stated=self.stated(result.cause))
            elif f.modifiers.get("_if"):
                self.add(f, "note", f"{label} = {show(result.given)} differs from the catalog's "
                                    f"{show(result.expected)}, but its line states a premise "
                                    f"this check does not take", quantity=f.quantity)
            elif expr.free_symbols & _UNPLACED:
                names = ", ".join(sorted(str(x) for x in expr.free_symbols & _UNPLACED))
                self.add(f, "note", f"cannot check {label} = {show(result.given)}: the note does not "
                                    f"say whether {names} are input or output sizes (--notation cin-cout "
                                    f"reads H, W as the output map)", quantity=f.quantity)
            else:
                self.add(f, "wrong", f"{label} = {show(result.given)}, expected "
                         f"{show(result.expected)}{why(result)}",
                         quantity=f.quantity, given=result.given, expected=result.expected)
        if numbers:
            text, value = numbers[-1]
            self.number(f, label, value)

    def symbolic(self, f: Formula, expr):
        """Check a formula against its kind, with the options its section and line state;
        a formula that holds for the options of another worked example in the note is right."""
        options = options_for({**f.options, **example_options(f.example), **f.modifiers}, expr)
        result = check_formula(expr, layer_for(f.kind, options, None), f.quantity,
                               self.resolver.identify)
        others = list(self.document_options)
        if f.quantity == "output-size" and "padding" not in options and f.kind in _SAME_KINDS:
            # no padding written or said: TensorFlow's "same" padding is a reading too
            # (W_out = W_in / S when the stride divides the input)
            others.append({"padding": "same"})
        for other in others:
            if result.ok:
                break
            retry = options_for({**f.options, **other, **f.modifiers}, expr)
            if retry != options:
                again = check_formula(expr, layer_for(f.kind, retry, None), f.quantity,
                                      self.resolver.identify)
                if again.ok or (self.convention(again.cause) and not self.convention(result.cause)):
                    result = again
        return result

    def number(self, f: Formula, label: str, value) -> None:
        # a layer with no sizes given: a pooling layer's 0 MACs need no example
        layer = layer_for(f.kind, f.options, {**f.example, **f.modifiers})
        expected = numeric_expected(layer, f.quantity)
        if expected.free_symbols and not {"W_in", "D_in", "W_F"} & set(f.example):
            self.add(f, "note", f"cannot check {label} = {show(value)}: no worked example "
                                f"(Input: WxHxC, Filter = WxHxCinxCout) above fixes the numbers",
                     quantity=f.quantity)
            return
        if expected.free_symbols:
            missing = ", ".join(sorted(s.name for s in expected.free_symbols))
            self.add(f, "note", f"cannot check {label} = {show(value)}: the worked example "
                                f"does not fix {missing}", quantity=f.quantity)
            return
        if value == expected:
            return self.add(f, "ok", f"{label} = {show(value)}", quantity=f.quantity)
        under = self._numeric_convention(layer, f.quantity, value)
        if under is not None:   # right under a known convention, as a formula would be
            convention, detail, cause = under
            return self.add(f, "ok", f"{label} = {show(value)}: {detail} ({show(expected)} as "
                                     f"symconv counts)", quantity=f.quantity,
                            convention=convention, expected=expected, stated=self.stated(cause))
        self.add(f, "wrong", f"{label} = {show(value)}, expected {show(expected)}"
                             f"{factor(value, expected)}",
                 quantity=f.quantity, given=value, expected=expected)

    def _numeric_convention(self, layer, quantity: str, value):
        """``(convention, why, cause)`` when a worked number that differs from symconv's is
        another known convention's: the slip the diagnosis names for it, judged as for a
        formula (the weights without their biases, MACs given as FLOPs), or the weights
        counted with their biases. None otherwise."""
        if quantity == "output-size":
            return None
        if quantity == "weights" and value == numeric_expected(layer, "params"):
            return WEIGHTS_WITH_BIASES, "the weights with their biases", None
        result = check_formula(value, layer, quantity, self.resolver.identify)
        convention = self.convention(result.cause)
        return (convention, result.cause_message, result.cause) if convention else None

    def output_claim(self, f: Formula) -> None:
        if f.kind is None or "W_F" not in f.example:
            return
        shape = layer_for(f.kind, f.options, f.example).output_size
        expected = tuple(shape)[:len(f.output_claim)]
        if tuple(sympy.Integer(v) for v in f.output_claim) == expected:
            return self.add(f, "ok", "output size = " + "x".join(str(v) for v in expected),
                            quantity="output-size")
        shown = "x".join(str(v) for v in f.output_claim)
        want = "x".join(str(v) for v in expected)
        self.add(f, "wrong", f"output size = {shown}, expected {want}",
                     quantity="output-size", given=shown, expected=want)


def _quantity_word(text: str) -> str:
    word = _LABEL_LHS.match(text).group(1).lower()
    return {"parameters": "params", "mult-adds": "macs", "maccs": "macs", "macc": "macs"}.get(word, word)


def catalog_claims(text: str, notation: str | None = None,
                   aliases: dict[str, str] | None = None, budget: Budget | None = None) -> list[Claim]:
    """The claims of the note's labelled formulas and worked examples, in the course's style
    (within ``budget``, see :mod:`.budget`)."""
    return Linter(Resolver(notation, aliases), frozenset(aliases or ())).lint(text, budget)
