"""Quarters, the periods of the transparency obligations."""

import dataclasses
import datetime

from committees.spanish import long_date


@dataclasses.dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: datetime.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> datetime.date:
        if self.number == 4:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, 3 * self.number + 1, 1) - datetime.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"del {long_date(self.start)} al {long_date(self.end)}"

    def previous(self) -> "Quarter":
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )


def obligation_quarters(today: datetime.date, *, since=None, until=None) -> list[Quarter]:
    """
    The quarters that must be online (the current and the previous year, up to the current
    quarter), newest first, limited to the committee's life when ``since``/``until`` are given.
    """
    quarter = Quarter.of(today)
    result = []
    while quarter.year >= today.year - 1:
        if (since is None or quarter.end >= since) and (until is None or quarter.start <= until):
            result.append(quarter)
        quarter = quarter.previous()
    return result
