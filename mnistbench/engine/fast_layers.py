"""The fast path's backpropagation through ReLU layers: ``Network.backward`` with each hidden layer's
element-wise work fused into two compiled passes, bit-identical to it.

Between its matrix products a ReLU layer makes five NumPy passes over a
(B, n) array: add the bias, take the maximum with 0, compare z > 0, multiply
the gradient by that mask, and sum the columns for the bias gradient. At
batch 128 each pass is mostly a call's overhead. Here they are two passes:
``bias_relu`` going forward and ``relu_delta_and_bias_gradient`` going back
(``fast_kernels``). The matrix products, the output layer and the loss are
the reference's own code, and tests/test_fast_layers.py checks the loss, every
gradient and the output against ``Network.backward`` bit for bit, with and
without dropout.
"""

import numpy as np

from mnistbench.engine.activations import ACTIVATIONS
from mnistbench.engine.losses import LOSSES
from mnistbench.engine.dense import dense_backward, dense_forward


def fits(net):
    """True when ``backward`` serves this network: float32, every hidden layer ReLU."""
    return net.dtype == np.float32 and all(name == "relu" for name in net.activations[:-1])


def backward(net, kernels, X, Y, dropout=0.0, rng=None):
    """``net.backward(X, Y, dropout, rng, return_output=True)`` for a network that ``fits`` -> (loss,
    dL/dW per layer, dL/db per layer, output activations (B, n_out)).

    A ReLU output a is positive exactly where its z is, so a layer keeps only a (B, n_l) and its
    backward mask is ``a > 0``. Dropout draws its masks from ``rng`` as the reference does.
    """
    last = len(net.weights) - 1
    inputs = [net.as_input(X)]  # inputs[l] feeds layer l+1: X, then each hidden layer's output after dropout
    outputs, masks = [], []  # each hidden layer's ReLU output, and its dropout mask
    for W, b in zip(net.weights[:last], net.biases[:last]):
        a = inputs[-1] @ W.T
        kernels.bias_relu(a, b)
        outputs.append(a)
        if dropout:
            masks.append((rng.random(a.shape, dtype=net.dtype) >= dropout) / net.dtype(1 - dropout))
            a = a * masks[-1]
        inputs.append(a)
    z = dense_forward(inputs[last], net.weights[last], net.biases[last])
    output = ACTIVATIONS[net.activations[last]].forward(z)
    loss = LOSSES[net.loss]
    value = loss.value(output, Y, net.activations[last])
    delta = loss.delta(z, output, Y, net.activations[last])
    grads_W, grads_b = [None] * (last + 1), [None] * (last + 1)
    grads_W[last], grads_b[last], grad_a = dense_backward(delta, inputs[last], net.weights[last],
                                                          need_input_grad=last > 0)
    for l in range(last - 1, -1, -1):
        if masks:
            grad_a *= masks[l]
        delta, grads_b[l] = grad_a, np.empty(grad_a.shape[1], dtype=grad_a.dtype)
        kernels.relu_delta_and_bias_gradient(delta, outputs[l], grads_b[l])
        grads_W[l] = delta.T @ inputs[l]
        grad_a = delta @ net.weights[l] if l > 0 else None
    return value, grads_W, grads_b, output
