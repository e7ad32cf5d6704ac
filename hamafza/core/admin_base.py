from hamafza.core.permissions import is_coordinator


class CoordinatorAdminMixin:
    """The admin is the coordinators' tool.

    Their flag, not per-model Django permissions, opens it.
    """

    def has_module_permission(self, request):
        return is_coordinator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_coordinator(request.user)

    def has_add_permission(self, request, *args):
        return is_coordinator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_coordinator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_coordinator(request.user)


class ReadOnlyAdminMixin(CoordinatorAdminMixin):
    """Coordinators read these rows (and their history) here; pages change them."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
