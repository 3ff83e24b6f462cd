"""The Tensor: creation functions, dtype rules, attributes, conversions and bad-input errors.

Dtype rules are checked against ``torch.tensor`` / ``torch.zeros``... on the
same data, so "matches PyTorch" is tested, not restated.
"""

from __future__ import annotations

import numpy as np
import pytest
from reference import torch

import nabla as nb

# --- nb.tensor and its dtype rules ------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        1.5,
        [1.0, 2.0],
        [[1.0, 2.0], [3.0, 4.0]],
        [1, 2.5],
        3,
        [1, 2, 3],
        True,
        [True, False],
        [],
        np.float64(2.5),
        np.float32(2.5),
        np.arange(3),
        np.arange(3, dtype=np.int32),
        np.ones(3, dtype=np.float64),
        np.ones(3, dtype=np.float32),
        np.array([True, False]),
    ],
    ids=lambda d: f"{type(d).__name__}:{getattr(d, 'dtype', '')}:{d!r}"[:40],
)
def test_tensor_dtype_matches_torch(data):
    th = torch()
    t = nb.tensor(data)
    expect = th.tensor(data)
    assert t.dtype == np.dtype(str(expect.dtype).removeprefix("torch.")), f"{t.dtype} vs {expect.dtype}"
    assert t.shape == tuple(expect.shape)
    np.testing.assert_array_equal(t.numpy(), expect.numpy())


def test_python_floats_are_float32_ints_int64_bools_bool():
    assert nb.tensor(1.0).dtype == nb.float32
    assert nb.tensor([[0.5, 1.5]]).dtype == nb.float32
    assert nb.tensor(7).dtype == nb.int64
    assert nb.tensor([1, 2]).dtype == nb.int64
    assert nb.tensor(False).dtype == nb.bool_
    assert nb.tensor(np.zeros((2, 2))).dtype == nb.float64  # a float64 array keeps float64


@pytest.mark.parametrize("dtype", [nb.float64, np.float64, "float64", "double", np.dtype("float64")])
def test_dtype_argument_spellings(dtype):
    t = nb.tensor([1.0, 2.0], dtype=dtype)
    assert t.dtype == np.float64
    assert nb.zeros(2, dtype=dtype).dtype == np.float64


@pytest.mark.parametrize("dtype", [nb.float32, np.float32, "float32", "float"])
def test_dtype_float32_spellings(dtype):
    assert nb.tensor(np.ones(2), dtype=dtype).dtype == np.float32


def test_dtype_int_and_bool_spellings():
    assert nb.tensor([1.7, 2.2], dtype=nb.int64).dtype == np.int64
    assert nb.tensor([1, 0], dtype="bool").dtype == np.bool_
    assert nb.tensor([1, 0], dtype="long").dtype == np.int64


def test_tensor_copies_its_data():
    a = np.ones(3)
    t = nb.tensor(a)
    a[0] = 5.0
    assert t.numpy()[0] == 1.0
    u = nb.tensor(t)
    t.numpy()[1] = 7.0
    assert u.numpy()[1] == 1.0


def test_tensor_from_a_tensor_that_requires_grad_is_a_new_leaf():
    x = nb.tensor([1.0, 2.0], requires_grad=True)
    t = nb.tensor(x)
    assert t.is_leaf and not t.requires_grad
    assert t.dtype == np.float32


def test_requires_grad_argument():
    t = nb.tensor([1.0, 2.0], requires_grad=True)
    assert t.requires_grad and t.is_leaf and t.grad is None and t.grad_fn is None
    assert not nb.tensor([1.0]).requires_grad


def test_from_numpy_shares_memory_and_keeps_dtype():
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = nb.from_numpy(a)
    assert t.dtype == np.float64 and t.shape == (2, 3)
    a[0, 0] = 42.0
    assert t[0, 0].item() == 42.0
    t.numpy()[1, 2] = -1.0
    assert a[1, 2] == -1.0
    assert nb.from_numpy(np.arange(3)).dtype == np.int64


