"""What skill-mix adds to pages of the apps below it (see newroles.lib.panels)."""

from __future__ import annotations

from newroles.lib import panels

# A team's page links to the team's compositions, and its editors to recording one.
panels.register("organisations.team.actions", "skillmix/panels/team_actions.html")
