"""Background work of field operations. Tasks are thin: they call services and may run any
time."""

from django_tasks import task


@task()
def groups_activity_refresh_task(*, group_ids: list[int] | None = None) -> int:
    """Daily (and whenever activity was changed in bulk): recompute the groups' activity status,
    which time alone moves from active to seasonal to dormant. Returns how many changed."""
    from .services import groups_activity_refresh

    return groups_activity_refresh(groups=group_ids)
