"""Remake the icons in resources/icons/ from the SVG master ddcase.svg: PNGs at every size the
desktops ask for, a multi-size ICO for Windows and an ICNS for macOS. The results are committed;
run this only after changing the SVG.

    QT_QPA_PLATFORM=offscreen python packaging/make_icons.py

Needs PySide6 (QtSvg draws the SVG) and Pillow (writes the ICO and ICNS).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
MASTER = ICONS / "ddcase.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)
# The tile in the SVG sits 8 units inside its 256-unit canvas. Small icons drop that margin so
# the tile's edge falls on a pixel boundary instead of a blurred half pixel.
SMALL = 48
TILE_MARGIN = 8 / 256


def render(size: int) -> bytes:
    """The master drawn at size x size pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(MASTER))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {MASTER}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if size <= SMALL:
        full = size / (1 - 2 * TILE_MARGIN)
        offset = -full * TILE_MARGIN
        renderer.render(painter, QRectF(offset, offset, full, full))
    else:
        renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def main() -> int:
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])  # QtSvg needs a Qt application for fonts and images
    rendered = {size: render(size) for size in sorted({*PNG_SIZES, *ICO_SIZES, *ICNS_SIZES})}
    for size in PNG_SIZES:
        (ICONS / f"ddcase-{size}.png").write_bytes(rendered[size])
    images = {size: Image.open(io.BytesIO(data)).convert("RGBA") for size, data in rendered.items()}
    # Pillow takes each size from append_images when given one, instead of shrinking the largest.
    images[256].save(
        ICONS / "ddcase.ico",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != 256],
    )
    images[1024].save(ICONS / "ddcase.icns", append_images=[images[s] for s in ICNS_SIZES if s != 1024])
    del app
    print(f"wrote {len(PNG_SIZES)} PNGs, ddcase.ico and ddcase.icns in {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
