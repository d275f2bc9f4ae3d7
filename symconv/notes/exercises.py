"""Exercises with answers: random realistic shapes, every answer computed and checked.

``symconv notes --exercises N --seed S`` gives each note ``N`` exercises (output size,
parameters, MACs, an error to find in a worked derivation, and for the depthwise
separable layer the ``D_out`` that makes it ``f`` times cheaper) and an answer key in a
separate file. Each answer is computed twice, from the numeric layer and from the note's
formula with the numbers put in, and the two must agree; shapes are drawn until the layer
is a real one (the kernel fits, groups divide the channels, the output is at least 2 x 2),
so every exercise is solvable from the note.

>>> ex = exercises_for("conv", 3, seed=1)
>>> [e["kind"] for e in ex]
['size', 'params', 'macs']
>>> ex == exercises_for("conv", 3, seed=1)  # the same seed, the same exercises
True
"""

from __future__ import annotations

import math
import random

import sympy

from ..engine import ratio, substitute
from ..errors import InputError
from ..layers import REGISTRY, Conv, DepthwiseSeparable
from ..symbols import H_F, W_F, D_out
from .derive import macs_derivation, params_derivation
from .example import example_values
from .render import settings_of

SIDES = (28, 32, 56, 64, 96, 112, 128, 224)
CHANNELS = (3, 16, 24, 32, 48, 64, 96, 128, 256)
KINDS = {"dw-sep": ("size", "params", "macs", "error", "cheaper"),
         "dense": ("params", "macs", "error"),
         "global-avg-pool": ("size", "params"), "batchnorm": ("params",),
         "max-pool": ("size", "params"), "avg-pool": ("size", "params")}
_PLAIN = ("size", "params", "macs", "error")


