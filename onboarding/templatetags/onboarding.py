"""Template tags for links to the onboarding pages. They ask ikc_share/onboarding/
permissions.py; the templates decide nothing themselves."""

from django import template

from onboarding import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def may_import(context, organisation) -> bool:
    """Whether the signed-in person may import children into `organisation`."""
    request = context.get("request")
    return bool(request is not None and permissions.can_import(request.user, organisation))
