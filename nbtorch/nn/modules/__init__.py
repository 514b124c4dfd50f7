"""All nn layers; each file holds one family (torch.nn.modules layout)."""
from .module import Module
from .linear import Identity, Linear, Bilinear
from .activation import (ReLU, ReLU6, LeakyReLU, Sigmoid, Tanh, GELU, SiLU, ELU, Softplus, Hardtanh, PReLU,
                         Softmax, LogSoftmax, Softmin, Softmax2d, MultiheadAttention, Mish, Hardswish, Hardsigmoid,
                         SELU, CELU, Threshold, Hardshrink, Softshrink, GLU, LogSigmoid, Softsign, Tanhshrink)
from .container import Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict
from .flatten import Flatten, Unflatten
from .dropout import Dropout, Dropout1d, Dropout2d, Dropout3d
from .normalization import LayerNorm, GroupNorm, RMSNorm
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .padding import (ZeroPad1d, ZeroPad2d, ZeroPad3d, ConstantPad1d, ConstantPad2d, ConstantPad3d, ReflectionPad1d,
                      ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d, ReplicationPad3d,
                      CircularPad1d, CircularPad2d, CircularPad3d)
from .resampling import Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, Unfold, Fold, PixelShuffle, PixelUnshuffle
from .sparse import Embedding
from .distance import CosineSimilarity, PairwiseDistance
from .rnn import RNNBase, RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell
from .transformer import (TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder,
                          Transformer)
from .loss import (L1Loss, MSELoss, SmoothL1Loss, HuberLoss, CrossEntropyLoss, NLLLoss, BCELoss,
                   BCEWithLogitsLoss, KLDivLoss, MarginRankingLoss, CosineEmbeddingLoss, HingeEmbeddingLoss,
                   SoftMarginLoss, TripletMarginLoss, PoissonNLLLoss, GaussianNLLLoss, MultiLabelSoftMarginLoss)

# ---- convolution and pooling (helper H5 owns conv.py / pooling.py and edits this block) ----
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d  # noqa: F401
from .pooling import (MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d,  # noqa: F401
                      AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool2d)
# ---- end of H5 block ----
