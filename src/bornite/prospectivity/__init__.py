"""Regional prospectivity: evidence layers, weights of evidence, fuzzy overlay, machine-learning
models with spatial cross-validation, success-rate curves and ranked targets."""

__all__: list[str] = []
