"""Items written in prose and in action logs: reported decisions, lists after 'the priorities
are', commitments in speeches, action points 'X to do Y', and the rows an action log marks
done."""

from __future__ import annotations

from pathlib import Path

from pipeline.candidates import sections_to_candidates
from pipeline.extract import row_done
from pipeline.features import text_features
from pipeline.itemtext import opens_with_action
from pipeline.parse import parse_file
from pipeline.segment import document_to_sections


def _candidates(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = parse_file(path)
    return sections_to_candidates(doc, document_to_sections(doc))


def _units(cands) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for c in cands:
        out.setdefault(c.unit, []).append(c.item.text)
    return out


def test_decisions_reported_in_prose_become_their_own_candidates(tmp_path: Path) -> None:
    units = _units(
        _candidates(
            tmp_path,
            "report.txt",
            "Summary\n\nAfter some discussion, members agreed that the Action Groups would each "
            "nominate a liaison person before the next meeting.\n\n"
            "Il a été convenu que le Secrétariat diffusera le projet de rapport avant la fin "
            "du mois.\n\nSe acordó que la Secretaría enviará el informe a los miembros en mayo.\n",
        )
    )
    assert units["reported"] == [
        "the Action Groups would each nominate a liaison person before the next meeting.",
        "le Secrétariat diffusera le projet de rapport avant la fin du mois.",
        "la Secretaría enviará el informe a los miembros en mayo.",
    ]


def test_a_list_after_the_priorities_are_is_cut_into_its_elements(tmp_path: Path) -> None:
    units = _units(
        _candidates(
            tmp_path,
            "gcg.txt",
            "Country updates\n\nThe Commissioner stated that the government's priorities for "
            "the next two years are bringing child labour indicators into the district plans, "
            "recruiting and equipping labour inspectors in every district and passing the "
            "amendment to the Employment Act that regulates agencies recruiting workers for "
            "jobs abroad.\n\n"
            "1. The delegate listed the roadmap's priority areas as the ratification of the "
            "2014 Protocol; the establishment of a national database on child labour; and the "
            "strengthening of shelters for survivors of trafficking.\n",
        )
    )
    assert units["inline"] == [
        "bringing child labour indicators into the district plans",
        "recruiting and equipping labour inspectors in every district",
        "passing the amendment to the Employment Act that regulates agencies recruiting "
        "workers for jobs abroad",
        "the ratification of the 2014 Protocol",
        "the establishment of a national database on child labour",
        "the strengthening of shelters for survivors of trafficking",
    ]


def test_commitments_in_a_speech_are_the_clauses_after_the_commitment(tmp_path: Path) -> None:
    units = _units(
        _candidates(
            tmp_path,
            "speech.txt",
            "Statement\n\nFirst, my Government has decided to amend the Foreign Employment Act "
            "so that employers bear the cost of recruitment.\n\n"
            "Nous nous engageons à retirer les enfants des mines et à ouvrir une cantine dans "
            "chaque école.\n",
        )
    )
    assert units["commitment"] == [
        "amend the Foreign Employment Act so that employers bear the cost of recruitment",
        "retirer les enfants des mines",
        "ouvrir une cantine dans chaque école",
    ]


def test_someone_doing_something_in_the_future_is_told_apart_from_events() -> None:
    def says(text: str) -> bool:
        return "future_action" in text_features(text)

    assert says("The Secretariat will circulate a revised strategy by the end of July.")
    assert says("An informal consultation with donors will be convened in the autumn.")
    assert says("Co-chairs to circulate a revised draft of the guidance note by 15 May.")
    assert says("Le projet de compte rendu sera adressé aux membres sous trois semaines.")
    assert says("Le ministère organisera en octobre un atelier de validation.")
    assert says("Durante el primer semestre se contratarán ocho nuevos inspectores.")
    assert not says("The meeting will take place in Geneva.")
    assert not says("We expect recruitment debt to fall sharply.")
    assert not says("Efforts to strengthen the inspectorate were discussed.")
    assert not says("A business-led initiative to eliminate child labour in supply chains")
    assert says("Secretariat to propose dates for an in-person meeting.")
    assert not says("JOINING FORCES GLOBALLY TO END FORCED LABOUR AND CHILD LABOUR")
    # a going-to future, and future stems whose accents differ from the infinitive's
    assert says("Nous allons créer un point focal dans chaque union régionale.")
    assert says("Vamos a ampliar el programa a 40 nuevos distritos.")
    assert says("We are going to train 600 shop stewards this year.")
    assert says("La fédération mènera une campagne dans les zones rurales.")
    assert says("Nous transmettrons nos commentaires écrits au ministère.")
    # '-re' verbs ('étendra', 'produira'), irregular futures, causatives, intent and obligation
    assert says("Il étendra les contrôles conjoints aux sites miniers du Sud.")
    assert says("L'institut produira un rapport annuel sur le travail des enfants.")
    assert says("Elle tiendra avant la fin de l'année un atelier de validation.")
    assert says("Le gouvernement fera adopter le décret révisé.")
    assert says("La CONAETI hará circular el borrador antes del 15 de marzo.")
    assert says("Pondremos en funcionamiento un registro único de adolescentes trabajadores.")
    assert says("Le Maroc prévoit de lancer une campagne nationale.")
    assert says("Il souhaite aussi former les inspecteurs du travail.")
    assert says("The Ministry intends to train 40 inspectors.")
    assert says("El Ministerio deberá presentar el proyecto al Congreso.")
    assert not says("La frontera norte sigue siendo una zona de riesgo.")
    assert not says("Le GCG fera le point lors de sa prochaine réunion.")
    # ... while an action verb still opens an item in its -ing and -s forms
    assert opens_with_action("Strengthening labour inspection in agriculture")
    assert opens_with_action("Trains 40 inspectors")
    # ... also where the -ing form drops an 'e' or doubles a consonant
    assert opens_with_action("Revising the national labour migration policy")
    assert opens_with_action("Securing a dedicated annual budget")
    assert opens_with_action("Mapping the risks of forced labour in cocoa")
    assert not opens_with_action("Evening session with partners")
    assert not says("The meeting is going to be held in Tunis.")
    assert not says("Nous espérons que le nombre d'enfants au travail baissera.")


def test_an_action_point_label_does_not_hide_the_rule_vote(tmp_path: Path) -> None:
    cands = _candidates(
        tmp_path,
        "minutes.md",
        "# Action points\n\nAP1: Co-chairs to circulate a revised draft of the guidance note "
        "by 15 May.\n\nAP2: Nepal to share the draft terms of reference with members.\n",
    )
    texts = [c.item.text for c in cands]
    assert not any(t.startswith("AP") for t in texts)
    circulate = next(c for c in cands if c.item.text.startswith("Co-chairs"))
    assert circulate.rule_kind is not None


def test_rows_an_action_log_marks_done_in_words_give_no_item(tmp_path: Path) -> None:
    cands = _candidates(
        tmp_path,
        "log.md",
        "# Action log\n\n| Action | Lead | Status |\n|---|---|---|\n"
        "| Write to district councils | Ministry | Completed – letters sent on 14 June |\n"
        "| Update the membership list | Secretariat | Done at the meeting |\n"
        "| Prepare a costed plan | Secretariat | Open |\n"
        "| Draft the survey | NSO | Complete the pilot first |\n",
    )
    done = {c.item.text: row_done(c) for c in cands if c.column == "Action"}
    assert done == {
        "Write to district councils": True,
        "Update the membership list": True,
        "Prepare a costed plan": False,
        "Draft the survey": False,
    }


def test_a_cell_read_whole_by_the_rules_does_not_come_back_glued(tmp_path: Path) -> None:
    """A PDF cell whose two paragraphs lost their break is cut into two actions; the cue
    rules' reading of the whole cell must not add the glued text as a third candidate."""
    cands = _candidates(
        tmp_path,
        "deck.md",
        "# Priorities for action\n\n| Child labour | Forced labour |\n|---|---|\n"
        "| Adopt the national action plan Train 80 labour inspectors in all regions "
        "| Ratify the 2014 Protocol |\n",
    )
    block = next(c.block.id for c in cands if c.column == "Child labour")
    cell = [c.item.text for c in cands if c.block.id == block]
    assert cell == ["Adopt the national action plan", "Train 80 labour inspectors in all regions"]


def test_headings_that_look_ahead_speak_of_next_steps() -> None:
    from pipeline.features import word_classes

    for heading in ("The way ahead", "Looking ahead", "Camino a seguir", "La voie à suivre"):
        assert "next" in word_classes(heading), heading
    # 'the following' announces any list, not a follow-up
    assert "next" not in word_classes("The Government has set the following priorities:")
    assert "next" in word_classes("Follow-up to the workshop")
    # a plan's period said with 'next' is a horizon of priorities, not a follow-up
    for lead in (
        "Para los próximos dos años, el Gobierno de Chile se propone:",
        "Over the next five years the Ministry will focus on",
        "Dans les deux prochaines années, le pays entend",
    ):
        assert word_classes(lead)[:1] == ["plan"] and "next" not in word_classes(lead), lead
    assert "next" in word_classes("The next 12 months")


def test_a_description_of_what_an_organisation_does_is_not_an_action_verb() -> None:
    """'Provides support to ...' describes a platform or partner; 'Provide support to ...' is
    an action. Only the second opens with an action verb; a French or Spanish noun that looks
    like a present ('Lutte contre ...', 'Reforma de ...') is not read as a description."""
    for text in ("Provides concrete solutions for buyers", "creates space for business networks"):
        features = text_features(text)
        assert "opens_description" in features and "opens_verb" not in features, text
    for text in ("Provide concrete solutions for buyers", "Train 200 labour inspectors"):
        features = text_features(text)
        assert "opens_verb" in features and "opens_description" not in features, text
    for text in ("Lutte contre la traite des personnes", "Reforma de la ley de trata"):
        assert "opens_description" not in text_features(text), text


def test_a_lead_in_right_above_reopens_a_section_a_stop_heading_closed(tmp_path: Path) -> None:
    """Plain text leaves 'Background' open over the pledge that follows it; the lead-in
    'se compromete a' right above the pledge speaks louder than the heading further up."""
    from pipeline.candidates import sections_to_candidates
    from pipeline.features import candidate_features
    from pipeline.parse import parse_file
    from pipeline.segment import document_to_sections

    path = tmp_path / "pledges.txt"
    path.write_text(
        "Antecedentes\n\nLa inspección visitó 45 establecimientos en 2020.\n\n"
        "se compromete a\n\nPrevenir el trabajo forzoso en las estancias ganaderas\n",
        "utf-8",
    )
    doc = parse_file(path)
    by_text = {c.item.text: c for c in sections_to_candidates(doc, document_to_sections(doc))}
    pledge = candidate_features(by_text["Prevenir el trabajo forzoso en las estancias ganaderas"])
    background = candidate_features(by_text["La inspección visitó 45 establecimientos en 2020."])
    assert "section_stop" in background and "h:background" in background
    assert "section_stop" not in pledge and "h:background" not in pledge


def test_an_enumerated_sentence_gives_one_candidate_per_enumerated_action(tmp_path: Path) -> None:
    cands = _candidates(
        tmp_path,
        "answer.txt",
        "C1. What actions will your Government take over the next 12 months?\n\n"
        "Over the next twelve months the Ministry of Labour plans to (i) finalise the second "
        "action plan against human trafficking; (ii) deploy a shared case-management database "
        "for labour inspectors; and (iii) revise the list of hazardous occupations for "
        "children.\n\n"
        "Article 3 (a) of the Convention defines (b) the worst forms of child labour.\n",
    )
    inline = [c for c in cands if c.unit == "inline"]
    assert [c.item.text for c in inline] == [
        "finalise the second action plan against human trafficking",
        "deploy a shared case-management database for labour inspectors",
        "revise the list of hazardous occupations for children",
    ]
    assert {c.lead_in for c in inline} == {
        "Over the next twelve months the Ministry of Labour plans to"
    }
    # enumerators not closing one element before the next cut nothing
    assert any(c.item.text.startswith("Article 3 (a)") for c in cands if c.unit != "inline")
