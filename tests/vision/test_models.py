"""nbtorch.vision.models against reference torch models built in this file.

torchvision is not installed beside this torch, so the reference ResNet below is a
faithful copy of torchvision's (torchvision/models/resnet.py) written with torch.nn.
Weights are copied through state_dict, then outputs and gradients are compared in
train and eval mode.
"""
import urllib.error

import numpy as np
import pytest
import torch
import torch.nn as tnn

import nbtorch
from nbtorch.vision import models
from nbtorch.vision.datasets import utils as dutils
from tests.helpers import to_np


# ----------------------------------------------------------------------------- torch reference (torchvision's code)
def conv3x3(i, o, stride=1):
    return tnn.Conv2d(i, o, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(i, o, stride=1):
    return tnn.Conv2d(i, o, kernel_size=1, stride=stride, bias=False)


class TBasicBlock(tnn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = tnn.BatchNorm2d(planes)
        self.relu = tnn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = tnn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class TBottleneck(tnn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv1x1(inplanes, planes)
        self.bn1 = tnn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = tnn.BatchNorm2d(planes)
        self.conv3 = conv1x1(planes, planes * 4)
        self.bn3 = tnn.BatchNorm2d(planes * 4)
        self.relu = tnn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class TResNet(tnn.Module):
    def __init__(self, block, layers, num_classes=1000):
        super().__init__()
        self.inplanes = 64
        self.conv1 = tnn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = tnn.BatchNorm2d(64)
        self.relu = tnn.ReLU(inplace=True)
        self.maxpool = tnn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = tnn.AdaptiveAvgPool2d((1, 1))
        self.fc = tnn.Linear(512 * block.expansion, num_classes)

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = tnn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                        tnn.BatchNorm2d(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes))
        return tnn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def torch_lenet5():
    return tnn.Sequential(tnn.Conv2d(1, 6, 5, padding=2), tnn.ReLU(), tnn.MaxPool2d(2),
                          tnn.Conv2d(6, 16, 5), tnn.ReLU(), tnn.MaxPool2d(2), tnn.Flatten(),
                          tnn.Linear(400, 120), tnn.ReLU(), tnn.Linear(120, 84), tnn.ReLU(), tnn.Linear(84, 10))


class TSmallVGG(tnn.Module):
    def __init__(self, num_classes=10, in_channels=3):
        super().__init__()
        layers, c = [], in_channels
        for v in [16, "M", 32, "M", 64, 64, "M", 128, 128, "M"]:
            if v == "M":
                layers.append(tnn.MaxPool2d(2, 2))
            else:
                layers += [tnn.Conv2d(c, v, 3, padding=1), tnn.BatchNorm2d(v), tnn.ReLU(inplace=True)]
                c = v
        self.features = tnn.Sequential(*layers)
        self.avgpool = tnn.AdaptiveAvgPool2d((1, 1))
        self.classifier = tnn.Sequential(tnn.Linear(128, 64), tnn.ReLU(True), tnn.Dropout(0.5), tnn.Linear(64, num_classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


# ----------------------------------------------------------------------------- helpers
def shapes(sd):
    return {k: tuple(v.shape) for k, v in sd.items()}


def copy_weights(nb_model, th_model):
    """nbtorch's (randomly initialised) weights into the torch model, checking the keys match exactly."""
    sd = nb_model.state_dict()
    tsd = th_model.state_dict()
    assert list(sd.keys()) == list(tsd.keys())
    assert shapes(sd) == shapes(tsd)
    th_model.load_state_dict({k: torch.from_numpy(np.array(to_np(v))) for k, v in sd.items()})


def assert_close(a, b, name, rtol=2e-4, atol_scale=2e-5):
    a, b = to_np(a), to_np(b)
    atol = atol_scale * max(1.0, float(np.abs(b).max()))
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=name)


def compare_models(nb_model, th_model, shape, train, seed=0, check_grads=True):
    copy_weights(nb_model, th_model)
    nb_model.train(train)
    th_model.train(train)
    x = np.random.RandomState(seed).randn(*shape).astype(np.float32)
    xn = nbtorch.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    yn, yt = nb_model(xn), th_model(xt)
    assert yn.dtype == nbtorch.float32 and tuple(yn.shape) == tuple(yt.shape)
    assert_close(yn, yt.detach(), "output")
    if check_grads:
        g = np.random.RandomState(seed + 1).randn(*yt.shape).astype(np.float32)
        yn.backward(nbtorch.tensor(g))
        yt.backward(torch.tensor(g))
        assert_close(xn.grad, xt.grad, "input grad")
        tparams = dict(th_model.named_parameters())
        for name, p in nb_model.named_parameters():
            assert_close(p.grad, tparams[name].grad, f"grad of {name}")
    tbufs = dict(th_model.named_buffers())
    for name, b in nb_model.named_buffers():                # BN running stats after a train-mode forward
        assert_close(b, tbufs[name], f"buffer {name}", rtol=1e-4)


# ----------------------------------------------------------------------------- resnet
def test_resnet18_state_dict_equals_torchvision():
    nb_sd = models.resnet18().state_dict()
    t_sd = TResNet(TBasicBlock, [2, 2, 2, 2]).state_dict()
    assert list(nb_sd.keys()) == list(t_sd.keys())
    assert shapes(nb_sd) == shapes(t_sd)
    assert len(nb_sd) == 122 and "layer2.0.downsample.1.running_var" in nb_sd and "fc.weight" in nb_sd
    assert nb_sd["layer1.0.bn1.num_batches_tracked"].dtype == nbtorch.int64
    assert sum(p.numel() for p in models.resnet18().parameters()) == 11689512  # torchvision's count
    assert tuple(models.resnet18(num_classes=10).fc.weight.shape) == (10, 512)


def test_resnet50_state_dict_equals_torchvision():
    nb_sd = models.resnet50().state_dict()
    t_sd = TResNet(TBottleneck, [3, 4, 6, 3]).state_dict()
    assert list(nb_sd.keys()) == list(t_sd.keys()) and shapes(nb_sd) == shapes(t_sd)


@pytest.mark.parametrize("train", [True, False])
def test_resnet18_matches_torch_forward_backward(train):
    nbtorch.manual_seed(0)
    compare_models(models.resnet18(num_classes=10), TResNet(TBasicBlock, [2, 2, 2, 2], num_classes=10),
                   (2, 3, 48, 48), train)


def test_resnet_init_follows_torchvision():
    nbtorch.manual_seed(0)
    m = models.resnet18()
    w = to_np(m.conv1.weight)
    # kaiming_normal_(mode="fan_out", nonlinearity="relu"): std = sqrt(2 / (64 * 7 * 7))
    assert abs(w.std() - np.sqrt(2 / (64 * 49))) < 0.05 * np.sqrt(2 / (64 * 49))
    assert (to_np(m.bn1.weight) == 1).all() and (to_np(m.bn1.bias) == 0).all()
    z = models.resnet18(zero_init_residual=True)
    assert (to_np(z.layer1[0].bn2.weight) == 0).all()


# ----------------------------------------------------------------------------- lenet / vgg
@pytest.mark.parametrize("train", [True, False])
def test_lenet5_matches_torch(train):
    nbtorch.manual_seed(0)
    compare_models(models.LeNet5(), torch_lenet5(), (4, 1, 28, 28), train)


@pytest.mark.parametrize("train", [True, False])
def test_small_vgg_matches_torch(train):
    nbtorch.manual_seed(0)
    nb_model, th_model = models.vgg_small(num_classes=10), TSmallVGG(10)
    if train:      # dropout draws differ between libraries; compare train-mode BN with dropout off
        nb_model.classifier[2].p = 0.0
        th_model.classifier[2].p = 0.0
    compare_models(nb_model, th_model, (3, 3, 32, 32), train)
    out = models.vgg_small(num_classes=7, in_channels=1)(nbtorch.randn(2, 1, 28, 28))
    assert tuple(out.shape) == (2, 7)


def test_vgg11_state_dict_names(monkeypatch):
    # 133M parameters: skip the random initialisation, only names and shapes are checked here
    import nbtorch.nn as nn
    monkeypatch.setattr(nn.Linear, "reset_parameters", lambda self: None)
    monkeypatch.setattr(nn.Conv2d, "reset_parameters", lambda self: None)
    sd = models.vgg11(num_classes=10, init_weights=False).state_dict()
    keys = list(sd)
    assert keys[:2] == ["features.0.weight", "features.0.bias"]
    assert "features.18.weight" in sd and "classifier.6.weight" in sd
    assert tuple(sd["classifier.0.weight"].shape) == (4096, 25088)
    assert tuple(sd["classifier.6.weight"].shape) == (10, 4096)
    assert "features.1.running_mean" in models.vgg11_bn(init_weights=False).state_dict()


# ----------------------------------------------------------------------------- weights
@pytest.fixture
def offline(monkeypatch, tmp_path):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))

    def no_network(url, fpath, *a, **k):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")
    monkeypatch.setattr(dutils, "_urlretrieve", no_network)
    return tmp_path


@pytest.mark.parametrize("weights", [models.ResNet18_Weights.DEFAULT, "DEFAULT", "ResNet18_Weights.IMAGENET1K_V1"])
def test_pretrained_weights_offline_error(offline, weights):
    assert models.ResNet18_Weights.DEFAULT is models.ResNet18_Weights.IMAGENET1K_V1
    with pytest.raises(RuntimeError, match="no network") as e:
        models.resnet18(weights=weights)
    msg = str(e.value)
    assert "https://download.pytorch.org/models/resnet18-f37072fd.pth" in msg
    assert "weights='/path/to/resnet18-f37072fd.pth'" in msg
    with pytest.raises(RuntimeError, match="no network"):
        models.resnet18(pretrained=True)


def test_weights_argument_errors(offline):
    with pytest.raises(ValueError, match="not a member of ResNet18_Weights"):
        models.resnet18(weights="IMAGENET9K")
    with pytest.raises(ValueError, match="The parameter 'num_classes' expected value 1000 but got 10 instead."):
        models.resnet18(weights=models.ResNet18_Weights.DEFAULT, num_classes=10)
    with pytest.raises(TypeError, match="Invalid Weight class provided; expected ResNet18_Weights"):
        models.resnet18(weights=models.ResNet50_Weights.DEFAULT)
    with pytest.raises(FileNotFoundError):
        models.resnet18(weights=str(offline / "missing.pth"))


def test_weights_from_local_safetensors_file(tmp_path):
    from safetensors.torch import save_file
    torch.manual_seed(0)
    ref = TResNet(TBasicBlock, [2, 2, 2, 2], num_classes=5).eval()
    path = tmp_path / "resnet18_5.safetensors"
    save_file({k: v.contiguous() for k, v in ref.state_dict().items()}, str(path))
    m = models.resnet18(weights=str(path), num_classes=5).eval()
    x = np.random.RandomState(0).randn(1, 3, 40, 40).astype(np.float32)
    assert_close(m(nbtorch.tensor(x)), ref(torch.tensor(x)).detach(), "output")


def test_weights_from_torch_hub_cache(offline):
    torch.manual_seed(1)
    ref = TResNet(TBasicBlock, [2, 2, 2, 2]).eval()
    ckpt = offline / "torch_home" / "hub" / "checkpoints"
    ckpt.mkdir(parents=True)
    torch.save(ref.state_dict(), str(ckpt / "resnet18-f37072fd.pth"))
    m = models.resnet18(weights=models.ResNet18_Weights.IMAGENET1K_V1).eval()
    x = np.random.RandomState(0).randn(1, 3, 32, 32).astype(np.float32)
    assert_close(m(nbtorch.tensor(x)), ref(torch.tensor(x)).detach(), "output")


def test_weights_saved_by_nbtorch_load_into_torch_and_back(tmp_path):
    m = models.resnet18(num_classes=4).eval()
    path = str(tmp_path / "r18.pth")
    nbtorch.save(m.state_dict(), path)
    ref = TResNet(TBasicBlock, [2, 2, 2, 2], num_classes=4).eval()
    ref.load_state_dict(torch.load(path, weights_only=True))
    again = models.resnet18(weights=path, num_classes=4).eval()
    x = np.random.RandomState(0).randn(1, 3, 32, 32).astype(np.float32)
    out = m(nbtorch.tensor(x))
    assert_close(out, ref(torch.tensor(x)).detach(), "torch model with nbtorch's weights")
    np.testing.assert_array_equal(to_np(again(nbtorch.tensor(x))), to_np(out))


def test_get_model_and_transforms_of_weights():
    assert "resnet18" in models.list_models()
    m = models.get_model("resnet18", num_classes=3)
    assert tuple(m.fc.weight.shape) == (3, 512)
    preprocess = models.ResNet18_Weights.DEFAULT.transforms()
    assert "Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])" in repr(preprocess)


# ----------------------------------------------------------------------------- googlenet (torchvision's googlenet.py in torch)
class TBasicConv2d(tnn.Module):
    def __init__(self, i, o, **kw):
        super().__init__()
        self.conv = tnn.Conv2d(i, o, bias=False, **kw)
        self.bn = tnn.BatchNorm2d(o, eps=0.001)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


class TInception(tnn.Module):
    def __init__(self, i, c1, c3r, c3, c5r, c5, pp):
        super().__init__()
        self.branch1 = TBasicConv2d(i, c1, kernel_size=1)
        self.branch2 = tnn.Sequential(TBasicConv2d(i, c3r, kernel_size=1), TBasicConv2d(c3r, c3, kernel_size=3, padding=1))
        self.branch3 = tnn.Sequential(TBasicConv2d(i, c5r, kernel_size=1), TBasicConv2d(c5r, c5, kernel_size=3, padding=1))
        self.branch4 = tnn.Sequential(tnn.MaxPool2d(3, stride=1, padding=1, ceil_mode=True), TBasicConv2d(i, pp, kernel_size=1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class TInceptionAux(tnn.Module):
    def __init__(self, i, n, dropout):
        super().__init__()
        self.conv = TBasicConv2d(i, 128, kernel_size=1)
        self.fc1 = tnn.Linear(2048, 1024)
        self.fc2 = tnn.Linear(1024, n)
        self.dropout = tnn.Dropout(p=dropout)

    def forward(self, x):
        x = torch.flatten(self.conv(torch.nn.functional.adaptive_avg_pool2d(x, (4, 4))), 1)
        return self.fc2(self.dropout(torch.relu(self.fc1(x))))


class TGoogLeNet(tnn.Module):
    def __init__(self, num_classes=1000, dropout=0.2, dropout_aux=0.7):
        super().__init__()
        self.conv1 = TBasicConv2d(3, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = tnn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = TBasicConv2d(64, 64, kernel_size=1)
        self.conv3 = TBasicConv2d(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = tnn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception3a = TInception(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = TInception(256, 128, 128, 192, 32, 96, 64)
        self.maxpool3 = tnn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception4a = TInception(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = TInception(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = TInception(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = TInception(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = TInception(528, 256, 160, 320, 32, 128, 128)
        self.maxpool4 = tnn.MaxPool2d(2, stride=2, ceil_mode=True)
        self.inception5a = TInception(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = TInception(832, 384, 192, 384, 48, 128, 128)
        self.aux1 = TInceptionAux(512, num_classes, dropout_aux)
        self.aux2 = TInceptionAux(528, num_classes, dropout_aux)
        self.avgpool = tnn.AdaptiveAvgPool2d((1, 1))
        self.dropout = tnn.Dropout(p=dropout)
        self.fc = tnn.Linear(1024, num_classes)

    def forward(self, x):
        x = self.maxpool2(self.conv3(self.conv2(self.maxpool1(self.conv1(x)))))
        x = self.inception4a(self.maxpool3(self.inception3b(self.inception3a(x))))
        aux1 = self.aux1(x) if self.training else None
        x = self.inception4d(self.inception4c(self.inception4b(x)))
        aux2 = self.aux2(x) if self.training else None
        x = self.inception5b(self.inception5a(self.maxpool4(self.inception4e(x))))
        x = self.fc(self.dropout(torch.flatten(self.avgpool(x), 1)))
        return (x, aux2, aux1) if self.training else x


@pytest.mark.parametrize("train", [True, False])
def test_googlenet_matches_torch(train):
    nbtorch.manual_seed(0)
    nb_model = models.googlenet(num_classes=10, dropout=0.0, dropout_aux=0.0)
    th_model = TGoogLeNet(num_classes=10, dropout=0.0, dropout_aux=0.0)
    copy_weights(nb_model, th_model)
    nb_model.train(train)
    th_model.train(train)
    dtype = np.float32
    if train:
        # ~60 BatchNorms on 2x2 maps with batch 2: float32 gradients of the two libraries drift apart by ~2e-4
        # (each drifts as far from the float64 truth), so the train-mode check runs in float64.
        nb_model.double()
        th_model.double()
        dtype = np.float64
    x = np.random.RandomState(0).randn(2, 3, 64, 64).astype(dtype)
    xn, xt = nbtorch.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    yn, yt = nb_model(xn), th_model(xt)
    if train:
        assert type(yn).__name__ == "GoogLeNetOutputs" and yn._fields == ("logits", "aux_logits2", "aux_logits1")
        for a, b, name in zip(yn, yt, yn._fields):
            assert_close(a, b.detach(), name)
        (yn.logits.sum() + 0.3 * yn.aux_logits2.sum() + 0.3 * yn.aux_logits1.sum()).backward()
        (yt[0].sum() + 0.3 * yt[1].sum() + 0.3 * yt[2].sum()).backward()
    else:
        assert_close(yn, yt.detach(), "logits")
        yn.sum().backward()
        yt.sum().backward()
    assert_close(xn.grad, xt.grad, "input grad")
    tparams = dict(th_model.named_parameters())
    for name in ("conv1.conv.weight", "inception4a.branch3.1.bn.weight", "aux2.fc1.weight", "fc.bias"):
        if train or not name.startswith("aux"):
            assert_close(dict(nb_model.named_parameters())[name].grad, tparams[name].grad, name)


def test_googlenet_size_and_course_usage(offline):
    m = models.googlenet()
    total = sum(p.numel() for p in m.parameters())
    aux = sum(p.numel() for n, p in m.named_parameters() if n.startswith("aux"))
    assert total - aux == 6624904                               # torchvision's published num_params
    assert m.fc.in_features == 1024 and m.fc.out_features == 1000
    with pytest.raises(RuntimeError, match="googlenet-1378be20.pth"):
        models.googlenet(pretrained=True)