def test_from_numpy_rejects_non_arrays():
    with pytest.raises(TypeError, match="from_numpy expects a NumPy array, got list"):
        nb.from_numpy([1.0, 2.0])


# --- creation functions ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zeros", "ones", "empty"])
def test_filled_creation_shapes_and_dtypes(name):
    th = torch()
    fn = getattr(nb, name)
    for args in [(2, 3), ((2, 3),), ([4],), ((),), (0, 2)]:
        t = fn(*args)
        expect = getattr(th, name)(*args)
        assert t.shape == tuple(expect.shape)
        assert t.dtype == nb.float32
    assert fn(2, dtype=nb.float64).dtype == np.float64
    assert fn(2, dtype="int64").dtype == np.int64
    t = fn(3, requires_grad=True)
    assert t.requires_grad and t.is_leaf


def test_zeros_ones_values():
    np.testing.assert_array_equal(nb.zeros(2, 2).numpy(), np.zeros((2, 2), np.float32))
    np.testing.assert_array_equal(nb.ones(3).numpy(), np.ones(3, np.float32))


@pytest.mark.parametrize(
    "fill, dtype",
    [(1.5, np.float32), (7, np.int64), (True, np.bool_)],
)
def test_full_infers_dtype_like_torch(fill, dtype):
    th = torch()
    t = nb.full((2, 3), fill)
    expect = th.full((2, 3), fill)
    assert t.dtype == dtype and str(expect.dtype) == f"torch.{np.dtype(dtype)}"
    np.testing.assert_array_equal(t.numpy(), expect.numpy())
    assert nb.full(4, 2.0).shape == (4,)
    assert nb.full((2,), 2, dtype=nb.float64).dtype == np.float64


def test_like_functions_keep_shape_and_dtype():
    base = nb.tensor(np.zeros((2, 3), dtype=np.float64))
    for t, value in [(nb.zeros_like(base), 0.0), (nb.ones_like(base), 1.0), (nb.full_like(base, 2.5), 2.5)]:
        assert t.shape == (2, 3) and t.dtype == np.float64
        assert (t.numpy() == value).all()
    ints = nb.tensor([[1, 2]])
    assert nb.zeros_like(ints).dtype == np.int64
    assert nb.ones_like(ints, dtype=nb.float32).dtype == np.float32
    assert nb.full_like(ints, 3).tolist() == [[3, 3]]
    assert nb.zeros_like(base, requires_grad=True).requires_grad


def test_eye():
    np.testing.assert_array_equal(nb.eye(3).numpy(), np.eye(3, dtype=np.float32))
    t = nb.eye(2, 4, dtype=nb.float64)
    assert t.shape == (2, 4) and t.dtype == np.float64
    np.testing.assert_array_equal(t.numpy(), np.eye(2, 4))


@pytest.mark.parametrize(
    "args",
    [(5,), (2, 7), (1, 10, 3), (0.0, 1.0, 0.25), (0, 2.5), (-3, 3, 2), (5, 0, -1)],
)
def test_arange_matches_torch(args):
    th = torch()
    t = nb.arange(*args)
    expect = th.arange(*args)
    assert t.dtype == np.dtype(str(expect.dtype).removeprefix("torch."))
    np.testing.assert_allclose(t.numpy(), expect.numpy(), rtol=1e-6)


def test_arange_dtype_argument():
    assert nb.arange(4, dtype=nb.float64).dtype == np.float64
    with pytest.raises(RuntimeError, match="only floating-point tensors can require grad"):
        nb.arange(4, requires_grad=True)


def test_linspace_matches_torch():
    th = torch()
    t = nb.linspace(-1, 2, 7)
    expect = th.linspace(-1, 2, 7)
    assert t.dtype == nb.float32
    np.testing.assert_allclose(t.numpy(), expect.numpy(), rtol=1e-6)
    assert nb.linspace(0, 1, 3, dtype=nb.float64).tolist() == [0.0, 0.5, 1.0]


