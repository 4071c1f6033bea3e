"""What each step says: the formula of the step, and the selected neuron's equations with its numbers.

Text only (rich text for a QTextBrowser); every number is read from the
``BackpropTrace`` of ``workflows.backprop_steps``, which took it from the engine.
"""

from dataclasses import dataclass

import numpy as np

from mnistbench.gui.panels.backprop.formula_html import (equation, factor, fraction, heading, note, num, partial,
                                                         plugged_sum, terms_table, var)
from mnistbench.gui.widgets.network_layout import source_name
from mnistbench.workflows.backprop_steps import (backward_sum, bias_update, cost_terms, forward_sum,
                                                 output_error_form, weight_gradients)

DELTA, ETA = "δ", "η"


@dataclass(frozen=True)
class StepContext:
    trace: object  # BackpropTrace
    step: object  # Step
    example: int  # which example of the batch the per-example numbers are about
    learning_rate: float
    class_names: tuple = ()

    def label(self, k):
        names = self.class_names
        return names[k] if k < len(names) else str(k)


def step_html(ctx: StepContext) -> str:
    """The step's formula for every neuron of its layer, and what to do next."""
    trace, step = ctx.trace, ctx.step
    L, l = trace.n_layers, step.layer
    kind = step.kind
    if kind == "input":
        text = note(f"{var('a', sup='0')}: {trace.net.layer_sizes[0]} input values (pixels in [0, 1], "
                    "white = 1). Press Next to feed them forward.")
    elif kind == "forward":
        f = trace.net.activations[l - 1]
        text = equation(f"{var('z', 'j', l)} =", f"Σ<sub><i>k</i></sub> {var('w', 'jk', l)} "
                        f"{var('a', 'k', l - 1)} + {var('b', 'j', l)},", f"{var('a', 'j', l)} = {f}"
                        f"({var('z', 'j', l)})")
        text += note(f"Each of the {trace.net.layer_sizes[l]} neurons of layer {l} adds up its weighted inputs "
                     "and its bias, then applies its activation. Click a neuron to see its sum.")
    elif kind == "loss":
        text = _cost_html(ctx)
    elif kind == "output_error":
        text = _output_error_formula(trace.net) + note(
            f"How much the cost changes with each output's weighted input {var('z', 'j', L)}. Colours now show "
            f"{DELTA}: orange positive (lower this z), blue negative (raise it).")
    elif kind == "backward":
        text = equation(f"{var(DELTA, sup=l)} =", f"((<i>W</i><sup>{l + 1}</sup>)<sup>T</sup> "
                        f"{var(DELTA, sup=l + 1)}) ⊙ <i>f</i>′({var('z', sup=l)})")
        text += note(f"Each neuron of layer {l} collects the errors of layer {l + 1} back through the weights "
                     f"that leave it, times the slope of its activation.")
    elif kind == "gradients":
        text = equation(partial("C", var("b", "j", "l")), f"= {var(DELTA, 'j', 'l')},",
                        partial("C", var("w", "jk", "l")), f"= {var('a', 'k', 'l−1')} {var(DELTA, 'j', 'l')}")
        text += note(_batch_words(trace) + "Click a neuron to see its gradients.")
    else:
        text = equation(f"{var('w')} ← {var('w')} − {ETA}", partial("C", var("w")),
                        f"with {ETA} = {num(ctx.learning_rate)}")
        text += note("“Apply this step” makes this change to every weight and bias of the window's network "
                     "(one step of SGD with the engine's optimiser) and shows how the prediction moves.")
    return heading(step.title) + text


def _batch_words(trace) -> str:
    B = trace.batch_size
    return ("" if B == 1 else f"Over a mini-batch the gradient is the average over its {B} examples: "
            f"{fraction('1', var('B'))} Σ<sub><i>i</i></sub> {var('a', 'k', 'l−1')}{var(DELTA, 'j', 'l')}. ")


def _output_error_formula(net) -> str:
    L = len(net.weights)
    if output_error_form(net) == "p-y":
        return equation(f"{var(DELTA, sup=L)} = <i>p</i> − <i>y</i>",
                        note(f"({net.activations[-1]} with cross-entropy: ∇<sub><i>a</i></sub><i>C</i> and "
                             f"<i>f</i>′ cancel out)"))
    return equation(f"{var(DELTA, sup=L)} = ∇<sub><i>a</i></sub><i>C</i> ⊙ <i>f</i>′({var('z', sup=L)})",
                    f"with ∇<sub><i>a</i></sub><i>C</i> = <i>a</i> − <i>y</i> for the quadratic cost")


