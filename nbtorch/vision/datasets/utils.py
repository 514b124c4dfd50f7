"""Downloading and checking dataset files: ``download_url``, ``check_integrity``, ``extract_archive``.

The download itself is one ``urllib`` call in ``_urlretrieve`` (tests replace it).
With no network it fails with an error that says where to put the files by hand.
"""
import gzip
import hashlib
import os
import shutil
import tarfile
import urllib.error
import urllib.request
import zipfile

USER_AGENT = "nbtorch/vision"


def calculate_md5(fpath, chunk_size=1024 * 1024):
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, "rb") as f:
        while chunk := f.read(chunk_size):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5, **kwargs):
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath, md5=None):
    """True if ``fpath`` exists (and has checksum ``md5`` when one is given)."""
    if not os.path.isfile(fpath):
        return False
    if md5 is None:
        return True
    return check_md5(fpath, md5)


def _urlretrieve(url, fpath, chunk_size=1024 * 32, timeout=30):
    """Copy ``url`` to ``fpath`` (the only line here that touches the network)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response, open(fpath, "wb") as fh:
        shutil.copyfileobj(response, fh, chunk_size)


def download_url(url, root, filename=None, md5=None):
    """Download ``url`` into ``root/filename`` unless a file with checksum ``md5`` is already there."""
    root = os.path.expanduser(root)
    if not filename:
        filename = os.path.basename(url)
    fpath = os.fspath(os.path.join(root, filename))
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        return
    try:
        _urlretrieve(url, fpath)
    except (urllib.error.URLError, OSError) as e:
        if os.path.exists(fpath) and os.path.getsize(fpath) == 0:
            os.remove(fpath)
        raise RuntimeError(
            f"Could not download {url} ({e}): nbtorch could not reach the server (no network here?). "
            f"help: download the file on a machine with internet and copy it to {fpath}, "
            "or use an offline dataset such as nbtorch.vision.datasets.Digits.") from e
    if not check_integrity(fpath, md5):
        raise RuntimeError(f"File not found or corrupted: {fpath} does not have the md5 checksum {md5}.")


def _safe_members(tar, path):
    base = os.path.realpath(path)
    for m in tar.getmembers():
        target = os.path.realpath(os.path.join(path, m.name))
        if not (target == base or target.startswith(base + os.sep)) or m.issym() or m.islnk() or m.isdev():
            raise RuntimeError(f"Refusing to extract {m.name!r}: it would leave {path}")
        yield m


def extract_archive(from_path, to_path=None, remove_finished=False):
    """Unpack a .tar(.gz), .zip or single-file .gz archive next to it (or into ``to_path``)."""
    if to_path is None:
        to_path = os.path.dirname(from_path)
    name = from_path.lower()
    if name.endswith((".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz")):
        with tarfile.open(from_path) as tar:
            members = list(_safe_members(tar, to_path))
            if hasattr(tarfile, "data_filter"):      # Python's own guard against unsafe archives
                tar.extractall(to_path, members=members, filter="data")
            else:
                tar.extractall(to_path, members=members)
        out = to_path
    elif name.endswith(".zip"):
        with zipfile.ZipFile(from_path) as z:
            for member in z.namelist():
                target = os.path.realpath(os.path.join(to_path, member))
                if not target.startswith(os.path.realpath(to_path) + os.sep):
                    raise RuntimeError(f"Refusing to extract {member!r}: it would leave {to_path}")
            z.extractall(to_path)
        out = to_path
    elif name.endswith(".gz"):
        out = os.path.join(to_path, os.path.basename(from_path)[:-3])
        with gzip.open(from_path, "rb") as rf, open(out, "wb") as wf:
            shutil.copyfileobj(rf, wf)
    else:
        raise RuntimeError(f"Extraction of {from_path} not supported")
    if remove_finished:
        os.remove(from_path)
    return out


def download_and_extract_archive(url, download_root, extract_root=None, filename=None, md5=None,
                                 remove_finished=False):
    download_root = os.path.expanduser(download_root)
    if extract_root is None:
        extract_root = download_root
    if not filename:
        filename = os.path.basename(url)
    download_url(url, download_root, filename, md5)
    archive = os.path.join(download_root, filename)
    return extract_archive(archive, extract_root, remove_finished)


def dataset_not_found(folder, files):
    """torchvision's message, plus the folder and files that were looked for."""
    return RuntimeError(
        "Dataset not found. You can use download=True to download it. "
        f"(looked for {', '.join(files)} in {folder}). "
        "help: with no network, copy the files there by hand or use nbtorch.vision.datasets.Digits.")