def test_sizes_may_be_numpy_integers():
    n = np.prod((2, 3))  # a NumPy integer, as shapes computed with NumPy are
    assert nb.full(n, 1.0).shape == (6,)
    assert nb.zeros(n).shape == nb.randn(n).shape == (6,)
    assert nb.randint(0, 5, n).shape == nb.normal(size=n).shape == nb.uniform(size=n).shape == (6,)


def test_creation_rejects_bad_shapes():
    with pytest.raises(ValueError, match="non-negative integers"):
        nb.zeros(2, -1)
    with pytest.raises(ValueError, match="non-negative integers"):
        nb.ones(2.5)


# --- random -------------------------------------------------------------------------------


def test_rand_and_randn_shapes_dtypes_and_ranges():
    r = nb.rand(200, 50)
    assert r.shape == (200, 50) and r.dtype == nb.float32
    assert r.numpy().min() >= 0.0 and r.numpy().max() < 1.0
    assert 0.45 < r.numpy().mean() < 0.55
    n = nb.randn((300, 40))
    assert n.shape == (300, 40) and n.dtype == nb.float32
    assert abs(n.numpy().mean()) < 0.05 and 0.95 < n.numpy().std() < 1.05
    assert nb.randn(3, dtype=nb.float64).dtype == np.float64
    assert nb.rand(2, requires_grad=True).requires_grad
    assert nb.randn().shape == ()
    h = nb.rand(100_000, dtype=nb.float16).numpy()  # on PyTorch's grid of 2^-11 (NumPy draws no half precision)
    assert h.dtype == np.float16 and 0.0 <= h.min() and h.max() < 1.0 and np.all(h * 2**11 == np.round(h * 2**11))
    top = nb.uniform(1.0, 2.0, size=(100_000,), dtype=nb.float16).numpy()  # float16 steps by 2^-10 in [1, 2)
    assert 1.0 <= top.min() and top.max() < 2.0
    with pytest.raises(ValueError, match="non-negative"):
        nb.normal(0.0, -1.0, size=3)
    with pytest.raises(TypeError, match="floating dtype"):
        nb.rand(3, dtype=nb.int64)
    with pytest.raises(TypeError, match="floating dtype"):
        nb.normal(0.0, 1.0, size=3, dtype=nb.int32)
    u = nb.uniform(-2.0, 3.0, size=(2000,)).numpy()
    assert u.dtype == np.float32 and -2.0 <= u.min() and u.max() < 3.0 and 0.3 < u.mean() < 0.7
    g = nb.normal(5.0, 0.5, size=(2000,)).numpy()
    assert g.dtype == np.float32 and 4.95 < g.mean() < 5.05 and 0.45 < g.std() < 0.55


def test_randint():
    t = nb.randint(3, 7, (1000,))
    assert t.dtype == np.int64 and t.shape == (1000,)
    assert set(np.unique(t.numpy())) == {3, 4, 5, 6}
    u = nb.randint(4, size=(5, 2))
    assert u.shape == (5, 2) and u.numpy().min() >= 0 and u.numpy().max() < 4
    assert nb.randint(0, 2, 3).shape == (3,)


def test_normal_and_uniform():
    n = nb.normal(2.0, 0.5, size=(20000,))
    assert n.dtype == nb.float32 and n.shape == (20000,)
    assert abs(n.numpy().mean() - 2.0) < 0.02 and abs(n.numpy().std() - 0.5) < 0.02
    u = nb.uniform(-3.0, -1.0, size=(100, 100))
    assert u.dtype == nb.float32
    assert u.numpy().min() >= -3.0 and u.numpy().max() < -1.0
    assert abs(u.numpy().mean() + 2.0) < 0.02
    assert nb.normal(size=(2,), dtype=nb.float64).dtype == np.float64
    assert nb.uniform(size=3, requires_grad=True).requires_grad