def _cost_html(ctx) -> str:
    a, y, value = cost_terms(ctx.trace, ctx.example)
    net = ctx.trace.net
    if net.loss == "quadratic":
        formula = equation(f"<i>C</i> = {fraction('1', '2')}", "Σ<sub><i>j</i></sub> "
                           f"({var('a', 'j')} − {var('y', 'j')})<sup>2</sup> = {num(value)}")
    elif net.activations[-1] == "softmax":
        true = int(np.argmax(y))
        formula = equation(f"<i>C</i> = −Σ<sub><i>j</i></sub> {var('y', 'j')} ln {var('a', 'j')} = "
                           f"−ln {var('a', true)} = −ln {num(a[true])} = {num(value)}")
    else:
        formula = equation("<i>C</i> = −Σ<sub><i>j</i></sub> [" + var('y', 'j') + " ln " + var('a', 'j') +
                           " + (1 − " + var('y', 'j') + ") ln(1 − " + var('a', 'j') + f")] = {num(value)}")
    rows = "".join(f"<tr><td>{ctx.label(j)}</td><td align='right'>{num(a[j])}</td>"
                   f"<td align='right'>{num(y[j])}</td></tr>" for j in range(len(a)))
    table = (f"<table cellpadding='2'><tr><th>output</th><th>{var('a', 'j')}</th><th>target {var('y', 'j')}"
             f"</th></tr>{rows}</table>")
    return formula + note(f"The target is 1 for the true class ({ctx.label(int(np.argmax(y)))}) and 0 for the "
                          "others.") + table


def neuron_html(ctx: StepContext, layer: int, j: int) -> str:
    """Neuron j of ``layer`` at this step: its equations with the live values."""
    trace, kind = ctx.trace, ctx.step.kind
    title = heading(_neuron_name(ctx, layer, j))
    if layer == 0:
        return title + equation(f"{var('a', j, 0)} = {num(trace.activations[0][ctx.example, j])}")
    before_step = kind in ("input", "forward") and layer > ctx.step.layer
    if before_step:
        return title + note("Not computed yet: press Next.")
    if kind in ("input", "forward", "loss") or kind in ("output_error", "backward") and layer < ctx.step.layer:
        return title + _forward_html(ctx, layer, j)
    if kind in ("output_error", "backward"):
        return title + _delta_html(ctx, layer, j)
    return title + _gradient_html(ctx, layer, j, update=kind == "update")


def neuron_links(ctx: StepContext, layer: int, j: int):
    """(the other layer, its largest terms) that the drawing links neuron j to, as ``neuron_html`` explains it:
    incoming products in the forward pass, outgoing ones for a hidden δ, ∂C/∂w for the gradients; or None."""
    kind, at = ctx.step.kind, ctx.step.layer
    if layer == 0 or kind in ("input", "forward") and layer > at:
        return None
    if kind in ("output_error", "backward") and layer >= at:
        if layer == ctx.trace.n_layers:
            return None
        return layer + 1, backward_sum(ctx.trace, ctx.example, layer, j).terms
    if kind in ("gradients", "update"):
        rows = weight_gradients(ctx.trace, ctx.example, layer, j, ctx.learning_rate)
        return layer - 1, tuple((r.k, r.a_prev, r.delta, r.gradient) for r in rows)
    return layer - 1, forward_sum(ctx.trace, ctx.example, layer, j).terms


def _neuron_name(ctx, layer, j):
    n_layers = ctx.trace.n_layers
    if layer == 0:
        return f"Input {source_name(0, j, ctx.trace.net.layer_sizes[0])}"
    return f"Output {j} ({ctx.label(j)})" if layer == n_layers else f"Layer {layer}, neuron {j}"


def _source_label(ctx, layer):
    n_in = ctx.trace.net.layer_sizes[layer - 1]
    return lambda k: source_name(layer - 1, k, n_in)


def _forward_html(ctx, layer, j):
    trace = ctx.trace
    weighted = forward_sum(trace, ctx.example, layer, j)
    f = trace.net.activations[layer - 1]
    a = trace.activations[layer][ctx.example, j]
    return (equation(f"{var('z', j, layer)} = Σ<sub><i>k</i></sub> {var('w', f'{j}k', layer)} "
                     f"{var('a', 'k', layer - 1)} + {var('b', j, layer)}")
            + equation("=", plugged_sum(weighted, weighted.constant))
            + equation(f"= <b>{num(weighted.total)}</b>")
            + equation(f"{var('a', j, layer)} = {f}({num(weighted.total)}) = <b>{num(a)}</b>")
            + note("The largest terms:") + terms_table(weighted, _source_label(ctx, layer), var("w"), var("a")))


