# Course source 003: common tensor operations, Dataset/DataLoader, the `.next()` of old tutorials
import torch
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(0)
a = torch.tensor(1)
print(a.item(), type(a.item()))
a = [1, 2, 3]
b = torch.tensor(a)
c = b.numpy().tolist()
print(b, c)
print(torch.zeros(2, 3, dtype=torch.int32), torch.eye(2, dtype=torch.float64))
print(torch.normal(0.0, 1.0, size=(2, 2)), torch.randint(0, 10, (2, 3)))

x = torch.rand(2, 3, 5)
print(x.size(), x.numel())
x = x.permute(2, 1, 0)
print(x.shape, x.is_contiguous())
try:
    x.view(-1)
except RuntimeError as e:
    print(type(e).__name__, e)
print(x.reshape(-1).shape, x.contiguous().view(-1).shape)
y = torch.rand(2, 1, 3)
print(y.squeeze().shape, y.squeeze(1).shape, y.unsqueeze(-1).shape)

A = torch.ones(3, 3)
B = 2 * torch.ones(3, 3)
print(torch.cat((A, B), 0))
print(torch.cat((A, B), 1))
print(torch.stack((A, B), dim=0).shape, torch.stack((A, B), dim=2).shape)
t = torch.arange(10)
print(torch.chunk(t, 3))
print(torch.chunk(torch.ones(3, 2), 2, dim=0))
print(torch.split(t, 4))
print(torch.split(t, [1, 4, 5]))
print(torch.unbind(torch.arange(6).view(2, 3), dim=1))
A = torch.arange(16).view(4, 4)
print(torch.index_select(A, dim=0, index=torch.tensor([1, 3])))
print(torch.index_select(A, dim=1, index=torch.tensor([0])))
mask = A > 7
print(mask)
print(torch.masked_select(A, mask))
print(torch.masked_select(A, torch.tensor([True, False, True, False])))


class MyDataset(Dataset):
    def __init__(self, data_tensor, target_tensor):
        self.data_tensor = data_tensor
        self.target_tensor = target_tensor

    def __len__(self):
        return self.data_tensor.size(0)

    def __getitem__(self, index):
        return self.data_tensor[index], self.target_tensor[index]


data_tensor = torch.randn(10, 3)
target_tensor = torch.randint(2, (10,))
my_dataset = MyDataset(data_tensor, target_tensor)
print('Dataset size:', len(my_dataset))
print('tensor_data[0]: ', my_dataset[0])
tensor_dataloader = DataLoader(dataset=my_dataset, batch_size=2, shuffle=True, num_workers=0)
for data, target in tensor_dataloader:
    print(data, target)
try:
    print('One batch tensor data: ', iter(tensor_dataloader).next())
except AttributeError as e:
    print(type(e).__name__, e)
print('One batch tensor data: ', next(iter(tensor_dataloader)))
