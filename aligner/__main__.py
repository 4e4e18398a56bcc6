"""``python -m aligner`` runs the command line."""
from .cli import main

main()
