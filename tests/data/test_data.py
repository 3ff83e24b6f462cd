"""nabla.data: datasets and loaders against torch.utils.data, splits and scalers against NumPy formulas."""

import numpy as np
import pytest
from conftest import require

import nabla as nb
from nabla.data import (
    DataLoader,
    Dataset,
    MinMaxScaler,
    NotFittedError,
    StandardScaler,
    Subset,
    TensorDataset,
    one_hot,
    random_split,
    train_test_split,
)


def make_xy(n, features=3, dtype=np.float32, seed=0):
    """Features whose first column is the sample's index (to read the order back), labels n % 3."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, features)).astype(dtype)
    X[:, 0] = np.arange(n)
    return X, np.arange(n, dtype=np.int64) % 3


def epoch_order(loader):
    """The sample indices of one epoch, in the order the loader gave them."""
    return np.concatenate([np.asarray(xb)[:, 0] for xb, _ in loader]).astype(np.int64)


class ArrayDataset(Dataset):
    """A dataset read one sample at a time (the DataLoader's generic path)."""

    def __init__(self, X, y):
        self.X, self.y = X, y

    def __len__(self):
        return len(self.X)

    def __getitem__(self, i):
        return nb.tensor(self.X[i]), nb.tensor(self.y[i])


# --- TensorDataset and Subset --------------------------------------------------------------


def test_tensor_dataset_indexing_and_dtypes():
    X, y = make_xy(10)
    ds = TensorDataset(X, nb.tensor(y))
    assert len(ds) == 10
    xi, yi = ds[4]
    assert isinstance(xi, nb.Tensor) and isinstance(yi, nb.Tensor)
    np.testing.assert_array_equal(xi.numpy(), X[4])
    assert yi.item() == y[4] and yi.shape == ()
    assert xi.dtype == np.float32 and yi.dtype == np.int64
    assert TensorDataset(X.astype(np.float64))[0][0].dtype == np.float64
    assert ds.tensors[0].numpy() is X  # kept without a copy


@pytest.mark.parametrize("shapes", [[(5, 2), (4,)], [(3,), (3, 1), (2, 1)]])
def test_tensor_dataset_length_mismatch(shapes):
    with pytest.raises(ValueError, match="same first dimension") as err:
        TensorDataset(*[np.zeros(s) for s in shapes])
    assert str(shapes[-1]) in str(err.value)


def test_tensor_dataset_bad_arguments():
    with pytest.raises(ValueError, match="at least one"):
        TensorDataset()
    with pytest.raises(ValueError, match="0-d"):
        TensorDataset(np.array(1.0))
    with pytest.raises(TypeError, match="list"):
        TensorDataset([1, 2, 3])


def test_subset_and_bad_indices():
    X, y = make_xy(10)
    sub = Subset(TensorDataset(X, y), [7, 2, 2])
    assert len(sub) == 3
    assert sub[0][0].numpy()[0] == 7 and sub[2][1].item() == y[2]
    with pytest.raises(IndexError, match=r"\[0, 10\)"):
        Subset(TensorDataset(X), [3, 10])
    with pytest.raises(TypeError, match="integers"):
        Subset(TensorDataset(X), [0.5])


# --- DataLoader -------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 7, 10, 64])
@pytest.mark.parametrize("batch_size", [1, 3, 10, 100])
@pytest.mark.parametrize("drop_last", [False, True])
def test_loader_matches_torch_without_shuffle(n, batch_size, drop_last):
    torch = require("torch")
    X, y = make_xy(n)
    ours = DataLoader(TensorDataset(X, y), batch_size=batch_size, drop_last=drop_last)
    ref = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(y)),
        batch_size=batch_size,
        drop_last=drop_last,
    )
    got, expected = list(ours), list(ref)
    assert len(ours) == len(ref) == len(got) == len(expected)
    for (xb, yb), (xt, yt) in zip(got, expected):
        assert xb.shape == tuple(xt.shape) and yb.shape == tuple(yt.shape)
        np.testing.assert_array_equal(xb.numpy(), xt.numpy())
        np.testing.assert_array_equal(yb.numpy(), yt.numpy())


