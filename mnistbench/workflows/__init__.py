"""The Qt-free workflow layer the CLI, the window and the benchmarks all call.

Each decision they share lives here once: the settings table behind the CLI
flags and the training form (``settings``), the recipes (``recipes``), the
validation split (``validation_split``), train-and-record (``training_run``,
``training_record``), which images a network trained on (``seen_images``),
evaluation (``evaluation``) and fine-tuning on your own digits (``fine_tuning``). Nothing here imports Qt, the CLI or the benchmarks.
"""
