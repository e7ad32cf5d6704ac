"""Background work of events. Tasks are thin: they call services and may run any time."""

from django_tasks import task


@task()
def events_after_correction_task(*, region: str, year: int, month: int) -> int:
    """A lunar month start was corrected: move the dates that follow it."""
    from .services import events_after_correction

    return events_after_correction(region=region, year=year, month=month)


@task()
def events_horizon_extend_task() -> int:
    """Daily: write the repetitions and occasion dates that came inside the horizon."""
    from .services import events_horizon_extend

    return events_horizon_extend()
