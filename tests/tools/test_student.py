"""Student versions and the student-track conventions (tools/student.py)."""
import ast
from pathlib import Path

import nbformat
import pytest

from tools.student import (
    ANSWER_KEY_TAG,
    PROMPT,
    PROMPT_TAG,
    SCAFFOLD_TAG,
    SELF_CHECK_TAG,
    convention_problems,
    main,
    student_version,
    write_student_versions,
)

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / 'notebooks').glob('*.ipynb'))
SCAFFOLD = 'answer = None  # TODO: compute x + 41\n'
CHECK = "assert answer == 42, f'expected x + 41 = 42, found {answer}: fill in the TODO'"


def cell(kind, source, tags=(), slide='-', scaffold=None):
    if kind == 'code':
        c = nbformat.v4.new_code_cell(source, execution_count=7, outputs=[
            nbformat.v4.new_output('stream', name='stdout', text='42\n')])
    else:
        c = nbformat.v4.new_markdown_cell(source)
    c.metadata['tags'] = list(tags)
    c.metadata['slideshow'] = {'slide_type': slide}
    if scaffold is not None:
        c.metadata['scaffold'] = scaffold
    return c


def tags(c):
    return c.get('metadata', {}).get('tags', [])


def notebook():
    """A planted notebook with one cell for each rule."""
    return nbformat.v4.new_notebook(cells=[
        cell('markdown', '# Title', slide='slide'),
        cell('code', 'x = 1'),
        cell('markdown', '**Say:** x is one.', slide='notes'),
        cell('markdown', '## Exercises', slide='slide'),
        cell('markdown', '1. Compute x + 41.', tags=['exercise']),
        cell('code', 'answer = x + 41\nprint(answer)', tags=['solution'], slide='skip',
             scaffold=SCAFFOLD),
        cell('code', 'plot(answer)', tags=['solution'], slide='skip'),
        cell('markdown', 'It is 42.', tags=['solution'], slide='skip'),
        cell('code', CHECK, tags=['self-check'], slide='skip'),
        cell('markdown', '**Say:** the answer is 42.', slide='notes'),
        cell('markdown', '2. Why 42?', tags=['exercise', 'prose-answer']),
        cell('markdown', 'Because.', tags=['solution'], slide='skip'),
        cell('code', 'later = answer + x'),
        cell('markdown', '## Summary\n\nThe answer was 42.', tags=['answer-key'], slide='slide'),
        cell('markdown', '## Questionnaire\n\n1. a?\n2. b?\n3. c?\n4. d?\n5. e?',
             tags=['questionnaire'], slide='slide'),
        cell('markdown', '1. A. 2. B. 3. C. 4. D. 5. E.', tags=['answer-key'], slide='skip'),
    ])


def test_student_version_applies_each_rule():
    nb = notebook()
    before = nbformat.writes(nb)
    student = student_version(nb)
    assert nbformat.writes(nb) == before, 'the input notebook must not change'
    sources = [c.source for c in student.cells]
    assert sources == ['# Title', 'x = 1', '## Exercises', '1. Compute x + 41.', SCAFFOLD,
                       CHECK, '2. Why 42?', PROMPT, 'later = answer + x',
                       notebook().cells[14].source]
    kinds = {SCAFFOLD_TAG: 1, SELF_CHECK_TAG: 1, PROMPT_TAG: 1}
    for tag, count in kinds.items():
        assert sum(tag in tags(c) for c in student.cells) == count, tag
    assert not [c for c in student.cells if c.metadata.get('slideshow', {}).get(
        'slide_type') == 'notes'], 'speaker notes must be removed'
    assert not [c for c in student.cells if {'solution', ANSWER_KEY_TAG} & set(tags(c))]
    scaffold = student.cells[4]
    assert scaffold.cell_type == 'code' and scaffold.outputs == []
    assert scaffold.metadata['slideshow']['slide_type'] == 'skip'
    assert student.cells[5].outputs == [] and student.cells[5].execution_count is None
    assert student.cells[1].outputs[0]['text'] == '42\n', 'other outputs are kept'
    nbformat.validate(student)


def test_planted_notebook_follows_the_conventions():
    assert convention_problems(notebook()) == []


def test_prose_after_a_self_check_gets_no_second_prompt():
    nb = notebook()
    nb.cells.insert(9, cell('markdown', 'More of the answer.', tags=['solution']))
    student = student_version(nb)
    assert [c.source for c in student.cells][4:8] == [SCAFFOLD, CHECK, '2. Why 42?', PROMPT]


