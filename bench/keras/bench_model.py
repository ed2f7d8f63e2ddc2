#!/usr/bin/env python3
"""Keras peer for bench/model.bench.ts: the same Table 1 model (Chegeni et al. 2025), random weights,
measured the same way as the TensorFlow.js side. Prints one JSON object on stdout.

  inference: model.predict(x, batch_size=B) over N maps, after a warm-up call      -> maps/s
  training:  model.fit(x, y, batch_size=32): a warm-up epoch, then E timed epochs   -> median samples/s
  IG:        64 maps x S steps (right Riemann), zero baseline, gradient of the logit (the
             pre-sigmoid Dense(1)), chunks of C interpolated maps, one tf.function-compiled
             GradientTape per chunk (the TensorFlow IG tutorial's pattern)              -> s, maps/s

Run with the throwaway venv:  /tmp/galspin-keras-venv/bin/python bench/keras/bench_model.py
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers, regularizers  # noqa: E402


def build_model():
    """Table 1: 595,873 parameters; the logit is a linear Dense(1), then a sigmoid Activation."""
    inp = keras.Input((40, 40, 1))
    x = inp
    for f in (64, 128, 256):
        x = layers.Conv2D(f, 3, activation="relu", kernel_regularizer=regularizers.l2(1e-3))(x)
        x = layers.MaxPooling2D(2)(x)
        x = layers.BatchNormalization()(x)
    x = layers.Flatten()(x)
    x = layers.Dense(96, activation="relu")(x)
    x = layers.Dropout(0.4)(x)
    x = layers.Dense(32, activation="relu")(x)
    x = layers.Dropout(0.4)(x)
    logit = layers.Dense(1, name="logit")(x)
    out = layers.Activation("sigmoid")(logit)
    model = keras.Model(inp, out)
    model.compile(optimizer=keras.optimizers.Adam(2e-4, beta_1=0.9), loss="binary_crossentropy", metrics=["accuracy"])
    return model, keras.Model(inp, logit)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--infer-maps", type=int, default=4096)
    ap.add_argument("--infer-batch", type=int, default=256)
    ap.add_argument("--train-samples", type=int, default=1024)
    ap.add_argument("--train-batch", type=int, default=32)
    ap.add_argument("--train-epochs", type=int, default=5)
    ap.add_argument("--ig-maps", type=int, default=64)
    ap.add_argument("--ig-steps", type=int, default=50)
    ap.add_argument("--ig-chunk", type=int, default=128)
    a = ap.parse_args()

    rng = np.random.default_rng(1)
    model, logit_model = build_model()
    out = {"peer": "keras", "tensorflow": tf.__version__, "keras": keras.__version__,
           "params": int(model.count_params()), "threads": {
               "intra": tf.config.threading.get_intra_op_parallelism_threads(),
               "inter": tf.config.threading.get_inter_op_parallelism_threads()}}

    x = rng.normal(size=(a.infer_maps, 40, 40, 1)).astype("float32")
    model.predict(x[: a.infer_batch * 2], batch_size=a.infer_batch, verbose=0)
    t = time.perf_counter()
    model.predict(x, batch_size=a.infer_batch, verbose=0)
    dt = time.perf_counter() - t
    out["inference"] = {"maps": a.infer_maps, "batch": a.infer_batch, "seconds": dt, "mapsPerSec": a.infer_maps / dt}

    xt = rng.normal(size=(a.train_samples, 40, 40, 1)).astype("float32")
    yt = (rng.random(a.train_samples) > 0.5).astype("float32")
    model.fit(xt[: a.train_batch * 4], yt[: a.train_batch * 4], batch_size=a.train_batch, epochs=1, verbose=0)
    per_epoch = []
    for _ in range(a.train_epochs):
        t = time.perf_counter()
        model.fit(xt, yt, batch_size=a.train_batch, epochs=1, verbose=0)
        per_epoch.append(a.train_samples / (time.perf_counter() - t))
    median = float(np.median(per_epoch))
    out["training"] = {"samples": a.train_samples, "batch": a.train_batch, "seconds": a.train_samples / median,
                       "samplesPerSec": median, "perEpoch": per_epoch}

    @tf.function(reduce_retracing=True)
    def grads(batch):
        with tf.GradientTape() as tape:
            tape.watch(batch)
            f = tf.reduce_sum(logit_model(batch, training=False))
        return tape.gradient(f, batch)

    def integrated_gradients(maps, steps, chunk):
        n = maps.shape[0]
        alphas = (np.arange(1, steps + 1) / steps).astype("float32")
        map_idx = np.repeat(np.arange(n), steps)
        alpha = np.tile(alphas, n)
        acc = np.zeros_like(maps, dtype="float64")
        for s in range(0, n * steps, chunk):
            idx = map_idx[s : s + chunk]
            al = alpha[s : s + chunk]
            g = grads(tf.constant(maps[idx] * al[:, None, None, None])).numpy()
            np.add.at(acc, idx, g / steps)
        ig = maps * acc
        f = logit_model(maps, training=False).numpy()[:, 0]
        f0 = logit_model(np.zeros_like(maps[:1]), training=False).numpy()[0, 0]
        gap = np.abs(ig.reshape(n, -1).sum(1) - (f - f0)) / np.abs(f - f0)
        return ig, gap

    xi = rng.normal(size=(a.ig_maps, 40, 40, 1)).astype("float32")
    integrated_gradients(xi, a.ig_steps, a.ig_chunk)  # trace and warm up: steady state, as galspin's side
    t = time.perf_counter()
    _, gap = integrated_gradients(xi, a.ig_steps, a.ig_chunk)
    dt = time.perf_counter() - t
    out["ig"] = {"maps": a.ig_maps, "steps": a.ig_steps, "chunk": a.ig_chunk, "seconds": dt,
                 "mapsPerSec": a.ig_maps / dt, "medianGap": float(np.median(gap))}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
