"""Student versions of the notebooks, and the conventions that make them.

Conventions (cell tags are ``metadata.tags``; the slide type is
``metadata.slideshow.slide_type``):

* ``exercise``: a markdown cell that poses an exercise. Everything that answers it comes
  after it, never before.
* ``solution``: a cell of the worked solution, after its exercise. A solution **code** cell
  carries ``metadata["scaffold"]``: the student's starting code, with a ``# TODO`` line for
  each part to fill in (each exercise has at least one; a solution code cell without a
  scaffold, such as a plot of the answer, is simply removed). A scaffold runs as it is
  (``None`` where a value is to be computed) and defines every name its self-check reads.
* ``self-check``: a code cell after the solution: asserts with helpful messages, passing on
  the instructor's solution and on any right answer, failing with a message that says what
  to do on the unfilled scaffold. It prints nothing, or one fixed line.
* ``prose-answer``: added to an ``exercise`` cell whose answer is prose, where nothing can
  be checked in a few seconds (it then needs no scaffold and no self-check).
* ``questionnaire``: a markdown cell near the end with 5-10 numbered questions, followed by
  a markdown cell tagged ``answer-key`` with their answers.
* ``answer-key``: any cell that gives answers away outside the solutions: the
  questionnaire's answers, or a Summary that restates the exercises' results.
* Speaker notes: cells with slide type ``notes``.
* What a later cell needs is computed outside solution cells: a kept cell (including a
  later scaffold or self-check) reads no name that only removed cells define.

In a student version

* speaker notes and ``answer-key`` cells are removed;
* each ``solution`` code cell with a scaffold becomes a code cell tagged ``scaffold`` holding
  the scaffold; every other solution cell is removed, and a run of solution cells without any
  scaffold, in an exercise that has no scaffold yet (a prose answer), becomes one markdown
  prompt cell tagged ``student-prompt`` (:data:`PROMPT`);
* the outputs of ``exercise``, ``scaffold`` and ``self-check`` cells are cleared;
* everything else (cells, metadata, outputs) is unchanged.

:func:`convention_problems` lists where a notebook breaks these rules (the tests hold every
notebook in ``notebooks/`` to them). The full notebooks in ``notebooks/`` stay as they are
(nbval keeps running them)::

    python3.11 tasks.py student                  # every notebooks/*.ipynb -> output/student/
    python -m tools.student NB.ipynb --output-dir DIR
    python -m tools.student --check              # list convention problems, exit 1 if any
"""
import argparse
import ast
import copy
import re
import sys
from pathlib import Path

__all__ = ['SOLUTION_TAG', 'EXERCISE_TAG', 'PROMPT_TAG', 'SCAFFOLD_TAG', 'SELF_CHECK_TAG',
           'PROSE_TAG', 'QUESTIONNAIRE_TAG', 'ANSWER_KEY_TAG', 'PROMPT', 'student_version',
           'convention_problems', 'write_student_versions', 'main']

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_NOTEBOOKS = ROOT / 'notebooks'
DEFAULT_OUTPUT = ROOT / 'output' / 'student'
SOLUTION_TAG, EXERCISE_TAG, PROMPT_TAG = 'solution', 'exercise', 'student-prompt'
SCAFFOLD_TAG, SELF_CHECK_TAG, PROSE_TAG = 'scaffold', 'self-check', 'prose-answer'
QUESTIONNAIRE_TAG, ANSWER_KEY_TAG = 'questionnaire', 'answer-key'
PROMPT = ('**Your solution here.** Work it out, then compare with the solution notebook.')
MIN_QUESTIONS, MAX_QUESTIONS = 5, 10


def tags_of(cell):
    return cell.get('metadata', {}).get('tags', [])


def slide_type(cell):
    return cell.get('metadata', {}).get('slideshow', {}).get('slide_type')


def is_notes(cell):
    return slide_type(cell) == 'notes'


def prompt_cell(replaced):
    """The markdown cell that stands in for a run of solution cells (``replaced``)."""
    import nbformat

    cell = nbformat.v4.new_markdown_cell(PROMPT)
    cell.metadata['tags'] = [PROMPT_TAG]
    kind = slide_type(replaced[0])
    if kind:
        cell.metadata['slideshow'] = {'slide_type': kind}
    return cell


