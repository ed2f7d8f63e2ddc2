"""astropy's verdict on every file of a FITS fuzz corpus (bench/faults/fits-corpus.ts writes it).

    python fits_fuzz_astropy.py CORPUS_DIR OUT.json.gz

CORPUS_DIR holds manifest.json ({"seed", "count", "cases": [{"id", "file", "sha", ...}]}) and the
mutated files. For each case astropy either REJECTS the file or READS it:

- reject: any exception from ``fits.open(path, memmap=False)``, from iterating the HDUs, from
  reading any HDU's ``.header`` or ``.data`` (images are read as float64 after BSCALE/BZERO/BLANK,
  compressed images decompressed), or from ``hdul.verify('exception')``. verify('exception')
  raises on every problem astropy's verification reports as an error (a mandatory card out of
  place, an illegal keyword, an unparsable value, a missing END...), even those astropy would
  otherwise "fix" silently on output. Plain warnings (VerifyWarning, AstropyUserWarning) that do
  not make verify fail leave the verdict at "read": astropy returns data for those files, so a
  reader that returns other data for them is wrong. Verdict: ["reject", error class, message].
- read: ["read", [hdu...]], one entry per HDU astropy returns:
  [type, name, naxis (FITS order), digest] with digest null (no data), a table digest
  ["table", nrows, [[name, tform]...]], or an image digest
  ["image", nan, +inf, -inf, nanMaskSha1, sum, sumAbs, weightedSum, min, max] over the float64
  values in FITS order (NAXIS1 fastest); the weight of pixel i is 1 + (i mod 7), so permuted or
  reshaped data changes the digest; nanMaskSha1 is the first 16 hex digits of the SHA-1 of
  numpy.packbits(isnan(values)).

Each file runs under a 60 s alarm and a 6 GiB address-space ceiling, in a worker process that is
restarted when astropy crashes (its tile decompressor segfaults on some corrupt tiles); a timeout,
MemoryError or crash is a verdict too (class "Timeout"/"MemoryError"/"Crash"), recorded so that the
TypeScript side can list them as astropy limits. The output is gzipped JSON keyed by case id, with the corpus seed and count, the
astropy and numpy versions, and each case's SHA-1 prefix, so a stale oracle is detected.
"""
import gzip
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import warnings

import numpy as np
import astropy
from astropy.io import fits

TYPES = {
    "PrimaryHDU": "image",
    "ImageHDU": "image",
    "CompImageHDU": "compressed-image",
    "BinTableHDU": "bintable",
    "TableHDU": "table",
    "GroupsHDU": "groups",
}


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout("astropy took longer than 60 s")


def number(x):
    x = float(x)
    if np.isnan(x):
        return "nan"
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def image_digest(data):
    values = np.asarray(data, dtype=np.float64).ravel()
    nan = np.isnan(values)
    finite = np.isfinite(values)
    f = values[finite]
    weights = (np.arange(values.size) % 7 + 1).astype(np.float64)[finite]
    mask = hashlib.sha1(np.packbits(nan).tobytes()).hexdigest()[:16]
    return [
        "image",
        int(nan.sum()),
        int(np.isposinf(values).sum()),
        int(np.isneginf(values).sum()),
        mask,
        number(f.sum()) if f.size else 0,
        number(np.abs(f).sum()) if f.size else 0,
        number((f * weights).sum()) if f.size else 0,
        number(f.min()) if f.size else None,
        number(f.max()) if f.size else None,
    ]


