# nn.init and writing layers: default init, init functions, parameter counting, F.* functional forms
import math
import torch
from torch import nn
import torch.nn.functional as F

torch.manual_seed(0)
lin = nn.Linear(3, 2)
print(lin.weight, lin.bias)
conv = nn.Conv2d(1, 2, 2)
print(conv.weight, conv.bias)
emb = nn.Embedding(4, 2)
print(emb.weight)
bn = nn.BatchNorm1d(3)
print(bn.weight, bn.bias, bn.running_var)
rnn = nn.RNN(2, 2)
print([p.shape for p in rnn.parameters()], rnn.weight_hh_l0)
w = torch.empty(3, 5)
print(nn.init.uniform_(w, -1, 1))
print(nn.init.normal_(w, 0, 0.1))
print(nn.init.constant_(w, 0.3), nn.init.zeros_(torch.empty(2)), nn.init.ones_(torch.empty(2)))
print(nn.init.xavier_uniform_(w), nn.init.xavier_normal_(w))
print(nn.init.kaiming_uniform_(w, a=math.sqrt(5)), nn.init.kaiming_normal_(w, mode='fan_out', nonlinearity='relu'))
print(nn.init.calculate_gain('relu'), nn.init.calculate_gain('leaky_relu', 0.2), nn.init.calculate_gain('tanh'))
x = torch.randn(3, 3)
print(F.linear(x, lin.weight, lin.bias), lin(x))
print(F.relu(x), F.leaky_relu(x, 0.1), F.gelu(x), F.sigmoid(x), F.softmax(x, dim=1), F.log_softmax(x, 1))
print(F.one_hot(torch.tensor([0, 2, 1]), num_classes=3), F.pad(torch.ones(1, 2), (1, 1), value=0.5))
print(F.dropout(x, 0.5, training=False), F.normalize(x, dim=1), F.cosine_similarity(x, x.flip(0)))
t = torch.tensor([1, 0, 2])
print(F.cross_entropy(x, t), F.cross_entropy(x, t, reduction='none'), F.cross_entropy(x, t, label_smoothing=0.1))
print(F.nll_loss(F.log_softmax(x, 1), t), F.mse_loss(x, x * 2), F.l1_loss(x, x * 0), F.smooth_l1_loss(x, x * 3))
print(F.binary_cross_entropy(torch.sigmoid(x), torch.ones_like(x)), F.binary_cross_entropy_with_logits(x, torch.zeros_like(x), pos_weight=torch.ones(3) * 2))
print(F.kl_div(F.log_softmax(x, 1), F.softmax(x * 2, 1), reduction='batchmean'))
try:
    F.cross_entropy(x, torch.tensor([0, 5, 1]))
except Exception as e:
    print(type(e).__name__, e)
try:
    F.mse_loss(x, torch.ones(3, 3))
except Exception as e:
    print(type(e).__name__, e)
print(nn.CrossEntropyLoss(ignore_index=1)(x, t), nn.CrossEntropyLoss(weight=torch.tensor([1., 2., 3.]))(x, t))
print(nn.CrossEntropyLoss()(x, F.softmax(x * 3, 1)), nn.NLLLoss(reduction='sum')(x, t))
print(nn.utils.parameters_to_vector(lin.parameters()))
