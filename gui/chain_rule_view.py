"""The chain rule of the selected weight or bias as rich text: one line per ``ChainLine``,
indented by how many expansions it sits in, each expandable δ a link ("delta:layer:unit")
that the inspector turns into an ExpandDelta command."""

from __future__ import annotations

import html

from engine.operands import ChainLine, WeightChain
from gui.theme import current

MONO = "font-family: 'DejaVu Sans Mono', monospace;"
LINK = "delta:"


def _line(line: ChainLine) -> str:
    pieces = []
    for text, ref in line.parts:
        if ref is None:
            pieces.append(html.escape(text))
        else:
            layer, unit = ref
            link = current().hex("link")
            pieces.append(f'<a href="{LINK}{layer}:{unit}" style="color:{link};">'
                          f"{html.escape(text)}</a>")
    return "&nbsp;" * 4 * line.indent + "".join(pieces)


def chain_html(chain: WeightChain) -> str:
    """The heading and every line; terms whose δ can be expanded are links."""
    what = "bias" if chain.i < 0 else "weight"
    parts = chain.parts or tuple(ChainLine.plain(text) for text in chain.lines)
    links = any(ref is not None for line in parts for _, ref in line.parts)
    faint = current().hex("faint_text")
    hint = (f" <span style='color:{faint};'>(click a δ in a sum to see how it came about; "
            "click again to fold it)</span>" if links else "")
    body = "<br>".join(_line(line) for line in parts)
    return f"<b>Chain rule of the selected {what}</b>{hint}<br><span style=\"{MONO}\">{body}</span>"


def parse_link(href: str) -> tuple[int, int] | None:
    """(layer, unit) of a δ link, None for anything else."""
    if not href.startswith(LINK):
        return None
    try:
        layer, unit = (int(p) for p in href[len(LINK):].split(":"))
    except ValueError:
        return None
    return layer, unit
