"""Student versions of the notebooks: solutions out, exercises' outputs cleared.

In a student version

* every cell tagged ``solution`` is removed, and each run of consecutive solution cells is
  replaced by one markdown prompt cell tagged ``student-prompt`` (:data:`PROMPT`);
* the outputs and execution counts of cells tagged ``exercise`` are cleared;
* everything else (cells, metadata, outputs) is unchanged.

The full notebooks in ``notebooks/`` stay as they are (nbval keeps running them)::

    python3.11 tasks.py student                  # every notebooks/*.ipynb -> output/student/
    python -m tools.student NB.ipynb --output-dir DIR
"""
import argparse
import copy
import sys
from pathlib import Path

__all__ = ['SOLUTION_TAG', 'EXERCISE_TAG', 'PROMPT_TAG', 'PROMPT', 'student_version',
           'write_student_versions', 'main']

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_NOTEBOOKS = ROOT / 'notebooks'
DEFAULT_OUTPUT = ROOT / 'output' / 'student'
SOLUTION_TAG, EXERCISE_TAG, PROMPT_TAG = 'solution', 'exercise', 'student-prompt'
PROMPT = ('**Your solution here.** Work it out, then compare with the solution notebook.')


def tags_of(cell):
    return cell.get('metadata', {}).get('tags', [])


def prompt_cell(replaced):
    """The markdown cell that stands in for a run of solution cells (``replaced``)."""
    import nbformat

    cell = nbformat.v4.new_markdown_cell(PROMPT)
    cell.metadata['tags'] = [PROMPT_TAG]
    slide_type = replaced[0].get('metadata', {}).get('slideshow', {}).get('slide_type')
    if slide_type:
        cell.metadata['slideshow'] = {'slide_type': slide_type}
    return cell


def student_version(nb):
    """Return a student copy of the notebook node ``nb`` (which is not modified).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A version-4 notebook.

    Returns
    -------
    nbformat.NotebookNode
    """
    student = copy.deepcopy(nb)
    cells, run = [], []
    for cell in student.cells:
        if SOLUTION_TAG in tags_of(cell):
            run.append(cell)
            continue
        if run:
            cells.append(prompt_cell(run))
            run = []
        if EXERCISE_TAG in tags_of(cell) and cell.cell_type == 'code':
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    if run:
        cells.append(prompt_cell(run))
    student.cells = cells
    return student


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


def main(argv=None):
    """Command line: ``python -m tools.student [NOTEBOOK ...] [--output-dir DIR]``."""
    parser = argparse.ArgumentParser(prog='python -m tools.student',
                                     description=__doc__.splitlines()[0])
    parser.add_argument('notebooks', nargs='*', help='default: every notebooks/*.ipynb')
    parser.add_argument('--output-dir', default=str(DEFAULT_OUTPUT),
                        help='default: output/student')
    args = parser.parse_args(argv)
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
