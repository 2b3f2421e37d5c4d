from django.utils.functional import SimpleLazyObject

from ikc_share.permissions import active_memberships


def navigation(request):
    """The memberships of the signed-in person, for the navigation bar: read when a template
    shows them (the staff pages' bar), not on the pages that do not (the parent portal)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_memberships": []}
    return {"nav_memberships": SimpleLazyObject(lambda: list(active_memberships(user)))}
