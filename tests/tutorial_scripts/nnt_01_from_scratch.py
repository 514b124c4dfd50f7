# What is torch.nn really? Neural net from scratch (synthetic MNIST-like data instead of the pickle)
import math
import torch
import numpy as np

torch.manual_seed(0)
x_train = torch.rand(500, 784) * (torch.rand(500, 784) < 0.2)   # sparse, like MNIST digits
y_train = torch.randint(0, 10, (500,))
x_valid = torch.rand(100, 784) * (torch.rand(100, 784) < 0.2)
y_valid = torch.randint(0, 10, (100,))
n, c = x_train.shape
print(x_train, y_train)
print(x_train.shape)
print(y_train.min(), y_train.max())

weights = torch.randn(784, 10) / math.sqrt(784)
weights.requires_grad_()
bias = torch.zeros(10, requires_grad=True)


def log_softmax(x):
    return x - x.exp().sum(-1).log().unsqueeze(-1)


def model(xb):
    return log_softmax(xb @ weights + bias)


bs = 64
xb = x_train[0:bs]
preds = model(xb)
print(preds[0], preds.shape)


def nll(input, target):
    return -input[range(target.shape[0]), target].mean()


loss_func = nll
yb = y_train[0:bs]
print(loss_func(preds, yb))


def accuracy(out, yb):
    preds = torch.argmax(out, dim=1)
    return (preds == yb).float().mean()


print(accuracy(preds, yb))

lr = 0.1
epochs = 2
for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        start_i = i * bs
        end_i = start_i + bs
        xb = x_train[start_i:end_i]
        yb = y_train[start_i:end_i]
        pred = model(xb)
        loss = loss_func(pred, yb)
        loss.backward()
        with torch.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()
    print(epoch, loss)
print(loss_func(model(xb), yb), accuracy(model(xb), yb))
print(weights.grad_fn, weights.is_leaf, bias[:3])
