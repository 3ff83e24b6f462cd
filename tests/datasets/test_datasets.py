"""nabla.datasets: generators against their formulas and scikit-learn, loaders against the published files' facts.

The real files are read from ``$NABLA_DATA_DIR`` or ``shared/data`` beside the repository (never copied into it) through
``NABLA_DATA_DIR``; damaged copies are written into ``tmp_path``. No test touches the network: every
download goes through ``cache._download``, which an autouse fixture replaces by a failure.
"""

import gzip
import shutil
import stat
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import FASHION_FILES, FISH_FILES, MNIST_FILES, real_data, require

import nabla as nb
from nabla import datasets as D
from nabla.datasets import cache

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
LABELS = "mnist/t10k-labels-idx1-ubyte.gz"
_REAL_DOWNLOAD = cache._download  # kept before the autouse fixture replaces it


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    def refuse(entry, target, problem):
        raise AssertionError(f"a test tried to download {entry.path}")

    monkeypatch.setattr(cache, "_download", refuse)
    monkeypatch.delenv("NABLA_OFFLINE", raising=False)


def shared_dir() -> Path:
    """The offline copy of the datasets (``$NABLA_DATA_DIR`` or ``../shared/data``): skip locally when absent,
    fail in CI."""
    return real_data(*MNIST_FILES, *FASHION_FILES, *FISH_FILES)


@pytest.fixture
def shared(monkeypatch):
    root = shared_dir()
    monkeypatch.setenv("NABLA_DATA_DIR", str(root))
    return root


@pytest.fixture(scope="module")
def mnist_data():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NABLA_DATA_DIR", str(shared_dir()))
        return D.mnist()


@pytest.fixture(scope="module")
def fashion_data():
    return D.fashion_mnist(data_dir=shared_dir())


def copy_into(root: Path, *keys: str) -> Path:
    """Copy files of the shared data into a data folder ``root`` (under tmp_path) with the same layout."""
    for key in keys:
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shared_dir() / key, root / key)
    return root


def flip_byte(path: Path, offset: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2 if offset is None else offset] ^= 0xFF
    path.write_bytes(bytes(data))


def read_only(folder: Path):
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)


# --- synthetic classification sets ---------------------------------------------------------

CLASSIFIERS = {
    "and_gate": (lambda seed: D.and_gate(noise=0.1, repeat=5, seed=seed), 20, 2, {0, 1}),
    "or_gate": (lambda seed: D.or_gate(noise=0.1, repeat=5, seed=seed), 20, 2, {0, 1}),
    "xor_gate": (lambda seed: D.xor_gate(noise=0.1, repeat=5, seed=seed), 20, 2, {0, 1}),
    "nand_gate": (lambda seed: D.nand_gate(noise=0.1, repeat=5, seed=seed), 20, 2, {0, 1}),
    "moons": (lambda seed: D.moons(101, seed=seed), 101, 2, {0, 1}),
    "circles": (lambda seed: D.circles(101, seed=seed), 101, 2, {0, 1}),
    "spiral": (lambda seed: D.spiral(100, classes=4, seed=seed), 100, 2, {0, 1, 2, 3}),
    "gaussian_blobs": (lambda seed: D.gaussian_blobs(100, centers=5, n_features=3, seed=seed), 100, 3, set(range(5))),
    "checkerboard": (lambda seed: D.checkerboard(400, seed=seed), 400, 2, {0, 1}),
}


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_classification_shapes_dtypes_labels(name):
    make, n, d, labels = CLASSIFIERS[name]
    X, y = make(0)
    assert X.shape == (n, d) and X.dtype == np.float32 and X.flags.c_contiguous
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(y.tolist()) == labels
    assert np.isfinite(X).all()


@pytest.mark.parametrize("name", [*CLASSIFIERS, "sine", "polynomial", "linear"])
def test_reproducible_by_seed(name):
    make = CLASSIFIERS[name][0] if name in CLASSIFIERS else getattr(D, name)
    call = make if name in CLASSIFIERS else (lambda seed: make(seed=seed))
    X1, y1 = call(7)
    X2, y2 = call(7)
    X3, _ = call(8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)
    # seed=None draws from nabla's generator: nb.manual_seed fixes it, and the stream moves on
    nb.manual_seed(3)
    A, _ = call(None)
    B, _ = call(None)
    nb.manual_seed(3)
    C, _ = call(None)
    np.testing.assert_array_equal(A, C)
    assert not np.array_equal(A, B)


