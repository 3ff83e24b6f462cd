"""``nabla.nn``: layers, losses and the Module system, with PyTorch's names and semantics."""

from . import functional, init, utils
from .activation import ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Step, Swish, Tanh
from .attention import MultiheadAttention
from .conv import AvgPool2d, Conv2d, MaxPool2d
from .dropout import Dropout
from .embedding import Embedding
from .linear import Flatten, Identity, Linear
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss, MSELoss, NLLLoss
from .module import Module, ModuleDict, ModuleList, Sequential
from .normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from .parameter import Parameter