def _draw(cls, rng: random.Random):
    """A realistic, non-degenerate layer of type ``cls`` (redrawn until it is one)."""
    fields = cls.__dataclass_fields__
    for _ in range(200):
        side = rng.choice(SIDES)
        d_in = rng.choice(CHANNELS if cls.name != "dense" else (128, 256, 512, 1024, 4096))
        spec = {"D_in": d_in, "D_out": rng.choice(CHANNELS[1:] if cls.name != "dense"
                                                   else (10, 100, 256, 1000)),
                "W_in": side, "H_in": side}
        k = rng.choice((2, 3) if cls.name.endswith("-pool") else (1, 3, 5, 7)
                       if cls.name in ("conv", "grouped") else (3, 5))
        spec.update({"W_F": k, "H_F": k})
        if "stride" in fields and not cls.name.endswith("-pool"):
            spec["stride"] = rng.choice((1, 1, 2))
        if "padding" in fields and not cls.name.endswith("-pool"):
            spec["padding"] = rng.choice(("valid", "same", k // 2))
        if "groups" in fields and cls.name == "grouped":
            spec["groups"] = rng.choice((2, 4, 8))
        if cls.name == "transposed-conv":
            spec.update({"W_in": side // 8, "H_in": side // 8, "stride": 2, "padding": k // 2})
        try:
            layer = cls(**{k: v for k, v in spec.items() if k in fields})
        except InputError:
            continue
        out = layer.output_size
        if out.width.is_number and (cls.name in ("dense", "global-avg-pool") or out.width >= 2):
            return layer
    raise AssertionError(f"{cls.name}: no realistic shape drawn")


def _setting(layer) -> str:
    parts = []
    if hasattr(layer, "W_in"):
        parts.append(f"input ${layer.W_in} \\times {layer.H_in} \\times {layer.D_in}$")
    else:
        parts.append(f"${layer.D_in}$ input features")
    if layer.name in ("conv", "grouped", "transposed-conv"):
        parts.append(f"${layer.D_out}$ filters of ${layer.W_F} \\times {layer.H_F} \\times "
                     f"{layer.D_in // layer.groups}$")
    elif layer.name == "dw-sep":
        parts.append(f"kernel ${layer.W_F} \\times {layer.H_F}$, ${layer.D_out}$ output "
                     f"channels")
    elif hasattr(layer, "W_F"):
        parts.append(f"{'kernel' if layer.name == 'depthwise' else 'window'} "
                     f"${layer.W_F} \\times {layer.H_F}$")
    elif layer.name in ("pointwise", "dense"):
        parts.append(f"${layer.D_out}$ {'outputs' if layer.name == 'dense' else 'output channels'}")
    for s in settings_of(layer):
        value = s["value"]
        shown = f"({value[0]}, {value[1]})" if isinstance(value, tuple) else value
        parts.append(f"{s['name']} {shown}")
    return ", ".join(parts)


def _checked(layer, quantity: str) -> tuple[int, object, dict]:
    """The answer from the numeric layer, and the note's formula with the numbers put in:
    they must agree (the engine checks the exercise before anyone reads it)."""
    sym = type(layer)(**{k: getattr(layer, k) for k in ("stride", "padding", "dilation",
                                                        "output_padding", "depth_multiplier",
                                                        "bias")
                         if hasattr(layer, k)})
    values = example_values(layer, sym)
    expr = {"params": sym.params, "macs": sym.macs}[quantity]
    answer = int(layer.quantity(quantity))
    if int(substitute(sympy.Integer(0) + expr, values)) != answer:
        raise AssertionError(f"{layer.name}: {quantity} {answer} disagrees with the formula")
    derivation = (params_derivation if quantity == "params" else macs_derivation)(sym)
    return answer, derivation.steps[0] if derivation else None, values


def _exercise(kind: str, layer, rng: random.Random) -> dict:
    setting = _setting(layer)
    name = layer.name
    if kind == "size":
        out = [int(v) for v in layer.output_size]
        return {"kind": kind, "question": f"A {name} layer: {setting}. What is the output "
                f"size ($W_{{out}} \\times H_{{out}} \\times D_{{out}}$)?",
                "answer": f"${out[0]} \\times {out[1]} \\times {out[2]}$", "step": None,
                "subs": {}, "expr": None, "value": out}
    if kind in ("params", "macs"):
        answer, step, values = _checked(layer, kind)
        label = {"params": "trainable parameters", "macs": "multiply-accumulates (MACs)"}[kind]
        return {"kind": kind, "question": f"A {name} layer: {setting}. How many {label} "
                f"does it have?" if kind == "params" else
                f"A {name} layer: {setting}. How many {label} does one input (batch 1) "
                f"cost?", "answer": f"{answer:,}", "step": step, "subs": values,
                "expr": None, "value": answer}
    if kind == "error":
        answer, step, values = _checked(layer, "params" if layer.biases != 0 else "macs")
        if layer.biases != 0:
            wrong = int(layer.weights)
            slip = "the bias terms are missing"
            what = "parameters"
        else:
            wrong = 2 * answer
            slip = "it counts FLOPs (2 per MAC), not MACs"
            what = "MACs"
        if wrong == answer:
            raise AssertionError(f"{name}: the planted error changes nothing")
        return {"kind": kind, "question": f"A student computes the {what} of a {name} "
                f"layer ({setting}) as {wrong:,}. Find the error.",
                "answer": f"{answer:,}: {slip} ({wrong:,} is off by {abs(answer - wrong):,})",
                "step": step, "subs": values, "expr": None, "value": answer, "wrong": wrong}
    if kind == "cheaper":
        k = int(layer.W_F)
        closed = substitute(ratio(DepthwiseSeparable(), Conv()).expr, {W_F: k, H_F: k})
        best = k * k  # the limit 1/(K^2): never quite reached
        factor = rng.choice([f for f in range(2, best) if f >= best // 2] or [2])
        x = sympy.Symbol("x", positive=True)  # D_out over the reals: where the ratio is 1/factor
        (threshold,) = sympy.solve(closed.xreplace({D_out: x}) - sympy.Rational(1, factor), x)
        first = math.ceil(threshold)
        if not (substitute(closed, {D_out: first}) <= sympy.Rational(1, factor)
                < substitute(closed, {D_out: max(first - 1, 1)}) or first == 1):
            raise AssertionError("dw-sep threshold not checked")
        return {"kind": kind, "question": f"From which $D_{{out}}$ on does a depthwise "
                f"separable layer with a ${k} \\times {k}$ kernel cost at most $1/{factor}$ of "
                f"the MACs of a standard convolution with the same shapes?",
                "answer": f"$D_{{out}} \\geq {first}$ (the ratio $1/D_{{out}} + 1/{k * k}$ is "
                f"$1/{factor}$ at $D_{{out}} = {sympy.latex(threshold)}$)",
                "step": None, "subs": {}, "expr": closed, "value": first, "factor": factor}
    raise ValueError(kind)


def exercises_for(name: str, count: int, seed: int = 0) -> list[dict]:
    """``count`` exercises for one note, the same for the same ``seed``."""
    if count < 0 or count > 50:
        raise InputError(f"--exercises takes 0 to 50 per note, not {count}")
    rng = random.Random(f"{seed}:{name}")
    kinds = KINDS.get(name, _PLAIN)
    cls = REGISTRY[name]
    out = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        layer = _draw(cls, rng)
        if kind in ("macs", "error") and layer.macs == 0 and layer.params == 0:
            kind = "size"
        exercise = _exercise(kind, layer, rng)
        exercise["layer"] = layer
        out.append(exercise)
    return out