def hdu_entry(hdu):
    kind = TYPES.get(type(hdu).__name__, type(hdu).__name__)
    header = hdu.header
    data = hdu.data
    name = hdu.name if isinstance(hdu.name, str) else str(hdu.name)
    if kind == "compressed-image":
        naxis = [int(header["NAXIS%d" % (i + 1)]) for i in range(int(header["NAXIS"]))]
    elif kind == "groups":
        naxis = [int(header["NAXIS%d" % (i + 1)]) for i in range(int(header["NAXIS"]))]
    elif kind in ("bintable", "table"):
        naxis = [int(header["NAXIS1"]), int(header["NAXIS2"])]
    else:
        naxis = [int(n) for n in reversed(data.shape)] if data is not None else []
        if data is None and int(header.get("NAXIS", 0)) > 0:
            naxis = [int(header["NAXIS%d" % (i + 1)]) for i in range(int(header["NAXIS"]))]
    digest = None
    if kind in ("image", "compressed-image") and data is not None and data.size > 0:
        digest = image_digest(data)
    elif kind in ("bintable", "table"):
        cols = [[c.name, str(c.format)] for c in hdu.columns]
        digest = ["table", int(len(data)) if data is not None else 0, cols]
    elif kind == "groups":
        digest = None
    return [kind, name.strip(), naxis, digest]


def verdict(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with fits.open(path, memmap=False) as hdul:
                hdus = [hdu_entry(hdu) for hdu in hdul]
                hdul.verify("exception")
                return ["read", hdus]
        except Timeout as e:
            return ["reject", "Timeout", str(e)]
        except MemoryError:
            return ["reject", "MemoryError", "astropy ran out of memory"]
        except Exception as e:  # noqa: BLE001 - any exception is astropy rejecting the file
            message = " ".join(str(e).split())[:160]
            return ["reject", type(e).__name__, message]


def worker(corpus, first):
    """Judges cases from index `first` on, printing "start\tID" before and "done\tID\tJSON" after each."""
    manifest = json.load(open(os.path.join(corpus, "manifest.json")))
    resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))
    signal.signal(signal.SIGALRM, on_alarm)
    for case in manifest["cases"][first:]:
        print(f"start\t{case['id']}", flush=True)
        signal.alarm(60)
        try:
            v = verdict(os.path.join(corpus, case["file"]))
        finally:
            signal.alarm(0)
        print(f"done\t{case['id']}\t{json.dumps(v)}", flush=True)


def main():
    if sys.argv[1] == "--worker":
        worker(sys.argv[2], int(sys.argv[3]))
        return
    corpus, out = sys.argv[1], sys.argv[2]
    manifest = json.load(open(os.path.join(corpus, "manifest.json")))
    order = [str(c["id"]) for c in manifest["cases"]]
    sha = {str(c["id"]): c["sha"] for c in manifest["cases"]}
    cases = {}
    first = 0
    while first < len(order):
        proc = subprocess.Popen([sys.executable, __file__, "--worker", corpus, str(first)],
                                stdout=subprocess.PIPE, text=True)
        current = None
        for line in proc.stdout:
            parts = line.rstrip("\n").split("\t", 2)
            if parts[0] == "start":
                current = parts[1]
            elif parts[0] == "done":
                cases[parts[1]] = {"sha": sha[parts[1]], "v": json.loads(parts[2])}
                current = None
                if len(cases) % 250 == 0:
                    print(f"{len(cases)}/{len(order)}", file=sys.stderr, flush=True)
        code = proc.wait()
        if current is None:
            break
        cases[current] = {"sha": sha[current], "v": ["reject", "Crash", f"astropy process died (exit {code})"]}
        print(f"case {current}: astropy crashed (exit {code})", file=sys.stderr, flush=True)
        first = order.index(current) + 1
    result = {
        "about": "astropy verdicts on the seeded FITS fuzz corpus; see bench/oracles/fits_fuzz_astropy.py",
        "seed": manifest["seed"],
        "count": manifest["count"],
        "astropy": astropy.__version__,
        "numpy": np.__version__,
        "cases": {k: cases[k] for k in order},
    }
    # mtime=0: the same verdicts give the same bytes.
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as f:
        f.write(json.dumps(result, separators=(",", ":")).encode())


if __name__ == "__main__":
    main()
