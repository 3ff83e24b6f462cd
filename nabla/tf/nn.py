"""``tf.nn``: activations, per-example losses and the arithmetic of layers (defined in ``nn_ops``)."""

from ._missing import missing
from .conv_ops import conv2d, depthwise_conv2d
from .math_ops import sigmoid, softplus, tanh
from .nn_ops import (
    batch_normalization,
    bias_add,
    dropout,
    elu,
    embedding_lookup,
    gelu,
    l2_loss,
    leaky_relu,
    log_softmax,
    moments,
    relu,
    relu6,
    selu,
    sigmoid_cross_entropy_with_logits,
    silu,
    softmax,
    softmax_cross_entropy_with_logits,
    softsign,
    sparse_softmax_cross_entropy_with_logits,
    swish,
    weighted_cross_entropy_with_logits,
)
from .pool_ops import avg_pool, max_pool
from .reduce_ops import l2_normalize, top_k


def __getattr__(name: str):
    raise missing("tf.nn", name)
