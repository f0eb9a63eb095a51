"""Starting a team log (issue 15): the person starting it and the providers fill the directory,
and who "I" am is remembered per computer user, outside the log."""

from __future__ import annotations

import pytest

from ddcase.domain import Role, Service, ValidationError, Worker
from ddcase.services.team import TeamService, TeamSettings
from ddcase.services.who_am_i import WhoAmIService, describe


def test_starting_a_log_adds_you_as_a_worker_and_the_providers_as_organisations(context, casework):
    team = TeamService(context)
    me = team.start(
        TeamSettings(
            "North CMHT", "Carla Turner", "care_coordinator", ("ResoLUTiONs", "Total Wellbeing Luton")
        )
    )
    assert me == casework.workers()[0]
    assert (me.name, me.organisation, me.service, me.role) == (
        "Carla Turner",
        "North CMHT",
        Service.MENTAL_HEALTH,
        Role.CARE_COORDINATOR,
    )
    assert casework.organisations(Service.SUBSTANCE_MISUSE) == ["ResoLUTiONs", "Total Wellbeing Luton"]
    assert casework.organisations(Service.MENTAL_HEALTH) == ["North CMHT"]
    assert team.settings().owner_name == "Carla Turner"
    assert describe(me) == "Carla Turner, care coordinator, North CMHT"


def test_a_log_is_not_started_with_a_name_the_directory_cannot_hold(context, casework):
    with pytest.raises(ValidationError):
        TeamService(context).start(TeamSettings("North CMHT", "x" * 81, "care_coordinator"))
    assert casework.workers() == [] and TeamService(context).is_new()


def test_who_i_am_is_remembered_per_log_in_the_folder_given(context, casework, tmp_path):
    dev = casework.save_worker(Worker("Dev Patel", "ELFT", Service.MENTAL_HEALTH, Role.CARE_COORDINATOR))
    store = WhoAmIService(context, tmp_path)
    assert store.who_am_i() is None
    store.remember(dev)
    assert WhoAmIService(context, tmp_path).who_am_i() == dev
    store.remember(None)
    assert store.who_am_i() is None