@pytest.mark.parametrize("drop_last", [False, True])
def test_loader_batch_sizes_with_shuffle_match_torch(drop_last):
    torch = require("torch")
    X, y = make_xy(23)
    ours = DataLoader(TensorDataset(X, y), batch_size=5, shuffle=True, drop_last=drop_last)
    ref = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(X)), batch_size=5, shuffle=True, drop_last=drop_last
    )
    assert [len(xb) for xb, _ in ours] == [len(xt) for (xt,) in ref]
    assert len(ours) == len(ref)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_loader_batch_types_and_dtypes(dtype):
    X, y = make_xy(10, dtype=dtype)
    xb, yb = next(iter(DataLoader(TensorDataset(X, y), batch_size=4)))
    assert isinstance(xb, nb.Tensor) and isinstance(yb, nb.Tensor)
    assert xb.dtype == dtype and yb.dtype == np.int64
    xb, yb = next(iter(DataLoader(TensorDataset(X, y), batch_size=4, as_numpy=True)))
    assert type(xb) is np.ndarray and type(yb) is np.ndarray
    assert xb.dtype == dtype and yb.dtype == np.int64 and xb.shape == (4, 3)


def test_shuffle_reproducible_and_fresh_each_epoch():
    X, y = make_xy(50)
    loader = DataLoader(TensorDataset(X, y), batch_size=8, shuffle=True)
    nb.manual_seed(1)
    first, second = epoch_order(loader), epoch_order(loader)
    nb.manual_seed(1)
    assert np.array_equal(epoch_order(loader), first)
    assert np.array_equal(epoch_order(loader), second)
    assert not np.array_equal(first, second)
    assert not np.array_equal(first, np.arange(50))
    nb.manual_seed(2)
    assert not np.array_equal(epoch_order(loader), first)


def test_shuffle_order_is_drawn_when_iteration_starts():
    X, y = make_xy(30)
    loader = DataLoader(TensorDataset(X, y), batch_size=4, shuffle=True)
    nb.manual_seed(3)
    expected = epoch_order(loader)
    nb.manual_seed(3)
    it = iter(loader)
    nb.manual_seed(99)  # reseeding after iter() must not change the epoch already started
    assert np.array_equal(np.concatenate([xb.numpy()[:, 0] for xb, _ in it]).astype(np.int64), expected)


@pytest.mark.parametrize("drop_last", [False, True])
def test_every_sample_once_per_epoch(drop_last):
    X, y = make_xy(103)
    loader = DataLoader(TensorDataset(X, y), batch_size=10, shuffle=True, drop_last=drop_last)
    for _ in range(3):
        order = epoch_order(loader)
        assert len(order) == (100 if drop_last else 103)
        assert len(np.unique(order)) == len(order)
        if not drop_last:
            np.testing.assert_array_equal(np.sort(order), np.arange(103))


def test_labels_follow_their_features_when_shuffled():
    X, y = make_xy(40)
    for xb, yb in DataLoader(TensorDataset(X, y), batch_size=7, shuffle=True):
        np.testing.assert_array_equal(yb.numpy(), y[xb.numpy()[:, 0].astype(np.int64)])


def test_generic_path_matches_fast_path():
    X, y = make_xy(25)
    fast = DataLoader(TensorDataset(X, y), batch_size=6, shuffle=True)
    slow = DataLoader(ArrayDataset(X, y), batch_size=6, shuffle=True)
    nb.manual_seed(4)
    fast_batches = list(fast)
    nb.manual_seed(4)
    slow_batches = list(slow)
    assert len(fast_batches) == len(slow_batches) == 5
    for (xf, yf), (xs, ys) in zip(fast_batches, slow_batches):
        assert xf.dtype == xs.dtype and yf.dtype == ys.dtype
        np.testing.assert_array_equal(xf.numpy(), xs.numpy())
        np.testing.assert_array_equal(yf.numpy(), ys.numpy())


