"""Peer for `npm run bench:fits`: astropy reading the same files doing the same work.

Per file: open, decode every image HDU after scaling (BSCALE/BZERO, BLANK -> NaN), and compute
the NaN count and the finite count/min/max/sum, as galspin's summarizeFits does.

    python fits_astropy.py SECONDS FILE...   ->  one JSON line per file on stdout:
    {"file", "files", "seconds" (wall), "cpuSeconds" (process CPU time), "astropy", "numpy"}
"""
import json
import sys
import time

import numpy as np
from astropy.io import fits


def summarize(path):
    out = []
    with fits.open(path, memmap=False) as hdul:
        for hdu in hdul:
            if not hdu.is_image or hdu.data is None:
                out.append(None)
                continue
            data = np.asarray(hdu.data, dtype=np.float64)
            finite = np.isfinite(data)
            values = data[finite]
            out.append((int(np.isnan(data).sum()), int(values.size),
                        float(values.min()) if values.size else None,
                        float(values.max()) if values.size else None,
                        float(values.sum()) if values.size else None))
    return out


def main():
    seconds = float(sys.argv[1])
    import astropy
    for path in sys.argv[2:]:
        summarize(path)  # warm-up
        n = 0
        start = time.perf_counter()
        cpu0 = time.process_time()
        while True:
            summarize(path)
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds and n >= 3:
                break
        cpu = time.process_time() - cpu0
        print(json.dumps({"file": path, "files": n, "seconds": elapsed, "cpuSeconds": cpu,
                          "astropy": astropy.__version__, "numpy": np.__version__}), flush=True)


if __name__ == "__main__":
    main()
