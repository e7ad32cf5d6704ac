from django.utils.functional import SimpleLazyObject


def notifications(request):
    """The signed-in user's unread notifications count, read only if a page shows it."""
    from hamafza.accounts.services import notifications_unread_count

    user = getattr(request, "user", None)
    return {"notifications_unread": SimpleLazyObject(lambda: notifications_unread_count(user=user))}
