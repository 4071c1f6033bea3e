"""Learning-rate schedules: the rate as a function of progress through training."""

import math


def learning_rate_at(config, epoch_progress):
    """The rate after ``epoch_progress`` epochs (a float: 2.5 = half-way through epoch 3)."""
    base = config.learning_rate
    if config.schedule == "step":
        return base * config.step_gamma ** int(epoch_progress // config.step_epochs)
    if config.schedule == "cosine":
        fraction = min(epoch_progress / config.epochs, 1.0)
        return base * 0.5 * (1.0 + math.cos(math.pi * fraction))
    return base
