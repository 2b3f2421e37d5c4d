from ikc_share.permissions import active_memberships


def navigation(request):
    """The memberships of the signed-in person, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_memberships": []}
    return {"nav_memberships": list(active_memberships(user))}
