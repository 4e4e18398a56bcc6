"""User-facing errors: anything raised as AlignerError is shown as one line by the CLI."""


class AlignerError(Exception):
    """A problem with the user's input or options, reported without a traceback."""


class InputError(AlignerError):
    """An input file is missing, empty, binary or cannot be decoded."""


class ModelError(AlignerError):
    """An embedding model cannot be found, converted or loaded."""


class ExportError(AlignerError):
    """An output file cannot be written."""