def _draws():
    return [
        nb.rand(3).numpy(),
        nb.randn(2, 2).numpy(),
        nb.randint(0, 100, (4,)).numpy(),
        nb.normal(1.0, 2.0, (3,)).numpy(),
        nb.uniform(0.0, 5.0, (3,)).numpy(),
    ]


def test_manual_seed_makes_draws_reproducible_and_seeds_differ():
    nb.manual_seed(123)
    first = _draws()
    nb.manual_seed(123)
    second = _draws()
    nb.manual_seed(124)
    third = _draws()
    for a, b, c in zip(first, second, third):
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c)


def test_random_state_round_trip():
    state = nb.random.get_state()
    a = nb.randn(4).numpy()
    nb.random.set_state(state)
    np.testing.assert_array_equal(nb.randn(4).numpy(), a)


@pytest.mark.parametrize("seed", [-1, 1.5, "0"])
def test_manual_seed_rejects_bad_seeds(seed):
    with pytest.raises(ValueError, match="non-negative integer"):
        nb.manual_seed(seed)


# --- requires_grad rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: nb.tensor([1, 2], requires_grad=True),
        lambda: nb.tensor([True], requires_grad=True),
        lambda: nb.zeros(2, dtype=nb.int64, requires_grad=True),
        lambda: nb.tensor([1, 2]).requires_grad_(),
    ],
)
def test_integer_and_bool_tensors_cannot_require_grad(make):
    with pytest.raises(RuntimeError, match=r"only floating-point tensors can require grad, this one is (int64|bool)"):
        make()


