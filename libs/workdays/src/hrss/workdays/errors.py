"""Errors raised by the working-day calendar."""


class CalendarNotCovered(ValueError):
    """A date falls in a year whose official holiday arrangement is not loaded."""

    def __init__(self, year: int) -> None:
        super().__init__(f"{year} 年的法定节假日安排尚未载入工作日历，请更新节假日数据")
        self.year = year


class CalendarDataError(ValueError):
    """A holiday data file is unreadable or has a malformed entry."""
