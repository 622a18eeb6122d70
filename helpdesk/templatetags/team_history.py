"""`{% team_history team=team %}` on a team's page and `{% team_history profile=profile %}`
on a volunteer's record: the team's joins, leaves and leader changes, or the volunteer's
teams over time, in words (`templates/helpdesk/_team_history.html`)."""

from django import template

from helpdesk import queries

register = template.Library()


@register.inclusion_tag("helpdesk/_team_history.html")
def team_history(*, team=None, profile=None) -> dict:
    return {
        "events": queries.team_history(team=team, profile=profile),
        "for_team": team is not None,
        "shown": queries.HISTORY_SHOWN,
    }
