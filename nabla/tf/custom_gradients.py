"""``tf.custom_gradient``: a function whose gradient is a Python function the user writes.

TensorFlow's eager convention, which this follows: ``f(*args)`` returns ``(result, grad_fn)``; ``result`` is
a tensor or a nested structure of tensors; ``grad_fn(*upstreams)`` receives one gradient per (flattened)
tensor of ``result`` (zeros for one the target does not use) and returns one gradient per (flattened)
tensor of ``args`` (a tensor, or a list or tuple of them; None for no gradient). When ``f`` reads trainable
``tf.Variable``\\ s it was not given as arguments, ``grad_fn`` must accept the keyword ``variables``: it is
called ``grad_fn(*upstreams, variables=[...])`` and returns ``(input_grads, variable_grads)``. Keyword
arguments of ``f`` get no gradient.

``f`` runs as any code does (a recording tape records its operations, so ``grad_fn`` may use its
intermediate values and still be differentiated again by an outer tape); the result is then a new node of
nabla's graph whose gradient rule calls ``grad_fn`` (see nabla/engine/custom_gradient.py).
"""

from __future__ import annotations

import functools
import inspect

import nabla as nb

from . import _nest, _recording
from ._convert import as_tf, convert_to_tensor
from ._engine import custom_vjp


def custom_gradient(f=None):
    """Decorator: the function's result, with the gradient ``grad_fn`` gives (see the module's docstring).

    Example::

        @tf.custom_gradient
        def log1pexp(x):
            e = tf.exp(x)

            def grad(upstream):
                return upstream * (1 - 1 / (1 + e))

            return tf.math.log(1 + e), grad
    """
    if f is None:  # (@tf.custom_gradient() with parentheses)
        return custom_gradient

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        with _recording.watching_variables() as seen:
            result, grad_fn = f(*args, **kwargs)
        given = {id(a) for a in _nest.flatten(args) + _nest.flatten(kwargs)}
        flat_args = [convert_to_tensor(a) for a in _nest.flatten(args)]
        variables = [v for k, v in seen.items() if k not in given and v.requires_grad]
        if variables and not _takes_variables(grad_fn):
            raise TypeError(
                "@tf.custom_gradient grad_fn must accept keyword argument 'variables', "
                f"since function uses variables: {variables}"
            )
        flat_result = _nest.flatten(result)
        for r in flat_result:
            if not isinstance(r, nb.Tensor):
                raise TypeError(f"@tf.custom_gradient: {f.__name__} must return tensors, got {type(r).__name__}")

        def rule(upstreams):
            upstreams = [as_tf(g) for g in upstreams]
            if variables:
                input_grads, variable_grads = grad_fn(*upstreams, variables=variables)
                if len(variable_grads) != len(variables):
                    raise ValueError("Must return gradient for each variable from @custom_gradient grad_fn.")
            else:
                input_grads, variable_grads = grad_fn(*upstreams), []
            flat_grads = _nest.flatten(input_grads)
            if len(flat_grads) != len(flat_args):
                raise ValueError(
                    f"custom_gradient function expected to return {len(flat_args)} gradients, but returned "
                    f"{len(flat_grads)} instead."
                )
            return [None if g is None else convert_to_tensor(g) for g in flat_grads + list(variable_grads)]

        name = f"custom_gradient({f.__name__})"
        outputs = _recording.run(custom_vjp, name, [r._data for r in flat_result], flat_args + variables, rule)
        return _nest.pack_as(result, [as_tf(o) for o in outputs])

    return decorated


def _takes_variables(grad_fn) -> bool:
    """Whether ``grad_fn`` accepts the keyword ``variables`` (named, or through ``**kwargs``)."""
    parameters = inspect.signature(grad_fn).parameters.values()
    return any(p.name == "variables" or p.kind is p.VAR_KEYWORD for p in parameters)