def test_subset_fast_path_reads_the_right_rows():
    X, y = make_xy(30)
    inner = Subset(TensorDataset(X, y), np.arange(29, -1, -1))  # reversed
    outer = Subset(inner, [0, 5, 6, 20])
    xb, yb = next(iter(DataLoader(outer, batch_size=10)))
    np.testing.assert_array_equal(xb.numpy()[:, 0], [29, 24, 23, 9])
    np.testing.assert_array_equal(yb.numpy(), y[[29, 24, 23, 9]])


def test_overridden_getitem_is_not_bypassed():
    class Doubled(TensorDataset):
        def __getitem__(self, i):
            x, y = super().__getitem__(i)
            return x * 2, y

    X, y = make_xy(6)
    xb, _ = next(iter(DataLoader(Doubled(X, y), batch_size=6)))
    np.testing.assert_array_equal(xb.numpy(), 2 * X)


def test_collate_fn_is_used():
    X, y = make_xy(10)
    calls = []

    def collate(samples):
        calls.append(len(samples))
        assert all(isinstance(s, tuple) and len(s) == 2 for s in samples)
        return {"n": len(samples), "labels": [int(s[1].item()) for s in samples]}

    batches = list(DataLoader(TensorDataset(X, y), batch_size=4, collate_fn=collate, as_numpy=True))
    assert calls == [4, 4, 2]
    assert batches[0] == {"n": 4, "labels": [0, 1, 2, 0]}


def test_default_collate_of_dicts_and_numbers():
    class Records(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"x": np.full(2, i, dtype=np.float32), "label": i, "weight": 0.5, "name": f"s{i}"}

    batch = next(iter(DataLoader(Records(), batch_size=3)))
    assert batch["x"].shape == (3, 2) and batch["x"].dtype == np.float32
    assert batch["label"].dtype == np.int64 and batch["label"].tolist() == [0, 1, 2]
    assert batch["weight"].dtype == np.float64  # Python floats as in torch's default_collate
    assert batch["name"] == ["s0", "s1", "s2"]


def test_default_collate_ragged_samples_error():
    class Ragged(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return np.zeros(i + 1)

    with pytest.raises(ValueError, match="collate_fn"):
        list(DataLoader(Ragged(), batch_size=2))


@pytest.mark.parametrize("bad", [0, -3, 2.5, "4", None, True])
def test_bad_batch_size(bad):
    with pytest.raises((ValueError, TypeError), match="batch_size") as err:
        DataLoader(TensorDataset(np.zeros(4)), batch_size=bad)
    assert repr(bad) in str(err.value)


@pytest.mark.parametrize("shuffle", [False, True])
def test_empty_dataset_gives_no_batches(shuffle):
    loader = DataLoader(TensorDataset(np.zeros((0, 3), np.float32)), batch_size=4, shuffle=shuffle)
    assert len(loader) == 0 and list(loader) == []


def test_loader_rejects_non_datasets():
    with pytest.raises(TypeError, match="__len__"):
        DataLoader(42)


# --- random_split -------------------------------------------------------------------------


def test_random_split_integer_lengths_disjoint_and_complete():
    X, _ = make_xy(20)
    parts = random_split(TensorDataset(X), [12, 5, 3], seed=0)
    assert [len(p) for p in parts] == [12, 5, 3]
    rows = np.concatenate([p.indices for p in parts])
    np.testing.assert_array_equal(np.sort(rows), np.arange(20))
    assert parts[1][0][0].numpy()[0] == parts[1].indices[0]


@pytest.mark.filterwarnings("ignore:Length of split")  # torch warns about the empty split
@pytest.mark.parametrize("n", [10, 11, 97])
@pytest.mark.parametrize("fractions", [[0.8, 0.2], [0.3, 0.3, 0.4], [1 / 3, 1 / 3, 1 / 3], [0.5, 0.5, 0.0]])
def test_random_split_fractions_match_torch(n, fractions):
    torch = require("torch")
    expected = [len(p) for p in torch.utils.data.random_split(range(n), fractions)]
    assert [len(p) for p in random_split(TensorDataset(np.arange(n)), fractions)] == expected


def test_random_split_reproducible():
    ds = TensorDataset(np.arange(50))
    same = [p.indices for p in random_split(ds, [0.5, 0.5], seed=7)]
    again = [p.indices for p in random_split(ds, [0.5, 0.5], seed=7)]
    other = [p.indices for p in random_split(ds, [0.5, 0.5], seed=8)]
    assert all(np.array_equal(a, b) for a, b in zip(same, again))
    assert not np.array_equal(same[0], other[0])
    nb.manual_seed(5)
    first = random_split(ds, [25, 25])[0].indices
    nb.manual_seed(5)
    assert np.array_equal(random_split(ds, [25, 25])[0].indices, first)


@pytest.mark.parametrize(
    "lengths, match",
    [
        ([5, 4], "sum to 9"),
        ([0.5, 0.6], "sum to 1"),
        ([12, -2], "non-negative"),
        ([], "empty"),
        ([5, 0.5], "fractions"),
        ([5, "5"], "all"),
    ],
)
def test_random_split_bad_lengths(lengths, match):
    with pytest.raises((ValueError, TypeError), match=match):
        random_split(TensorDataset(np.arange(10)), lengths)


# --- train_test_split ---------------------------------------------------------------------


@pytest.mark.parametrize("n, test_size, n_test", [(100, 0.25, 25), (10, 0.25, 3), (100, 0.14, 14), (7, 2, 2)])
def test_train_test_split_sizes(n, test_size, n_test):
    X, y = make_xy(n)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, seed=0)
    assert X_test.shape == (n_test, 3) and y_test.shape == (n_test,)
    assert X_train.shape == (n - n_test, 3) and y_train.shape == (n - n_test,)
    rows = np.concatenate([X_train[:, 0], X_test[:, 0]]).astype(np.int64)
    np.testing.assert_array_equal(np.sort(rows), np.arange(n))
    np.testing.assert_array_equal(y_train, y[X_train[:, 0].astype(np.int64)])  # rows stay aligned