def test_requires_grad_false_on_a_computed_tensor_is_refused():
    y = nb.tensor([1.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="detach"):
        y.requires_grad = False


def test_requires_grad_can_be_turned_on_for_a_leaf():
    t = nb.ones(2)
    assert t.requires_grad_() is t and t.requires_grad
    t.requires_grad = False
    assert not t.requires_grad


# --- attributes ------------------------------------------------------------------------


def test_array_attributes():
    t = nb.tensor(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    assert t.shape == (2, 3, 4)
    assert t.ndim == 3 and t.dim() == 3
    assert t.size == 24 and t.numel() == 24
    assert t.dtype == nb.float32
    assert t.device == "cpu"
    assert len(t) == 2
    with pytest.raises(TypeError, match="0-d"):
        len(nb.tensor(1.0))


def test_graph_attributes():
    x = nb.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    assert x.is_leaf and x.grad_fn is None
    assert not y.is_leaf and y.requires_grad
    assert y.grad_fn.name == "mul"
    assert (y.exp().grad_fn.name, y.sum().grad_fn.name) == ("exp", "sum")
    assert (x.reshape(1, 2) @ nb.ones(2, 3)).grad_fn.name == "matmul"
    c = nb.tensor([1.0, 2.0]) * 3  # nothing requires grad: no graph
    assert c.grad_fn is None and c.is_leaf and not c.requires_grad


def test_T_reverses_axes():
    a = np.arange(6.0).reshape(2, 3)
    t = nb.tensor(a)
    assert t.T.shape == (3, 2)
    np.testing.assert_array_equal(t.T.numpy(), a.T)
    b = nb.tensor(np.zeros((2, 3, 4)))
    assert b.T.shape == (4, 3, 2)


def test_numpy_shares_memory_and_copies_when_requiring_grad():
    t = nb.zeros(3)
    t.numpy()[0] = 5.0
    assert t[0].item() == 5.0
    x = nb.zeros(3, requires_grad=True)
    y = x * 2.0
    values = y.numpy()  # PyTorch refuses; nabla copies (TensorFlow material calls model(x).numpy())
    values[0] = 7.0
    assert y.tolist() == [0.0, 0.0, 0.0]  # the graph's values did not change
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]
    x.detach().numpy()[1] = 2.0  # detach shares memory
    assert x.tolist() == [0.0, 2.0, 0.0]


def test_np_asarray():
    t = nb.tensor([[1.0, 2.0]])
    a = np.asarray(t)
    assert isinstance(a, np.ndarray) and a.dtype == np.float32 and a.shape == (1, 2)
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    x = nb.tensor([1.0, 2.0], requires_grad=True)
    b = np.asarray(x)  # a copy: the graph's values cannot be changed through it
    b[0] = 100.0
    assert x.tolist() == [1.0, 2.0]


def test_item_and_tolist():
    assert nb.tensor(2.5).item() == 2.5 and isinstance(nb.tensor(2.5).item(), float)
    assert nb.tensor([[3]]).item() == 3 and isinstance(nb.tensor([[3]]).item(), int)
    assert nb.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    assert nb.tensor(1.5).tolist() == 1.5
    with pytest.raises(ValueError, match=r"one element, this one has shape \(2,\)"):
        nb.tensor([1.0, 2.0]).item()
    assert float(nb.tensor([2.0])) == 2.0 and int(nb.tensor(3)) == 3


def test_detach_shares_memory_and_leaves_the_graph():
    x = nb.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert d.is_leaf and not d.requires_grad and d.grad_fn is None
    assert np.shares_memory(d.numpy(), y.detach().numpy())
    with nb.no_grad():
        d += 1
    assert y.detach().tolist() == [3.0, 5.0]


def test_astype():
    x = nb.tensor([1.7, -2.2], requires_grad=True)
    d = x.astype(nb.float64)
    assert d.dtype == np.float64 and d.requires_grad and d.grad_fn is not None
    d.sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.tolist() == [1.0, 1.0]
    i = x.astype("int64")
    assert i.dtype == np.int64 and not i.requires_grad
    assert i.tolist() == [1, -2]
    assert nb.tensor([1, 2]).astype(nb.float32).dtype == nb.float32
    assert nb.tensor([1, 2]).double().dtype == np.float64


def test_bool_of_one_element_only():
    assert bool(nb.tensor([1.0]))
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(nb.tensor([1.0, 2.0]))


# --- repr -------------------------------------------------------------------------------------


def test_repr_shows_values_and_default_dtypes_plainly():
    assert repr(nb.tensor([1.0, 2.5])) == "tensor([1. , 2.5])"
    assert repr(nb.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(nb.tensor([True, False])) == "tensor([ True, False])"


def test_repr_shows_non_default_dtype_and_autograd_state():
    assert repr(nb.tensor([1.0], dtype=nb.float64)) == "tensor([1.], dtype=float64)"
    assert repr(nb.tensor([1, 2], dtype=nb.int32)) == "tensor([1, 2], dtype=int32)"
    x = nb.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<mul>)"
    assert "dtype=float64, requires_grad=True" in repr(nb.zeros(1, dtype=nb.float64, requires_grad=True))


def test_repr_of_matrix_is_aligned():
    assert repr(nb.tensor([[1.0, 2.0], [3.0, 4.0]])) == "tensor([[1., 2.],\n        [3., 4.]])"


# --- float64 end to end -------------------------------------------------------------------------


def test_float64_computation_keeps_float64_values_and_grads():
    rng = np.random.default_rng(0)
    x = nb.tensor(rng.normal(size=(4, 3)), requires_grad=True)
    w = nb.tensor(rng.normal(size=(3, 2)), requires_grad=True)
    b = nb.tensor(rng.normal(size=(2,)), requires_grad=True)
    target = nb.tensor([0, 1, 1, 0])
    h = (x @ w + b).tanh() * 2.0 + 1
    loss = nb.cross_entropy(h, target) + (h**2).mean() * 0.5 + nb.sigmoid(h).sum() / 3
    assert h.dtype == np.float64 and loss.dtype == np.float64
    loss.backward()
    for p in (x, w, b):
        assert p.grad.dtype == np.float64


def test_float32_stays_float32_with_python_and_numpy_scalars():
    x = nb.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2.0 + np.float64(1.5)) / 3 - x**2
    assert y.dtype == nb.float32
    y.sum().backward()
    assert x.grad.dtype == nb.float32