def test_the_self_check_passes_on_the_solution_and_fails_on_the_scaffold():
    namespace = {'x': 1}
    exec(notebook().cells[5].source.replace('print(answer)', ''), namespace)
    exec(CHECK, namespace)
    namespace = {'x': 1}
    exec(SCAFFOLD, namespace)
    with pytest.raises(AssertionError, match='fill in the TODO'):
        exec(CHECK, namespace)


@pytest.mark.parametrize('index, change, expected', [
    (5, lambda c: c.metadata.pop('scaffold'), 'no solution code cell with a metadata'),
    (5, lambda c: c.metadata.update(scaffold='answer = None\n'), 'holding "# TODO"'),
    (8, lambda c: c.metadata.update(tags=[]), "no code cell tagged 'self-check'"),
    (14, lambda c: c.metadata.update(tags=[]), "0 cells tagged 'questionnaire'"),
    (14, lambda c: setattr(c, 'source', '1. a?\n2. b?'), 'has 2 numbered questions'),
    (15, lambda c: c.metadata.update(tags=[]), "no cell tagged 'answer-key'"),
    (12, lambda c: setattr(c, 'source', 'later = answer + plotted'), 'reads plotted'),
])
def test_each_broken_rule_is_reported(index, change, expected):
    nb = notebook()
    if expected == 'reads plotted':
        nb.cells[6].source = 'plotted = plot(answer)'
    change(nb.cells[index])
    problems = convention_problems(nb)
    assert any(expected in p for p in problems), problems


def test_an_answer_before_its_exercise_is_reported():
    nb = notebook()
    nb.cells.insert(1, cell('markdown', 'The answer is 42.', tags=['solution']))
    assert any('before any exercise' in p for p in convention_problems(nb))


def test_a_later_cell_may_read_what_a_kept_cell_or_a_scaffold_defines():
    nb = notebook()
    nb.cells[12].source = 'later = answer + x'  # answer: defined by the scaffold
    assert convention_problems(nb) == []
    nb.cells[5].metadata['scaffold'] = 'result = None  # TODO: compute x + 41\n'
    assert any('reads answer' in p for p in convention_problems(nb))


def test_a_notebook_without_exercises_is_unchanged():
    nb = nbformat.v4.new_notebook(cells=[cell('markdown', '# T'), cell('code', 'y = 2')])
    assert nbformat.writes(student_version(nb)) == nbformat.writes(nb)


def test_command_line_writes_student_notebooks_and_checks(tmp_path, capsys):
    source = tmp_path / 'nb.ipynb'
    nbformat.write(notebook(), source)
    assert main([str(source), '--output-dir', str(tmp_path / 'student')]) == 0
    target = tmp_path / 'student' / 'nb.ipynb'
    assert capsys.readouterr().out.strip() == str(target)
    text = target.read_text()
    assert 'print(answer)' not in text and 'TODO' in text and '**Say:**' not in text
    assert main([str(tmp_path / 'missing.ipynb')]) == 1
    with pytest.raises(ValueError, match='overwrite'):
        write_student_versions([source], tmp_path)
    assert main(['--check', str(source)]) == 0
    broken = notebook()
    broken.cells[8].metadata['tags'] = []
    nbformat.write(broken, source)
    capsys.readouterr()
    assert main(['--check', str(source)]) == 1
    assert 'self-check' in capsys.readouterr().out


# --- The real notebooks -------------------------------------------------------------------

@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: p.stem)
def test_real_notebook_follows_the_student_conventions(path):
    nb = nbformat.read(path, as_version=4)
    assert any('exercise' in tags(c) for c in nb.cells), f'{path.name}: no exercise'
    problems = convention_problems(nb)
    assert not problems, f'{path.name}:\n' + '\n'.join(problems)


@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: p.stem)
def test_real_student_version_gives_no_answer_away(path, tmp_path):
    [target] = write_student_versions([path], tmp_path)
    student = nbformat.read(target, as_version=4)
    original = nbformat.read(path, as_version=4)
    assert not [c for c in student.cells if {'solution', ANSWER_KEY_TAG} & set(tags(c))]
    assert not [c for c in student.cells
                if c.metadata.get('slideshow', {}).get('slide_type') == 'notes']
    exercises = sum('exercise' in tags(c) for c in original.cells)
    checked = sum('exercise' in tags(c) and 'prose-answer' not in tags(c)
                  for c in original.cells)
    assert sum(SCAFFOLD_TAG in tags(c) for c in student.cells) >= checked
    assert sum(SELF_CHECK_TAG in tags(c) for c in student.cells) >= checked
    assert sum('exercise' in tags(c) for c in student.cells) == exercises
    for c in student.cells:
        if SCAFFOLD_TAG in tags(c):
            assert '# TODO' in c.source and c.outputs == []
            ast.parse(c.source)  # a scaffold runs as it is: at least it parses
