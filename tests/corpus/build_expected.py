"""Hand labels for tests/corpus/notes (and the planted copies), each checked by plain arithmetic.

    python tests/corpus/build_expected.py      # rewrites expected.json and planted/

Every label is written by hand from reading the note; the numbers it quotes are
recomputed here with plain Python (ints and Fractions, no symconv), and the script
stops if a hand label disagrees with its own arithmetic. Symbolic claims are checked
by evaluating both sides at several sample sizes (`same`).

Labels: RIGHT (holds under symconv's conventions, or the note's own stated
notation), CONVENTION (holds only under another known convention: weights only,
FLOPs = MACs, n-1 additions, pooling FLOPs counted), WRONG (no reasonable reading
makes it hold). Scope: claims about the cost of a layer or a block (parameters,
weights, MACs/FLOPs/multiplications, output size, channel counts) and the arithmetic
written to compute them. Network totals quoted from papers (60M for AlexNet) and
hardware figures (TFLOPs of a GPU) are not labelled: nothing in the note derives them.
"""

from __future__ import annotations

import json
import math
import random
from fractions import Fraction as F
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOTES = HERE / "notes"
LABELS: list[dict] = []


def line_of(name: str, find: str, nth: int = 1, exact: bool = False) -> int:
    lines = (NOTES / name).read_text(encoding="utf-8").splitlines()
    hits = [i + 1 for i, text in enumerate(lines) if (text.strip() == find if exact else find in text)]
    if len(hits) < nth:
        raise SystemExit(f"{name}: {find!r} not found (nth={nth})")
    return hits[nth - 1]


def rounds_to(exact, written: float, unit: float) -> bool:
    """True when `exact` rounds to `written` at the precision of its last digit (`unit`)."""
    return abs(F(exact) - F(str(written))) <= F(str(unit)) / 2


def same(f, g, names: str, trials: int = 5) -> bool:
    """Two formulas agree at random positive sizes."""
    rng = random.Random(0)
    for _ in range(trials):
        values = {n: rng.randint(2, 40) for n in names.split()}
        if F(f(**values)) != F(g(**values)):
            return False
    return True


def claim(name, find, label, reason, *, nth=1, anchor=None, holds=True, exact=False):
    """Record one label; `holds` is the arithmetic that justifies it (asserted here).
    `exact`: `find` is the whole line (stripped), for a formula that is part of longer lines too."""
    assert label in ("RIGHT", "WRONG", "CONVENTION"), label
    if holds is not True:
        raise SystemExit(f"{name}: arithmetic does not support the label of {find!r}: {reason}")
    LABELS.append({"file": f"notes/{name}", "line": line_of(name, find, nth, exact), "claim": find,
                   "anchor": anchor or find, "label": label, "reason": reason})


def out(n, f, p=0, s=1, d=1):
    return (n + 2 * p - d * (f - 1) - 1) // s + 1


def size_ok(formula, exact_division=True) -> bool:
    """formula(n, f, p, s) is the output size wherever (n + 2p - f) divides by s (or always, floored)."""
    for n in range(3, 30):
        for f in (1, 2, 3, 5, 7):
            for p in (0, 1, 2):
                for s in (1, 2, 3):
                    if n + 2 * p < f or (exact_division and (n + 2 * p - f) % s):
                        continue
                    if F(formula(n, f, p, s)) != out(n, f, p, s):
                        return False
    return True


# ---------------------------------------------------------------- cs231n (MIT)
N = "cs231n-convolutional-networks.md"
claim(N, r"32\*32\*3 = 3072", "RIGHT", "32*32*3 = 3072 weights of one FC neuron", anchor="3072", holds=32 * 32 * 3 == 3072)
claim(N, r"200\*200\*3 = 120,000", "RIGHT", "200*200*3 = 120000", anchor="120,000", holds=200 * 200 * 3 == 120000)
claim(N, r"5\*5\*3 = 75", "RIGHT", "5*5*3 = 75 weights per neuron (+1 bias)", anchor="= 75", holds=5 * 5 * 3 == 75)
claim(N, r"3\*3\*20 = 180", "RIGHT", "3*3*20 = 180 connections", anchor="180", holds=3 * 3 * 20 == 180)
claim(N, r"\\((W - F + 2P)/S + 1\\)", "RIGHT", "output size (W-F+2P)/S+1 when it divides", anchor="(W - F + 2P)/S + 1",
      holds=size_ok(lambda W, F_, P, S: F(W - F_ + 2 * P, S) + 1))
