"""The Qt-free application layer under both the command line (``cli``) and the window (``ui``).

It holds what the app does, once: the dataset session (``session``), the consent service
(``consent``: decisions, the folder's default, undo, history, deletion), the exports
(``exports``) and opening the records store (``stores``). Each operation returns a typed
result (``results``) with the sentence to say and what changed, so a screen only asks,
confirms, shows the result and speaks it. Words come from ``accessshare.sentences``.
"""
