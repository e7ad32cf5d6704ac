import pytest

from hamafza.core.params import ID_MAX, id_param


@pytest.mark.parametrize(
    "value, expected",
    [
        ("42", 42),
        ("۴۲", 42),
        ("٤٢", 42),
        (" 7 ", 7),
        (42, 42),
        (str(ID_MAX), ID_MAX),
        (str(ID_MAX + 1), None),
        ("9" * 30, None),
        ("0", None),
        ("-3", None),
        ("4.2", None),
        ("", None),
        (None, None),
        ("abc", None),
        (True, None),
        (10**30, None),
        ([], None),
    ],
)
def test_id_param(value, expected):
    assert id_param(value) == expected
