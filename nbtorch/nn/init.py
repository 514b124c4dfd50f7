"""torch.nn.init (filled in below)."""
