"""Reading numbers that visitors type into URLs and forms."""

from hamafza.core.text import digits_to_ascii

ID_MAX = 2**63 - 1  # the largest id either database stores


def id_param(value) -> int | None:
    """A database id from a query parameter or payload value, or None.

    Accepts Persian and Arabic-Indic digits; anything that is not a positive
    whole number within the databases' range is None, never an error.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = digits_to_ascii(str(value or "")).strip()
        if not text.isdigit() or len(text) > 19:
            return None
        number = int(text)
    return number if 0 < number <= ID_MAX else None
