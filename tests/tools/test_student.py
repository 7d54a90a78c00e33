"""Student versions: solution cells replaced by prompts, exercises' outputs cleared."""
import json
from pathlib import Path

import nbformat
import pytest

from tools.student import PROMPT, PROMPT_TAG, main, student_version, write_student_versions

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / 'notebooks').glob('*.ipynb'))


def cell(kind, source, tags=(), outputs=None, slide='-'):
    if kind == 'code':
        c = nbformat.v4.new_code_cell(source, execution_count=7,
                                      outputs=outputs or [nbformat.v4.new_output(
                                          'stream', name='stdout', text='42\n')])
    else:
        c = nbformat.v4.new_markdown_cell(source)
    c.metadata['tags'] = list(tags)
    c.metadata['slideshow'] = {'slide_type': slide}
    return c


def notebook():
    return nbformat.v4.new_notebook(cells=[
        cell('markdown', '# Title', slide='slide'),
        cell('code', 'x = 1'),
        cell('markdown', '## Exercises', slide='slide'),
        cell('markdown', '1. Compute x.', tags=['exercise']),
        cell('markdown', 'Answer: 42.', tags=['solution'], slide='skip'),
        cell('code', 'print(42)', tags=['solution'], slide='skip'),
        cell('code', 'show_data()', tags=['exercise']),
        cell('code', 'print(43)', tags=['solution', 'other'], slide='skip'),
        cell('markdown', '2. Last one.', tags=['exercise']),
        cell('markdown', 'Because.', tags=['solution'], slide='skip'),
    ])


def test_each_run_of_solution_cells_becomes_one_prompt():
    nb = notebook()
    before = nbformat.writes(nb)
    student = student_version(nb)
    assert nbformat.writes(nb) == before, 'the input notebook must not change'
    sources = [c.source for c in student.cells]
    assert sources == ['# Title', 'x = 1', '## Exercises', '1. Compute x.', PROMPT,
                       'show_data()', PROMPT, '2. Last one.', PROMPT]
    prompts = [c for c in student.cells if PROMPT_TAG in c.metadata.get('tags', [])]
    assert len(prompts) == 3 and all(c.cell_type == 'markdown' for c in prompts)
    assert all(c.metadata['slideshow']['slide_type'] == 'skip' for c in prompts)
    assert not any('solution' in c.metadata.get('tags', []) for c in student.cells)
    nbformat.validate(student)


def test_exercise_outputs_are_cleared_and_the_rest_kept():
    student = student_version(notebook())
    exercise = student.cells[5]
    assert exercise.source == 'show_data()'
    assert exercise.outputs == [] and exercise.execution_count is None
    kept = student.cells[1]
    assert kept.outputs[0]['text'] == '42\n' and kept.execution_count == 7
    assert student.metadata == notebook().metadata


def test_a_notebook_without_solutions_is_unchanged():
    nb = nbformat.v4.new_notebook(cells=[cell('markdown', '# T'), cell('code', 'y = 2')])
    assert nbformat.writes(student_version(nb)) == nbformat.writes(nb)


def test_command_line_writes_student_notebooks(tmp_path, capsys):
    source = tmp_path / 'nb.ipynb'
    nbformat.write(notebook(), source)
    assert main([str(source), '--output-dir', str(tmp_path / 'student')]) == 0
    target = tmp_path / 'student' / 'nb.ipynb'
    assert capsys.readouterr().out.strip() == str(target)
    assert 'print(42)' not in target.read_text() and PROMPT in target.read_text()
    assert main([str(tmp_path / 'missing.ipynb')]) == 1
    with pytest.raises(ValueError, match='overwrite'):
        write_student_versions([source], tmp_path)


# --- The real notebooks -------------------------------------------------------------------
# These check the notebooks' content, which the notebook helpers' branches provide (issue 10):
# they FAIL until that work is merged, and must pass after it. Do not skip them.

def tags(c):
    return c.get('metadata', {}).get('tags', [])


@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: p.stem)
def test_real_notebook_has_solutions_and_speaker_notes(path):
    cells = json.loads(path.read_text())['cells']
    solutions = sum('solution' in tags(c) for c in cells)
    notes = sum(c.get('metadata', {}).get('slideshow', {}).get('slide_type') == 'notes'
                for c in cells)
    assert solutions >= 1, f'{path.name}: no cell tagged "solution"'
    assert notes >= 1, f'{path.name}: no cell with slide type "notes" (speaker notes)'


@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: p.stem)
def test_real_student_version_has_no_solution(path, tmp_path):
    [target] = write_student_versions([path], tmp_path)
    student = nbformat.read(target, as_version=4)
    original = nbformat.read(path, as_version=4)
    assert not [c for c in student.cells if 'solution' in tags(c)]
    assert any(PROMPT_TAG in tags(c) for c in student.cells), \
        f'{path.name}: no solution was replaced by a prompt'
    kept = [c.source for c in original.cells if 'solution' not in tags(c)]
    assert [c.source for c in student.cells if PROMPT_TAG not in tags(c)] == kept
