"""Distances between floats in units in the last place, for the tests that compare with exact values."""

import numpy as np


def ulps_apart(a, b):
    if a == b:
        return 0.0
    return abs(a - b) / np.spacing(max(abs(a), abs(b)))
