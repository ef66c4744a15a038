"""Colour measurements the themes and palettes are held to (issue 15), Qt-free: WCAG 2 contrast
and colour-vision-deficiency simulation after Machado, Oliveira & Fernandes (2009) on linear RGB,
with the CIEDE2000 colour difference (Sharma, Wu & Dalal 2005) to say how far apart two colours
stay. These are the measures the issue's figures were taken with (deuteranopia: gradient purple
9.2 ΔE from the weight blue).

Colours are sRGB triples of ints 0–255. WCAG asks 4.5:1 for text and 3:1 for graphics and focus
indicators; the palettes ask ΔE ≥ 20 between scales that must not be confused.
"""

from __future__ import annotations

from enum import Enum

import numpy as np

RGB = tuple[int, int, int]

TEXT_CONTRAST = 4.5
GRAPHICS_CONTRAST = 3.0
DISTINCT_DELTA_E = 20.0


class Deficiency(Enum):
    """The three dichromacies, simulated at full severity (Machado 2009, severity 1.0)."""
    PROTAN = "protanopia"
    DEUTAN = "deuteranopia"
    TRITAN = "tritanopia"


_MACHADO = {  # applied to linear RGB
    Deficiency.PROTAN: ((0.152286, 1.052583, -0.204868),
                        (0.114503, 0.786281, 0.099216),
                        (-0.003882, -0.048116, 1.051998)),
    Deficiency.DEUTAN: ((0.367322, 0.860646, -0.227968),
                        (0.280085, 0.672501, 0.047413),
                        (-0.011820, 0.042940, 0.968881)),
    Deficiency.TRITAN: ((1.255528, -0.076749, -0.178779),
                        (-0.078411, 0.930809, 0.147602),
                        (0.004733, 0.691367, 0.303900)),
}
_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                 [0.2126729, 0.7151522, 0.0721750],
                 [0.0193339, 0.1191920, 0.9503041]])
_WHITE = _XYZ @ np.ones(3)


def _linear(rgb: RGB) -> np.ndarray:
    """(3,) linear-light RGB in [0, 1] from 8-bit sRGB."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _encode(linear: np.ndarray) -> RGB:
    c = np.clip(linear, 0.0, 1.0)
    s = np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)
    r, g, b = (round(float(v) * 255) for v in s)
    return r, g, b


def luminance(rgb: RGB) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    return float(np.dot((0.2126, 0.7152, 0.0722), _linear(rgb)))


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two opaque colours, 1 to 21."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def over(rgb: RGB, alpha: float, background: RGB) -> RGB:
    """``rgb`` drawn at ``alpha`` (0–1) over an opaque ``background``, as it reaches the eye."""
    r, g, b = (round(alpha * c + (1 - alpha) * k) for c, k in zip(rgb, background, strict=True))
    return r, g, b


def simulate(rgb: RGB, deficiency: Deficiency) -> RGB:
    """How ``rgb`` looks with ``deficiency``."""
    return _encode(np.asarray(_MACHADO[deficiency]) @ _linear(rgb))


def lab(rgb: RGB) -> np.ndarray:
    """(3,) CIELAB L*, a*, b* under D65."""
    t = (_XYZ @ _linear(rgb)) / _WHITE
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """CIEDE2000 ΔE00 between two CIELAB colours (kL = kC = kH = 1)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean ** 7 / (c_mean ** 7 + 25.0 ** 7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1)) % 360, np.degrees(np.arctan2(b2, a2)) % 360
    chromatic = c1 * c2 != 0
    dh = h2 - h1
    dh = 0.0 if not chromatic else dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    d_hue = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    l_bar, c_bar = (l1 + l2) / 2, (c1 + c2) / 2
    h_bar = h1 + h2 if not chromatic else (h1 + h2) / 2 if abs(h1 - h2) <= 180 else (
        (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2)
    t = (1 - 0.17 * np.cos(np.radians(h_bar - 30)) + 0.24 * np.cos(np.radians(2 * h_bar))
         + 0.32 * np.cos(np.radians(3 * h_bar + 6)) - 0.20 * np.cos(np.radians(4 * h_bar - 63)))
    rotation = -np.sin(np.radians(60 * np.exp(-(((h_bar - 275) / 25) ** 2)))) * 2 * np.sqrt(
        c_bar ** 7 / (c_bar ** 7 + 25.0 ** 7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_bar, 1 + 0.015 * c_bar * t
    dl, dc, dhh = (l2 - l1) / s_l, (c2 - c1) / s_c, d_hue / s_h
    return float(np.sqrt(dl ** 2 + dc ** 2 + dhh ** 2 + rotation * dc * dhh))


def delta_e(a: RGB, b: RGB) -> float:
    """CIEDE2000 colour difference of two sRGB colours (about 1 is just noticeable)."""
    return _ciede2000(lab(a), lab(b))


def worst_delta_e(a: RGB, b: RGB) -> float:
    """The smallest ΔE between ``a`` and ``b`` with normal vision or any of the deficiencies."""
    seen = [delta_e(a, b)] + [delta_e(simulate(a, d), simulate(b, d)) for d in Deficiency]
    return min(seen)
