import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from members import idnumbers

# A published specimen number (GB 11643 example) with check character X.
SPECIMEN = "11010519491231002X"


def test_it_accepts_a_number_whose_check_character_is_x():
    idnumbers.validate_id_number(SPECIMEN)


def test_it_accepts_a_lower_case_x_and_spaces():
    idnumbers.validate_id_number("110105 19491231 002x")


def test_it_refuses_a_wrong_check_digit():
    with pytest.raises(ValidationError) as error:
        idnumbers.validate_id_number("110105194912310021")
    assert error.value.code == "id_check_digit"


def test_it_refuses_an_impossible_birth_date():
    number = "11010519490231002"  # 31 February
    with pytest.raises(ValidationError) as error:
        idnumbers.validate_id_number(number + idnumbers.check_character(number))
    assert error.value.code == "id_birth_date"


def test_it_refuses_a_birth_date_in_the_future():
    number = f"110105{dt.date.today().year + 1}0101002"
    with pytest.raises(ValidationError):
        idnumbers.validate_id_number(number + idnumbers.check_character(number))


@pytest.mark.parametrize("value", ["", "12345", "1101051949123100211", "11010519491231002Y"])
def test_it_refuses_the_wrong_shape(value):
    with pytest.raises(ValidationError) as error:
        idnumbers.validate_id_number(value)
    assert error.value.code == "id_shape"


def test_it_reads_birth_date_and_gender():
    assert idnumbers.birth_date(SPECIMEN) == dt.date(1949, 12, 31)
    assert idnumbers.gender_code(SPECIMEN) == "F"  # 17th digit 2 is even


def test_masking_keeps_three_leading_and_four_trailing_characters():
    assert idnumbers.mask(SPECIMEN) == "110***********002X"


def test_made_numbers_are_valid():
    number = idnumbers.make_id_number("330602", dt.date(1980, 5, 6), 13)
    idnumbers.validate_id_number(number)
    assert idnumbers.gender_code(number) == "M"
