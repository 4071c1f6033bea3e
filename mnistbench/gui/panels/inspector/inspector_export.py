"""Exporting the inspector: the network drawing (PNG or SVG) and the weight-map gallery (PNG).

Both go through the workbench's one export path (``export_dialog.export_file``):
the panel's Export button, the gallery's context menu and File → Export call these.
"""

from PySide6.QtCore import QRectF, QSize, Qt

from mnistbench.gui.widgets.export_dialog import export_file
from mnistbench.gui.widgets.export_pictures import picture_formats

MAP_EXPORT_WIDTH = 700  # pixels the weight-map picture aims at (whole multiples of each 28x28 map)


def export_drawing(panel):
    """Ask where, then write the network drawing as it is (selection and input included); the path or None."""
    scene = panel.scene
    if scene.net is None:
        panel.verdict.setText("No network to export yet.")
        return None
    source = scene.sceneRect()
    natural = QSize(round(source.width()), round(source.height()))

    def paint(painter, target: QRectF):
        text_scale = panel.view.text_scale()
        scene.set_text_scale(1.0)  # drawn at its own size: the texts need no growing
        try:
            scene.render(painter, target, source, Qt.KeepAspectRatio)
        finally:
            scene.set_text_scale(text_scale)

    title = panel.export_source.title("Network drawing")
    return export_file(panel, "network drawing", picture_formats(panel, natural, paint, title),
                       panel.export_source)


def export_weight_maps(panel):
    """Ask where, then write every first-layer weight map, each a whole number of pixels per weight."""
    image = panel.gallery.image()
    if image.isNull():
        panel.verdict.setText("No weight maps to export: the network's input is not a 28x28 image.")
        return None
    factor = max(1, MAP_EXPORT_WIDTH // image.width())
    natural = QSize(image.width() * factor, image.height() * factor)

    def paint(painter, target: QRectF):
        painter.drawImage(target, image)  # no smoothing: each weight stays a sharp square

    title = panel.export_source.title("First-layer weight maps")
    return export_file(panel, "weight maps", picture_formats(panel, natural, paint, title, svg=False),
                       panel.export_source)
