#!/usr/bin/python3
"""Writes pil_reference.json: a seeded 13x9 RGB image and what PIL/torchvision make of it, the
reference for resize.test.ts (apt-get install python3-pil python3-torchvision)."""
import json
import os

import numpy as np
import torchvision.transforms as T
from PIL import Image

rng = np.random.default_rng(7)
pixels = rng.integers(0, 256, (9, 13, 3), dtype=np.uint8)
image = Image.fromarray(pixels)
out = {
    'width': 13, 'height': 9, 'pixels': pixels.flatten().tolist(),
    'shrink_5x4': np.asarray(image.resize((5, 4), Image.BILINEAR)).flatten().tolist(),
    'enlarge_20x15': np.asarray(image.resize((20, 15), Image.BILINEAR)).flatten().tolist(),
    'resize_crop_6': np.asarray(T.CenterCrop(6)(T.Resize(6)(image))).flatten().tolist(),
    'resize_crop_16': np.asarray(T.CenterCrop(16)(T.Resize(16)(image))).flatten().tolist(),
    'gray': np.asarray(image.convert('L')).flatten().tolist(),
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'pil_reference.json'), 'w') as f:
    json.dump(out, f)
