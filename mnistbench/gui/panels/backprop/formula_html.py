"""Formulas as Qt rich text: italics, sub- and superscripts, Greek letters, fractions laid out in a table.

Qt's rich text draws all of this without a maths renderer (matplotlib's
mathtext would be a heavy dependency for a few equations). A formula line is
a one-row table so a fraction (a two-row table) can sit inside it.
"""

import html

from mnistbench.gui.widgets.palette import NEUTRAL, hex_of

MINUS = "−"


def num(value, digits=4) -> str:
    """A number with ``digits`` significant digits and a real minus sign."""
    text = f"{float(value) + 0.0:.{digits}g}"  # + 0.0: −0.0 (a cost of −ln 1) is shown as 0
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}·10<sup>{int(exponent)}</sup>"
    return text.replace("-", MINUS)


def factor(value) -> str:
    """A number inside a product: negatives in brackets."""
    return f"({num(value)})" if value < 0 else num(value)


def var(name, sub="", sup="") -> str:
    """An italic variable with an optional subscript and superscript: var("w", "jk", "2") is wⱼₖ²."""
    text = f"<i>{name}</i>"
    if sub != "":
        text += f"<sub>{sub}</sub>"
    if sup != "":
        text += f"<sup>{sup}</sup>"
    return text


def fraction(top, bottom) -> str:
    return ('<table cellspacing="0" cellpadding="0" style="margin:0; border-collapse:collapse">'
            '<tr><td align="center" style="border-bottom-width:1px; border-bottom-style:solid; '
            f'border-bottom-color:{hex_of(NEUTRAL.rule)}">{top}</td></tr><tr><td align="center">{bottom}</td></tr></table>')


def partial(of, by) -> str:
    """∂C/∂w as a fraction."""
    return fraction(f"∂{of}", f"∂{by}")


def equation(*cells) -> str:
    """One formula line: cells side by side, vertically centred (fractions are tables)."""
    row = "".join(f'<td valign="middle" style="padding-right:4px">{cell}</td>' for cell in cells)
    return f'<table cellspacing="0" cellpadding="1"><tr>{row}</tr></table>'


def heading(text) -> str:
    return f'<p style="margin-top:8px; margin-bottom:2px"><b>{html.escape(text)}</b></p>'


def note(text) -> str:
    """A sentence of explanation (may hold formula markup)."""
    return f'<p style="margin-top:2px; margin-bottom:4px; color:{hex_of(NEUTRAL.note_text)}">{text}</p>'


def plugged_sum(weighted, constant=None) -> str:
    """The terms of a WeightedSum with their numbers plugged in: "(w)(a) + … + rest + b"."""
    parts = [f"{factor(f)}·{factor(v)}" for _, f, v, _ in weighted.terms]
    if weighted.rest_count:
        parts.append(f"[{weighted.rest_count} more terms: {num(weighted.rest)}]")
    if constant is not None:
        parts.append(factor(constant))
    return " + ".join(parts)


def terms_table(weighted, source_label, first, second) -> str:
    """The largest terms of a sum as a table: which source, its two factors, their product."""
    rows = "".join(f"<tr><td>{html.escape(source_label(k))}</td><td align='right'>{num(f)}</td>"
                   f"<td align='right'>{num(v)}</td><td align='right'>{num(p)}</td></tr>"
                   for k, f, v, p in weighted.terms)
    if weighted.rest_count:
        rows += (f"<tr><td colspan='3'>the other {weighted.rest_count} terms</td>"
                 f"<td align='right'>{num(weighted.rest)}</td></tr>")
    head = f"<tr><th align='left'>term</th><th>{first}</th><th>{second}</th><th>product</th></tr>"
    return f'<table cellspacing="0" cellpadding="2" border="0">{head}{rows}</table>'
