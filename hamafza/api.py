"""The one API router: each app registers its viewsets here, under /api/."""

from rest_framework.routers import DefaultRouter

from hamafza.broadcast import api as broadcast_api
from hamafza.core import api as core_api
from hamafza.directory import api as directory_api

router = DefaultRouter()
core_api.register(router)
directory_api.register(router)
broadcast_api.register(router)
