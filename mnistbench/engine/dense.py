"""A fully connected layer, forward and backward: ``z = a @ W.T + b`` and its gradients.

W has shape ``(n_out, n_in)``, the order of the network file. ``network.py``
builds a network of these layers; ``fast_layers.py`` uses them for the layer
it does not fuse.
"""


def dense_forward(a, W, b):
    """a (B, n_in), W (n_out, n_in), b (n_out,) -> z (B, n_out)."""
    z = a @ W.T
    z += b  # in place: one pass over z instead of a second array
    return z


def dense_backward(delta, a_prev, W, need_input_grad=True):
    """delta = dL/dz (B, n_out), a_prev (B, n_in) -> dW (n_out, n_in), db (n_out,), dL/da_prev (B, n_in).

    The input layer needs no gradient for its activations, so the first layer
    skips that product (a third of the backward pass's work for MNIST).
    """
    dW = delta.T @ a_prev
    db = delta.sum(axis=0)
    grad_a_prev = delta @ W if need_input_grad else None
    return dW, db, grad_a_prev
