"""policybench.ui.components.workshop_common: the links a workshop hands out."""

from __future__ import annotations

from policybench.ui.components import workshop_common as common


def test_links() -> None:
    assert common.app_base(None) == common.DEFAULT_BASE_URL
    assert (
        common.app_base("http://10.0.0.5:8501/facilitate", "facilitate") == "http://10.0.0.5:8501"
    )
    assert (
        common.app_base("https://x.org/pb/facilitate?code=1#a", "facilitate") == "https://x.org/pb"
    )
    assert common.join_link("http://h:1/", "ABC") == "http://h:1/workshop?code=ABC"
    assert common.join_link("  ", "ABC") == "http://127.0.0.1:8501/workshop?code=ABC"
    assert (
        common.personal_link("http://h:1", "ABC", "t/+=")
        == "http://h:1/workshop?code=ABC&p=t%2F%2B%3D"
    )
