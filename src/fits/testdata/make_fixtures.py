"""Writes the small tile-compressed and random-groups FITS files used by compressed.test.ts, and
the values astropy reads back from them (expected.json). Run from this folder with a python that
has astropy (e.g. /tmp/fits-astropy-venv/bin/python make_fixtures.py); outputs are committed.
"""
import json

import numpy as np
from astropy.io import fits

rng = np.random.default_rng(7)
out = {}


def record(name, hdu_index=1):
    with fits.open(name) as hdul:
        hdu = hdul[hdu_index]
        data = np.asarray(hdu.data, dtype=np.float64)
        finite = data[np.isfinite(data)]
        flat = data.ravel()  # C order of numpy = FITS order (NAXIS1 fastest)
        probes = [0, 1, len(flat) // 2, len(flat) - 1]
        out[name] = {
            "hdu": hdu_index,
            "zbitpix": hdu.header.get("ZBITPIX", hdu.header.get("BITPIX")),
            "naxis": list(reversed(data.shape)),
            "nan": int(np.isnan(data).sum()),
            "finite": int(finite.size),
            "min": float(finite.min()),
            "max": float(finite.max()),
            "sum": float(finite.sum()),
            "probes": [[i, None if np.isnan(flat[i]) else float(flat[i])] for i in probes],
        }


def write(name, data, **kw):
    fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(data=data, **kw)]).writeto(name, overwrite=True)
    record(name)


write("gzip1_int16.fits", rng.integers(-3000, 3000, size=(23, 37)).astype(np.int16),
      compression_type="GZIP_1", tile_shape=(8, 10))
write("gzip2_int32_3d.fits", rng.integers(-10**6, 10**6, size=(5, 9, 11)).astype(np.int32),
      compression_type="GZIP_2", tile_shape=(2, 4, 5))
write("rice_uint8.fits", rng.integers(0, 255, size=(30, 17)).astype(np.uint8),
      compression_type="RICE_1", tile_shape=(7, 17))
f32 = rng.normal(100, 15, size=(40, 33)).astype(np.float32)
f32[3, 4] = np.nan
f32[10, 20] = 0.0
write("gzip2_float32_dither2.fits", f32, compression_type="GZIP_2", tile_shape=(16, 16),
      quantize_level=8, quantize_method=2, dither_seed=17)
write("rice_float64_dither1.fits", rng.normal(-5, 2, size=(25, 19)), compression_type="RICE_1",
      tile_shape=(5, 19), quantize_level=16, quantize_method=1, dither_seed=123)
write("gzip1_float64_lossless.fits", rng.normal(0, 1, size=(12, 21)), compression_type="GZIP_1",
      tile_shape=(4, 21), quantize_level=0.0)

# Random groups (FITS Standard 4.0, Sect. 6): 3 groups of 2 parameters and a 4×3 array, then an
# IMAGE extension that the reader must find after stepping over the groups' data.
groups = fits.GroupData(np.arange(3 * 3 * 4, dtype=np.float32).reshape(3, 1, 3, 4),
                        parnames=["UU", "VV"], pardata=[np.arange(3.0), np.arange(3.0) * 2], bitpix=-32)
ext = fits.ImageHDU(np.arange(6, dtype=np.int16).reshape(2, 3), name="AFTER")
fits.HDUList([fits.GroupsHDU(groups), ext]).writeto("groups.fits", overwrite=True)
record("groups.fits", hdu_index=1)

with open("expected.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
