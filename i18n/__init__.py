"""One catalogue of interface messages, Chinese first, English selectable.

Every message is a whole sentence with named placeholders, looked up by a key. Error
messages carry a code (``E101``) so researchers can quote them and tests can assert them.
Each area of the program keeps its own catalogue module under ``i18n/catalogue/``.
"""

from i18n.catalogue import MESSAGES
from i18n.errors import BianmaError
from i18n.translate import DEFAULT_LANGUAGE, LANGUAGES, bilingual, t

__all__ = ["MESSAGES", "BianmaError", "DEFAULT_LANGUAGE", "LANGUAGES", "bilingual", "t"]
