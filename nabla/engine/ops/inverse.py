"""Inverse functions: arcsin, arctan and erfinv, each with the gradient ``1 / f'(f^-1(x))``.

The other inverse functions are composed from these and the elementwise ops (``arccos = pi/2 - arcsin``,
``arcsinh = log(x + sqrt(x^2 + 1))``...) where they are offered (``nabla.keras.ops``).
"""

from __future__ import annotations

import math

from .primitive import primitive


@primitive("arcsin")
def arcsin(xp, x):
    """The inverse sine, in [-pi/2, pi/2]; defined on [-1, 1] (NaN outside)."""
    return xp.arcsin(x)


@arcsin.defvjp
def _(xp, need, g, out, x):
    # NOTE: infinite at |x| = 1, as in PyTorch.
    return (g / xp.sqrt(1 - x * x),)


@primitive("arctan")
def arctan(xp, x):
    """The inverse tangent, in (-pi/2, pi/2)."""
    return xp.arctan(x)


@arctan.defvjp
def _(xp, need, g, out, x):
    return (g / (1 + x * x),)


@primitive("erfinv", reads=("out",))
def erfinv(xp, y):
    """The inverse error function on (-1, 1): ``erf(erfinv(y)) = y``; +-inf at +-1, NaN outside.

    NumPy has no erfinv (and SciPy is not a dependency): Winitzki's closed form, good to ~2e-3, then
    three Newton steps on ``erf(x) - y``, each squaring the relative error.
    """
    a = 0.147
    log1my2 = xp.log(xp.where(xp.abs(y) < 1, 1 - y * y, 1.0))  # (1 where |y| >= 1: those are set below)
    first = 2 / (math.pi * a) + log1my2 / 2
    x = xp.sign(y) * xp.sqrt(xp.sqrt(first * first - log1my2 / a) - first)
    for _ in range(3):
        x = x - (xp.erf(x) - y) / (_TWO_OVER_SQRT_PI * xp.exp(-x * x))
    zero = y - y  # (arithmetic with Python numbers keeps y's dtype, as xp.where with them may not)
    edge = xp.where(xp.abs(y) == 1, xp.where(y > 0, zero + math.inf, zero - math.inf), zero + math.nan)
    return xp.where(xp.abs(y) < 1, x, edge)


@erfinv.defvjp
def _(xp, need, g, out, y):
    # d erfinv(y)/dy = 1 / erf'(erfinv(y)) = sqrt(pi)/2 * exp(erfinv(y)^2), reusing the output.
    return (g * (math.sqrt(math.pi) / 2) * xp.exp(out * out),)


_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
