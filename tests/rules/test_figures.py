"""The month's figure (SPEC §2): mutual clients, jointly worked, the unrounded percentage, why
not, breakdowns, and which version of the definition judges each month."""

from __future__ import annotations

import pytest

from ddcase.domain import Criterion, Definition, ExclusionReason, Month, definition_in_force
from ddcase.domain.format import figure_text, percent_text
from ddcase.rules.figures import evaluate, month_figures, percentage
from tests.rules.builders import (
    DEFAULT,
    a_client,
    a_contact,
    a_history,
    a_jointly_worked_history,
    a_liaison,
    a_month,
    mh,
    sm,
)

MARCH = a_month("2026-03")

# --- which definition judges which month ---------------------------------------------------------

V1 = Definition(version=1)
V2 = Definition(version=2, first_month=Month(2026, 3), consent=False, min_overlap_days=10)
V3 = Definition(version=3, first_month=Month(2026, 5), joint_contacts_min=2)


@pytest.mark.parametrize(
    ("month", "version"),
    [
        ("2020-01", 1),
        ("2026-02", 1),
        ("2026-03", 2),
        ("2026-04", 2),
        ("2026-05", 3),
        ("2030-12", 3),
    ],
)
@pytest.mark.parametrize("versions", [[V1, V2, V3], [V3, V1, V2]], ids=["in order", "shuffled"])
def test_definition_in_force_is_the_latest_version_whose_first_month_is_on_or_before_m(
    month, version, versions
):
    assert definition_in_force(versions, a_month(month)).version == version


def test_with_no_versions_saved_the_default_definition_is_in_force():
    in_force = definition_in_force([], MARCH)
    assert in_force.version == 1
    assert in_force == Definition()


def test_the_default_definition_is_the_one_in_the_spec():
    d = Definition()
    assert d.enabled() == (
        Criterion.NAMED_WORKERS,
        Criterion.CONSENT,
        Criterion.JOINT_CONTACT,
        Criterion.LIAISON,
    )
    assert (d.joint_contacts_min, d.joint_contact_window_days, d.liaison_contacts_min) == (1, 90, 1)
    assert (d.min_overlap_days, d.written_contacts_count) == (14, False)


def test_each_month_is_judged_by_its_own_version_as_versions_switch():
    # No consent recorded: fails under v1 and v3; v2 does not ask for consent. One joint
    # appointment on the 1st of each month: v3 needs two in the window, and in May the 90 days
    # from 3 March hold two (1 April, 1 May), so May fails on consent alone.
    contacts = [a_contact(f"2026-{m:02d}-01") for m in range(1, 7)]
    history = a_history(a_client(consent_on=None), contacts=contacts)
    versions = [V1, V2, V3]
    judged = {}
    for text in ["2026-02", "2026-03", "2026-04", "2026-05"]:
        month = a_month(text)
        result = evaluate(history, month, definition_in_force(versions, month))
        judged[text] = (result.definition_version, result.jointly_worked, result.failed_criteria)
    assert judged == {
        "2026-02": (1, False, (Criterion.CONSENT,)),
        "2026-03": (2, True, ()),
        "2026-04": (2, True, ()),
        "2026-05": (3, False, (Criterion.CONSENT,)),
    }


def test_v3_joint_contacts_min_counts_the_window_not_the_month():
    # In May the 90-day window reaches back to 2 March: the contacts of 1 April and 1 May count.
    contacts = [a_contact("2026-04-01"), a_contact("2026-05-01")]
    history = a_history(contacts=contacts)
    result = evaluate(history, a_month("2026-05"), V3)
    assert result.joint_contacts_in_window == 2
    assert result.jointly_worked


def test_a_disabled_criterion_is_not_judged_and_never_fails():
    definition = Definition(version=2, consent=False, liaison=False)
    # No consent, and no liaison this month (the joint appointment was in February).
    history = a_history(a_client(consent_on=None), contacts=[a_contact("2026-02-10")])
    result = evaluate(history, MARCH, definition)
    assert [c for c, _ in result.criteria] == [Criterion.NAMED_WORKERS, Criterion.JOINT_CONTACT]
    assert result.holds(Criterion.CONSENT) is None
    assert result.holds(Criterion.LIAISON) is None
    assert result.failed_criteria == ()
    assert result.jointly_worked


