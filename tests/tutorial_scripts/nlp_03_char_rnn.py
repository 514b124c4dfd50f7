# NLP from scratch: classifying names with a character-level RNN (tiny in-script data set)
import string
import unicodedata
import torch
import torch.nn as nn
import torch.nn.functional as F

allowed_characters = string.ascii_letters + " .,;'"
n_letters = len(allowed_characters)


def unicodeToAscii(s):
    return ''.join(c for c in unicodedata.normalize('NFD', s)
                   if unicodedata.category(c) != 'Mn' and c in allowed_characters)


print(f"converting 'Ślusàrski' to {unicodeToAscii('Ślusàrski')}")


def letterToIndex(letter):
    return allowed_characters.find(letter)


def lineToTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letterToIndex(letter)] = 1
    return tensor


print(f"The letter 'a' becomes {lineToTensor('a')}")
print(f"The name 'Ahn' becomes {lineToTensor('Ahn').shape}")
data = [('Nguyen', 'Vietnamese'), ('Tran', 'Vietnamese'), ('Schmidt', 'German'), ('Muller', 'German'),
        ('Rossi', 'Italian'), ('Bianchi', 'Italian'), ('Smith', 'English'), ('Jones', 'English')]
labels_uniq = sorted(set(l for _, l in data))


class CharRNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(CharRNN, self).__init__()
        self.rnn = nn.RNN(input_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, line_tensor):
        rnn_out, hidden = self.rnn(line_tensor)
        output = self.h2o(hidden[0])
        output = self.softmax(output)
        return output


torch.manual_seed(2024)
n_hidden = 16
rnn = CharRNN(n_letters, n_hidden, len(labels_uniq))
print(rnn)


def label_from_output(output, output_labels):
    top_n, top_i = output.topk(1)
    label_i = top_i[0].item()
    return output_labels[label_i], label_i


input = lineToTensor('Albert')
output = rnn(input)
print(output)
print(label_from_output(output, labels_uniq))
criterion = nn.NLLLoss()
optimizer = torch.optim.SGD(rnn.parameters(), lr=0.15)
for epoch in range(1, 31):
    rnn.zero_grad()
    batch_loss = 0
    for name, label in data:
        out = rnn(lineToTensor(name))
        loss = criterion(out, torch.tensor([labels_uniq.index(label)], dtype=torch.long))
        batch_loss += loss
    batch_loss.backward()
    nn.utils.clip_grad_norm_(rnn.parameters(), 3)
    optimizer.step()
    optimizer.zero_grad()
    if epoch % 10 == 0:
        print(f"{epoch} ({epoch / 30:.0%}): \t average batch loss = {batch_loss.item() / len(data):.4f}")
rnn.eval()
with torch.no_grad():
    for name, label in data[:4]:
        print(name, label, label_from_output(rnn(lineToTensor(name)), labels_uniq))