def _delta_html(ctx, layer, j):
    trace, example = ctx.trace, ctx.example
    delta = trace.deltas[layer - 1][example, j]
    if layer == trace.n_layers:
        a, y, _ = cost_terms(trace, example)
        form = output_error_form(trace.net)
        if form == "p-y":
            return equation(f"{var(DELTA, j, layer)} = {var('p', j)} − {var('y', j)} = {num(a[j])} − "
                            f"{num(y[j])} = <b>{num(delta)}</b>")
        slope = trace.derivative(layer, example)[j] if form == "diagonal" else None
        if slope is None:
            return equation(f"{var(DELTA, j, layer)} = <b>{num(delta)}</b>") + note(
                "With softmax and the quadratic cost every output's error mixes into every δ (the softmax "
                "Jacobian), so there is no one-line product here.")
        return equation(f"{var(DELTA, j, layer)} = ({var('a', j)} − {var('y', j)}) <i>f</i>′({var('z', j)}) = "
                        f"({num(a[j])} − {num(y[j])}) · {num(slope)} = <b>{num(delta)}</b>")
    weighted = backward_sum(trace, example, layer, j)
    slope = trace.derivative(layer, example)[j]
    return (equation(f"{var(DELTA, j, layer)} = (Σ<sub><i>k</i></sub> {var('w', f'k{j}', layer + 1)} "
                     f"{var(DELTA, 'k', layer + 1)}) <i>f</i>′({var('z', j, layer)})")
            + equation("=", f"({plugged_sum(weighted)}) · {num(slope)}")
            + equation(f"= {num(weighted.total)} · {num(slope)} = <b>{num(delta)}</b>")
            + note("The largest terms:")
            + terms_table(weighted, lambda k: f"{'output' if layer + 1 == trace.n_layers else 'neuron'} {k}",
                          var("w"), var(DELTA)))


def _gradient_html(ctx, layer, j, update):
    trace, rate = ctx.trace, ctx.learning_rate
    gradient, before, after = bias_update(trace, layer, j, rate)
    rows = weight_gradients(trace, ctx.example, layer, j, rate)
    average = " (average over the batch)" if trace.batch_size > 1 else ""
    text = equation(partial("C", var("b", j, layer)), f"= {var(DELTA, j, layer)}{average} = <b>{num(gradient)}</b>")
    if update:
        text += equation(f"{var('b', j, layer)} ← {num(before, 6)} − {num(rate)} · {factor(gradient)} "
                         f"= <b>{num(after, 6)}</b>")
    label = _source_label(ctx, layer)
    head = (f"<tr><th align='left'>weight from</th><th>{var('a', 'k', layer - 1)}</th><th>{var(DELTA, j, layer)}</th>"
            f"<th>∂C/∂{var('w', 'jk')}</th>" + ("<th>before → after</th>" if update else "") + "</tr>")
    body = "".join(f"<tr><td>{label(r.k)}</td><td align='right'>{num(r.a_prev)}</td>"
                   f"<td align='right'>{num(r.delta)}</td><td align='right'>{num(r.gradient)}</td>"
                   + (f"<td align='right'>{num(r.before, 6)} → {num(r.after, 6)}</td>" if update else "") + "</tr>"
                   for r in rows)
    words = (f"∂C/∂{var('w', 'jk')} = {var('a', 'k', layer - 1)} {var(DELTA, j, layer)}: the largest "
             f"{len(rows)} of {trace.net.layer_sizes[layer - 1]}")
    if trace.batch_size > 1:
        words += f"; {var('a')} and {DELTA} are example {ctx.example + 1}'s, the gradient the batch's average"
    return text + note(words) + f"<table cellpadding='2'>{head}{body}</table>"


def prediction_html(ctx: StepContext, before_apply=None) -> str:
    """How the network reads the example shown; after an applied step, how its reading moved."""
    trace, example = ctx.trace, ctx.example
    output, label = trace.activations[-1][example], int(trace.labels[example])
    guess = int(np.argmax(output))
    text = (f"The network reads example {example + 1} as {ctx.label(guess)}; the true class "
            f"{ctx.label(label)} gets {num(float(output[label]), 6)}.")
    if before_apply is not None and example == 0:
        old_guess, old_p, old_cost = before_apply
        text += (f" <b>After the step:</b> {num(old_p, 6)} → {num(float(output[label]), 6)}, cost "
                 f"{num(old_cost)} → {num(float(trace.costs[0]))} (read as {ctx.label(old_guess)} → "
                 f"{ctx.label(guess)}).")
    return text
