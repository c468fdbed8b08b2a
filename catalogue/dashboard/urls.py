app_name = "ocop-dashboard"
urlpatterns = []