def test_a_seeded_draw_leaves_nablas_generator_alone():
    state = nb.random.get_state()
    D.moons(50, seed=1)
    D.sine(50, seed=1)
    assert nb.random.get_state() == state


def test_a_numpy_generator_is_accepted_as_seed():
    X1, _ = D.spiral(30, seed=np.random.default_rng(5))
    X2, _ = D.spiral(30, seed=5)
    np.testing.assert_array_equal(X1, X2)


@pytest.mark.parametrize(
    "fn, truth",
    [(D.and_gate, [0, 0, 0, 1]), (D.or_gate, [0, 1, 1, 1]), (D.xor_gate, [0, 1, 1, 0]), (D.nand_gate, [1, 1, 1, 0])],
)
def test_logic_gates_are_exact_truth_tables(fn, truth):
    X, y = fn()
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    assert y.tolist() == truth
    ops = {D.and_gate: np.logical_and, D.or_gate: np.logical_or, D.xor_gate: np.logical_xor}
    expected = ops[fn](X[:, 0], X[:, 1]) if fn in ops else ~np.logical_and(X[:, 0], X[:, 1])
    assert y.tolist() == expected.astype(int).tolist()
    Xn, yn = fn(noise=0.05, repeat=25, seed=0)
    assert Xn.shape == (100, 2) and yn.tolist() == truth * 25  # noise moves the inputs, never the labels
    assert 0 < np.abs(Xn - np.tile(X, (25, 1))).max() < 0.3


def test_gates_without_noise_do_not_draw():
    state = nb.random.get_state()
    D.xor_gate(repeat=3)
    assert nb.random.get_state() == state


def test_moons_match_scikit_learn_without_noise():
    require("sklearn")
    import sklearn.datasets as sk

    for n in (7, 200):
        X, y = D.moons(n, noise=0.0, shuffle=False)
        Xs, ys = sk.make_moons(n, noise=0.0, shuffle=False)
        np.testing.assert_allclose(X, Xs, atol=1e-6)
        np.testing.assert_array_equal(y, ys)


def test_circles_match_scikit_learn_without_noise():
    require("sklearn")
    import sklearn.datasets as sk

    for n, factor in ((7, 0.5), (200, 0.3)):
        X, y = D.circles(n, noise=0.0, factor=factor, shuffle=False)
        Xs, ys = sk.make_circles(n, noise=0.0, factor=factor, shuffle=False)
        np.testing.assert_allclose(X, Xs, atol=1e-6)
        np.testing.assert_array_equal(y, ys)


def test_moons_geometry():
    X, y = D.moons(2000, noise=0.05, seed=0)
    assert np.bincount(y).tolist() == [1000, 1000]
    upper, lower = X[y == 0], X[y == 1]
    # class 0 on the unit circle's upper half, class 1 on the circle of radius 1 around (1, 0.5), lower half
    assert abs(np.hypot(*upper.T).mean() - 1) < 0.01 and upper[:, 1].mean() > 0.5
    assert abs(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5).mean() - 1) < 0.01 and lower[:, 1].mean() < 0
    assert 0.04 < np.std(np.hypot(*upper.T) - 1) < 0.06


def test_circles_geometry():
    X, y = D.circles(1000, noise=0.02, factor=0.3, seed=0)
    r = np.hypot(*X.T)
    assert abs(r[y == 0].mean() - 1.0) < 0.01 and abs(r[y == 1].mean() - 0.3) < 0.01
    assert r[y == 1].max() < r[y == 0].min()  # separable by radius at this noise
    with pytest.raises(ValueError, match=r"factor .* got 1\.5"):
        D.circles(factor=1.5)


def test_spiral_follows_its_formula():
    X, y = D.spiral(301, classes=3, noise=0.0, shuffle=False)
    assert np.bincount(y).tolist() == [101, 100, 100]
    r = np.hypot(*X.T)
    assert r.max() <= 1 + 1e-6
    arm = y == 1
    theta = 2 * np.pi / 3 + 4 * r[arm]
    np.testing.assert_allclose(X[arm], np.stack([r[arm] * np.cos(theta), r[arm] * np.sin(theta)], 1), atol=1e-6)


