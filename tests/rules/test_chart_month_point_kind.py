"""`ChartMonth.point_kind` is the one home of how a c or XmR chart's point is marked (the
Measures page and the PDF both read it): provisional, the variation read, or common cause when
the month is not read."""

from __future__ import annotations

from ddcase.domain import Month
from ddcase.domain.marks import PointKind
from ddcase.rules.control_charts import ValuePoint, analyse_c
from ddcase.rules.mdc import Better


def test_each_month_is_marked_as_read():
    months = [Month(2025, 1).plus(i) for i in range(16)]
    values = [5, 6, 5, 4, 6, 5, 5, 6, 4, 5, 6, 5, 40, None, 5, 7]
    chart = analyse_c(
        [
            ValuePoint(m, v, 1, provisional=(i == len(months) - 1))
            for i, (m, v) in enumerate(zip(months, values, strict=True))
        ],
        better=Better.LOWER,
    )
    kinds = {m.month: m.point_kind for m in chart.months}
    assert kinds[months[-1]] == PointKind.PROVISIONAL
    assert kinds[months[12]] == PointKind.CONCERN  # 40 when lower is better: above the limit
    assert kinds[months[13]] == PointKind.COMMON  # a gap is not read
    for month in chart.months:
        if not month.provisional and month.reading is not None:
            assert month.point_kind == PointKind(month.reading.variation.value)
