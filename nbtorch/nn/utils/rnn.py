"""pad_sequence: stack variable-length sequences into one padded tensor."""


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side='right'):
    """(L_i, *) tensors -> (L_max, B, *) (or (B, L_max, *) with batch_first), padded with padding_value."""
    from ... import stack
    from ..functional import pad
    if padding_side not in ('left', 'right'):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    max_len = max(s.size(0) for s in sequences)
    padded = []
    for s in sequences:
        extra = max_len - s.size(0)
        widths = [0, 0] * (s.dim() - 1) + ([extra, 0] if padding_side == 'left' else [0, extra])
        padded.append(pad(s, tuple(widths), value=padding_value) if extra else s)
    return stack(padded, 0 if batch_first else 1)
