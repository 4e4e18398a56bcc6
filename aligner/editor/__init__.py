"""``aligner edit``: review and fix an alignment in the browser.

``edits`` (pure actions over beads), ``project`` (the project file), ``importers`` (``--from``),
``realign`` (constrained re-alignment), ``workspace`` (the open review), ``server`` (routes and
token gate), ``open`` (from the command's inputs to a workspace), ``static/`` (the page).
"""