def test_with_every_criterion_disabled_every_mutual_client_is_jointly_worked():
    definition = Definition(named_workers=False, consent=False, joint_contact=False, liaison=False)
    mutual = a_history(
        a_client("C001", consent_on=None), episodes=[mh("2025-01-01", worker=None), sm("2025-01-01")]
    )
    short = a_history(a_client("C002"), episodes=[mh("2025-01-01", ref="C002"), sm("2026-03-25", ref="C002")])
    figures = month_figures([mutual, short], MARCH, definition)
    assert (figures.jointly_worked, figures.mutual_clients, figures.percentage) == (1, 1, 100.0)
    assert [c.client_ref for c in figures.excluded] == ["C002"]


def test_a_later_version_changing_min_overlap_days_does_not_move_earlier_months():
    # 12 mutual days in each month: excluded under v1 (14 days), mutual under v2 (10 days).
    february = a_history(a_client("C001"), episodes=[mh("2025-01-01"), sm("2026-02-17", "2026-02-28")])
    march = a_history(a_client("C002"), episodes=[mh("2025-01-01", ref="C002"), sm("2026-03-20", ref="C002")])
    histories = [february, march]
    feb, mar = a_month("2026-02"), a_month("2026-03")

    before = month_figures(histories, feb, definition_in_force([V1], feb))
    after = month_figures(histories, feb, definition_in_force([V1, V2], feb))
    assert before == after
    assert after.definition_version == 1
    assert [(c.client_ref, c.mutual_days, c.excluded) for c in after.excluded] == [
        ("C001", 12, ExclusionReason.SHORT_OVERLAP)
    ]

    in_march = month_figures(histories, mar, definition_in_force([V1, V2], mar))
    assert in_march.definition_version == 2
    assert [(c.client_ref, c.mutual_days) for c in in_march.clients] == [("C002", 12)]
    assert in_march.excluded == ()


# --- the figure ---------------------------------------------------------------------------------------


def nineteen_of_125():
    histories = []
    for n in range(1, 126):
        ref = f"C{n:03d}"
        consent = "2020-01-01" if n <= 19 else None
        histories.append(a_jointly_worked_history(MARCH, ref, consent_on=consent))
    return histories


def test_the_percentage_is_unrounded():
    figures = month_figures(nineteen_of_125(), MARCH, DEFAULT)
    assert figures.mutual_clients == 125
    assert figures.jointly_worked == 19
    assert figures.percentage == 15.2
    assert len(figures.not_jointly_worked()) == 106
    assert figures.reasons() == [(Criterion.CONSENT, 106)]
    assert figure_text(figures.jointly_worked, figures.mutual_clients, figures.percentage) == (
        "19 of 125 mutual clients jointly worked (15%)"
    )


@pytest.mark.parametrize(
    ("jointly_worked", "mutual", "expected"),
    [(19, 125, 15.2), (1, 3, 100 / 3), (2, 3, 200 / 3), (0, 5, 0.0), (5, 5, 100.0), (0, 0, None)],
)
def test_percentage_is_100_times_jointly_worked_over_mutual(jointly_worked, mutual, expected):
    assert percentage(jointly_worked, mutual) == expected


def test_no_mutual_clients_gives_no_percentage():
    figures = month_figures([], MARCH, DEFAULT)
    assert (figures.mutual_clients, figures.jointly_worked, figures.percentage) == (0, 0, None)
    assert figures.reasons() == []
    assert figures.by_team() == []
    assert percent_text(figures.percentage) == "–"


def test_only_excluded_and_never_mutual_clients_give_no_percentage():
    short = a_history(a_client("C001"), episodes=[mh("2025-01-01"), sm("2026-03-30")])
    never = a_history(a_client("C002"), episodes=[mh("2025-01-01", ref="C002")])
    figures = month_figures([short, never], MARCH, DEFAULT)
    assert figures.percentage is None
    assert [c.client_ref for c in figures.excluded] == ["C001"]
    assert figures.clients == ()


