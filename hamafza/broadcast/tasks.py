"""Background work of broadcasting. Tasks are thin: they take ids and call services."""

from django_tasks import task


@task()
def archive_build_task(broadcast_id: int) -> str:
    """Turn an ended broadcast's recordings into its archive item (idempotent; retries itself)."""
    from .archive import archive_build

    return archive_build(broadcast_id=broadcast_id)
