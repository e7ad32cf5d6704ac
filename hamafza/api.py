"""The one API router: each app registers its viewsets here, under /api/."""

from rest_framework.routers import DefaultRouter

from hamafza.accounts import api as accounts_api
from hamafza.agreements import api as agreements_api
from hamafza.broadcast import api as broadcast_api
from hamafza.core import api as core_api
from hamafza.directory import api as directory_api
from hamafza.events import api as events_api
from hamafza.fieldops import api as fieldops_api
from hamafza.followups import api as followups_api
from hamafza.publishing import api as publishing_api
from hamafza.reports import api as reports_api

router = DefaultRouter()
core_api.register(router)
directory_api.register(router)
broadcast_api.register(router)
agreements_api.register(router)
followups_api.register(router)
accounts_api.register(router)
events_api.register(router)
fieldops_api.register(router)
publishing_api.register(router)
reports_api.register(router)
