"""Programme staff edit the privacy notice's versions and the public holidays in /cms/
(Wagtail snippets): both change with a decision, not with a release."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from marketplace.privacy.models import Holiday, PrivacyNotice


class PrivacyNoticeViewSet(SnippetViewSet):
    model = PrivacyNotice
    icon = "doc-full"
    menu_label = "Chính sách dữ liệu cá nhân"
    list_display = ["version", "effective_on"]
    add_to_admin_menu = True


class HolidayViewSet(SnippetViewSet):
    model = Holiday
    icon = "date"
    list_display = ["date", "name"]


register_snippet(PrivacyNoticeViewSet)
register_snippet(HolidayViewSet)
