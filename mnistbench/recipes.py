"""Named training recipes: the settings behind the bundled networks and the bench.

`mnistbench train --recipe NAME` starts from these; any flag given on the
command line still wins. Keys are the `train` command's option names.
"""

RECIPES = {
    # Nielsen's network.py, the from-scratch MNIST code people know: 784-30-10 sigmoid,
    # quadratic cost, SGD with learning rate 3.0, mini-batches of 10, 30 epochs.
    "classic": dict(layers="784,30,10", activation="sigmoid", output="sigmoid", loss="quadratic",
                    init="classic", optimizer="sgd", lr=3.0, batch_size=10, epochs=30, seed=0),
    # The reference configuration for speed comparisons.
    "reference": dict(layers="784,256,128,10", activation="relu", output="softmax", loss="cross_entropy",
                      init="he", optimizer="adam", lr=1e-3, batch_size=128, epochs=10, seed=0),
    # The best we found on 8,000 MNIST digits: augmentation does most of the work.
    "best-mnist": dict(layers="784,512,128,10", activation="relu", output="softmax", loss="cross_entropy",
                       init="he", optimizer="adam", lr=1e-3, schedule="cosine", batch_size=64,
                       epochs=40, dropout=0.2, augment=True, seed=0),
    # The best we found on Fashion-MNIST (60,000 images).
    "best-fashion": dict(layers="784,512,128,10", activation="relu", output="softmax", loss="cross_entropy",
                         init="he", optimizer="adam", lr=1e-3, schedule="cosine", batch_size=128,
                         epochs=40, dropout=0.3, seed=0),
}
