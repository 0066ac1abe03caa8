"""The skill-mix pages: what each persona may see and change, the forms, and the exports.

alice manages TAH, eve edits TAH, bob views TAH, charlie edits RXE, olive belongs to no trust.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from newroles.accounts import policy
from newroles.conftest import client_for
from newroles.skillmix import services
from newroles.skillmix.models import Composition, CompositionPost, Scenario

VIEW_PAGES = ["composition", "composition_export", "scenario", "scenario_export", "compare"]
WRITE_PAGES = [
    ("composition_edit", "get"),
    ("composition_delete", "post"),
    ("post_add", "get"),
    ("post_edit", "get"),
    ("post_delete", "post"),
    ("competencies", "get"),
    ("scenario_create", "get"),
    ("scenario_edit", "get"),
    ("scenario_delete", "post"),
    ("change_add", "get"),
    ("change_delete", "post"),
]


def url(name: str, scenario: Scenario) -> str:
    composition = scenario.composition
    post = composition.posts.first()
    change = scenario.changes.first()
    urls = {
        "composition": reverse("skillmix:composition", args=[composition.pk]),
        "composition_export": reverse("skillmix:composition", args=[composition.pk]) + "?format=xlsx",
        "scenario": reverse("skillmix:scenario", args=[scenario.pk]),
        "scenario_export": reverse("skillmix:scenario", args=[scenario.pk]) + "?format=xlsx",
        "compare": reverse("skillmix:compare", args=[composition.pk]) + f"?scenarios={scenario.pk}",
        "composition_edit": reverse("skillmix:composition_edit", args=[composition.pk]),
        "composition_delete": reverse("skillmix:composition_delete", args=[composition.pk]),
        "post_add": reverse("skillmix:post_add", args=[composition.pk]),
        "post_edit": reverse("skillmix:post_edit", args=[composition.pk, post.pk]),
        "post_delete": reverse("skillmix:post_delete", args=[composition.pk, post.pk]),
        "competencies": reverse("skillmix:competencies", args=[composition.pk]),
        "scenario_create": reverse("skillmix:scenario_create", args=[composition.pk]),
        "scenario_edit": reverse("skillmix:scenario_edit", args=[scenario.pk]),
        "scenario_delete": reverse("skillmix:scenario_delete", args=[scenario.pk]),
        "change_add": reverse("skillmix:change_add", args=[scenario.pk, "convert"]),
        "change_delete": reverse("skillmix:change_delete", args=[scenario.pk, change.pk]),
    }
    return urls[name]


def share(scenario: Scenario) -> None:
    services.update_composition(actor=policy.SYSTEM, composition=scenario.composition, is_shared=True)
    services.update_scenario(actor=policy.SYSTEM, scenario=scenario, is_shared=True)


# Tenancy ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", VIEW_PAGES + [name for name, _ in WRITE_PAGES])
@pytest.mark.parametrize("persona", ["olive", "charlie"])
def test_outsiders_get_404_on_private_pages(request, na_scenario, persona, page) -> None:
    client = client_for(request.getfixturevalue(persona))
    method = dict(WRITE_PAGES).get(page, "get")
    response = getattr(client, method)(url(page, na_scenario))
    assert response.status_code == 404
    assert Scenario.objects.filter(pk=na_scenario.pk).exists()


@pytest.mark.parametrize(("page", "method"), WRITE_PAGES)
def test_viewers_get_403_on_writes(bob, na_scenario, page, method) -> None:
    response = getattr(client_for(bob), method)(url(page, na_scenario))
    assert response.status_code == 403
    assert CompositionPost.objects.count() == 12 and na_scenario.changes.count() == 1


@pytest.mark.parametrize("page", VIEW_PAGES)
def test_viewers_see_their_trusts_pages(bob, na_scenario, page) -> None:
    assert client_for(bob).get(url(page, na_scenario)).status_code == 200


@pytest.mark.parametrize(("page", "method"), WRITE_PAGES)
def test_editor_of_another_trust_cannot_change_shared_work(charlie, na_scenario, page, method) -> None:
    share(na_scenario)
    response = getattr(client_for(charlie), method)(url(page, na_scenario))
    assert response.status_code == 403
    assert Composition.objects.count() == 1 and na_scenario.changes.count() == 1


@pytest.mark.parametrize("page", VIEW_PAGES)
def test_shared_work_is_visible_to_everyone_signed_in(olive, na_scenario, page) -> None:
    share(na_scenario)
    assert client_for(olive).get(url(page, na_scenario)).status_code == 200


def test_a_shared_scenario_of_a_private_composition_stays_private(olive, na_scenario) -> None:
    services.update_scenario(actor=policy.SYSTEM, scenario=na_scenario, is_shared=True)
    assert client_for(olive).get(url("scenario", na_scenario)).status_code == 404


def test_the_list_shows_only_what_the_user_may_see(olive, bob, demo) -> None:
    assert demo.name not in client_for(olive).get(reverse("skillmix:index")).content.decode()
    assert demo.name in client_for(bob).get(reverse("skillmix:index")).content.decode()


def test_only_editors_add_compositions(bob, charlie, olive, shared_team, private_team) -> None:
    create = reverse("skillmix:composition_create")
    assert client_for(bob).get(create).status_code == 403
    assert client_for(olive).get(create).status_code == 403
    assert client_for(charlie).get(f"{create}?team={shared_team.pk}").status_code == 403  # sees it, may not edit
    assert client_for(charlie).get(f"{create}?team={private_team.pk}").status_code == 404
    response = client_for(charlie).post(create, {"team": private_team.pk, "name": "Mine now", **SETTINGS})
    assert response.status_code == 200  # the team is not a choice for charlie
    assert not Composition.objects.exists()


# Pages and forms ----------------------------------------------------------------------------------

SETTINGS = {
    "pay_year": "2025/26",
    "pay_point": "top",
    "on_cost_percent": "28",
    "supervisor_hours_per_wte": "2",
}


def test_editor_creates_a_composition_and_adds_posts(eve, private_team, roles) -> None:
    client = client_for(eve)
    create = reverse("skillmix:composition_create")
    assert client.get(create).status_code == 200
    response = client.post(create, {"team": private_team.pk, "name": "Ward now", **SETTINGS})
    composition = Composition.objects.get(team=private_team)
    assert response.status_code == 302 and response["Location"] == composition.get_absolute_url()
    add = reverse("skillmix:post_add", args=[composition.pk])
    response = client.post(
        add,
        {"role": roles["nursing_associate"].pk, "band": "4", "wte": "1.0", "count": "3", "filled": "no",
         "registered": "", "supervises_others": "", "competencies": "Physical health checks\n\nMedicines"},
    )  # fmt: skip
    assert response.status_code == 302
    posts = list(composition.posts.all())
    assert len(posts) == 3
    assert all(p.registered and not p.filled for p in posts)
    assert posts[0].competencies == ["Physical health checks", "Medicines"]
    page = client.get(composition.get_absolute_url()).content.decode()
    assert "Nursing associate" in page and "Vacant" in page


def test_post_form_errors_are_summarised_and_linked(eve, demo, roles) -> None:
    add = reverse("skillmix:post_add", args=[demo.pk])
    response = client_for(eve).post(add, {"role": roles["psychiatrist"].pk, "band": "7", "wte": "3", "count": "1",
                                          "filled": "yes"})  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_wte"' in page


def test_copy_a_composition_through_the_form(eve, demo, private_team) -> None:
    response = client_for(eve).post(
        reverse("skillmix:composition_create"),
        {"team": private_team.pk, "copy_from": demo.pk, "name": "Copied", **SETTINGS},
    )
    assert response.status_code == 302
    assert Composition.objects.get(name="Copied").posts.count() == 12


def test_composition_page_explains_every_metric(bob, demo) -> None:
    page = client_for(bob).get(demo.get_absolute_url()).content.decode()
    for words in (
        "Diversity index (Shannon H)",
        "0 when everyone is in one staff group",  # the Shannon range explained
        "ln(k)",
        "Senior-to-junior ratio",
        "Coverage of required competencies",
        "Supervision needed",
        "Annual cost of the whole establishment",
        "Band profile",
        "WTE in post by staff group",
        "The figures in the chart",
        "<svg",
    ):
        assert words in page, words


def test_the_manager_converts_the_vacancy_in_the_browser_flow(alice, demo, vacancy, roles) -> None:
    client = client_for(alice)
    response = client.post(reverse("skillmix:scenario_create", args=[demo.pk]), {"name": "Two nursing associates"})
    scenario = Scenario.objects.get(name="Two nursing associates")
    assert response["Location"] == scenario.get_absolute_url()
    convert = reverse("skillmix:change_add", args=[scenario.pk, "convert"])
    form = client.get(convert).content.decode()
    assert "Which vacancy do you want to convert?" in form
    response = client.post(
        convert,
        {"post": vacancy.pk, "role": roles["nursing_associate"].pk, "band": "4", "count": "2", "wte": "1.0",
         "registered": "", "supervises_others": "", "filled": "yes", "own_discipline_change": "none"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    page = client.get(scenario.get_absolute_url()).content.decode()
    assert "+£17,592" in page  # the cost difference
    assert "Not enough supervision" in page and "0.7 hours a week short" in page
    assert "Delegation" in page and "2 bands apart" in page
    assert "Before" in page and "After" in page


def test_a_filled_post_cannot_be_chosen_for_conversion(alice, na_scenario, demo, roles) -> None:
    filled = demo.posts.filter(filled=True).first()
    response = client_for(alice).post(
        reverse("skillmix:change_add", args=[na_scenario.pk, "convert"]),
        {"post": filled.pk, "role": roles["nursing_associate"].pk, "band": "4", "count": "1", "wte": "1",
         "filled": "yes", "own_discipline_change": "none"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert na_scenario.changes.count() == 1


def test_unknown_kind_of_change_is_404(alice, na_scenario) -> None:
    assert client_for(alice).get(f"/skill-mix/scenarios/{na_scenario.pk}/changes/add/merge/").status_code == 404


def test_remove_a_change(alice, na_scenario) -> None:
    change = na_scenario.changes.get()
    client_for(alice).post(reverse("skillmix:change_delete", args=[na_scenario.pk, change.pk]))
    assert not na_scenario.changes.exists()


def test_delete_a_post_a_scenario_uses_says_why(alice, na_scenario, vacancy) -> None:
    response = client_for(alice).post(
        reverse("skillmix:post_delete", args=[vacancy.composition_id, vacancy.pk]), follow=True
    )
    assert "uses this post" in response.content.decode()
    assert CompositionPost.objects.filter(pk=vacancy.pk).exists()


def test_team_competencies_form(eve, demo) -> None:
    page = reverse("skillmix:competencies", args=[demo.pk])
    assert "illustrative" in client_for(eve).get(page).content.decode()
    client_for(eve).post(page, {"competencies": "Prescribing\nFamily work", "note": "Agreed at team meeting"})
    assert services.required_competencies(demo.team).competencies == ["Prescribing", "Family work"]
    client_for(eve).post(page, {"use_default": "1"})
    assert not services.required_competencies(demo.team).is_team_own


def test_compare_up_to_three(alice, na_scenario, demo, roles) -> None:
    others = []
    for name in ("B", "C", "D"):
        scenario = services.create_scenario(actor=policy.SYSTEM, composition=demo, name=name)
        services.add_change(
            actor=policy.SYSTEM,
            scenario=scenario,
            kind="add",
            role=roles["peer_support_worker"],
            band="3",
            wte=Decimal("0.5"),
        )
        others.append(scenario)
    compare = reverse("skillmix:compare", args=[demo.pk])
    three = f"{compare}?scenarios={na_scenario.pk}&scenarios={others[0].pk}&scenarios={others[1].pk}"
    page = client_for(alice).get(three).content.decode()
    assert "Nursing associates" in page and "+£17,592" in page and "Delegation" in page
    four = f"{three}&scenarios={others[2].pk}"
    assert "Choose up to 3 scenarios" in client_for(alice).get(four).content.decode()
    workbook = load_workbook(io.BytesIO(client_for(alice).get(f"{three}&format=xlsx").content))
    metrics = workbook["Metrics"]
    header = next(r for r in metrics.iter_rows(values_only=True) if r and r[0] == "Section")
    assert list(header[2:6]) == ["Now", "B", "C", "Nursing associates"]  # scenarios in name order


def test_scenario_xlsx_export(bob, na_scenario) -> None:
    response = client_for(bob).get(url("scenario_export", na_scenario))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="skill-mix-cmht-north-nursing-associates.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Metrics", "Change kinds", "Staff groups", "Posts Before", "Posts After"]
    rows = list(workbook["Metrics"].iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "Section")
    assert rows[header_at][:5] == ("Section", "Metric", "Before", "After", "Change: After")
    by_label = {r[1]: r for r in rows[header_at + 1 :]}
    establishment = by_label["Annual cost of the whole establishment"]
    assert establishment[4] == pytest.approx(17_592.32)
    assert "Cost of staff in post + cost of vacancies if filled" in establishment[5]
    shortfall = by_label["Supervision shortfall"]
    assert shortfall[2] == 0 and shortfall[3] == pytest.approx(0.7)
    kinds = list(workbook["Change kinds"].iter_rows(values_only=True))
    assert kinds[1][2] == "Delegation"
    assert len(list(workbook["Posts After"].iter_rows())) == 14  # header and 13 posts


def test_composition_csv_export_neutralises_formulas(eve, demo, roles) -> None:
    services.add_posts(actor=eve, composition=demo, role=roles["nursing_associate"], band="4", wte=1,
                       title="=HYPERLINK(\"http://example.org\")")  # fmt: skip
    response = client_for(eve).get(reverse("skillmix:composition", args=[demo.pk]) + "?format=csv")
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


# Plain words on the forms -------------------------------------------------------------------------


def test_optional_questions_say_optional_once(alice, na_scenario) -> None:
    client = client_for(alice)
    add = client.get(reverse("skillmix:change_add", args=[na_scenario.pk, "add"])).content.decode()
    assert "Whose tasks will the new posts take on? (optional)" in add
    assert "(optional) (optional)" not in add
    create = client.get(reverse("skillmix:composition_create")).content.decode()
    assert "Start from a copy of another team&#x27;s composition (optional)" in create
    assert "(optional) (optional)" not in create


def test_the_sharing_hints_are_plain_english(alice, na_scenario) -> None:
    client = client_for(alice)
    scenario = client.get(reverse("skillmix:scenario_create", args=[na_scenario.composition_id])).content.decode()
    assert "Tick this to let everyone who signs in see the scenario." in scenario
    assert "yes lets" not in scenario
    composition = client.get(reverse("skillmix:composition_create")).content.decode()
    assert "Tick this to let everyone who signs in see this composition and its posts." in composition
    assert "yes lets" not in composition


def test_the_conversion_question_says_the_competencies_go_with_the_tasks(alice, na_scenario) -> None:
    page = client_for(alice).get(reverse("skillmix:change_add", args=[na_scenario.pk, "convert"])).content.decode()
    assert "The new posts take on the vacant post&#x27;s tasks, and the competencies it lists with them." in page