def test_train_test_split_keeps_kinds():
    X, y = make_xy(20)
    X_train, X_test, y_train, y_test, names_train, names_test = train_test_split(
        nb.tensor(X), y, [f"s{i}" for i in range(20)], seed=0
    )
    assert isinstance(X_train, nb.Tensor) and X_train.dtype == np.float32
    assert type(y_train) is np.ndarray and isinstance(names_train, list)
    assert names_test == [f"s{int(i)}" for i in X_test.numpy()[:, 0]]


def test_train_test_split_without_shuffle():
    X, y = make_xy(10)
    X_train, X_test, _, _ = train_test_split(X, y, test_size=0.3, shuffle=False)
    np.testing.assert_array_equal(X_train, X[:7])
    np.testing.assert_array_equal(X_test, X[7:])
    with pytest.raises(ValueError, match="shuffle"):
        train_test_split(X, y, stratify=y, shuffle=False)


@pytest.mark.parametrize("test_size", [0.2, 0.25, 0.5, 37])
def test_stratified_split_keeps_class_proportions(test_size):
    y = np.repeat([0, 1, 2, 3], [60, 25, 10, 5])
    X = np.arange(100)[:, None]
    _, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, stratify=y, seed=0)
    n_test = len(y_test)
    for c, count in enumerate([60, 25, 10, 5]):
        assert abs(np.sum(y_test == c) - count * n_test / 100) < 1
        assert np.sum(y_test == c) + np.sum(y_train == c) == count
    np.testing.assert_array_equal(y_test, y[X_test[:, 0]])


def test_stratified_split_on_one_hot_rows():
    y = np.repeat([0, 1], [80, 20])
    _, y_test = train_test_split(one_hot(y), test_size=0.25, stratify=one_hot(y), seed=0)
    assert y_test.sum(0).tolist() == [20.0, 5.0]


