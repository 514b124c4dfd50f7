# Learn the Basics: Save and load the model (state_dict round trip inside one library)
import os
import tempfile
import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))
sd = model.state_dict()
print(list(sd.keys()))
for k, v in sd.items():
    print(k, tuple(v.shape), v.dtype)
print(sd['1.num_batches_tracked'])
path = os.path.join(tempfile.mkdtemp(), 'model_weights.pth')
torch.save(model.state_dict(), path)
model2 = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))
print(model2.load_state_dict(torch.load(path, weights_only=True)))
model2.eval()
x = torch.randn(3, 4)
print(torch.equal(model.eval()(x), model2(x)))
missing = model2.load_state_dict({'0.weight': torch.zeros(8, 4)}, strict=False)
print(missing)
print(missing.missing_keys, missing.unexpected_keys)
try:
    model2.load_state_dict({'0.weight': torch.zeros(8, 4)})
except Exception as e:
    print(type(e).__name__, e)
try:
    model2.load_state_dict({**model.state_dict(), '0.weight': torch.zeros(3, 4)})
except Exception as e:
    print(type(e).__name__, e)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
print(opt.state_dict())
print(opt)