def test_blobs_lie_near_their_centers():
    centers = np.array([[0.0, 0.0], [5.0, 5.0], [-5.0, 5.0]])
    X, y = D.gaussian_blobs(3000, centers=centers, std=[0.1, 0.5, 1.0], seed=0)
    assert np.bincount(y).tolist() == [1000, 1000, 1000]
    for j, s in enumerate([0.1, 0.5, 1.0]):
        np.testing.assert_allclose(X[y == j].mean(0), centers[j], atol=4 * s / np.sqrt(1000))
        np.testing.assert_allclose(X[y == j].std(0), s, rtol=0.1)
    X, y, mu = D.gaussian_blobs(400, centers=4, std=0.2, center_box=(-3, 3), seed=1, return_centers=True)
    assert mu.shape == (4, 2) and mu.dtype == np.float32 and np.all(np.abs(mu) <= 3)
    assert np.linalg.norm(X - mu[y], axis=1).max() < 2  # every point within 10 std of its own center


def test_checkerboard_labels_by_tile():
    X, y = D.checkerboard(5000, tiles=4, seed=0)
    assert X.min() >= -1 and X.max() < 1
    cells = np.floor((X + 1) * 2).astype(int)  # 4 tiles over a width of 2
    assert y.tolist() == ((cells[:, 0] + cells[:, 1]) % 2).tolist()
    assert 0.45 < y.mean() < 0.55
    assert set(D.checkerboard(100, tiles=1, seed=0)[1].tolist()) == {0}


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: D.moons(0), r"moons: n_samples must be an integer >= 2, got 0"),
        (lambda: D.moons(10, noise=-1), r"noise must be a number >= 0, got -1"),
        (lambda: D.spiral(10, classes=1), r"classes must be an integer >= 2, got 1"),
        (lambda: D.xor_gate(repeat=2.5), r"repeat must be an integer >= 1, got 2.5"),
        (lambda: D.gaussian_blobs(10, centers=[1, 2]), r"centers must be an int or an array"),
        (lambda: D.gaussian_blobs(10, centers=2, std=[1, 2, 3]), r"std must be .* 2 of them"),
        (lambda: D.moons(10, seed=-3), r"seed must be .* got -3"),
        (lambda: D.polynomial(10, degree=2, coefficients=[1, 2]), r"degree=2 but 2 coefficients give degree 1"),
        (lambda: D.linear(10, n_features=2, weights=[1, 2, 3]), r"weights must have shape \(2,\)"),
        (lambda: D.sine(10, low=1, high=0), r"need low < high"),
    ],
)
def test_bad_arguments_are_refused_with_the_value(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- synthetic regression sets ----------------------------------------------------------------


def test_sine_shapes_and_formula():
    X, y = D.sine(500, noise=0.0, seed=0)
    assert X.shape == y.shape == (500, 1) and X.dtype == y.dtype == np.float32
    assert X.min() >= -np.pi and X.max() < np.pi
    np.testing.assert_allclose(y, np.sin(X), atol=1e-6)
    X, y = D.sine(20000, noise=0.1, seed=0)
    assert abs(np.std(y - np.sin(X)) - 0.1) < 0.005


def test_polynomial_coefficients_and_degree():
    X, y = D.polynomial(100, coefficients=[1.0, -2.0, 0.0, 3.0], noise=0.0, seed=0)
    assert X.shape == y.shape == (100, 1) and y.dtype == np.float32
    np.testing.assert_allclose(y, 1 - 2 * X + 3 * X**3, atol=1e-5)
    X, y, c = D.polynomial(5000, degree=4, noise=0.05, seed=1, return_coefficients=True)
    assert c.shape == (5,)
    fitted = np.polynomial.polynomial.polyfit(X[:, 0], y[:, 0], 4)
    np.testing.assert_allclose(fitted, c, atol=0.05)
    assert len(D.polynomial(10, seed=0, return_coefficients=True)[2]) == 4  # degree 3 by default


def test_linear_recovers_its_coefficients():
    X, y, w, b = D.linear(2000, n_features=3, noise=0.1, seed=0, return_coefficients=True)
    assert X.shape == (2000, 3) and y.shape == (2000, 1) and X.dtype == y.dtype == np.float32
    A = np.hstack([X, np.ones((len(X), 1), np.float32)])
    solution = np.linalg.lstsq(A.astype(np.float64), y[:, 0].astype(np.float64), rcond=None)[0]
    np.testing.assert_allclose(solution, [*w, b], atol=0.02)
    X, y = D.linear(10, n_features=2, noise=0.0, weights=[2.0, -1.0], bias=0.5, seed=0)
    np.testing.assert_allclose(y[:, 0], 2 * X[:, 0] - X[:, 1] + 0.5, atol=1e-5)


def test_regression_targets_fit_a_one_unit_model():
    X, y = D.sine(32, seed=0)
    out = nb.nn.Linear(1, 1)(nb.tensor(X))
    assert nb.mse_loss(out, nb.tensor(y)).shape == ()  # (N, 1) against (N, 1): no broadcasting trap


# --- the IDX reader -------------------------------------------------------------------------


def idx_bytes(array: np.ndarray, type_code: int) -> bytes:
    header = bytes([0, 0, type_code, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def test_read_idx_round_trip_plain_and_gzip(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "a.idx").write_bytes(idx_bytes(images, 0x08))
    (tmp_path / "a.idx.gz").write_bytes(gzip.compress(idx_bytes(images, 0x08)))
    (tmp_path / "gz-without-suffix").write_bytes(gzip.compress(idx_bytes(images, 0x08)))
    for name in ("a.idx", "a.idx.gz", "gz-without-suffix"):
        out = D.read_idx(tmp_path / name, magic=D.IDX_IMAGES)
        assert out.dtype == np.uint8 and out.flags.writeable
        np.testing.assert_array_equal(out, images)
    big_endian = np.array([[1, -2, 300], [-40000 // 2, 7, 0]], dtype=np.int16)  # read back as native int16
    (tmp_path / "b.idx").write_bytes(idx_bytes(big_endian, 0x0B))
    out = D.read_idx(tmp_path / "b.idx")
    assert out.dtype == np.int16 and out.dtype.isnative
    np.testing.assert_array_equal(out, big_endian)


def test_read_idx_real_files(shared):
    images = D.read_idx(shared / "mnist/t10k-images-idx3-ubyte.gz", magic=D.IDX_IMAGES)
    labels = D.read_idx(shared / LABELS, magic=D.IDX_LABELS)
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000,) and np.bincount(labels).tolist() == MNIST_TEST_COUNTS


def test_read_idx_wrong_magic(tmp_path, shared):
    with pytest.raises(D.IDXError, match=r"magic number 0x00000801 \(uint8, 1 dimension\), expected 0x00000803"):
        D.read_idx(shared / LABELS, magic=D.IDX_IMAGES)
    bad = tmp_path / "bad.gz"
    bad.write_bytes(gzip.compress(b"\x12\x34\x08\x01" + bytes(12)))
    with pytest.raises(D.IDXError, match=r"bad.gz: not an IDX file: magic number 0x12340801"):
        D.read_idx(bad)
    bad.write_bytes(b"\x00\x00")
    with pytest.raises(D.IDXError, match="too short"):
        D.read_idx(bad)


def test_read_idx_truncated_or_padded_data(tmp_path, shared):
    raw = gzip.decompress((shared / LABELS).read_bytes())
    (tmp_path / "short").write_bytes(gzip.compress(raw[:-10]))
    with pytest.raises(D.IDXError, match=r"truncated: the header declares shape \(10000,\) of uint8, 10,000 bytes"):
        D.read_idx(tmp_path / "short", magic=D.IDX_LABELS)
    (tmp_path / "long").write_bytes(raw + b"\x00")
    with pytest.raises(D.IDXError, match="has trailing bytes"):
        D.read_idx(tmp_path / "long")
    (tmp_path / "header").write_bytes(raw[:10])
    with pytest.raises(D.IDXError, match="truncated"):
        D.read_idx(tmp_path / "header")


def test_read_idx_damaged_gzip(tmp_path, shared):
    gz = (shared / LABELS).read_bytes()
    (tmp_path / "cut.gz").write_bytes(gz[: len(gz) // 2])
    with pytest.raises(D.IDXError, match=r"cut.gz: the gzip stream is truncated"):
        D.read_idx(tmp_path / "cut.gz")
    (tmp_path / "flipped.gz").write_bytes(gz)
    flip_byte(tmp_path / "flipped.gz")
    with pytest.raises(D.IDXError, match="gzip stream is damaged"):
        D.read_idx(tmp_path / "flipped.gz")


# --- MNIST, Fashion-MNIST, Fish Market, digits ---------------------------------------------------


def test_mnist_shapes_counts_and_means(mnist_data):
    (x_train, y_train), (x_test, y_test) = mnist_data
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == x_test.dtype == np.uint8
    assert y_train.shape == (60000,) and y_test.shape == (10000,) and y_train.dtype == np.int64
    assert np.bincount(y_train).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(y_test).tolist() == MNIST_TEST_COUNTS
    assert x_train.mean() == pytest.approx(33.3184, abs=1e-4)
    assert x_test.mean() == pytest.approx(33.7912, abs=1e-4)
    assert y_train[:5].tolist() == [5, 0, 4, 1, 9]


def test_mnist_normalized(shared, mnist_data):
    (x_train, y_train), (x_test, _) = D.mnist(normalize=True)
    assert x_train.dtype == x_test.dtype == np.float32
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert x_train.mean() == pytest.approx(0.1307, abs=1e-4) and x_train.std() == pytest.approx(0.3081, abs=1e-4)
    np.testing.assert_array_equal(y_train, mnist_data[0][1])


def test_fashion_mnist_balanced(fashion_data):
    (x_train, y_train), (x_test, y_test) = fashion_data
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28) and x_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [6000] * 10 and np.bincount(y_test).tolist() == [1000] * 10
    assert x_train.mean() == pytest.approx(72.9404, abs=1e-4) and x_test.mean() == pytest.approx(73.1466, abs=1e-4)
    assert len(D.FASHION_MNIST_CLASSES) == 10 and D.FASHION_MNIST_CLASSES[y_train[0]] == "Ankle boot"


def test_fish_market_regression_layout(shared):
    X, y, names = D.fish_market()
    assert X.shape == (159, 12) and y.shape == (159, 1) and X.dtype == y.dtype == np.float32
    assert names == ["Length1", "Length2", "Length3", "Height", "Width", *(f"Species={s}" for s in D.FISH_SPECIES)]
    one_hot = X[:, 5:]
    assert set(np.unique(one_hot).tolist()) == {0.0, 1.0} and np.all(one_hot.sum(1) == 1)
    assert one_hot.sum(0).tolist() == [35, 20, 6, 11, 56, 17, 14]  # Bream, Roach, Whitefish, Parkki, Perch, Pike, Smelt
    assert y.min() == 0 and y.max() == 1650 and y[40, 0] == 0  # row 41, a Roach, weighs 0
    assert X[:, 0].min() == pytest.approx(7.5) and X[:, 2].max() == pytest.approx(68.0)
    assert X[:, 3].min() == pytest.approx(1.7284) and X[:, 4].max() == pytest.approx(8.142)
    assert np.all(X[:, 0] < X[:, 1]) and np.all(X[:, 1] <= X[:, 2])  # nose to start / notch / end of tail
    X158, y158, _ = D.fish_market(drop_zero_weight=True)
    assert X158.shape == (158, 12) and y158.min() > 0
    Xc, _, names_c = D.fish_market(one_hot=False)
    assert Xc.shape == (159, 6) and names_c[-1] == "Species" and set(Xc[:, 5].tolist()) == set(range(7))


def test_fish_market_species_target(shared):
    X, y, names = D.fish_market(target="Species")
    assert X.shape == (159, 6) and y.dtype == np.int64 and names == ["Weight", *D.FISH_MEASUREMENTS]
    assert np.bincount(y).tolist() == [35, 20, 6, 11, 56, 17, 14]
    cols = D.fish_market_columns()
    assert len(cols["Species"]) == 159 and cols["Species"][0] == "Bream" and cols["Weight"].dtype == np.float64
    with pytest.raises(ValueError, match="target must be 'Weight' or 'Species', got 'Height'"):
        D.fish_market(target="Height")


def test_digits_shapes():
    require("sklearn")
    X, y = D.digits()
    assert X.shape == (1797, 8, 8) and X.dtype == np.float32 and X.max() == 16
    assert y.shape == (1797,) and y.dtype == np.int64 and set(y.tolist()) == set(range(10))
    Xf, _ = D.digits(flatten=True, normalize=True)
    assert Xf.shape == (1797, 64) and Xf.max() == 1.0
    np.testing.assert_array_equal(Xf.reshape(-1, 8, 8) * 16, X)


def test_digits_without_scikit_learn(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match="pip install scikit-learn"):
        D.digits()


# --- where data lives, checksums, downloads ------------------------------------------------------


def test_data_dir_from_env_or_platform_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("NABLA_DATA_DIR", str(tmp_path))
    assert D.data_dir() == tmp_path
    assert D.data_dir("/elsewhere") == Path("/elsewhere")
    monkeypatch.delenv("NABLA_DATA_DIR")
    assert D.data_dir() == D.default_cache_dir()
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        assert D.default_cache_dir() == tmp_path / "xdg" / "nabla"
    pooch = require("pooch")
    assert D.default_cache_dir() == Path(pooch.os_cache("nabla"))


def test_list_datasets(shared, tmp_path):
    rows = {d.name: d for d in D.list_datasets()}
    for name in ("and_gate", "xor_gate", "moons", "circles", "spiral", "gaussian_blobs", "checkerboard", "sine"):
        assert rows[name].kind == "synthetic" and rows[name].cached is None
    for name in ("mnist", "fashion_mnist", "fish_market"):
        assert rows[name].kind == "real" and rows[name].cached is True, rows[name]
    assert rows["digits"].kind == "real"
    copy_into(tmp_path, LABELS)
    flip_byte(tmp_path / LABELS)
    rows = {d.name: d for d in D.list_datasets(tmp_path)}
    assert rows["mnist"].cached is False and f"{LABELS} corrupt" in rows["mnist"].detail
    assert "train-images-idx3-ubyte.gz missing" in rows["mnist"].detail
    assert rows["fish_market"].cached is False
    X, y = D.load("xor_gate")
    assert y.tolist() == [0, 1, 1, 0]
    with pytest.raises(ValueError, match="unknown dataset 'mnist2'"):
        D.load("mnist2")


def test_corrupted_file_is_reported_and_not_used_offline(tmp_path, monkeypatch):
    root = copy_into(
        tmp_path,
        *(f"mnist/{p}-{k}-idx{d}-ubyte.gz" for p in ("train", "t10k") for k, d in (("images", 3), ("labels", 1))),
    )
    flip_byte(root / LABELS)
    bad_hash = cache.sha256sum(root / LABELS)
    monkeypatch.setenv("NABLA_DATA_DIR", str(root))
    monkeypatch.setenv("NABLA_OFFLINE", "1")
    with pytest.raises(D.ChecksumError) as info:
        D.mnist()
    message = str(info.value)
    assert str(root / LABELS) in message and "corrupted or truncated" in message
    assert bad_hash in message and cache.FILES[LABELS].sha256 in message
    assert "NABLA_OFFLINE" in message and "was not used" in message
    assert info.value.actual == bad_hash and info.value.expected == cache.FILES[LABELS].sha256


def test_truncated_file_is_caught_by_its_checksum(tmp_path, monkeypatch):
    copy_into(tmp_path, LABELS)
    data = (tmp_path / LABELS).read_bytes()
    (tmp_path / LABELS).write_bytes(data[:1000])
    monkeypatch.setenv("NABLA_OFFLINE", "true")
    with pytest.raises(D.ChecksumError, match=r"\(1,000 bytes\) but the published file's is .* \(4,542 bytes\)"):
        D.fetch(LABELS, tmp_path)


def test_corrupted_file_in_a_read_only_folder(tmp_path):
    copy_into(tmp_path, LABELS)
    flip_byte(tmp_path / LABELS)
    read_only(tmp_path / "mnist")
    try:
        assert not cache._writable(tmp_path / "mnist")  # even for root: no write permission bit
        with pytest.raises(D.ChecksumError, match=r"read-only; set NABLA_DATA_DIR to a writable folder"):
            D.fetch(LABELS, tmp_path)
    finally:
        (tmp_path / "mnist").chmod(0o755)


def test_missing_file_in_a_read_only_folder_is_not_downloaded(tmp_path):
    (tmp_path / "mnist").mkdir()
    read_only(tmp_path / "mnist")
    try:
        with pytest.raises(
            D.DatasetError, match=r"t10k-labels-idx1-ubyte.gz is missing. It cannot be downloaded: .*read-only"
        ):
            D.fetch(LABELS, tmp_path)
    finally:
        (tmp_path / "mnist").chmod(0o755)


def test_missing_fish_says_where_to_get_it(tmp_path):
    with pytest.raises(D.DatasetError, match=r"Fish.csv is missing.*no canonical download URL"):
        D.fish_market(data_dir=tmp_path)


def test_corrupted_file_is_fetched_again(tmp_path, monkeypatch):
    copy_into(tmp_path, LABELS)
    flip_byte(tmp_path / LABELS)
    calls = []

    def fake_download(entry, target, problem):  # what pooch does, without the network
        calls.append(entry.path)
        shutil.copyfile(shared_dir() / entry.path, target)

    monkeypatch.setattr(cache, "_download", fake_download)
    with pytest.warns(
        D.ChecksumWarning, match=r"corrupted or truncated: its SHA-256 is [0-9a-f]{64}.*downloading it again"
    ):
        path = D.fetch(LABELS, tmp_path)
    assert calls == [LABELS] and path == tmp_path / LABELS
    assert cache.sha256sum(path) == cache.FILES[LABELS].sha256
    assert np.bincount(D.read_idx(path)).tolist() == MNIST_TEST_COUNTS
    D.fetch(LABELS, tmp_path)  # good now: no second download
    assert calls == [LABELS]


def test_a_bad_download_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "_download", lambda entry, target, problem: target.write_bytes(b"not the file"))
    with pytest.raises(D.ChecksumError, match="was downloaded but its SHA-256 is .* it was deleted"):
        D.fetch(LABELS, tmp_path)
    assert not (tmp_path / LABELS).exists()


def test_download_tries_every_mirror_and_reports_each(tmp_path, monkeypatch):
    pooch = require("pooch")
    tried = []

    def retrieve(url, known_hash, fname, path, progressbar):
        tried.append(url)
        assert known_hash == "sha256:" + cache.FILES[LABELS].sha256 and Path(path) == tmp_path / "mnist"
        raise ConnectionError("no network here")

    monkeypatch.setattr(pooch, "retrieve", retrieve)
    monkeypatch.setattr(cache, "_download", _REAL_DOWNLOAD)
    with pytest.raises(D.DownloadError) as info:
        D.fetch(LABELS, tmp_path)
    assert len(tried) == 3 and tried[0] == "https://ossci-datasets.s3.amazonaws.com/mnist/t10k-labels-idx1-ubyte.gz"
    assert all(url in str(info.value) for url in tried) and "ConnectionError: no network here" in str(info.value)


def test_download_without_pooch_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pooch", None)
    monkeypatch.setattr(cache, "_download", _REAL_DOWNLOAD)
    with pytest.raises(ImportError, match=r"is missing. .*pip install pooch \(or pip install 'nabla\[data\]'\)"):
        D.fetch(LABELS, tmp_path)


def test_the_shared_folder_is_used_as_it_is(shared):
    assert D.fetch(LABELS) == shared / LABELS
    assert D.fetch("fish/Fish.csv") == shared / "fish" / "Fish.csv"
    with pytest.raises(KeyError, match="unknown dataset file 'mnist/x'"):
        D.fetch("mnist/x")


def test_pooch_downloads_from_a_local_server(tmp_path, monkeypatch):
    """The real download path end to end, from an HTTP server on 127.0.0.1 serving the shared files."""
    require("pooch")
    import dataclasses
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(shared_dir()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        mirrors = (f"{base}/no-such-folder/", f"{base}/mnist/")  # the first answers 404: the second is tried
        monkeypatch.setitem(cache.FILES, LABELS, dataclasses.replace(cache.FILES[LABELS], urls=mirrors))
        monkeypatch.setattr(cache, "_download", _REAL_DOWNLOAD)
        copy_into(tmp_path, LABELS)
        flip_byte(tmp_path / LABELS)
        with pytest.warns(D.ChecksumWarning):
            path = D.fetch(LABELS, tmp_path)
        assert path == tmp_path / LABELS and cache.sha256sum(path) == cache.FILES[LABELS].sha256
        assert sorted(p.name for p in (tmp_path / "mnist").iterdir()) == ["t10k-labels-idx1-ubyte.gz"]  # no leftovers
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