def test_clients_are_sorted_by_client_ref():
    histories = [a_jointly_worked_history(MARCH, ref) for ref in ["C3", "C10", "C1", "C2"]]
    histories.append(
        a_history(a_client("C0"), episodes=[mh("2025-01-01", ref="C0"), sm("2026-03-31", ref="C0")])
    )
    histories.append(
        a_history(a_client("A9"), episodes=[mh("2025-01-01", ref="A9"), sm("2026-03-30", ref="A9")])
    )
    figures = month_figures(histories, MARCH, DEFAULT)
    assert [c.client_ref for c in figures.clients] == ["C1", "C10", "C2", "C3"]
    assert [c.client_ref for c in figures.excluded] == ["A9", "C0"]


def test_failed_criteria_are_in_spec_order():
    history = a_history(a_client(consent_on=None), episodes=[mh("2025-01-01", worker=None), sm("2025-01-01")])
    result = evaluate(history, MARCH, DEFAULT)
    assert result.failed_criteria == (
        Criterion.NAMED_WORKERS,
        Criterion.CONSENT,
        Criterion.JOINT_CONTACT,
        Criterion.LIAISON,
    )
    assert not result.jointly_worked


def reasons_fixture():
    return [
        a_jointly_worked_history(MARCH, "A", consent_on=None),  # fails consent
        a_jointly_worked_history(
            MARCH, "B", consent_on=None, contacts=[a_contact("2026-02-10", ref="B")]
        ),  # consent, liaison
        a_jointly_worked_history(MARCH, "C", contacts=[a_contact("2026-02-10", ref="C")]),  # liaison
        a_jointly_worked_history(MARCH, "D", contacts=[a_liaison("2026-03-10", ref="D")]),  # joint_contact
        a_jointly_worked_history(MARCH, "E"),  # jointly worked
    ]


def test_each_client_says_which_criteria_failed():
    figures = month_figures(reasons_fixture(), MARCH, DEFAULT)
    assert {c.client_ref: c.failed_criteria for c in figures.clients} == {
        "A": (Criterion.CONSENT,),
        "B": (Criterion.CONSENT, Criterion.LIAISON),
        "C": (Criterion.LIAISON,),
        "D": (Criterion.JOINT_CONTACT,),
        "E": (),
    }
    assert [c.client_ref for c in figures.not_jointly_worked()] == ["A", "B", "C", "D"]
    assert figures.percentage == 20.0


def test_reasons_count_clients_per_failed_criterion_largest_first_ties_in_spec_order():
    figures = month_figures(reasons_fixture(), MARCH, DEFAULT)
    assert figures.reasons() == [(Criterion.CONSENT, 2), (Criterion.LIAISON, 2), (Criterion.JOINT_CONTACT, 1)]


def breakdown_fixture():
    c4 = a_history(
        a_client("C4"),
        episodes=[
            mh("2025-01-01", "2026-03-10", ref="C4", team="North", worker=None),
            mh("2026-03-11", ref="C4", team="South", worker=None),
            sm("2025-01-01", ref="C4"),
        ],
        contacts=[a_contact("2026-03-05", ref="C4")],
    )
    short = a_history(a_client("C5"), episodes=[mh("2025-01-01", ref="C5"), sm("2026-03-25", ref="C5")])
    return [
        a_jointly_worked_history(MARCH, "C1"),
        a_jointly_worked_history(MARCH, "C2", consent_on=None),
        a_jointly_worked_history(
            MARCH, "C3", team="South", care_coordinator="Bob", provider="Change Grow Live"
        ),
        c4,  # no care coordinator; moved from North to South on the 11th
        short,  # excluded: in no breakdown
    ]


def rows(groups):
    return [(g.name, g.mutual_clients, g.jointly_worked, g.percentage) for g in groups]