def scaffold_cell(solution):
    """The code cell that holds a solution cell's scaffold in the student version."""
    import nbformat

    cell = nbformat.v4.new_code_cell(solution.metadata['scaffold'])
    cell.metadata['tags'] = [SCAFFOLD_TAG]
    if slide_type(solution):
        cell.metadata['slideshow'] = {'slide_type': slide_type(solution)}
    return cell


def replace_run(run, scaffolded):
    """The student cells for a run of consecutive solution cells.

    ``scaffolded``: whether the exercise already has a scaffold cell (then a run of
    solution cells without a scaffold is dropped, with no prompt).
    """
    scaffolds = [scaffold_cell(c) for c in run
                 if c.cell_type == 'code' and c.get('metadata', {}).get('scaffold')]
    return scaffolds or ([] if scaffolded else [prompt_cell(run)])


def student_version(nb):
    """Return a student copy of the notebook node ``nb`` (which is not modified).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A version-4 notebook following the module's conventions.

    Returns
    -------
    nbformat.NotebookNode
    """
    student = copy.deepcopy(nb)
    cells, run, scaffolded = [], [], False

    def flush():
        nonlocal scaffolded
        if run:
            replaced = replace_run(run, scaffolded)
            scaffolded |= any(SCAFFOLD_TAG in tags_of(c) for c in replaced)
            cells.extend(replaced)
            run.clear()

    for cell in student.cells:
        if is_notes(cell) or ANSWER_KEY_TAG in tags_of(cell):
            continue
        if SOLUTION_TAG in tags_of(cell):
            run.append(cell)
            continue
        flush()
        if EXERCISE_TAG in tags_of(cell):
            scaffolded = False
        if cell.cell_type == 'code' and {EXERCISE_TAG, SELF_CHECK_TAG} & set(tags_of(cell)):
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    flush()
    student.cells = cells
    return student


# --- Checking the conventions -------------------------------------------------------------

def code_of(cell):
    """A code cell's source with IPython magics and shell lines blanked out."""
    return '\n'.join('' if line.lstrip().startswith(('%', '!')) else line
                     for line in cell.source.splitlines())


def names_in(source):
    """The names a piece of code stores (defines) and loads, as two sets."""
    stored, loaded = set(), set()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return stored, loaded
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else stored).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stored.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            stored.update((a.asname or a.name).split('.')[0] for a in node.names)
        elif isinstance(node, ast.arg):
            stored.add(node.arg)
    return stored, loaded


def count_questions(text):
    """The number of numbered questions (``1.`` or ``**1.**`` at a line's start)."""
    return len(re.findall(r'^\s*(?:\*\*)?\d+[.)]', text, flags=re.MULTILINE))


def exercise_problems(cells):
    """Problems with the order of exercises, solutions, scaffolds and self-checks."""
    problems, current, seen_exercise = [], None, False

    def close(exercise):
        if exercise is None or PROSE_TAG in tags_of(exercise['cell']):
            return
        head = exercise['cell'].source.strip().splitlines()[0][:60]
        if not exercise['scaffold']:
            problems.append(f'exercise "{head}": no solution code cell with a '
                            f'metadata["scaffold"] holding "# TODO" (or tag it {PROSE_TAG!r})')
        if not exercise['self_check']:
            problems.append(f'exercise "{head}": no code cell tagged {SELF_CHECK_TAG!r} after '
                            f'its solution (or tag it {PROSE_TAG!r})')

    for index, cell in enumerate(cells):
        tags = tags_of(cell)
        if EXERCISE_TAG in tags and cell.cell_type == 'markdown':
            close(current)
            current, seen_exercise = {'cell': cell, 'scaffold': False, 'self_check': False}, True
        elif SOLUTION_TAG in tags or SELF_CHECK_TAG in tags:
            if not seen_exercise:
                problems.append(f'cell {index}: a {tags} cell before any exercise: move the '
                                f'answer after the exercise it answers')
                continue
            scaffold = cell.get('metadata', {}).get('scaffold') or ''
            if SOLUTION_TAG in tags and cell.cell_type == 'code' and current is not None:
                current['scaffold'] |= '# TODO' in scaffold
            if SELF_CHECK_TAG in tags and current is not None:
                current['self_check'] = cell.cell_type == 'code'
    close(current)
    return problems


