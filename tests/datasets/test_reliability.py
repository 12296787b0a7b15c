"""Cronbach's alpha against the worked example: q1=(1,2,3,4), q2=(2,3,3,4), q3=(2,3,4,5) gives 33/34."""
import pytest

from survey.datasets.reliability import cronbach_alpha

WORKED = [[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 4, 5]]


def test_alpha_of_the_worked_example_is_33_over_34():
    alpha = cronbach_alpha(WORKED)
    assert alpha.value == pytest.approx(33 / 34)
    assert (alpha.n, alpha.items) == (4, 3)


def test_a_row_with_a_missing_item_is_left_out_listwise():
    alpha = cronbach_alpha(WORKED + [[5, None, 5]])
    assert alpha.value == pytest.approx(33 / 34)   # pairwise would give 0.9326, NaN-as-0 0.661
    assert alpha.n == 4


def test_no_variance_in_the_total_gives_no_alpha():
    assert cronbach_alpha([[2, 3], [2, 3], [2, 3]]).value is None


def test_fewer_than_two_complete_rows_give_no_alpha():
    assert cronbach_alpha([[1, 2], [None, 3]]).value is None


def test_alpha_can_be_negative():
    assert cronbach_alpha([[1, 4], [2, 3], [3, 2], [4, 1.5]]).value < 0


def test_one_item_is_not_a_scale():
    with pytest.raises(ValueError):
        cronbach_alpha([[1], [2]])
