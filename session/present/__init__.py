"""Qt-free presentation: what the views draw (colour levels, scales, number formats), computed
here so that widgets only render and the rules are tested without a window."""