# --- bad input errors ------------------------------------------------------------------------


def _one_line_error(excinfo):
    msg = str(excinfo.value)
    assert "\n" not in msg, f"multi-line error: {msg!r}"
    return msg


@pytest.mark.parametrize("data", [{"a": 1}, "abc", [1, "x"], object(), None])
def test_unconvertible_data_raises_clear_type_error(data):
    with pytest.raises(TypeError) as excinfo:
        nb.tensor(data)
    msg = _one_line_error(excinfo)
    assert "cannot make a tensor" in msg


def test_ragged_lists_raise_clear_value_error():
    with pytest.raises(ValueError) as excinfo:
        nb.tensor([[1.0, 2.0], [3.0]])
    assert "ragged" in _one_line_error(excinfo)


def test_mismatched_shapes_raise_clear_value_error():
    with pytest.raises(ValueError) as excinfo:
        nb.ones(2, 3) + nb.ones(4)
    msg = _one_line_error(excinfo)
    assert "(2, 3)" in msg and "(4,)" in msg
    with pytest.raises(ValueError) as excinfo:
        nb.ones(2, 3) @ nb.ones(4, 2)
    _one_line_error(excinfo)


def test_requires_grad_on_int_error_is_one_line():
    with pytest.raises(RuntimeError) as excinfo:
        nb.tensor([1, 2], requires_grad=True)
    assert "int64" in _one_line_error(excinfo)


def test_unknown_dtype_is_named():
    with pytest.raises(TypeError) as excinfo:
        nb.tensor([1.0], dtype="floaty")
    assert "'floaty'" in _one_line_error(excinfo)


def test_operating_with_an_unconvertible_object_is_a_clear_error():
    with pytest.raises(TypeError) as excinfo:
        nb.ones(2) + {"a": 1}
    assert "dict" in _one_line_error(excinfo)


# --- in-place arithmetic keeps the dtype, as in torch ------------------------------------------


@pytest.mark.parametrize(
    "op",
    ["add_(1)", "sub_(1)", "mul_(3)", "sub_(1, alpha=2)", "add_(0.5)", "div_(2)", "add_(1, alpha=0.5)"],
)
@pytest.mark.parametrize("data", [[1, 2], [1.0, 2.0]], ids=["int64", "float32"])
def test_in_place_arithmetic_follows_torch_casting(op, data):
    th = torch()
    results = []
    for lib in (nb, th):
        t = lib.tensor(data)
        try:
            eval(f"t.{op}")
            results.append((t.tolist(), str(t.dtype).removeprefix("torch.")))
        except RuntimeError:
            results.append("error")
    assert results[0] == results[1]


def test_in_place_arithmetic_that_would_truncate_is_a_clear_error():
    t = nb.tensor([1, 2])
    with pytest.raises(RuntimeError, match="result has dtype float64, which cannot be stored in place in a int64"):
        t += 0.5
    assert t.tolist() == [1, 2]


@pytest.mark.parametrize("spec", [".4f", ">12.3e", "+.2%", "g"])
def test_a_0d_tensor_formats_as_its_number_like_torch(spec):
    value = np.float32(0.123456)
    assert format(nb.tensor(value), spec) == format(torch().tensor(value), spec)


def test_an_empty_format_spec_gives_the_tensor_s_str():
    assert f"{nb.tensor(1.5)}" == str(nb.tensor(1.5)) and f"{nb.ones(2)}" == str(nb.ones(2))


def test_a_format_spec_on_a_larger_tensor_is_a_type_error_as_in_torch():
    with pytest.raises(TypeError):
        format(torch().ones(2), ".3f")
    with pytest.raises(TypeError):
        format(nb.ones(2), ".3f")
