from portal.models import Enterprise, Membership

ACTING_AS_SESSION_KEY = "onegate_acting_as"


def enterprises_for(user):
    if not user.is_authenticated:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(memberships__user=user).order_by("name")


def memberships_for(user):
    return Membership.objects.filter(user=user).select_related("enterprise").order_by("enterprise__name")


def acting_as(request) -> Enterprise | None:
    """The enterprise the signed-in user acts for now, or None for themselves.

    The session only remembers a choice; the membership is checked each time,
    so a removed agent stops acting at once.
    """
    if not request.user.is_authenticated:
        return None
    enterprise_id = request.session.get(ACTING_AS_SESSION_KEY)
    if not enterprise_id:
        return None
    return enterprises_for(request.user).filter(pk=enterprise_id).first()