def test_by_care_coordinator():
    figures = month_figures(breakdown_fixture(), MARCH, DEFAULT)
    assert rows(figures.by_care_coordinator()) == [
        ("Ann", 2, 1, 50.0),
        ("(none named)", 1, 0, 0.0),
        ("Bob", 1, 1, 100.0),
    ]


def test_by_provider():
    figures = month_figures(breakdown_fixture(), MARCH, DEFAULT)
    assert rows(figures.by_provider()) == [
        ("Turning Point", 3, 1, 100 / 3),
        ("Change Grow Live", 1, 1, 100.0),
    ]


def test_by_team_counts_a_client_who_moved_in_both_teams():
    figures = month_figures(breakdown_fixture(), MARCH, DEFAULT)
    assert (figures.mutual_clients, figures.jointly_worked) == (4, 2)
    assert rows(figures.by_team()) == [("North", 3, 1, 100 / 3), ("South", 2, 1, 50.0)]


@pytest.mark.parametrize(
    ("team", "refs", "jointly_worked"),
    [
        (None, ["C1", "C2", "C3", "C4"], 2),
        ("North", ["C1", "C2", "C4"], 1),
        ("South", ["C3", "C4"], 1),
        ("East", [], 0),
    ],
)
def test_month_figures_for_one_team(team, refs, jointly_worked):
    figures = month_figures(breakdown_fixture(), MARCH, DEFAULT, team=team)
    assert figures.team == team
    assert [c.client_ref for c in figures.clients] == refs
    assert figures.jointly_worked == jointly_worked


def test_a_client_with_no_team_on_the_mental_health_side_is_in_no_team():
    history = a_jointly_worked_history(MARCH, "C1", team=None)
    figures = month_figures([history], MARCH, DEFAULT)
    assert figures.clients[0].teams == ()
    assert rows(figures.by_team()) == [("(none named)", 1, 1, 100.0)]
    assert month_figures([history], MARCH, DEFAULT, team="North").mutual_clients == 0


# --- rounding for screens and PDFs -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (15.5, "16%"),
        (2.5, "3%"),  # half up, not to even
        (0.5, "1%"),
        (14.5, "15%"),
        (99.5, "100%"),
        (15.2, "15%"),
        (15.49, "15%"),
        (100 / 3, "33%"),
        (200 / 3, "67%"),
        (0.0, "0%"),
        (0, "0%"),
        (100.0, "100%"),
        (100, "100%"),
        (None, "–"),
    ],
)
def test_percent_text_rounds_half_up_to_a_whole_percent(value, text):
    assert percent_text(value) == text


@pytest.mark.parametrize(
    ("jointly_worked", "mutual", "expected"),
    [(1, 8, "13%"), (3, 8, "38%"), (1, 40, "3%"), (57, 200, "29%"), (31, 200, "16%")],
)
def test_computed_halves_round_up(jointly_worked, mutual, expected):
    assert percent_text(percentage(jointly_worked, mutual)) == expected


def test_figure_text_says_client_for_one():
    assert figure_text(1, 1, 100.0) == "1 of 1 mutual client jointly worked (100%)"
    assert figure_text(0, 0, None) == "0 of 0 mutual clients jointly worked (–)"


def test_what_is_missing_names_the_side_without_a_named_worker():
    from ddcase.domain import Client, ClientHistory, Episode, Service

    month = Month(2026, 10)
    client = Client("RT1", "AB")
    named_mh = Episode("RT1", Service.MENTAL_HEALTH, "ELFT", month.first_day, worker="Ann")
    unnamed_mh = Episode("RT1", Service.MENTAL_HEALTH, "ELFT", month.first_day)
    unnamed_sm = Episode("RT1", Service.SUBSTANCE_MISUSE, "CGL", month.first_day)
    one = evaluate(ClientHistory(client, (named_mh, unnamed_sm), ()), month, Definition())
    assert one.missing()[:2] == ("no named key worker", "no consent to share recorded")
    both = evaluate(ClientHistory(client, (unnamed_mh, unnamed_sm), ()), month, Definition())
    assert both.missing()[0] == "no named care coordinator or key worker"