def questionnaire_problems(cells):
    """Problems with the questionnaire and its answer key."""
    positions = [i for i, c in enumerate(cells) if QUESTIONNAIRE_TAG in tags_of(c)]
    if len(positions) != 1:
        return [f'{len(positions)} cells tagged {QUESTIONNAIRE_TAG!r}: expected one']
    index = positions[0]
    problems = []
    questions = count_questions(cells[index].source)
    if not MIN_QUESTIONS <= questions <= MAX_QUESTIONS:
        problems.append(f'the questionnaire has {questions} numbered questions: expected '
                        f'{MIN_QUESTIONS} to {MAX_QUESTIONS}')
    following = cells[index + 1:index + 3]
    if not any(ANSWER_KEY_TAG in tags_of(c) for c in following):
        problems.append(f'no cell tagged {ANSWER_KEY_TAG!r} right after the questionnaire')
    return problems


def variable_problems(nb):
    """Names a kept cell of the student version reads that only removed cells define."""
    removed, kept_stores = set(), set()
    for cell in nb.cells:
        if cell.cell_type == 'code':
            stored, _ = names_in(code_of(cell))
            (kept_stores if (SOLUTION_TAG not in tags_of(cell) and not is_notes(cell)
                             and ANSWER_KEY_TAG not in tags_of(cell)) else removed).update(stored)
        scaffold = cell.get('metadata', {}).get('scaffold')
        if scaffold:
            kept_stores.update(names_in(scaffold)[0])
    problems, defined = [], set()
    for index, cell in enumerate(student_version(nb).cells):
        if cell.cell_type != 'code':
            continue
        stored, loaded = names_in(code_of(cell))
        defined |= stored
        missing = sorted((loaded - defined) & (removed - kept_stores))
        if missing:
            problems.append(f'student cell {index} reads {", ".join(missing)}, defined only in '
                            f'removed cells: compute it outside the solution cells (or in '
                            f'the scaffold)')
    return problems


def convention_problems(nb, require_questionnaire=True):
    """Where the notebook ``nb`` breaks the module's conventions.

    Parameters
    ----------
    nb : nbformat.NotebookNode
    require_questionnaire : bool
        Whether a missing questionnaire is a problem.

    Returns
    -------
    list of str
        One sentence per problem, empty when the notebook follows the conventions.
    """
    problems = exercise_problems(nb.cells)
    if require_questionnaire or any(QUESTIONNAIRE_TAG in tags_of(c) for c in nb.cells):
        problems += questionnaire_problems(nb.cells)
    return problems + variable_problems(nb)


def write_student_versions(notebooks=None, output_dir=DEFAULT_OUTPUT):
    """Write the student version of each notebook to ``output_dir/<same name>``.

    Returns
    -------
    list of pathlib.Path
        The files written, in input order.

    Raises
    ------
    FileNotFoundError
        If a notebook does not exist.
    """
    import nbformat

    notebooks = ([Path(p) for p in notebooks] if notebooks is not None
                 else sorted(DEFAULT_NOTEBOOKS.glob('*.ipynb')))
    for notebook in notebooks:
        if not notebook.is_file():
            raise FileNotFoundError(f'Notebook {notebook} not found: pass the path of an '
                                    f'existing .ipynb file.')
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for notebook in notebooks:
        nb = nbformat.read(notebook, as_version=4)
        target = output_dir / notebook.name
        if target.resolve() == notebook.resolve():
            raise ValueError(f'{target} would overwrite its source; pick another --output-dir.')
        nbformat.write(student_version(nb), target)
        written.append(target)
    return written


def check(notebooks):
    """Print each notebook's convention problems; return how many there were."""
    import nbformat

    total = 0
    for notebook in notebooks:
        for problem in convention_problems(nbformat.read(notebook, as_version=4)):
            print(f'{notebook}: {problem}')
            total += 1
    return total


def main(argv=None):
    """Command line: ``python -m tools.student [NOTEBOOK ...] [--output-dir DIR] [--check]``."""
    parser = argparse.ArgumentParser(prog='python -m tools.student',
                                     description=__doc__.splitlines()[0])
    parser.add_argument('notebooks', nargs='*', help='default: every notebooks/*.ipynb')
    parser.add_argument('--output-dir', default=str(DEFAULT_OUTPUT),
                        help='default: output/student')
    parser.add_argument('--check', action='store_true',
                        help='only list where the notebooks break the conventions')
    args = parser.parse_args(argv)
    if args.check:
        paths = [Path(p) for p in args.notebooks] or sorted(DEFAULT_NOTEBOOKS.glob('*.ipynb'))
        return 1 if check(paths) else 0
    try:
        written = write_student_versions(args.notebooks or None, args.output_dir)
    except (FileNotFoundError, ValueError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