def test_train_test_split_reproducible_by_seed():
    X, y = make_xy(60)
    for stratify in (None, y):
        a = train_test_split(X, y, seed=3, stratify=stratify)
        b = train_test_split(X, y, seed=3, stratify=stratify)
        c = train_test_split(X, y, seed=4, stratify=stratify)
        assert all(np.array_equal(u, v) for u, v in zip(a, b))
        assert not np.array_equal(a[1], c[1])
    nb.manual_seed(11)
    first = train_test_split(X)[1]
    nb.manual_seed(11)
    assert np.array_equal(train_test_split(X)[1], first)


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((np.zeros(10), np.zeros(9)), {}, ValueError, r"\[10, 9\]"),
        ((np.zeros(10),), {"test_size": 1.5}, ValueError, "between 0 and 1"),
        ((np.zeros(10),), {"test_size": 10}, ValueError, r"\[1, 9\]"),
        ((np.zeros(10),), {"test_size": 0.99}, ValueError, "empty"),
        ((np.zeros(10),), {"test_size": "0.2"}, TypeError, "test_size"),
        ((np.zeros(4),), {"stratify": np.array([0, 0, 0, 1])}, ValueError, "only 1 sample"),
        ((np.zeros(10),), {"stratify": np.zeros(9)}, ValueError, "9 labels"),
        ((), {}, ValueError, "at least one"),
    ],
)
def test_train_test_split_errors(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        train_test_split(*args, **kwargs)


# --- scalers ------------------------------------------------------------------------------


def data(n=40, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, 4)) * [1.0, 10.0, 0.1, 3.0] + [0.0, 5.0, -2.0, 100.0]).astype(dtype)


