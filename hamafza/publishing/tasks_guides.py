"""Background work of the quarterly guide: rendering a proof and publishing. Tasks are thin,
take the guide's id and may run any number of times: a guide that is gone or already
published is left as it is."""

from django_tasks import task


@task()
def guide_render_task(*, guide_id: int) -> bool:
    """Render a proof of the guide. Returns whether one was kept."""
    from hamafza.core.permissions import SYSTEM

    from .models import Guide, GuideStatus
    from .services_guides import guide_render

    guide = Guide.objects.filter(pk=guide_id).first()
    if guide is None or guide.status == GuideStatus.PUBLISHED:
        return False
    return guide_render(actor=SYSTEM, guide=guide).rendered_at is not None


@task()
def guide_publish_task(*, guide_id: int) -> bool:
    """Render the final PDF and publish the guide, if it is still approved. Returns whether it
    was published."""
    from hamafza.core.permissions import SYSTEM

    from .models import Guide, GuideStatus
    from .services_guides import guide_publish

    guide = Guide.objects.filter(pk=guide_id).first()
    if guide is None or guide.status != GuideStatus.APPROVED:
        return False
    guide_publish(actor=SYSTEM, guide=guide)
    return True
