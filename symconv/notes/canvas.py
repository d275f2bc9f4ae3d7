"""A small vector canvas written as SVG (Markdown notes) or TikZ (LaTeX notes).

Figures are drawn once, as rectangles, lines, polylines and labels in grid units
(y grows downwards), and each writer turns the same drawing into its format, so the
two outputs cannot disagree. No plotting library is needed.

>>> c = Canvas(4, 2)
>>> c.rect(0, 0, 1, 1, fill="kernel")
>>> c.text(2, 1, "W_out = 3", math=r"W_{out} = 3")
>>> c.svg().splitlines()[0][:45]
'<svg xmlns="http://www.w3.org/2000/svg" width'
>>> 'width="128" height="64"' in c.svg()
True
>>> "[fill=symconvkernel,draw=symconvgrid] (0,0) rectangle (1,1)" in c.tikz()
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from ..printing import escape_latex

#: colour name -> hex (the same in both writers).
COLOURS = {"input": "DCE8F5", "pad": "F2F2F2", "kernel": "2B6CB0", "window": "9EC5EB",
           "output": "FCE3C4", "hit": "DD8A2E", "grid": "8A8A8A", "ink": "222222",
           "g1": "C6E2C0", "g2": "F6D2D2", "g3": "D9D2F0", "g4": "F7E8B5", "accent": "C0392B",
           "line1": "2B6CB0", "line2": "DD8A2E", "line3": "2E8B57", "line4": "8E44AD",
           "white": "FFFFFF"}
UNIT = 32  # SVG pixels per grid unit
TIKZ_UNIT = 0.42  # centimetres per grid unit


@dataclass
class Canvas:
    width: float
    height: float
    items: list = field(default_factory=list)

    def rect(self, x, y, w, h, fill=None, stroke="grid", dashed=False, thick=False) -> None:
        self.items.append(("rect", x, y, w, h, fill, stroke, dashed, thick))

    def line(self, x1, y1, x2, y2, stroke="ink", dashed=False, arrow=False, thick=False) -> None:
        self.items.append(("line", [(x1, y1), (x2, y2)], stroke, dashed, arrow, thick))

    def polyline(self, points, stroke="ink", dashed=False, thick=True) -> None:
        self.items.append(("line", list(points), stroke, dashed, False, thick))

    def text(self, x, y, text, math: str | None = None, anchor="middle", size=1.0) -> None:
        """A label at ``(x, y)``: ``text`` in SVG, ``math`` (LaTeX) or the escaped text in TikZ."""
        self.items.append(("text", x, y, text, math, anchor, size))

    # --- writers -------------------------------------------------------------------
    def svg(self, title: str = "") -> str:
        w, h = self.width * UNIT, self.height * UNIT
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:g}" height="{h:g}" '
               f'viewBox="0 0 {w:g} {h:g}" font-family="Latin Modern Roman, Times, serif">']
        if title:
            out.append(f"<title>{escape(title)}</title>")
        out.append(f'<rect x="0" y="0" width="{w:g}" height="{h:g}" fill="#FFFFFF"/>')
        for item in self.items:
            kind = item[0]
            if kind == "rect":
                _, x, y, rw, rh, fill, stroke, dashed, thick = item
                out.append(f'<rect x="{x * UNIT:g}" y="{y * UNIT:g}" width="{rw * UNIT:g}" '
                           f'height="{rh * UNIT:g}" fill="{_hex(fill) if fill else "none"}" '
                           f'stroke="{_hex(stroke) if stroke else "none"}" '
                           f'stroke-width="{2.5 if thick else 1}"'
                           + (' stroke-dasharray="5,3"' if dashed else "") + "/>")
            elif kind == "line":
                _, points, stroke, dashed, arrow, thick = item
                path = " ".join(f"{x * UNIT:g},{y * UNIT:g}" for x, y in points)
                out.append(f'<polyline points="{path}" fill="none" stroke="{_hex(stroke)}" '
                           f'stroke-width="{2.5 if thick else 1.2}"'
                           + (' stroke-dasharray="6,4"' if dashed else "")
                           + (' marker-end="url(#arrow)"' if arrow else "") + "/>")
            else:
                _, x, y, text, _, anchor, size = item
                out.append(f'<text x="{x * UNIT:g}" y="{y * UNIT:g}" font-size="{14 * size:g}" '
                           f'text-anchor="{anchor}" dominant-baseline="middle" '
                           f'fill="#{COLOURS["ink"]}">{escape(text)}</text>')
        if any(item[0] == "line" and item[4] for item in self.items):
            out.insert(2 if title else 1, '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" '
                       'refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
                       f'<path d="M0,0 L10,5 L0,10 z" fill="#{COLOURS["ink"]}"/></marker></defs>')
        out.append("</svg>")
        return "\n".join(out) + "\n"

    def tikz(self) -> str:
        out = [rf"\definecolor{{symconv{name}}}{{HTML}}{{{value}}}" for name, value in
               COLOURS.items()]
        out.append(rf"\begin{{tikzpicture}}[x={TIKZ_UNIT}cm,y=-{TIKZ_UNIT}cm,"
                   r"every node/.style={font=\footnotesize}]")
        for item in self.items:
            kind = item[0]
            if kind == "rect":
                _, x, y, rw, rh, fill, stroke, dashed, thick = item
                style = [f"fill=symconv{fill}"] if fill else []
                style += [f"draw=symconv{stroke}"] if stroke else []
                style += ["dashed"] if dashed else []
                style += ["line width=1.2pt"] if thick else []
                command = r"\path" if not style else (r"\filldraw" if fill and stroke else
                                                      r"\fill" if fill else r"\draw")
                out.append(rf"{command}[{','.join(style)}] ({x:g},{y:g}) rectangle "
                           rf"({x + rw:g},{y + rh:g});")
            elif kind == "line":
                _, points, stroke, dashed, arrow, thick = item
                style = [f"symconv{stroke}"] + (["dashed"] if dashed else []) \
                    + (["->"] if arrow else []) + (["line width=1.2pt"] if thick else [])
                path = " -- ".join(f"({x:g},{y:g})" for x, y in points)
                out.append(rf"\draw[{','.join(style)}] {path};")
            else:
                _, x, y, text, math, anchor, size = item
                where = {"middle": "", "start": "anchor=west,", "end": "anchor=east,"}[anchor]
                label = f"${math}$" if math else escape_latex(text)
                font = r"\scriptsize" if size < 1 else r"\footnotesize"
                out.append(rf"\node[{where}inner sep=1pt,font={font}] at ({x:g},{y:g}) "
                           rf"{{{label}}};")
        out.append(r"\end{tikzpicture}")
        return "\n".join(out) + "\n"


def _hex(name: str) -> str:
    return "#" + COLOURS[name]
