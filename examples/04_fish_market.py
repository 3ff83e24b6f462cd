# %% [markdown]
# # Lab 4: predict a fish's weight from its measurements with a Keras-style MLP, against linear regression
#
# The Fish Market table (159 fish of 7 species; the one with weight 0 is
# dropped): five lengths/heights/widths in cm and the species (one-hot) ->
# the weight in grams. A held-out test split (20%) is never seen during
# training; the features are standardised with statistics of the training
# split only (``nabla.data.StandardScaler``), and so is the target for the
# MLP (its predictions are mapped back to grams). The baseline is ordinary
# least squares on the same features. The MLP uses the last 20% of the
# training split for validation and early stopping.
#
# Weight grows like length cubed, so a straight line in the lengths leaves a
# curved error pattern, which the MLP can bend to. With 32 test fish one
# split's numbers are noisy: the full run repeats everything on five splits
# and prints the mean and spread.
#
#     python examples/04_fish_market.py [--quick] [--out DIR]
#
# Prints R^2 and MAE (grams) on the test split for both models; writes
# ``fish_predictions.png`` (predicted against true weight) and ``fish_mlp_history.png``.


# %%
import argparse
import os
import shlex
from pathlib import Path

import numpy as np

import nabla as nb
import nabla.plot as nbplot
from nabla import callbacks, datasets, layers, models
from nabla.data import StandardScaler, train_test_split


# %%
def r2_mae(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, float]:
    y_true, y_pred = y_true.reshape(-1).astype(np.float64), y_pred.reshape(-1).astype(np.float64)
    r2 = 1.0 - np.sum((y_true - y_pred) ** 2) / np.sum((y_true - y_true.mean()) ** 2)
    return float(r2), float(np.mean(np.abs(y_true - y_pred)))


# %%
def linear_regression(X_train, y_train, X_test):
    """Least squares with an intercept (``lstsq``: the minimum-norm solution, the one-hot columns being collinear)."""
    A = np.column_stack([X_train, np.ones(len(X_train))]).astype(np.float64)
    coef, *_ = np.linalg.lstsq(A, y_train.astype(np.float64), rcond=None)
    return np.column_stack([X_test, np.ones(len(X_test))]) @ coef


# %%
def mlp(n_features: int):
    model = models.Sequential(
        [
            layers.Input(shape=(n_features,)),
            layers.Dense(64, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer=nb.optim.Adam(lr=3e-3), loss="mse", metrics=["mae"])
    return model


# %%
def run(seed: int, epochs: int):
    X, y, names = datasets.fish_market(drop_zero_weight=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=seed)
    x_scaler, y_scaler = StandardScaler().fit(X_train), StandardScaler().fit(y_train)
    Xs_train, Xs_test = x_scaler.transform(X_train), x_scaler.transform(X_test)

    baseline = linear_regression(Xs_train, y_train, Xs_test)

    nb.manual_seed(seed)
    model = mlp(X.shape[1])
    stop = callbacks.EarlyStopping(monitor="val_loss", patience=60, restore_best_weights=True)
    history = model.fit(
        Xs_train,
        y_scaler.transform(y_train),
        epochs=epochs,
        batch_size=16,
        validation_split=0.2,
        verbose=0,
        callbacks=[stop],
    )
    predicted = y_scaler.inverse_transform(model.predict(Xs_test))
    return {
        "linear": (r2_mae(y_test, baseline), baseline),
        "mlp": (r2_mae(y_test, predicted), predicted),
        "y_test": y_test,
        "history": history,
        "epochs_run": len(history.history["loss"]),
    }


# %% [markdown]
# ## Settings
#
# From the command line: `--quick` for a seconds-long run, `--out DIR` for the figures (see the top).
# In Jupyter, change the defaults here, or start Jupyter with `NABLA_LAB_ARGS="--quick"` in the environment.

# %%
parser = argparse.ArgumentParser(
    description="Lab 4: predict a fish's weight from its measurements with a Keras-style MLP,"
    " against linear regression"
)
parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
parser.add_argument("--out", default="lab-output/04", help="folder for the figures")
# A notebook has no __file__, and its kernel's command line is not the lab's: there the options come from
# $NABLA_LAB_ARGS. A script (also under IPython's %run) reads its own command line.
args = parser.parse_args(None if "__file__" in globals() else shlex.split(os.environ.get("NABLA_LAB_ARGS", "")))
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)


# %% [markdown]
# ## Linear regression against the MLP, on each train/test split

# %%
epochs = 30 if args.quick else 600
seeds = [0] if args.quick else [0, 1, 2, 3, 4]

runs = [run(seed, epochs) for seed in seeds]
first = runs[0]
for seed, r in zip(seeds, runs):
    (lr2, lmae), (mr2, mmae) = r["linear"][0], r["mlp"][0]
    print(
        f"split {seed}: linear regression R^2 {lr2:.3f}, MAE {lmae:5.1f} g | "
        f"MLP R^2 {mr2:.3f}, MAE {mmae:5.1f} g ({r['epochs_run']} epochs, early stopping)"
    )
if len(runs) > 1:
    for name in ("linear", "mlp"):
        scores = np.array([r[name][0] for r in runs])
        print(
            f"{'linear regression' if name == 'linear' else 'MLP':17} over {len(runs)} splits: "
            f"R^2 {scores[:, 0].mean():.3f} +- {scores[:, 0].std():.3f}, MAE {scores[:, 1].mean():.1f} +- "
            f"{scores[:, 1].std():.1f} g"
        )


# %% [markdown]
# ## Predicted against true weight, on the test split

# %%
fig = nbplot.figure(figsize=(6, 5))
ax = fig.subplots()
y_test = first["y_test"][:, 0]
for name, label, marker in (("linear", "linear regression", "s"), ("mlp", "MLP 64-32", "o")):
    (r2, mae), predicted = first[name]
    ax.scatter(
        y_test, predicted[:, 0], marker=marker, s=30, alpha=0.8, label=f"{label}: R^2 {r2:.3f}, MAE {mae:.0f} g"
    )
top = float(max(y_test.max(), first["mlp"][1].max())) * 1.05
ax.plot([0, top], [0, top], "k--", lw=1, label="perfect")
ax.set_xlabel("true weight (g)")
ax.set_ylabel("predicted weight (g)")
ax.set_title("Fish Market, test split (split 0)")
ax.legend(fontsize=8)
ax.grid(alpha=0.3)
fig.savefig(out / "fish_predictions.png", dpi=110)
print(f"wrote {out / 'fish_predictions.png'}")
fig


# %% [markdown]
# ## The MLP's training curves (split 0)

# %%
curves = nbplot.history(first["history"], path=out / "fish_mlp_history.png")
print(f"wrote {out / 'fish_mlp_history.png'}")
curves
