"""Shared pytest fixtures for nbtorch's tests."""
import pytest

import nbtorch


@pytest.fixture(params=['cpu', pytest.param('cuda', marks=pytest.mark.cuda)])
def device(request):
    """Run a test on the CPU and, when CuPy sees a GPU, on CUDA too."""
    if request.param == 'cuda' and not nbtorch.cuda.is_available():
        pytest.skip("needs a CUDA GPU (CuPy)")
    return request.param


def pytest_configure(config):
    config.addinivalue_line('markers', 'cuda: runs on a CUDA GPU')
