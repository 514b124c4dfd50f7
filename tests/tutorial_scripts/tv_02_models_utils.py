# torchvision models and utils as the course uses them: resnet18 state_dict names, fc replacement, make_grid
import torch
import torchvision
import torchvision.models as models
from torchvision.utils import make_grid

torch.manual_seed(0)
resnet = models.resnet18()
keys = list(resnet.state_dict().keys())
print(len(keys), keys[:8], keys[-4:])
print(sum(p.numel() for p in resnet.parameters()))
fc_in_features = resnet.fc.in_features
print("fc_in_features:", fc_in_features)
print("fc_out_features:", resnet.fc.out_features)
resnet.fc = torch.nn.Linear(fc_in_features, 10)
print(resnet.fc)
for name, param in resnet.named_parameters():
    if not name.startswith('fc'):
        param.requires_grad = False
print([n for n, p in resnet.named_parameters() if p.requires_grad])
resnet.eval()
print(resnet(torch.zeros(1, 3, 64, 64)).shape)
print(resnet.layer1[0])
try:
    models.resnet18(weights='IMAGENET1K_V1', progress=False) if False else None
except Exception as e:
    print(type(e).__name__)
imgs = torch.arange(2 * 3 * 4 * 4, dtype=torch.float32).view(2, 3, 4, 4) / 96
grid = make_grid(imgs, nrow=2, padding=1)
print(grid.shape, grid[0, :3, :6])
print(make_grid(imgs, nrow=1, normalize=True).shape, make_grid(imgs[:, :1], padding=0).shape)