claim(N, "we would get a 5x5 output", "RIGHT", "7x7 input, 3x3, stride 1, pad 0 -> 5", anchor="5x5 output", holds=out(7, 3) == 5)
claim(N, "With stride 2 we would get a 3x3 output", "RIGHT", "(7-3)/2+1 = 3", anchor="3x3 output", holds=out(7, 3, 0, 2) == 3)
claim(N, "(5 - 3 + 2)/1+1 = 5", "RIGHT", "(5-3+2)/1+1 = 5", anchor="(5 - 3 + 2)/1+1 = 5", holds=(5 - 3 + 2) // 1 + 1 == 5)
claim(N, "(5 - 3 + 2)/2+1 = 3", "RIGHT", "(5-3+2)/2+1 = 3", anchor="(5 - 3 + 2)/2+1 = 3", holds=(5 - 3 + 2) // 2 + 1 == 3)
claim(N, "(5 - 3 + 2) = 4", "RIGHT", "5-3+2 = 4", anchor="(5 - 3 + 2) = 4", holds=5 - 3 + 2 == 4)
claim(N, r"\\(P = (F - 1)/2\\)", "RIGHT", "P=(F-1)/2 keeps the size at stride 1", anchor="P = (F - 1)/2",
      holds=all(out(w, f, (f - 1) // 2) == w for w in range(5, 30) for f in (1, 3, 5, 7)))
claim(N, "(10 - 3 + 0) / 2 + 1 = 4.5", "RIGHT", "(10-3+0)/2+1 = 4.5 (the point: not an integer)", anchor="4.5",
      holds=F(10 - 3 + 0, 2) + 1 == F(9, 2))
claim(N, "(227 - 11)/4 + 1 =", "RIGHT", "(227-11)/4+1 = 55", anchor="(227 - 11)/4 + 1", holds=out(227, 11, 0, 4) == 55)
claim(N, r"55\*55\*96 = 290,400", "RIGHT", "55*55*96 = 290400", anchor="290,400", holds=55 * 55 * 96 == 290400)
claim(N, r"11\*11\*3 = 363 weights", "RIGHT", "11*11*3 = 363", anchor="= 363 weights", holds=11 * 11 * 3 == 363)
claim(N, "290400 * 364 = 105,705,600", "RIGHT", "290400*364 = 105705600 (no sharing)", anchor="105,705,600", holds=290400 * 364 == 105705600)
claim(N, "(11-5)/2+1 = 4", "RIGHT", "(11-5)/2+1 = 4", anchor="(11-5)/2+1 = 4", holds=out(11, 5, 0, 2) == 4)
claim(N, "(5 - 3 + 2)/2 + 1 = 3", "RIGHT", "W1=5, F=3, S=2, P=1 -> 3", anchor="(5 - 3 + 2)/2 + 1 = 3", holds=out(5, 3, 1, 2) == 3)
claim(N, r"11\*11\*3 = 363. Iterating", "RIGHT", "column size 363", anchor="11\\*11\\*3 = 363", holds=363 == 11 * 11 * 3)
claim(N, "(227-11)/4+1 = 55 locations", "RIGHT", "55 positions per axis", anchor="(227-11)/4+1 = 55", holds=out(227, 11, 0, 4) == 55)
claim(N, "55*55 = 3025", "RIGHT", "55*55 = 3025", anchor="3025 of them", holds=55 * 55 == 3025)
claim(N, "since 384/32 = 12", "RIGHT", "384/32 = 12", anchor="384/32 = 12", holds=384 // 32 == 12)
claim(N, "(12 - 7)/1 + 1 = 6", "RIGHT", "(12-7)/1+1 = 6", anchor="(12 - 7)/1 + 1 = 6", holds=out(12, 7) == 6)
claim(N, r"(7 \times 7 \times C) = 49 C^2", "CONVENTION", "weights only: C*(7*7*C) = 49C^2 (biases add C)", anchor="49 C^2",
      holds=same(lambda C: C * 49 * C, lambda C: C * (7 * 7 * C), "C"))
claim(N, r"(3 \times 3 \times C)) = 27 C^2", "CONVENTION", "weights only: 3*C*(3*3*C) = 27C^2", anchor="27 C^2",
      holds=same(lambda C: 27 * C * C, lambda C: 3 * (C * (3 * 3 * C)), "C"))
claim(N, "total of about 10 million activations", "RIGHT", "3*224*224*64 = 9,633,792 ~ 10 million", anchor="10 million",
      holds=rounds_to(3 * 224 * 224 * 64, 10e6, 1e6))
VGG = [("224*224*3=150K", 224 * 224 * 3, 150e3, 10e3), ("224*224*64=3.2M", 224 * 224 * 64, 3.2e6, 0.1e6),
       ("112*112*64=800K", 112 * 112 * 64, 800e3, 100e3), ("112*112*128=1.6M", 112 * 112 * 128, 1.6e6, 0.1e6),
       ("56*56*128=400K", 56 * 56 * 128, 400e3, 100e3), ("56*56*256=800K", 56 * 56 * 256, 800e3, 100e3),
       ("28*28*256=200K", 28 * 28 * 256, 200e3, 100e3), ("28*28*512=400K", 28 * 28 * 512, 400e3, 100e3),
       ("14*14*512=100K", 14 * 14 * 512, 100e3, 100e3), ("7*7*512=25K", 7 * 7 * 512, 25e3, 1e3)]
for text, exact, written, unit in VGG:
    for k in range(1, 4):
        try:
            line_of(N, text, k)
        except SystemExit:
            break
        claim(N, text, "RIGHT", f"{text.split('=')[0]} = {exact}, rounds to {text.split('=')[1]}", nth=k,
              anchor=text, holds=rounds_to(exact, written, unit))
W = [("(3*3*3)*64 = 1,728", 1728, 1), ("(3*3*64)*64 = 36,864", 36864, 1), ("(3*3*64)*128 = 73,728", 73728, 1),
     ("(3*3*128)*128 = 147,456", 147456, 1), ("(3*3*128)*256 = 294,912", 294912, 1),
     ("(3*3*256)*256 = 589,824", 589824, 2), ("(3*3*256)*512 = 1,179,648", 1179648, 1),
     ("(3*3*512)*512 = 2,359,296", 2359296, 5), ("7*7*512*4096 = 102,760,448", 102760448, 1),
     ("4096*4096 = 16,777,216", 16777216, 1), ("4096*1000 = 4,096,000", 4096000, 1)]
for text, value, count in W:
    expr = text.split(" = ")[0].replace("(", "").replace(")", "")
    exact = math.prod(int(x) for x in expr.split("*"))
    for k in range(1, count + 1):
        claim(N, text, "RIGHT", f"weights (labelled so, no bias): {expr} = {exact}", nth=k, anchor=text,
              holds=exact == value)

# ---------------------------------------------------------------- mbadry1 DeepLearning.ai summary (MIT)
N = "mbadry1-dlai-cnn.md"
claim(N, "which is 3 billion parameter", "RIGHT", "1000x1000x3 inputs x 1000 units = 3e9 weights", anchor="3 billion",
      holds=1000 * 1000 * 3 * 1000 == 3 * 10**9)
claim(N, "will represent 3 million feature", "RIGHT", "1000*1000*3 = 3 million", anchor="3 million", holds=1000 * 1000 * 3 == 3 * 10**6)
claim(N, "with `3x3` filter/kernel gives us a `4x4` matrix", "RIGHT", "6-3+1 = 4", nth=1, anchor="4x4", holds=out(6, 3) == 4)
claim(N, "with `3x3` filter/kernel gives us a `4x4` matrix", "RIGHT", "6-3+1 = 4", nth=2, anchor="4x4", holds=out(6, 3) == 4)
claim(N, "`n-f+1,n-f+1`", "RIGHT", "valid conv: n-f+1", anchor="n-f+1", holds=size_ok(lambda n, f, p, s: n - f + 1 if (p, s) == (0, 1) else out(n, f, p, s)))
claim(N, "`n+2p-f+1,n+2p-f+1`", "RIGHT", "n+2p-f+1", anchor="n+2p-f+1,n+2p-f+1",
      holds=size_ok(lambda n, f, p, s: n + 2 * p - f + 1 if s == 1 else out(n, f, p, s)))
claim(N, "`n+2p-f+1 = 6+2-3+1 = 6`", "RIGHT", "6+2-3+1 = 6", anchor="6+2-3+1 = 6", holds=out(6, 3, 1) == 6 == 6 + 2 - 3 + 1)
claim(N, "P = (f-1) / 2", "RIGHT", "same padding at stride 1", nth=1, anchor="P = (f-1) / 2",
      holds=all(out(n, f, (f - 1) // 2) == n for n in range(5, 20) for f in (1, 3, 5)))
claim(N, "`(n+2p-f)/s + 1,(n+2p-f)/s + 1`", "RIGHT", "floor((n+2p-f)/s)+1 (floor stated next line)", anchor="(n+2p-f)/s + 1,",
      holds=size_ok(lambda n, f, p, s: (n + 2 * p - f) // s + 1, exact_division=False))
claim(N, "p = (n*s - n + f - s) / 2", "RIGHT", "from n = (n+2p-f)/s+1: 2p = ns - n + f - s", anchor="(n*s - n + f - s) / 2",
      holds=same(lambda n, f, s: F(n * s - n + f - s, 2), lambda n, f, s: F((n - 1) * s - n + f, 2), "n f s"))
claim(N, "When s = 1 ==> P = (f-1) / 2", "RIGHT", "s=1 in the line above", anchor="When s = 1", holds=True)
claim(N, "- Result image: `4x4x1`", "RIGHT", "6x6x3 * 3x3x3 -> 4x4x1", anchor="4x4x1", holds=out(6, 3) == 4)
claim(N, "- Result image: `4x4x10`", "RIGHT", "10 filters -> 4x4x10", nth=1, anchor="4x4x10", holds=out(6, 3) == 4)
claim(N, "- Result image: `4x4x10`", "RIGHT", "10 filters -> 4x4x10", nth=2, anchor="4x4x10", holds=out(6, 3) == 4)
claim(N, "`(3x3x3x10) + 10 = 280`", "RIGHT", "270 weights + 10 biases = 280", anchor="= 280", holds=3 * 3 * 3 * 10 + 10 == 280)
claim(N, "Where n[l] = (n[l-1] + 2p[l] - f[l] / s[l]) + 1", "WRONG",
      "misplaced parenthesis: divides only f by s; the size is (n + 2p - f)/s + 1 (n=37,f=5,s=2: 17, this gives 37.5)",
      anchor="n[l] = (n[l-1]", holds=(37 + 0 - F(5, 2)) + 1 != out(37, 5, 0, 2))
claim(N, "Weights: f[l] * f[l] * nc[l-1] * nc[l]", "RIGHT", "weights (biases listed apart)", anchor="Weights: f[l]", holds=True)
claim(N, "Then output are `a1 = 37x37x10`", "RIGHT", "39-3+1 = 37", anchor="37x37x10", holds=out(39, 3) == 37)
claim(N, "The output are `a2 = 17x17x20`", "RIGHT", "(37-5)/2+1 = 17", anchor="17x17x20", holds=out(37, 5, 0, 2) == 17)
claim(N, "The output are `a3 = 7x7x40`", "RIGHT", "(17-5)/2+1 = 7", anchor="7x7x40`", holds=out(17, 5, 0, 2) == 7)
claim(N, "`a3 = 7x7x40 = 1960`", "RIGHT", "7*7*40 = 1960", anchor="1960", holds=7 * 7 * 40 == 1960)
claim(N, "  - Output: `2x2x10`", "RIGHT", "4x4 max pool 2, stride 2 -> 2x2", anchor="2x2x10", holds=out(4, 2, 0, 2) == 2)
claim(N, "Then output are `a1 = 28x28x6`", "RIGHT", "32-5+1 = 28", anchor="28x28x6", holds=out(32, 5) == 28)
claim(N, "The output are `a1 = 14x14x6`", "RIGHT", "pool 2/2: 14", anchor="14x14x6", holds=out(28, 2, 0, 2) == 14)
claim(N, "The output are `a2 = 10x10x16`", "RIGHT", "14-5+1 = 10", anchor="10x10x16", holds=out(14, 5) == 10)
claim(N, "The output are `a2 = 5x5x16`", "RIGHT", "pool 2/2: 5", anchor="5x5x16`", holds=out(10, 2, 0, 2) == 5)
claim(N, "400 came from `5x5x16`", "RIGHT", "5*5*16 = 400", anchor="400 came", holds=5 * 5 * 16 == 400)
claim(N, "    - Output: `6x6x1`", "RIGHT", "1x1 conv keeps 6x6", anchor="6x6x1`", holds=out(6, 1) == 6)
claim(N, "    - Output: `6x6x5`", "RIGHT", "5 filters of 1x1x32 -> 6x6x5", anchor="6x6x5", holds=out(6, 1) == 6)
claim(N, "the output are 28 x 28 x 256", "RIGHT", "64+128+32+32 = 256 channels concatenated", anchor="28 x 28 x 256",
      holds=64 + 128 + 32 + 32 == 256)
claim(N, "Output should be 28 x 28 x 32", "RIGHT", "same conv keeps 28x28, 32 filters", anchor="28 x 28 x 32", holds=True)
claim(N, "`28 * 28 * 32 * 5 * 5 * 192 = 120 Mil`", "RIGHT", "120,422,400 multiplications ~ 120 Mil",
      anchor="= 120 Mil", holds=rounds_to(28 * 28 * 32 * 5 * 5 * 192, 120e6, 1e6))
claim(N, "`28 * 28 * 16 * 1 * 1 * 192 = 2.5 Mil`", "WRONG", "28*28*16*192 = 2,408,448 = 2.4 Mil, not 2.5",
      anchor="= 2.5 Mil", holds=not rounds_to(28 * 28 * 16 * 192, 2.5e6, 0.1e6) and rounds_to(28 * 28 * 16 * 192, 2.4e6, 0.1e6))
claim(N, "`28 * 28 * 32 * 5 * 5 * 16 = 10 Mil`", "RIGHT", "10,035,200 ~ 10 Mil", anchor="= 10 Mil",
      holds=rounds_to(28 * 28 * 32 * 5 * 5 * 16, 10e6, 1e6))
claim(N, "So the total number are 12.5 Mil approx", "WRONG",
      "2,408,448 + 10,035,200 = 12,443,648 = 12.4 Mil (the 12.5 carries the wrong 2.5 Mil)", anchor="12.5 Mil",
      holds=not rounds_to(2408448 + 10035200, 12.5e6, 0.1e6))
claim(N, "we can reduce 120 mil to just 12 mil", "RIGHT", "12.44M ~ 12 mil", anchor="12 mil",
      holds=rounds_to(2408448 + 10035200, 12e6, 1e6))

# ---------------------------------------------------------------- arcAman07 LeNet (MIT)
N = "arcaman07-lenet.md"
claim(N, "Output featuremap size: 28 * 28 (32-5 + 1) = 28", "RIGHT", "32-5+1 = 28", anchor="= 28", holds=out(32, 5) == 28)
claim(N, "Number of connections: (5 5 + 1) 6 28 28 = 122304", "RIGHT", "(25+1)*6*28*28 = 122304", anchor="122304",
      holds=26 * 6 * 28 * 28 == 122304)
claim(N, "6 feature maps of size 28 28, 32-5 + 1 = 28", "RIGHT", "32-5+1 = 28", anchor="32-5 + 1 = 28", holds=out(32, 5) == 28)
claim(N, "there are 6 (5 * 5 + 1) = 156 parameters", "RIGHT", "6*(25+1) = 156", anchor="= 156", holds=6 * 26 == 156)
claim(N, "156 28 * 28 = 122304 connections", "RIGHT", "156*784 = 122304", anchor="122304 connections", holds=156 * 28 * 28 == 122304)
claim(N, "Output featureMap size: 14 * 14 (28/2)", "RIGHT", "28/2 = 14", anchor="14 * 14", holds=out(28, 2, 0, 2) == 14)
claim(N, "(28/2 = 14)", "RIGHT", "28/2 = 14", anchor="28/2 = 14", holds=28 // 2 == 14)
claim(N, "there are 2x6 = 12 training parameters", "RIGHT", "LeNet's S2 subsampling: coefficient + bias per map, 2*6", anchor="2x6 = 12",
      holds=2 * 6 == 12)
claim(N, "5x14x14x6 = 5880 connections", "RIGHT", "(4+1)*14*14*6 = 5880", anchor="5880", holds=5 * 14 * 14 * 6 == 5880)
claim(N, "Output featureMap size: 10 * 10 (14-5 + 1) = 10", "RIGHT", "14-5+1 = 10", anchor="= 10", holds=out(14, 5) == 10)
claim(N, "6 (3 5 5 + 1) + 6 (4 5 5 + 1) + 3 (4 5 5 + 1) + 1 (6 5 5 +1) = 1516", "RIGHT",
      "LeNet's partial connection table: 6*76 + 6*101 + 3*101 + 151 = 1516", anchor="= 1516",
      holds=6 * 76 + 6 * 101 + 3 * 101 + 1 * 151 == 1516)
claim(N, "Number of connections: 10 10 1516 = 151600", "RIGHT", "100*1516 = 151600", anchor="151600", holds=10 * 10 * 1516 == 151600)
claim(N, "Output featureMap size: 5 * 5 (10/2)", "RIGHT", "10/2 = 5", anchor="5 * 5 (10/2)", holds=out(10, 2, 0, 2) == 5)
claim(N, "Number of neurons: 5 5 16 = 400", "RIGHT", "5*5*16 = 400", anchor="= 400", holds=5 * 5 * 16 == 400)
claim(N, "Trainable parameters: 2 * 16 = 32", "RIGHT", "2 per map * 16", anchor="2 * 16 = 32", holds=2 * 16 == 32)
claim(N, "Number of connections: 16 (2 2 + 1) 5 5 = 2000", "RIGHT", "16*5*25 = 2000", anchor="= 2000", holds=16 * 5 * 25 == 2000)
claim(N, "5x5x5x16 = 2000 connections", "RIGHT", "5*5*5*16 = 2000", anchor="5x5x5x16 = 2000", holds=5 * 5 * 5 * 16 == 2000)
claim(N, "Output featureMap size: 1 * 1 (5-5 + 1)", "RIGHT", "5-5+1 = 1", anchor="1 * 1", holds=out(5, 5) == 1)
claim(N, "120 (16 5 * 5 + 1) = 48120", "RIGHT", "120*(400+1) = 48120", anchor="48120", holds=120 * (16 * 25 + 1) == 48120)
claim(N, "Trainable parameters: 84 * (120 + 1) = 10164", "RIGHT", "84*121 = 10164", anchor="10164", holds=84 * 121 == 10164)
claim(N, "(120 + 1) x84 = 10164", "RIGHT", "121*84 = 10164", anchor="x84 = 10164", holds=121 * 84 == 10164)

# ---------------------------------------------------------------- arcAman07 AlexNet (MIT)
N = "arcaman07-alexnet.md"
claim(N, "The output feature map is 55X55X96", "RIGHT", "(227-11)/4+1 = 55", anchor="55X55X96", holds=out(227, 11, 0, 4) == 55)
claim(N, "the size 27X27X96", "RIGHT", "(55-3)/2+1 = 27", anchor="27X27X96", holds=out(55, 3, 0, 2) == 27)
claim(N, "Now the output size we get is 27X27X256", "RIGHT", "5x5, pad 2, stride 1 keeps 27", anchor="27X27X256", holds=out(27, 5, 2) == 27)
claim(N, "with stride 2. The resulting feature map is of shape 13X13X256", "RIGHT", "(27-3)/2+1 = 13", anchor="13X13X256", holds=out(27, 3, 0, 2) == 13)
claim(N, "The output feature map is of shape 13X13X384", "RIGHT", "3x3 pad 1 keeps 13", anchor="13X13X384", holds=out(13, 3, 1) == 13)
claim(N, "remains unchanged i.e 13X13X384", "RIGHT", "3x3 pad 1 keeps 13", anchor="13X13X384", holds=out(13, 3, 1) == 13)
claim(N, "shape 6X6X256", "RIGHT", "(13-3)/2+1 = 6", anchor="6X6X256", holds=out(13, 3, 0, 2) == 6)

# ---------------------------------------------------------------- d2l (CC BY-SA 4.0 / Apache-2.0) and Dive-into-DL-PyTorch (Apache-2.0)
# d2l writes p_h for the TOTAL padding rows (top + bottom); its formulas are right in that notation.


def total_pad_ok(formula) -> bool:
    for n in range(3, 25):
        for k in (1, 2, 3, 5):
            for P in (0, 1, 2, 4):
                for s in (1, 2, 3):
                    if n + P < k:
                        continue
                    truth = (n + P - k) // s + 1
                    if F(formula(n, k, P, s)) != truth and not (s > 1 and formula(n, k, P, s) is None):
                        return False
    return True


for N in ("d2l-en-padding-and-strides.md", "d2l-zh-padding-and-strides.md", "shusentang-5.2-padding-and-strides.md"):
    zh = not N.startswith("d2l-en")
    if N.startswith("d2l"):
        claim(N, "2\\times2" if zh else "dimension $2\\times2$", "RIGHT", "3x3 input, 2x2 kernel -> 2x2", anchor="2\\times2", holds=out(3, 2) == 2)
    claim(N, "(n_h-k_h+1) \\times (n_w-k_w+1)" if zh else "(n_\\textrm{h}-k_\\textrm{h}+1) \\times", "RIGHT",
          "valid conv, stride 1: n-k+1", anchor="+1) \\times",
          holds=total_pad_ok(lambda n, k, P, s: n - k + 1 if (P, s) == (0, 1) else (n + P - k) // s + 1))
    if N.startswith("d2l"):
        claim(N, "240 \\times 240", "RIGHT", "ten 5x5 convs: 240 - 10*4 = 200", anchor="200 \\times 200" if not zh else "240 \\times 240",
              holds=240 - 10 * (5 - 1) == 200)
    if N.startswith("d2l-en"):
        claim(N, "increasing its size to $5 \\times 5$", "RIGHT", "3 + 2*1 = 5", anchor="5 \\times 5", holds=3 + 2 == 5)
    claim(N, "output then increases to a $4 \\times 4$" if N.startswith("d2l-en") else ("4 \\times 4" if N.startswith("d2l-zh") else "从3变成了5"), "RIGHT",
          "3x3 input padded by 1 each side is 5x5; 2x2 kernel gives 4x4", anchor="4",
          holds=3 + 2 == 5 and out(3, 2, 1) == 4)
    claim(N, "(n_h-k_h+p_h+1)\\times" if zh else "$$(n_\\textrm{h}-k_\\textrm{h}+p_\\textrm{h}+1)", "RIGHT",
          "p_h is the total padding (both sides) in this note: n - k + p + 1", anchor="+1)\\times",
          holds=total_pad_ok(lambda n, k, P, s: n - k + P + 1 if s == 1 else (n + P - k) // s + 1))
    claim(N, "$$\\lfloor(n_h-k_h+p_h+s_h)/s_h\\rfloor" if zh else "$$\\lfloor(n_\\textrm{h}-k_\\textrm{h}+p_\\textrm{h}+s_\\textrm{h})", "RIGHT",
          "floor((n - k + p + s)/s) with p the total padding", anchor="\\lfloor",
          holds=total_pad_ok(lambda n, k, P, s: (n - k + P + s) // s))
    claim(N, "\\lfloor(n_h+s_h-1)/s_h\\rfloor" if zh else "$\\lfloor(n_\\textrm{h}+s_\\textrm{h}-1)/s_\\textrm{h}\\rfloor", "RIGHT",
          "p = k - 1: floor((n + s - 1)/s)", anchor="-1)/s",
          holds=all((n + (k - 1) - k) // s + 1 == (n + s - 1) // s for n in range(3, 30) for k in (1, 3, 5) for s in (1, 2, 3)))

for N in ("d2l-en-googlenet.md", "shusentang-5.9-googlenet.md"):
    for text, total in (("64+128+32+32=256", 256), ("192+208+48+64=512", 512), ("160+224+64+64=512", 512),
                        ("128+256+64+64=512", 512), ("112+288+64+64=528", 528), ("384+384+128+128=1024", 1024)):
        parts = [int(x) for x in text.split("=")[0].split("+")]
        claim(N, text, "RIGHT", f"Inception output channels: {' + '.join(map(str, parts))} = {sum(parts)}", anchor=text,
              holds=sum(parts) == total)
    for k in (1, 2):
        claim(N, "256+320+128+128=832", "RIGHT", "256+320+128+128 = 832", nth=k, anchor="256+320+128+128=832",
              holds=256 + 320 + 128 + 128 == 832)
claim("d2l-en-googlenet.md", "128+192+96+64=480", "RIGHT", "128+192+96+64 = 480", anchor="=480", holds=128 + 192 + 96 + 64 == 480)
claim("d2l-en-googlenet.md", "$96 = 192/2$", "RIGHT", "192/2 = 96", anchor="96 = 192/2", holds=192 // 2 == 96)
claim("d2l-en-googlenet.md", "$16 = 192/12$", "RIGHT", "192/12 = 16", anchor="16 = 192/12", holds=192 // 12 == 16)

for N in ("d2l-en-why-conv.md", "d2l-zh-why-conv.md"):
    claim(N, "10^6 \\times 10^3 = 10^9", "RIGHT", "1 megapixel x 1000 hidden units = 1e9 weights", anchor="10^9",
          holds=10**6 * 10**3 == 10**9)
claim("d2l-en-why-conv.md", "This requires $10^{12}$ parameters", "RIGHT", "(1000*1000)^2 = 1e12 weights", anchor="10^{12}$ parameters",
      holds=(1000 * 1000) ** 2 == 10**12)
claim("d2l-en-why-conv.md", "no longer $10^{12}$ but a much more reasonable $4 \\times 10^6$", "RIGHT",
      "translation invariance leaves V[a,b] with a, b in (-1000, 1000): 2000*2000 = 4e6", anchor="4 \\times 10^6",
      holds=2000 * 2000 == 4 * 10**6)

N = "d2l-en-channels.md"
claim(N, "requires $c_\\textrm{o}\\times c_\\textrm{i}$ weights", "RIGHT", "1x1 conv: c_o*c_i weights (plus bias, said next)",
      anchor="c_\\textrm{o}\\times c_\\textrm{i}$ weights", holds=True)
claim(N, "this amounts to over 53 billion operations", "RIGHT",
      "256*256*5*5*128*128 = 26.8e9 MACs; 'we count multiplications and additions separately': 53.7e9 > 53e9",
      anchor="53 billion", holds=2 * 256 * 256 * 25 * 128 * 128 >= 53 * 10**9)
claim("d2l-zh-channels.md", "$1\\times 1$卷积层需要的权重维度为$c_o\\times c_i$", "RIGHT", "1x1 conv weights c_o x c_i plus a bias",
      anchor="c_o\\times c_i", holds=True)

N = "d2l-en-alexnet.md"
claim(N, "This corresponds to 164 MB of memory", "RIGHT", "(6400*4096 + 4096*4096)*4 bytes = 164.0 MiB", anchor="164 MB",
      holds=rounds_to(F((6400 * 4096 + 4096 * 4096) * 4, 2**20), 164, 1))
claim(N, "and 81 MFLOPs of computation", "WRONG",
      "6400*4096 + 4096*4096 = 42,991,616 MACs: 43M as MACs, 86M (82.0 Mi) as 2 FLOPs per MAC; no reading gives 81M",
      anchor="81 MFLOPs",
      holds=not any(rounds_to(v, 81e6, 1e6) for v in (42991616, 2 * 42991616)) and not rounds_to(F(2 * 42991616, 2**20), 81, 1))
claim(N, "the last two layers have more than 40 million parameters", "RIGHT", "42,991,616 weights > 40 million",
      anchor="40 million", holds=6400 * 4096 + 4096 * 4096 > 40 * 10**6)

N = "d2l-en-vgg.md"
claim(N, "as many parameters ($25 \\cdot c^2$)", "CONVENTION", "5x5 conv c->c: 25c^2 weights (no bias)", anchor="25 \\cdot c^2", holds=True)
claim(N, "three $3 \\times 3$ convolutions do ($3 \\cdot 9 \\cdot c^2$)", "CONVENTION", "three 3x3 convs: 27c^2 weights",
      anchor="3 \\cdot 9 \\cdot c^2", holds=True)
claim("d2l-en-densenet.md", "$3 + 10 + 10=23$ channels", "RIGHT", "dense block concatenates: 3 + 10 + 10 = 23", anchor="=23",
      holds=3 + 10 + 10 == 23)
claim("d2l-en-cnn-design.md", "recall that $224 / 2^{1+4} = 7$", "RIGHT", "stem + 4 stages of stride 2: 224/32 = 7", anchor="= 7$",
      holds=224 // 2**5 == 7)
claim("shusentang-5.5-lenet.md", "该层权重参数的形状是$3,000,000\\times 256$", "RIGHT",
      "1000x1000x3 inputs to 256 outputs: a 3,000,000 x 256 weight matrix", anchor="3,000,000\\times 256", holds=1000 * 1000 * 3 == 3000000)
claim("shusentang-5.5-lenet.md", "它占用了大约3 GB的内存", "RIGHT", "3e6*256*4 bytes = 3.07e9 ~ 3 GB", anchor="3 GB",
      holds=rounds_to(3000000 * 256 * 4, 3e9, 1e9))

# ---------------------------------------------------------------- HarleysZhang cv_note (Apache-2.0)
N = "harleyszhang-model-complexity.md"
claim(N, "$FLOPs=(2\\times C_i\\times K^2-1)\\times H\\times W\\times C_o$（不考虑bias）", "CONVENTION",
      "counts K^2 C_i multiplications and K^2 C_i - 1 additions per output: FLOPs = 2 MACs - outputs", anchor="-1)\\times H")
claim(N, "$FLOPs=(2\\times C_i\\times K^2)\\times H\\times W\\times C_o$（考虑bias）", "RIGHT",
      "2 x MACs (their reading: the bias add completes the n-th addition)", anchor="K^2)\\times H")
claim(N, "$MACCs=(C_i\\times K^2)\\times H\\times W\\times C_o$", "RIGHT", "MACs of a conv over the output grid", anchor="MACCs=")
claim(N, "所以卷积层的 $FLOPs=(2\\times C_{i}\\times K^2-1)", "CONVENTION", "as above: n-1 additions per output", anchor="FLOPs=(2")
claim(N, "全连接层的 $FLOPs = (2I − 1)O$", "CONVENTION", "dense: I multiplications and I-1 additions per output", anchor="(2I − 1)O")
claim(N, "**卷积层权重参数量**  =  $ C_i\\times K^2\\times C_o + C_o$", "RIGHT", "weights + one bias per output channel",
      anchor="C_o + C_o")
claim(N, "５×5×3×16+16=1216个", "RIGHT", "5*5*3*16 + 16 = 1216 (the first 5 is a full-width digit)", anchor="=1216",
      holds=5 * 5 * 3 * 16 + 16 == 1216)
claim(N, "**`BN` 层参数量** =  $2\\times C_i$", "RIGHT", "gamma and beta per channel", anchor="2\\times C_i")
claim(N, "**全连接层参数量** =  $T_i\\times T_o + T_O$", "RIGHT", "weights + biases (T_O is T_o)", anchor="T_o + T_O")
claim(N, "weights = K x K x Cin x Cout + bias", "RIGHT", "weights plus the bias vector (memory traffic)", anchor="weights = K x K")

for N in ("harleyszhang-dl-basics.md", "harleyszhang-conv-layer.md"):
    claim(N, "\\left \\lfloor N = \\frac{W-F+2P}{S}+1 \\right \\rfloor", "RIGHT", "floor((W-F+2P)/S)+1", anchor="\\frac{W-F+2P}{S}+1",
          holds=size_ok(lambda n, f, p, s: (n - f + 2 * p) // s + 1, exact_division=False))
    claim(N, "# output_shape: height = (50-3)/2+1 = 24.5", "RIGHT", "(50-3)/2+1 = 24.5, floored to 24", anchor="24.5",
          holds=F(50 - 3, 2) + 1 == F(49, 2) and out(50, 3, 0, 2) == 24)
    claim(N, "torch.Size([20, 33, 28, 100])", "RIGHT", "(3,5) kernel, stride (2,1), padding (4,2) on 50x100: 28 x 100",
          anchor="[20, 33, 28, 100]", holds=out(50, 3, 4, 2) == 28 and out(100, 5, 2, 1) == 100)
    claim(N, "torch.Size([20, 33, 26, 100])", "RIGHT", "with dilation (3,1): 26 x 100", anchor="[20, 33, 26, 100]",
          holds=out(50, 3, 4, 2, 3) == 26 and out(100, 5, 2, 1, 1) == 100)
    claim(N, "# 输出shape: torch.Size([20, 16, 24, 49])", "WRONG",
          "nn.Conv2d(16, 33, 3, stride=2) on 20x16x50x100 gives [20, 33, 24, 49]: 33 output channels, not 16",
          anchor="[20, 16, 24, 49]", holds=out(50, 3, 0, 2) == 24 and out(100, 3, 0, 2) == 49)
N = "harleyszhang-dl-basics.md"
claim(N, "$out = (in - 1) *s -2p + k$", "RIGHT", "transposed conv output (no output padding, dilation 1)", anchor="(in - 1) *s -2p + k")
claim(N, "$W = (N - 1)*S - 2P + F$", "RIGHT", "same, other letters", anchor="(N - 1)*S - 2P + F")
claim(N, "`(2 - 1) * 3 + 4 = 7`", "RIGHT", "(2-1)*3 + 4 = 7", anchor="= 7`", holds=(2 - 1) * 3 + 4 == 7)
claim(N, "池化得到的特征图大小计算方式: $N=(W-F)/S+1$", "RIGHT", "valid pooling, floor stated", anchor="N=(W-F)/S+1",
      holds=size_ok(lambda n, f, p, s: (n - f) // s + 1 if p == 0 else out(n, f, p, s), exact_division=False))
claim(N, "+ `padding = valid`：池化层输出的特征图大小为：$N=(W-F)/S+1$", "RIGHT", "as above", anchor="N=(W-F)/S+1")
claim(N, "+ `padding = same`: 池化层输出的特征图大小为 $N = W/S$", "RIGHT", "TensorFlow same: ceil(W/S), stated on the line",
      anchor="N = W/S")
claim(N, "只有后者的 2∗3∗3/5∗5=0.72", "RIGHT", "read as (2*3*3)/(5*5) = 18/25 = 0.72 (weights, bias aside)",
      anchor="=0.72", holds=F(2 * 3 * 3, 5 * 5) == F(72, 100))
claim(N, "堆叠卷积层的参数为 3×(3×3C) = `27C` 个权重", "WRONG",
      "three 3x3 convs C->C have 3*(3*3*C*C) = 27C^2 weights, not 27C (a factor C dropped)", anchor="`27C`",
      holds=not same(lambda C: 27 * C, lambda C: 3 * 3 * 3 * C * C, "C"))
claim(N, "单个 7×7 卷积层将需要 7×7×C = `49C` 个参数", "WRONG", "a 7x7 conv C->C has 49C^2 weights, not 49C", anchor="`49C`",
      holds=not same(lambda C: 49 * C, lambda C: 7 * 7 * C * C, "C"))
claim(N, "即参数多 81％", "RIGHT", "49/27 = 1.81: 81% more", anchor="81％", holds=rounds_to(F(49, 27) - 1, 0.81, 0.01))
for text, exact, written, nth in (("665/32=20.78", F(665, 32), 20.78, 1), ("20/7=2.86", F(20, 7), 2.86, 1),
                                  ("665/32=20.78", F(665, 32), 20.78, 2), ("20.78/7=2.97", F(2078, 700), 2.97, 1)):
    claim(N, text, "RIGHT", f"RoI pooling cell size {float(exact):.4f}, rounded to two decimals", nth=nth, anchor=text,
          holds=rounds_to(exact, written, 0.01))
N = "harleyszhang-conv-layer.md"
claim(N, "输出为三维 $2\\times 28\\times 28$", "RIGHT", "channels first: 3x32x32 input, 2x3x5x5 weights -> 2x28x28",
      anchor="2\\times 28\\times 28", holds=out(32, 5) == 28)

# ---------------------------------------------------------------- Captain1986 CaptainBlackboard (MIT)
N = "captain1986-d0004-dwsep-mobilenet.md"
claim(N, "为**DfxDfxNxDkxDkxM**", "RIGHT", "MobileNet notation: Df^2 N Dk^2 M MACs", anchor="DfxDfxNxDkxDkxM")
claim(N, "**DW卷积的计算量为DfxDfxMxDkxDk**", "RIGHT", "depthwise MACs", anchor="DfxDfxMxDkxDk**")
claim(N, "**PW卷积的计算量为NxDfxDfxM**", "RIGHT", "pointwise MACs", anchor="NxDfxDfxM**")
claim(N, "深度可分离卷积的计算量DfxDfxMxDkxDk+NxDfxDfxM**", "RIGHT", "sum of the two", anchor="DfxDfxMxDkxDk+NxDfxDfxM**")
claim(N, "（DfxDfxMxDkxDk+NxDfxDfxM)/(DfxDfxNxDkxDkxM)=**1/N+1/(DkxDk)**", "RIGHT", "the MobileNet ratio", anchor="=**1/N+1/(DkxDk)**",
      holds=same(lambda Df, M, N_, Dk: F(Df * Df * M * Dk * Dk + N_ * Df * Df * M, Df * Df * N_ * Dk * Dk * M),
                 lambda Df, M, N_, Dk: F(1, N_) + F(1, Dk * Dk), "Df M N_ Dk"))
claim(N, "计算量（理论上）为传统卷积的**1/9**", "RIGHT", "large N, k=3: ~1/9", anchor="1/9")
claim(N, "计算量为传统卷积的**1/25**", "RIGHT", "large N, k=5: ~1/25", anchor="1/25")
claim(N, "传统卷积的参数数量，就是所有小卷积核的体积之和，**NxMxDkxDk**", "CONVENTION", "weights only (no bias)", anchor="**NxMxDkxDk**")
claim(N, "**Mx1xDkxDk+NxMx1x1**。", "CONVENTION", "weights only", anchor="之和**Mx1xDkxDk+NxMx1x1**")
claim(N, "(Mx1xDkxDk+NxMx1x1)/(NxMxDkxDk)=**1/N+1/(DkxDk)**", "RIGHT", "weight ratio", anchor="(NxMxDkxDk)=",
      holds=same(lambda M, N_, Dk: F(M * Dk * Dk + N_ * M, N_ * M * Dk * Dk), lambda M, N_, Dk: F(1, N_) + F(1, Dk * Dk), "M N_ Dk"))
claim(N, "(NxDfxDfxM)/(DfxDfxMxDkxDk)=**N/(DkxDk)**", "RIGHT", "PW/DW = N/Dk^2", anchor="=**N/(DkxDk)**",
      holds=same(lambda Df, M, N_, Dk: F(N_ * Df * Df * M, Df * Df * M * Dk * Dk), lambda Df, M, N_, Dk: F(N_, Dk * Dk), "Df M N_ Dk"))

N = "captain1986-d0005-separable.md"
claim(N, "总次数等于MxHxmxn", "WRONG", "W*H pixels times m*n taps: WxHxmxn (M is a slip for W; M is not defined)",
      anchor="MxHxmxn")
claim(N, "总的次数是WxHxn+WxHxm", "RIGHT", "row pass + column pass", anchor="WxHxn+WxHxm")
claim(N, "计算量比原始计算量等于(m+n)/(mxn)", "RIGHT", "(WH(m+n))/(WHmn)", anchor="(m+n)/(mxn)")
claim(N, "则计算量的比可以简化为2/k", "RIGHT", "m = n = k", anchor="2/k")
claim(N, "加速比为4.3443:1", "RIGHT", "498200/114679 = 4.3443", anchor="4.3443:1", holds=rounds_to(F(498200, 114679), 4.3443, 0.0001))
claim(N, "(k^2)/(2k)=11:2=5.5:1", "RIGHT", "k = 11: 121/22 = 11/2 = 5.5", anchor="=5.5:1", holds=F(11**2, 2 * 11) == F(11, 2))
claim(N, "计算量是原始卷积计算量的2k/k^2", "RIGHT", "2k/k^2", anchor="2k/k^2")

N = "captain1986-d0023-cnn-macc.md"
claim(N, "300 × 100 = 30,000个MACC", "RIGHT", "300*100 = 30000", anchor="30,000", holds=300 * 100 == 30000)
claim(N, "所以是(I + 1)", "RIGHT", "bias as an extra row: (I+1) x J", anchor="(I + 1)")
claim(N, "需要**I x J次MACC或者(2xI - 1) x J和FLOPS**", "CONVENTION", "I*J MACs; (2I-1)J FLOPs counts I-1 additions", anchor="(2xI - 1) x J")
claim(N, "**对于具有核大小K的卷积层，MACC的数量为：K × K × Cin × Hout × Wout × Cout**", "RIGHT", "conv MACs", anchor="K × K × Cin × Hout × Wout × Cout**")
claim(N, "3 × 3 × 64 × 112 × 112 × 128 = 924,844,032", "RIGHT", "9*64*12544*128 = 924844032", anchor="924,844,032",
      holds=3 * 3 * 64 * 112 * 112 * 128 == 924844032)
claim(N, "我们将使用56 × 56而不是112 × 112", "RIGHT", "stride 2 halves 112 (same padding)", anchor="56 × 56", holds=-(-112 // 2) == 56)
claim(N, "**MACC_expansion_layer = Cin × Hin × Win × Cexp**", "RIGHT", "1x1 expansion over the input grid", anchor="MACC_expansion_layer")
claim(N, "**MACC_depthwise_layer = K × K × Cexp × Hout × Wout**", "RIGHT", "depthwise MACs", anchor="MACC_depthwise_layer")
claim(N, "**MACC_projection_layer = Cexp × Hout × Wout × Cout**", "RIGHT", "1x1 projection", anchor="MACC_projection_layer")
claim(N, "**MACC_v2 = Cin × Hin × Win × Cexp + (K × K + Cout) × Cexp × Hout × Wout**", "RIGHT", "sum of the three", anchor="MACC_v2 =")
claim(N, "**(K × K + Cout + Cin) × Cexp × Hout × Wout**", "RIGHT", "stride 1: Hin = Hout", anchor="(K × K + Cout + Cin)")
claim(N, "(3 × 3 + 128 + 64) × (64 × 6) × 112 × 112 = 968,196,096", "RIGHT", "201*384*12544 = 968196096", anchor="968,196,096",
      holds=(3 * 3 + 128 + 64) * (64 * 6) * 112 * 112 == 968196096)
claim(N, "我们实际上使用了64 × 6 = **384通道**", "RIGHT", "64*6 = 384", anchor="384通道", holds=64 * 6 == 384)
claim(N, "112 × 112 × 128 = 1,605,632　FLOPS或1.6兆FLOPS", "CONVENTION",
      "max pool 2/2 counted as one FLOP per input value: 112*112*128 = 1,605,632 (symconv counts no pooling FLOPs)",
      anchor="1,605,632", holds=112 * 112 * 128 == 1605632)
claim(N, "|             (2 x I - 1) x J FLOPS或者I x J MACC", "CONVENTION", "as above", anchor="(2 x I - 1) x J FLOPS")
claim(N, "|            K × K × Cin × Hout × Wout × Cout MACC", "RIGHT", "conv MACs", anchor="Wout × Cout MACC")
claim(N, "| (K × K × Cin × Hout × Wout) + (Cin × Hout × Wout × Cout) MACC", "RIGHT", "MobileNet v1 MACs", anchor="(Cin × Hout × Wout × Cout) MACC")
claim(N, "传统卷积的(K × K + Cout) / K × K × Cout", "RIGHT", "read as (K^2 + Cout)/(K^2 Cout), the ratio to a standard conv",
      anchor="(K × K + Cout) / K × K × Cout")
claim(N, "| Cin × Hin × Win × Cexp + (K × K + Cout) × Cexp × Hout × Wout MACC", "RIGHT", "v2 MACs", anchor="Cexp × Hout × Wout MACC")
claim(N, "|                    Cin × Hin × Win FLOPS", "CONVENTION", "pooling FLOPs counted per input value", anchor="Cin × Hin × Win FLOPS")

N = "captain1986-d0024-memory-access.md"
claim(N, "(4096+1) × 4096 = 16.8M权重", "RIGHT", "4097*4096 = 16,781,312 ~ 16.8M", anchor="16.8M",
      holds=rounds_to(4097 * 4096, 16.8e6, 0.1e6))
claim(N, "3 × 3 × 32 × 48 + 48 = 13,872", "RIGHT", "13824 + 48 = 13872", anchor="13,872", holds=3 * 3 * 32 * 48 + 48 == 13872)
claim(N, "112 x 112 x 32 = 401,408次内存访问", "RIGHT", "112*112*32 = 401408", anchor="401,408次", holds=112 * 112 * 32 == 401408)
MEM = [("input = 3 × 3 × 3 × 112 × 112 × 32 = 10,838,016", 3 * 3 * 3 * 112 * 112 * 32, 10838016),
       ("output = 112 × 112 × 32 = 401,408", 112 * 112 * 32, 401408),
       ("weights = 3 × 3 × 3 × 32 + 32 = 896", 3 * 3 * 3 * 32 + 32, 896),
       ("total = 11,240,320", 10838016 + 401408 + 896, 11240320),
       ("input = 3 × 3 × 256 × 28 × 28 × 512 = 924,844,032", 3 * 3 * 256 * 28 * 28 * 512, 924844032),
       ("weights = 3 × 3 × 256 × 512 + 512 = 1,180,160", 3 * 3 * 256 * 512 + 512, 1180160),
       ("total = 926,425,600", 924844032 + 401408 + 1180160, 926425600),
       ("input = 3 × 3 × 1 x 28 × 28 × 256 = 1,806,336", 3 * 3 * 28 * 28 * 256, 1806336),
       ("output = 28 × 28 × 256 = 200,704", 28 * 28 * 256, 200704),
       ("weights = 3 × 3 × 1 x 256 + 256 = 2,560", 3 * 3 * 256 + 256, 2560),
       ("total = 2,009,600", 1806336 + 200704 + 2560, 2009600),
       ("input = 1 × 1 × 256 × 28 × 28 × 512 = 102,760,448", 256 * 28 * 28 * 512, 102760448),
       ("weights = 1 × 1 × 256 × 512 + 512 = 131,584", 256 * 512 + 512, 131584),
       ("total = 103,293,440", 102760448 + 401408 + 131584, 103293440),
       ("total of both layers = 105,303,040", 2009600 + 103293440, 105303040)]
for text, exact, written in MEM:
    claim(N, text, "RIGHT", f"memory accesses: {exact}", anchor=text.split(" = ")[-1], holds=exact == written)
for k in (1, 2, 3):
    claim(N, "output = 28 × 28 × 512 = 401,408", "RIGHT", "28*28*512 = 401408", nth=k, anchor="401,408", holds=28 * 28 * 512 == 401408)
claim(N, "926425600 / 105303040 = 8.80倍", "RIGHT", "= 8.798, 8.80", anchor="8.80倍", holds=rounds_to(F(926425600, 105303040), 8.80, 0.01))
claim(N, "input = 28 × 28 × 512 = 401,408", "RIGHT", "28*28*512", anchor="401,408", holds=28 * 28 * 512 == 401408)
claim(N, "total = 802,816", "RIGHT", "401408*2", anchor="802,816", holds=2 * 401408 == 802816)

N = "captain1986-d0025-conv-for-fc.md"
claim(N, "全连接层输入10 x 10 x 3 = 300个神经元", "RIGHT", "10*10*3 = 300", anchor="= 300", holds=10 * 10 * 3 == 300)
claim(N, "3 x 3 x 3 = 27的子集", "RIGHT", "3*3*3 = 27", anchor="= 27", holds=3 * 3 * 3 == 27)

# ================================================================ held-out set (lint3), labelled before the linter changed
# Ten notes by eight authors not in the set above (SOURCES.md, "Held-out set"). Labels from reading
# the note; the arithmetic below is independent of symconv.


def tout(i, k, p=0, s=1, a=0):
    """Transposed convolution output size (the inverse of `out`, `a` extra rows at one edge)."""
    return s * (i - 1) + k - 2 * p + a


def tsize_ok(formula, pads=(0, 1, 2)) -> bool:
    """formula(i, k, p, s, a) is the transposed output for every small case."""
    return all(F(formula(i, k, p, s, a)) == tout(i, k, p, s, a)
               for i in range(2, 12) for k in (1, 2, 3, 5) for p in pads for s in (1, 2, 3) for a in range(s)
               if tout(i, k, p, s, a) > 0)


# ---------------------------------------------------------------- tharhtetsan ML-in-Prod-batch-1 (MIT)
N = "tharhtetsan-cnn-params.md"
claim(N, "parameters=( F×F × C_in +1 ) × C_out", "RIGHT", "conv params: F*F*C_in weights and 1 bias per output channel",
      anchor="F×F × C_in +1", holds=same(lambda f, a, b: (f * f * a + 1) * b, lambda f, a, b: f * f * a * b + b, "f a b"))
claim(N, "parameters=( N_in + 1 ) × N_out", "RIGHT", "dense params: N_in*N_out weights + N_out biases",
      anchor="N_in + 1", holds=same(lambda a, b: (a + 1) * b, lambda a, b: a * b + b, "a b"))

# ---------------------------------------------------------------- Shaowen310 experience (CC BY 4.0)
N = "shaowen310-cnn-output-size.md"
claim(N, "\\lfloor \\frac{n+2p-f}{s} + 1 \\rfloor", "RIGHT", "floor((n+2p-f)/s + 1) = floor((n+2p-f)/s) + 1",
      anchor="\\frac{n+2p-f}{s} + 1", holds=size_ok(lambda n, f, p, s: math.floor(F(n + 2 * p - f, s) + 1), exact_division=False))

# ---------------------------------------------------------------- BaiYeBuTingXuan Notes, CS231n notes (MIT)
N = "baiyebutingxuan-cs231n-l5-cnn.md"
claim(N, "Strech it to a vector of 3072 * 1", "RIGHT", "32*32*3 = 3072", anchor="3072", holds=32 * 32 * 3 == 3072)
claim(N, "5 * 5 * 3 = 75 times calculation", "RIGHT", "5*5*3 = 75 multiplications per output value", anchor="5 * 5 * 3 = 75",
      holds=5 * 5 * 3 == 75)
claim(N, "then get the output of 28 * 28 * 1", "RIGHT", "32x32 input, 5x5 filter, stride 1: 28", anchor="28 * 28 * 1",
      holds=out(32, 5) == 28)
claim(N, "it might be 28 * 28 * 6.", "WRONG", "six 5x5 filters at stride 2 on 32x32 give floor(27/2)+1 = 14x14x6, not 28x28x6",
      anchor="28 * 28 * 6.", holds=out(32, 5, 0, 2) == 14 and out(32, 5, 0, 2) != 28)
claim(N, "Output\\_Size = (N - F)/stride +1", "RIGHT", "(N-F)/S+1 without padding, when it divides", anchor="(N - F)/stride +1",
      holds=size_ok(lambda n, f, p, s: F(n - f, s) + 1 if p == 0 else out(n, f, p, s)))
claim(N, "32 * 32 * 3 -->28 * 28 * 6-->24 * 24 * 10", "RIGHT", "5x5 filters, stride 1: 32 -> 28 -> 24",
      anchor="24 * 24 * 10", holds=out(32, 5) == 28 and out(28, 5) == 24)
claim(N, "224 * 224 * 64 --> 112 * 112 * 64", "RIGHT", "2x2 pooling, stride 2: 224 -> 112, depth kept",
      anchor="112 * 112 * 64", holds=out(224, 2, 0, 2) == 112)

N = "baiyebutingxuan-cs231n-l9-architectures.md"
claim(N, "[55 * 55 * 96]CONV1", "RIGHT", "227, 11x11, stride 4, pad 0: 55", anchor="55 * 55 * 96", holds=out(227, 11, 0, 4) == 55)
claim(N, "[27 * 27 * 96]MAX POOL 1:3 * 3 fliters at stride 3", "WRONG",
      "3x3 pooling at stride 3 on 55x55 gives 18x18; 27x27 needs stride 2 (cs231n: stride 2)",
      anchor="27 * 27 * 96", holds=out(55, 3, 0, 3) == 18 and out(55, 3, 0, 2) == 27)
claim(N, "[27 * 27 * 256]CONV2", "RIGHT", "27, 5x5, pad 2: 27", anchor="27 * 27 * 256", holds=out(27, 5, 2) == 27)
claim(N, "[13 * 13 * 256]MAX POOL 2", "RIGHT", "27, 3x3 stride 2: 13", anchor="13 * 13 * 256", holds=out(27, 3, 0, 2) == 13)
for k, name in ((1, "[13 * 13 * 384]CONV3"), (1, "[13 * 13 * 384]CONV4"), (1, "[13 * 13 * 256]CONV5")):
    claim(N, name, "RIGHT", "13, 3x3, pad 1: 13", anchor=name.split("]")[0] + "]", holds=out(13, 3, 1) == 13)
claim(N, "[6 * 6 *256]MAX POOL 3", "RIGHT", "13, 3x3 stride 2: 6", anchor="6 * 6 *256", holds=out(13, 3, 0, 2) == 6)

# ---------------------------------------------------------------- ShowLo blog (MIT)
N = "showlo-mobilenet.md"
claim(N, "所以标准卷积的计算量为$HWK^{2}MN$", "RIGHT", "standard conv MACs: H*W outputs x N filters x K*K*M each",
      anchor="HWK^{2}MN", holds=same(lambda h, w, k, m, n: h * w * k**2 * m * n, lambda h, w, k, m, n: (h * w * n) * (k * k * m), "h w k m n"))
claim(N, "其计算量为$HWK^{2}M$", "RIGHT", "depthwise MACs: M channels x H*W x K*K", anchor="HWK^{2}M",
      holds=same(lambda h, w, k, m: h * w * k**2 * m, lambda h, w, k, m: m * (h * w) * (k * k), "h w k m"))
claim(N, "其计算量为$HWMN$", "RIGHT", "pointwise (K=1) MACs: H*W*M*N", anchor="HWMN",
      holds=same(lambda h, w, m, n: h * w * m * n, lambda h, w, m, n: (h * w * n) * (1 * 1 * m), "h w m n"))
claim(N, "深度可分离卷积总共的计算量为$HWK^{2}M+HWMN$", "RIGHT", "sum of its depthwise and pointwise parts",
      anchor="HWK^{2}M+HWMN", holds=True)
claim(N, "=\\frac{1}{N}+\\frac{1}{K^{2}}", "RIGHT", "(HWK^2M + HWMN)/(HWK^2MN) = 1/N + 1/K^2", anchor="\\frac{1}{N}+\\frac{1}{K^{2}}",
      holds=same(lambda h, w, k, m, n: F(h * w * k**2 * m + h * w * m * n, h * w * k**2 * m * n), lambda h, w, k, m, n: F(1, n) + F(1, k**2), "h w k m n"))

N = "showlo-shufflenet.md"
claim(N, "ResNet单元需要$hw(2cm+9m^{2})$FLOPs", "CONVENTION",
      "bottleneck 1x1 c->m, 3x3 m->m, 1x1 m->c: hw(cm + 9m^2 + mc) multiply-adds, called FLOPs (symconv: MACs)",
      anchor="hw(2cm+9m^{2})", holds=same(lambda h, w, c, m: h * w * (2 * c * m + 9 * m**2), lambda h, w, c, m: h * w * c * m + h * w * 9 * m * m + h * w * m * c, "h w c m"))
claim(N, "ResNeXt需要$hw(2cm+9m^{2}/g)$FLOPs", "CONVENTION", "the 3x3 conv grouped in g: 9m^2/g multiply-adds per position",
      anchor="hw(2cm+9m^{2}/g)", holds=same(lambda h, w, c, m, g: h * w * (2 * c * m + F(9 * m * m, g)), lambda h, w, c, m, g: h * w * (c * m + m * c) + h * w * 9 * F(m, g) * m, "h w c m g"))
claim(N, "ShuffleNet单元只需要$hw(2cm/g\u2002+\u20029m)$FLOPs", "CONVENTION", "grouped 1x1 convs cm/g each and a 3x3 depthwise 9m per position",
      anchor="hw(2cm/g\u2002+\u20029m)", holds=same(lambda h, w, c, m, g: h * w * (F(2 * c * m, g) + 9 * m), lambda h, w, c, m, g: h * w * (F(c, g) * m + 9 * m + F(m, g) * c), "h w c m g"))

# ---------------------------------------------------------------- sandgate-dev coding-practice (MIT)
N = "sandgate-xception-design.md"
claim(N, "regular convolution: 16x32x3x3 = 4608 parameters", "CONVENTION", "weights only: 16*32*3*3 = 4608 (+32 biases = 4640)",
      anchor="= 4608", holds=16 * 32 * 3 * 3 == 4608)
claim(N, "= \\(16x3x3 + 16x32x1x1\\) = 656 parameters", "CONVENTION", "weights only: 144 + 512 = 656 (biases add 16 + 32)",
      anchor="= 656", holds=16 * 3 * 3 + 16 * 32 == 656)

# ---------------------------------------------------------------- microsoft ai-edu (MIT)
N = "microsoft-ai-edu-17.1-conv-forward.md"
claim(N, "用一个3x3的卷积核，通过卷积运算得到一个2x2的图片", "RIGHT", "4x4 input, 3x3 kernel: 2x2", anchor="2x2", holds=out(4, 3) == 2)
claim(N, "一张4x4的图片，用两个卷积核并行地处理，输出为2个2x2的图片", "RIGHT", "4-3+1 = 2", anchor="2x2", holds=out(4, 3) == 2)
claim(N, "生成三个2x2的输出Feature-1,n", "RIGHT", "3x3 input, 2x2 kernels: 2x2", anchor="2x2", holds=out(3, 2) == 2)
claim(N, "输出为三维（2x28x28）", "RIGHT", "3x32x32 input, two 3x5x5 filters: 2x28x28", anchor="2x28x28", holds=out(32, 5) == 28)
claim(N, "所以最终得到一个2x2的图片", "RIGHT", "5x5 input, 3x3, stride 2: 2x2 (the figure's sizes, given below)", anchor="2x2",
      holds=out(5, 3, 0, 2) == 2)
claim(N, "目标图片变成了2x2", "RIGHT", "4x4 input, 3x3 kernel: 2x2", anchor="2x2", holds=out(4, 3) == 2)
claim(N, "H_{Output}= {H_{Input} - H_{Kernal} + 2Padding \\over Stride} + 1", "RIGHT",
      "(H - K + 2P)/S + 1, taken down to an integer (said at the end of the section)", anchor="H_{Kernal}",
      holds=size_ok(lambda n, f, p, s: (n - f + 2 * p) // s + 1, exact_division=False))
claim(N, "W_{Output}= {W_{Input} - W_{Kernal} + 2Padding \\over Stride} + 1", "RIGHT", "the same along the width", anchor="W_{Kernal}",
      holds=size_ok(lambda n, f, p, s: (n - f + 2 * p) // s + 1, exact_division=False))
claim(N, "{5 - 3 + 2 \\times 0 \\over 2}+1=2", "RIGHT", "(5-3+0)/2+1 = 2", anchor="+1=2", holds=F(5 - 3 + 0, 2) + 1 == 2 == out(5, 3, 0, 2))
claim(N, "{4 - 3 + 2 \\times 1 \\over 1}+1=4", "RIGHT", "(4-3+2)/1+1 = 4", anchor="+1=4", holds=F(4 - 3 + 2, 1) + 1 == 4 == out(4, 3, 1, 1))

# ---------------------------------------------------------------- chenzomi12 AISystem (Apache-2.0)
N = "zomi-aisystem-inference-params.md"
claim(N, "W_{out}=W_{in}/strie_{w},H_{out}=H_{in}/stride_{h}", "RIGHT",
      "'same' padding with W_in a multiple of the stride: W_out = W_in/S (the note states no padding)", anchor="W_{in}/strie_{w}",
      holds=all(-(-w // s) == w // s for s in (1, 2, 4) for w in range(s, 64, s)))
claim(N, "FLOP_{s}=(K*K*C_{in}*2+1)*W_{out}*H_{out}*C_{out}", "CONVENTION",
      "K^2 C_in multiplications and K^2 C_in additions into a zero accumulator, plus the bias add: 2 MACs + outputs",
      anchor="FLOP_{s}", holds=same(lambda k, a, w, h, b: (k * k * a * 2 + 1) * w * h * b, lambda k, a, w, h, b: 2 * (k * k * a * w * h * b) + w * h * b, "k a w h b"))
claim(N, "k_{h}\\times k_{w}\\times c_{in}\\times c_{out}", "CONVENTION", "conv weights only (biases add c_out)", exact=True,
      anchor="k_{h}\\times k_{w}\\times c_{in}\\times c_{out}", holds=True)
claim(N, "k_{h}\\times k_{w}\\times c_{in}\\times c_{out}\\times H \\times W", "CONVENTION", "MACs, called FLOPs (H, W the output size)",
      exact=True, holds=True)
claim(N, "(k_{h}\\times k_{w}\\times c_{in}/g\\times c_{out}/g)\\times g  = k_{h}\\times k_{w}\\times c_{in}\\times c_{out}/g", "CONVENTION",
      "grouped conv weights only; the two sides agree", anchor="c_{out}/g",
      holds=same(lambda a, b, c, d, g: F(a * b * c * d, g * g) * g, lambda a, b, c, d, g: F(a * b * c * d, g), "a b c d g"))
claim(N, "k_{h}\\times k_{w}\\times c_{in}\\times c_{out}\\times H \\times W /g", "CONVENTION", "grouped conv MACs, called FLOPs",
      exact=True, holds=True)
claim(N, "k_{h}\\times k_{w}\\times c_{in}\\times c_{out}/c_{in} = k_{h}\\times k_{w}\\times c_{out}", "CONVENTION",
      "depthwise weights only (c_out = c_in filters of k_h x k_w)", anchor="c_{out}/c_{in}",
      holds=same(lambda a, b, c, d: F(a * b * c * d, c), lambda a, b, c, d: a * b * d, "a b c d"))
claim(N, "k_{h}\\times k_{w}\\times c_{out}\\times H \\times W", "CONVENTION", "depthwise MACs, called FLOPs", exact=True, holds=True)
claim(N, "c_{in}\\times c_{out}", "CONVENTION", "FC weights only (biases add c_out)", exact=True, nth=1, holds=True)
claim(N, "c_{in}\\times c_{out}", "CONVENTION", "FC MACs, called FLOPs", exact=True, nth=2, holds=True)

# ---------------------------------------------------------------- Dumoulin and Visin, conv_arithmetic (MIT)
N = "dumoulin-visin-conv-arithmetic.tex"
claim(N, "o = (i - k) + 1.", "RIGHT", "s = 1, p = 0: i - k + 1", anchor="o = (i - k) + 1", holds=all(i - k + 1 == out(i, k) for i in range(3, 20) for k in (1, 2, 3, 5) if k <= i))
claim(N, "o = (i - k) + 2p + 1.", "RIGHT", "s = 1: i - k + 2p + 1", anchor="2p + 1",
      holds=size_ok(lambda n, f, p, s: n - f + 2 * p + 1 if s == 1 else out(n, f, p, s)))
claim(N, "o &= i + 2 \\lfloor k / 2 \\rfloor - (k - 1) \\\\", "RIGHT", "half padding p = floor(k/2), k odd: i", anchor="\\lfloor k / 2 \\rfloor",
      holds=all(i + 2 * (k // 2) - (k - 1) == out(i, k, k // 2) == i for i in range(3, 20) for k in (1, 3, 5)))
claim(N, "o &= i + 2(k - 1) - (k - 1) \\\\", "RIGHT", "full padding p = k - 1", anchor="i + 2(k - 1) - (k - 1)",
      holds=all(i + 2 * (k - 1) - (k - 1) == out(i, k, k - 1) for i in range(3, 20) for k in (1, 2, 3, 5)))
claim(N, "&= i + (k - 1).", "RIGHT", "i + 2(k-1) - (k-1) = i + k - 1", anchor="i + (k - 1)",
      holds=all(i + k - 1 == out(i, k, k - 1) for i in range(3, 20) for k in (1, 2, 3, 5)))
claim(N, "o = \\left\\lfloor \\frac{i - k}{s} \\right\\rfloor + 1.", "RIGHT", "p = 0: floor((i-k)/s) + 1", nth=1, anchor="\\frac{i - k}{s}",
      holds=size_ok(lambda n, f, p, s: (n - f) // s + 1 if p == 0 else out(n, f, p, s), exact_division=False))
claim(N, "o = \\left\\lfloor \\frac{i + 2p - k}{s} \\right\\rfloor + 1.", "RIGHT", "floor((i+2p-k)/s) + 1", anchor="\\frac{i + 2p - k}{s}",
      holds=size_ok(lambda n, f, p, s: (n + 2 * p - f) // s + 1, exact_division=False))
claim(N, "o = \\left\\lfloor \\frac{i - k}{s} \\right\\rfloor + 1.", "RIGHT", "pooling, no padding: floor((i-k)/s) + 1", nth=2,
      anchor="\\frac{i - k}{s}", holds=size_ok(lambda n, f, p, s: (n - f) // s + 1 if p == 0 else out(n, f, p, s), exact_division=False))
claim(N, "$2 \\times 2$ output. The transpose", "RIGHT", "i = 4, k = 3: 2x2", anchor="2 \\times 2", holds=out(4, 3) == 2)
claim(N, "of shape $4 \\times 4$ when applied on a $2 \\times 2$ input", "RIGHT", "its transpose maps 2x2 back to 4x4",
      anchor="4 \\times 4", holds=tout(2, 3) == 4)
claim(N, "o' = i' + (k - 1).", "RIGHT", "transposed, s = 1, p = 0: i' + k - 1", anchor="o' = i' + (k - 1).",
      holds=tsize_ok(lambda i, k, p, s, a: i + (k - 1) if (p, s) == (0, 1) else tout(i, k, p, s, a)))
claim(N, "o' = i' + (k - 1) - 2p.", "RIGHT", "transposed, s = 1: i' + k - 1 - 2p", anchor="- 2p.",
      holds=tsize_ok(lambda i, k, p, s, a: i + (k - 1) - 2 * p if s == 1 else tout(i, k, p, s, a)))
claim(N, "o' &= i' + (k - 1) - 2p \\\\", "RIGHT", "transposed of half padding (p = n, k = 2n+1): i'", nth=1, anchor="(k - 1) - 2p",
      holds=all(i + (k - 1) - 2 * (k // 2) == tout(i, k, k // 2) == i for i in range(2, 12) for k in (1, 3, 5)))
claim(N, "o' &= i' + (k - 1) - 2p \\\\", "RIGHT", "transposed of full padding (p = k-1): i' - (k-1)", nth=2, anchor="(k - 1) - 2p",
      holds=all(i + (k - 1) - 2 * (k - 1) == tout(i, k, k - 1) for i in range(6, 12) for k in (1, 3, 5)))
claim(N, "o' = s (i' - 1) + k.", "RIGHT", "transposed, p = 0: s(i'-1) + k", anchor="o' = s (i' - 1) + k.",
      holds=tsize_ok(lambda i, k, p, s, a: s * (i - 1) + k if (p, a) == (0, 0) else tout(i, k, p, s, a)))
claim(N, "o' = s (i' - 1) + k - 2p.", "RIGHT", "transposed: s(i'-1) + k - 2p", anchor="+ k - 2p.",
      holds=tsize_ok(lambda i, k, p, s, a: s * (i - 1) + k - 2 * p if a == 0 else tout(i, k, p, s, a)))
claim(N, "o' = s (i' - 1) + a + k - 2p.", "RIGHT", "transposed with a extra rows (output padding)", anchor="+ a + k - 2p",
      holds=tsize_ok(lambda i, k, p, s, a: s * (i - 1) + a + k - 2 * p))
claim(N, "o = \\left\\lfloor \\frac{i + 2p - k - (k - 1)(d - 1)}{s} \\right\\rfloor + 1.", "RIGHT", "dilation d: effective kernel k + (k-1)(d-1)",
      anchor="(k - 1)(d - 1)", holds=all((i + 2 * p - k - (k - 1) * (d - 1)) // s + 1 == out(i, k, p, s, d)
                                         for i in range(8, 20) for k in (1, 3) for p in (0, 1) for s in (1, 2) for d in (1, 2, 3)))


# ---------------------------------------------------------------- planted copies
# Real notes hold few errors (9 of 274 claims above), so planted/ has copies of some notes
# with one number or factor changed per claim listed here; every other claim keeps its label.
# (note, text in the original, replacement, why the new claim is wrong, with its arithmetic)
PLANTS = [
    ("cs231n-convolutional-networks.md", r"55\*55\*96 = 290,400", r"55\*55\*96 = 290,040", "55*55*96 = 290400", 55 * 55 * 96 != 290040),
    ("cs231n-convolutional-networks.md", "(3*3*128)*256 = 294,912", "(3*3*128)*256 = 294,921", "= 294912", 9 * 128 * 256 != 294921),
    ("cs231n-convolutional-networks.md", "(227 - 11)/4 + 1 =", "(227 - 11)/4 + 1 = 54, hmm:", "(227-11)/4+1 = 55", out(227, 11, 0, 4) != 54),
    ("cs231n-convolutional-networks.md", "224*224*64=3.2M", "224*224*64=3.8M", "3,211,264 is 3.2M", not rounds_to(224 * 224 * 64, 3.8e6, 0.1e6)),
    ("mbadry1-dlai-cnn.md", "`(3x3x3x10) + 10 = 280`", "`(3x3x3x10) + 10 = 270`", "270 + 10 = 280", 3 * 3 * 3 * 10 + 10 != 270),
    ("mbadry1-dlai-cnn.md", "The output are `a2 = 17x17x20`", "The output are `a2 = 16x16x20`", "(37-5)/2+1 = 17", out(37, 5, 0, 2) != 16),
    ("mbadry1-dlai-cnn.md", "`28 * 28 * 32 * 5 * 5 * 16 = 10 Mil`", "`28 * 28 * 32 * 5 * 5 * 16 = 20 Mil`", "10,035,200 is 10 Mil",
     not rounds_to(10035200, 20e6, 1e6)),
    ("arcaman07-lenet.md", "there are 6 (5 * 5 + 1) = 156 parameters", "there are 6 (5 * 5 + 1) = 150 parameters", "6*26 = 156", 6 * 26 != 150),
    ("arcaman07-lenet.md", "Trainable parameters: 84 * (120 + 1) = 10164", "Trainable parameters: 84 * (120 + 1) = 10080",
     "84*121 = 10164 (10080 drops the biases the formula keeps)", 84 * 121 != 10080),
    ("arcaman07-lenet.md", "Number of neurons: 5 5 16 = 400", "Number of neurons: 5 5 16 = 480", "5*5*16 = 400", 5 * 5 * 16 != 480),
    ("arcaman07-alexnet.md", "the size 27X27X96", "the size 26X26X96", "(55-3)/2+1 = 27", out(55, 3, 0, 2) != 26),
    ("arcaman07-alexnet.md", "shape 6X6X256", "shape 7X7X256", "(13-3)/2+1 = 6", out(13, 3, 0, 2) != 7),
    ("captain1986-d0023-cnn-macc.md", "3 × 3 × 64 × 112 × 112 × 128 = 924,844,032", "3 × 3 × 64 × 112 × 112 × 128 = 1,849,688,064",
     "the product is 924,844,032 MACs; 1,849,688,064 is 2x (FLOPs), not the product written", 3 * 3 * 64 * 112 * 112 * 128 * 2 == 1849688064),
    ("captain1986-d0023-cnn-macc.md", "300 × 100 = 30,000个MACC", "300 × 100 = 3,000个MACC", "300*100 = 30000", 300 * 100 != 3000),
    ("captain1986-d0023-cnn-macc.md", "**MACC_depthwise_layer = K × K × Cexp × Hout × Wout**",
     "**MACC_depthwise_layer = K × K × Cexp × Cout × Hout × Wout**", "a depthwise layer has no Cout factor", True),
    ("captain1986-d0024-memory-access.md", "weights = 3 × 3 × 3 × 32 + 32 = 896", "weights = 3 × 3 × 3 × 32 + 32 = 864",
     "864 + 32 = 896", 3 * 3 * 3 * 32 + 32 != 864),
    ("captain1986-d0024-memory-access.md", "3 × 3 × 32 × 48 + 48 = 13,872", "3 × 3 × 32 × 48 + 48 = 13,824", "13824 + 48 = 13872",
     3 * 3 * 32 * 48 + 48 != 13824),
    ("captain1986-d0024-memory-access.md", "total of both layers = 105,303,040", "total of both layers = 103,303,040",
     "2,009,600 + 103,293,440 = 105,303,040", 2009600 + 103293440 != 103303040),
    ("captain1986-d0004-dwsep-mobilenet.md", "**DW卷积的计算量为DfxDfxMxDkxDk**", "**DW卷积的计算量为DfxDfxMxNxDkxDk**",
     "depthwise MACs have no N factor", True),
    ("captain1986-d0004-dwsep-mobilenet.md", "（DfxDfxMxDkxDk+NxDfxDfxM)/(DfxDfxNxDkxDkxM)=**1/N+1/(DkxDk)**",
     "（DfxDfxMxDkxDk+NxDfxDfxM)/(DfxDfxNxDkxDkxM)=**1/M+1/(DkxDk)**", "the ratio is 1/N + 1/Dk^2", True),
    ("harleyszhang-model-complexity.md", "５×5×3×16+16=1216个", "５×5×3×16+16=1200个", "1200 + 16 = 1216", 5 * 5 * 3 * 16 + 16 != 1200),
    ("harleyszhang-model-complexity.md", "$MACCs=(C_i\\times K^2)\\times H\\times W\\times C_o$", "$MACCs=(C_i\\times K)\\times H\\times W\\times C_o$",
     "the kernel contributes K^2 taps, not K", True),
    ("harleyszhang-model-complexity.md", "**`BN` 层参数量** =  $2\\times C_i$", "**`BN` 层参数量** =  $3\\times C_i$",
     "BN has 2C trainable parameters (gamma, beta); 3C fits no convention (Keras counts 4C)", True),
    ("harleyszhang-dl-basics.md", "`(2 - 1) * 3 + 4 = 7`", "`(2 - 1) * 3 + 4 = 8`", "(2-1)*3+4 = 7", (2 - 1) * 3 + 4 != 8),
    ("harleyszhang-dl-basics.md", "torch.Size([20, 33, 28, 100])", "torch.Size([20, 33, 29, 100])", "(50+8-3)//2+1 = 28",
     out(50, 3, 4, 2) != 29),
    ("d2l-en-googlenet.md", "$64+128+32+32=256$", "$64+128+32+32=264$", "64+128+32+32 = 256", 64 + 128 + 32 + 32 != 264),
    ("d2l-en-googlenet.md", "128+192+96+64=480", "128+192+96+64=448", "= 480", 128 + 192 + 96 + 64 != 448),
    ("d2l-en-padding-and-strides.md", "$$\\lfloor(n_\\textrm{h}-k_\\textrm{h}+p_\\textrm{h}+s_\\textrm{h})/s_\\textrm{h}\\rfloor",
     "$$\\lfloor(n_\\textrm{h}-k_\\textrm{h}+p_\\textrm{h})/s_\\textrm{h}\\rfloor", "floor((n-k+p+s)/s): the +s (the +1 after dividing) is missing",
     (5 - 3 + 0) // 1 != (5 - 3 + 0 + 1) // 1),
    ("d2l-zh-why-conv.md", "10^6 \\times 10^3 = 10^9", "10^6 \\times 10^3 = 10^8", "10^6 * 10^3 = 10^9", 10**6 * 10**3 != 10**8),
    ("captain1986-d0025-conv-for-fc.md", "全连接层输入10 x 10 x 3 = 300个神经元", "全连接层输入10 x 10 x 3 = 330个神经元", "10*10*3 = 300", 300 != 330),
]


def planted() -> list[dict]:
    """Write planted/<note> copies and return their labels."""
    out_dir = HERE / "planted"
    out_dir.mkdir(exist_ok=True)
    for old in out_dir.glob("*.md"):
        old.unlink()
    by_note: dict[str, list] = {}
    for plant in PLANTS:
        by_note.setdefault(plant[0], []).append(plant)
    labels = []
    for name, plants in sorted(by_note.items()):
        raw = (NOTES / name).read_bytes()
        changed = {}
        for _, old, new, why, holds in plants:
            if holds is not True:
                raise SystemExit(f"planted {name}: {old!r}: arithmetic does not make it wrong")
            o, n = old.encode("utf-8"), new.encode("utf-8")
            if raw.count(o) < 1:
                raise SystemExit(f"planted {name}: {old!r} not found")
            raw = raw.replace(o, n, 1)
            changed[old] = (new, why)
        (out_dir / name).write_bytes(raw)
        text_lines = raw.decode("utf-8").splitlines()
        for e in LABELS:
            if e["file"] != f"notes/{name}":
                continue
            e = dict(e, file=f"planted/{name}")
            for old, (new, why) in changed.items():
                if old in e["claim"] or e["claim"] in old:
                    if new not in text_lines[e["line"] - 1] and e["claim"] not in new:
                        continue
                    e.update(claim=new, anchor=new, label="WRONG", reason=f"planted: {why}")
            labels.append(e)
        for old, (new, why) in changed.items():
            if not any(e["claim"] == new for e in labels if e["file"] == f"planted/{name}"):
                raise SystemExit(f"planted {name}: {old!r} matches no label")
    return labels


# ---------------------------------------------------------------- write
if __name__ == "__main__":
    LABELS.extend(planted())
    LABELS.sort(key=lambda e: (e["file"], e["line"]))
    (HERE / "expected.json").write_text(json.dumps(LABELS, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    counts = {}
    for e in LABELS:
        counts[e["label"]] = counts.get(e["label"], 0) + 1
    for part in ("notes/", "planted/"):
        sub = [e for e in LABELS if e["file"].startswith(part)]
        c = {}
        for e in sub:
            c[e["label"]] = c.get(e["label"], 0) + 1
        print(part, len(sub), "labels", c, "in", len({e["file"] for e in sub}), "files")
