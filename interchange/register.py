"""The register document ``klassa.register/1``: the names the rest of Klassa uses.

The work is done in three modules, one per concern: ``checks`` (the pure checks of a
document), ``importer`` (the import that writes, and its preview) and ``exporter`` (the
export that builds the document). Views, commands, tasks and tests call them through this
module, so that ``register.import_document`` and ``register.export_document`` read as what
they are wherever they are called.
"""

from interchange.checks import (
    DEFAULT_CONTEXT,
    FORMAT,
    RegisterContext,
    RegisterError,
    check_document,
)
from interchange.exporter import export_document
from interchange.importer import (
    KINDS,
    ImportSummary,
    KindSummary,
    RegisterInvalid,
    import_document,
    load_demo_register,
    preview,
    validate,
)

__all__ = [
    "DEFAULT_CONTEXT",
    "FORMAT",
    "KINDS",
    "ImportSummary",
    "KindSummary",
    "RegisterContext",
    "RegisterError",
    "RegisterInvalid",
    "check_document",
    "export_document",
    "import_document",
    "load_demo_register",
    "preview",
    "validate",
]