def test_standard_scaler_matches_formula():
    X = data()
    scaler = StandardScaler().fit(X)
    np.testing.assert_allclose(scaler.mean_, X.mean(0))
    np.testing.assert_allclose(scaler.var_, X.var(0, ddof=0))
    np.testing.assert_allclose(scaler.scale_, X.std(0, ddof=0))
    Z = scaler.transform(X)
    np.testing.assert_allclose(Z, (X - X.mean(0)) / X.std(0), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(Z.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(0), 1, rtol=1e-12)
    assert scaler.n_features_in_ == 4 and scaler.n_samples_seen_ == 40


@pytest.mark.parametrize("feature_range", [(0, 1), (-1, 1), (2.5, 3.0)])
def test_min_max_scaler_matches_formula(feature_range):
    X = data()
    a, b = feature_range
    scaler = MinMaxScaler(feature_range).fit(X)
    np.testing.assert_array_equal(scaler.data_min_, X.min(0))
    np.testing.assert_array_equal(scaler.data_max_, X.max(0))
    expected = (X - X.min(0)) / (X.max(0) - X.min(0)) * (b - a) + a
    Z = scaler.transform(X)
    np.testing.assert_allclose(Z, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(Z.min(0), a, atol=1e-12)
    np.testing.assert_allclose(Z.max(0), b, atol=1e-12)


@pytest.mark.parametrize("Scaler", [StandardScaler, MinMaxScaler])
def test_inverse_transform_round_trip(Scaler):
    X = data()
    scaler = Scaler()
    np.testing.assert_allclose(scaler.inverse_transform(scaler.fit_transform(X)), X, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("Scaler", [StandardScaler, MinMaxScaler])
def test_fit_on_train_only_then_transform_test(Scaler):
    X_train, X_test = data(seed=0), data(n=10, seed=1) * 2
    scaler = Scaler().fit(X_train)
    fresh = Scaler().fit(X_train)
    if Scaler is StandardScaler:
        expected = (X_test - X_train.mean(0)) / X_train.std(0)
    else:
        expected = (X_test - X_train.min(0)) / (X_train.max(0) - X_train.min(0))
    np.testing.assert_allclose(scaler.transform(X_test), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(scaler.transform(X_test), fresh.transform(X_test))  # transform learns nothing


@pytest.mark.parametrize("constant", [0.0, 0.1, 7.3e5])
def test_constant_features_are_not_divided_by_zero(constant):
    X = data()
    X[:, 2] = constant
    with np.errstate(all="raise"):
        std = StandardScaler().fit(X)
        minmax = MinMaxScaler((-1, 1)).fit(X)
        Z_std, Z_minmax = std.transform(X), minmax.transform(X)
    assert std.scale_[2] == 1.0 and minmax.data_range_[2] == 0.0
    np.testing.assert_allclose(Z_std[:, 2], 0.0, atol=1e-9)
    np.testing.assert_allclose(Z_minmax[:, 2], -1.0)
    np.testing.assert_allclose(std.inverse_transform(Z_std), X, rtol=1e-12)
    np.testing.assert_allclose(minmax.inverse_transform(Z_minmax), X, rtol=1e-12)


@pytest.mark.parametrize("Scaler", [StandardScaler, MinMaxScaler])
def test_scalers_keep_kind_and_dtype(Scaler):
    X32 = data(dtype=np.float32)
    scaler = Scaler().fit(X32)
    out = scaler.transform(X32)
    assert type(out) is np.ndarray and out.dtype == np.float32
    t = scaler.transform(nb.tensor(X32))
    assert isinstance(t, nb.Tensor) and t.dtype == np.float32
    np.testing.assert_allclose(t.numpy(), out, rtol=1e-6)
    back = scaler.inverse_transform(t)
    assert isinstance(back, nb.Tensor) and back.dtype == np.float32
    ints = np.arange(12).reshape(6, 2)
    assert Scaler().fit_transform(ints).dtype == np.float64  # integers become float64, as in scikit-learn


def test_scaler_transform_of_tensor_is_differentiable():
    X = data()
    scaler = StandardScaler().fit(X)
    x = nb.tensor(X, requires_grad=True)
    scaler.transform(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.broadcast_to(1 / X.std(0), X.shape), rtol=1e-12)


@pytest.mark.parametrize("Scaler", [StandardScaler, MinMaxScaler])
def test_scaler_errors(Scaler):
    scaler = Scaler()
    with pytest.raises(NotFittedError, match="not fitted"):
        scaler.transform(data())
    with pytest.raises(NotFittedError):
        scaler.inverse_transform(data())
    with pytest.raises(AttributeError):
        scaler.scale_
    scaler.fit(data())
    with pytest.raises(ValueError, match="3 features"):
        scaler.transform(data()[:, :3])
    with pytest.raises(ValueError, match="2-D"):
        Scaler().fit(np.arange(5.0))
    with pytest.raises(ValueError, match="0 samples"):
        Scaler().fit(np.zeros((0, 3)))


@pytest.mark.parametrize("feature_range", [(1, 0), (2, 2)])
def test_min_max_scaler_bad_range(feature_range):
    with pytest.raises(ValueError, match=str(feature_range).replace("(", r"\(").replace(")", r"\)")):
        MinMaxScaler(feature_range)


# --- one_hot --------------------------------------------------------------------------------


@pytest.mark.parametrize("shape, num_classes", [((6,), None), ((6,), 9), ((2, 3), 5), ((0,), 4)])
def test_one_hot_matches_torch(shape, num_classes):
    torch = require("torch")
    labels = np.random.default_rng(0).integers(0, 5, size=shape)
    out = one_hot(labels, num_classes)
    expected = torch.nn.functional.one_hot(torch.from_numpy(labels), num_classes or -1).numpy()
    assert type(out) is np.ndarray and out.dtype == np.float32
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(one_hot(nb.tensor(labels), num_classes), out)


def test_one_hot_values():
    np.testing.assert_array_equal(one_hot([0, 2, 1]), [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    assert one_hot([], num_classes=3).shape == (0, 3)


@pytest.mark.parametrize(
    "labels, num_classes, error, match",
    [
        ([0, 3], 3, ValueError, r"\[0, 3\)"),
        ([-1, 0], None, ValueError, "from -1"),
        ([0.0, 1.0], None, TypeError, "integers"),
        ([0, 1], 0, ValueError, "num_classes"),
        ([], None, ValueError, "empty"),
    ],
)
def test_one_hot_errors(labels, num_classes, error, match):
    with pytest.raises(error, match=match):
        one_hot(labels, num_classes)
