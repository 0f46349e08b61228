"""GIFT read as Moodle's reader reads it: the mis-parses and wrong refusals of the interop review."""

from __future__ import annotations

import pytest

from studyvm.packs.importers.common import ImportProblem
from studyvm.packs.importers.gift import parse_gift
from studyvm.study.grading import grade


def test_empty_option_before_the_right_one_is_dropped_with_a_warning():
    result = parse_gift("::EM::Would you like {~=some~a few} rice with your chicken?", "bank.gift")
    q = result.questions[0]
    assert q.type == "mcq"
    assert q.prompt == "Would you like _____ rice with your chicken?"
    assert [(o.text, o.credit()) for o in q.options] == [("some", 100), ("a few", 0)]
    assert any("empty answer after '~' dropped" in w.message for w in result.warnings)


def test_several_full_credit_answers_in_a_single_choice():
    result = parse_gift("Specify the seasons\\: {= spring = summer = winter = autumn ~ easter}")
    q = result.questions[0]
    assert q.type == "mcq"
    assert [o.text for o in q.options if o.credit() == 100] == ["spring", "summer", "winter", "autumn"]
    assert grade(q, 1).score == 1.0 and grade(q, 4).score == 0.0
    assert any("several '=' answers" in w.message for w in result.warnings)


def test_catch_all_answer_gives_its_feedback_to_any_other_answer():
    q = parse_gift("What's this?{=Frog#Good! =%50%Cat#Half =%0%*#Completely wrong}").questions[0]
    assert grade(q, "dog").feedback == "Completely wrong"
    assert grade(q, "dog").score == 0.0
    assert grade(q, "frog").score == 1.0 and grade(q, "frog").expected == "Frog"
    assert grade(q, "cat").score == 0.5


def test_html_in_the_default_format_is_rendered():
    text = "I usually {=go} to the gym on Sundays. (<i>go</i>)\n\nTom &amp; Jerry<br>are {T}"
    first, second = parse_gift(text).questions
    assert first.prompt == "I usually _____ to the gym on Sundays. (go)"
    assert second.prompt == "Tom & Jerry\nare"


def test_plain_text_with_lone_angle_brackets_stays_as_written():
    q = parse_gift("Is a < b & c > d? {T}").questions[0]
    assert q.prompt == "Is a < b & c > d?"


def test_html_options_and_google_translate_debris():
    text = '::q::[html]Pick <div id="gtx-trans" style="position: absolute"> </div>one{=<p>respuesta 1</p> ~<p>dos</p>}'
    q = parse_gift(text).questions[0]
    assert q.prompt == "Pick one"
    assert [o.text for o in q.options] == ["respuesta 1", "dos"]


def test_pre_keeps_line_breaks_and_indentation():
    # Lines of a GIFT file are trimmed (as Moodle does), so only an escaped \n keeps indentation.
    text = "[html]<p>What does it print?</p><pre>for i in range(2):\n    print(i)</pre>{=<pre>0\\n1</pre> ~0 1}"
    q = parse_gift(text).questions[0]
    assert q.prompt == "What does it print?\n\nfor i in range(2):\nprint(i)"
    assert [o.text for o in q.options] == ["0\n1", "0 1"]
    escaped = "[html]<pre>for i in range(2):\\n    print(i)</pre>{T}"
    assert parse_gift(escaped).questions[0].prompt == "for i in range(2):\n    print(i)"


def test_lists_and_tables_keep_their_shape():
    q = parse_gift("[html]<ul><li>TCP</li><li>UDP</li></ul><table><tr><td>a</td><td>b</td></tr></table>{T}").questions[
        0
    ]
    lines = q.prompt.splitlines()
    assert [line.strip() for line in lines[:2]] == ["* TCP", "* UDP"]
    assert lines[2].split() == ["a", "b"]


def test_images_become_placeholders_and_a_warning_names_the_question():
    text = '[html]¿Qué elemento?<br><img src="https://x/cisco-switch-icon.jpg"/>{=Switch =Conmutador}'
    result = parse_gift(text, "exam.gift")
    assert result.questions[0].prompt == "¿Qué elemento?\n[image: cisco-switch-icon.jpg]"
    (warning,) = result.warnings
    assert "¿Qué elemento?" in warning.message and "cisco-switch-icon.jpg" in warning.message


def test_audio_link_in_moodle_format_is_kept_as_a_placeholder():
    text = 'Listen to this greeting: <a href="@@PLUGINFILE@@/bonjour.mp3">bonjour.mp3</a> {=Bonjour}'
    result = parse_gift(text)
    assert "[audio: bonjour.mp3]" in result.questions[0].prompt
    assert "bonjour.mp3" in result.warnings[0].message


def test_category_line_right_after_a_question_starts_a_new_topic():
    text = (
        "$CATEGORY: $course$/Week 1\n::first::First? {T}\n\n::second::Second, week 1 {T}\n$CATEGORY: $course$/Week 2\n"
    )
    text += "::third::Third? {F}"
    questions = {q.id: q for q in parse_gift(text).questions}
    assert questions["second"].prompt == "Second, week 1"
    assert questions["second"].topic == "Week 1"
    assert questions["third"].topic == "Week 2"


def test_moodle_cloze_syntax_is_named_in_the_refusal():
    with pytest.raises(ImportProblem) as caught:
        parse_gift("I came {1:SA:=by} bus {1:MC:~on~=with}.", "gl02.gift")
    assert "Moodle's embedded-answers Cloze" in str(caught.value)


def test_every_problem_is_reported_with_its_place():
    text = "\n\n".join(
        [
            "::ok::Fine? {T}",
            "::a::Q? {T}\n::b::Glued question? {F}",  # 3: no blank line between questions
            "Weight? {=a ~%150%b}",  # 6
            "::c::Number? {#abc}",  # 8
            "::d::Fine too {=x ~y}",
        ]
    )
    with pytest.raises(ImportProblem) as caught:
        parse_gift(text, "bank.gift")
    lines = str(caught.value).splitlines()
    assert [line.split(":")[1] for line in lines[:-1]] == ["4", "6", "8"], lines
    assert lines[-1] == "bank.gift: 3 errors; nothing was imported"
    assert "weight 150% is outside" in lines[1]
    assert "not a number: 'abc'" in lines[2]


def test_pictures_beside_the_bank_are_kept_and_others_named(tmp_path):
    from anki_builder import png

    from studyvm.packs.importers.gift import import_gift

    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "switch.png").write_bytes(png())
    (tmp_path / "secret.txt").write_text("no")
    bank = tmp_path / "exam.gift"
    bank.write_text(
        '::a::[html]Which device? <img src="img/switch.png" alt="icon">{=Switch}\n\n'
        '::b::[html]And this? <img src="../outside.png">{=Router}\n\n'
        '::c::[html]Text? <img src="secret.txt">{=No}\n'
    )
    result = import_gift(bank)
    prompts = [q.prompt for q in result.questions]
    assert prompts[0] == "Which device? [image: icon (switch.png)]"
    assert result.media == {"switch.png": png()}
    messages = [w.message for w in result.warnings]
    assert any("'../outside.png' is not beside the GIFT file" in m for m in messages)
    assert any("'secret.txt' is refused ('secret.txt' is not a picture, sound or video file)" in m for m in messages)


def test_a_malformed_weight_is_kept_as_text_with_a_warning():
    result = parse_gift("Q? {=right ~%50 half}", "bank.gift")
    assert [o.text for o in result.questions[0].options] == ["right", "%50 half"]
    assert any("does not read as a weight" in w.message and w.col == 13 for w in result.warnings)
