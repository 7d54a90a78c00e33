"""The u.item reader: synthetic files in u.item's exact layout, and the real file."""
import pytest

from d2l_ext import DataChecksumError, DataFormatError, DataNotFoundError
from d2l_ext.datasets.items import ITEM_FILES_SHA256, parse_items, read_genres, read_items_ml100k

GENRES = ['unknown', 'Action', 'Comedy']


def write(folder, lines, genres=GENRES, encoding='latin-1'):
    """Write u.item (Latin-1, '|'-separated, CRLF-free) and u.genre into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / 'u.item').write_bytes(''.join(f'{line}\n' for line in lines).encode(encoding))
    (folder / 'u.genre').write_text(''.join(f'{g}|{k}\n' for k, g in enumerate(genres))
                                    + '\n')
    return folder / 'u.item', folder / 'u.genre'


LINES = ['1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy|0|0|1',
         '2|Cité des enfants perdus, La (1995)|4-Feb-1995||http://x|0|1|1',
         '3|unknown||||1|0|0']


def test_reads_titles_years_dates_and_genres_in_latin1(tmp_path):
    item_path, genre_path = write(tmp_path, LINES)
    genres = read_genres(genre_path)
    assert genres == GENRES
    items = parse_items(item_path, genres)
    assert list(items.item_id) == [1, 2, 3]
    assert items.title[1] == 'Cité des enfants perdus, La (1995)'  # Latin-1 byte 0xe9
    assert list(items.year.astype('float').fillna(-1)) == [1995, 1995, -1]
    assert str(items.release_date[1].date()) == '1995-02-04' and items.release_date.isna()[2]
    assert list(items.genres) == ['Comedy', 'Action|Comedy', 'unknown']
    assert list(items.Comedy) == [1, 1, 0] and list(items.unknown) == [0, 0, 1]


def test_last_year_in_parentheses_is_the_year(tmp_path):
    item_path, genre_path = write(tmp_path, [
        '1|Land Before Time III (1995) (V)|01-Jan-1995||u|0|0|1',
        '2|Nineteen (1984) Again (2001)|01-Jan-2001||u|0|0|1'])
    items = parse_items(item_path, read_genres(genre_path))
    assert list(items.year) == [1995, 2001]


@pytest.mark.parametrize('line, words', [
    ('2|Two (1990)|01-Jan-1990||u|0|1', 'expected 8 "|"-separated fields, found 7'),
    ('2|Two (1990)|01-Jan-1990||u|0|1|2', 'genre flags 0 or 1'),
    ('2|Two (1990)|1990-01-01||u|0|1|0', 'release date like 01-Jan-1995'),
    ('5|Two (1990)|01-Jan-1990||u|0|1|0', 'expected movie id 2'),
    ('2\tTwo (1990)\t01-Jan-1990\t\tu\t0\t1\t0', 'found 1'),
])
def test_a_malformed_line_is_named(tmp_path, line, words):
    item_path, genre_path = write(tmp_path, [LINES[0], line])
    with pytest.raises(DataFormatError, match='line 2') as error:
        parse_items(item_path, read_genres(genre_path))
    assert words in str(error.value) and 'u.item' in str(error.value)


def test_missing_empty_and_bad_genre_files(tmp_path):
    with pytest.raises(DataNotFoundError, match='u.item is missing'):
        parse_items(tmp_path / 'u.item', GENRES)
    item_path, genre_path = write(tmp_path, [])
    with pytest.raises(DataFormatError, match='holds no movie'):
        parse_items(item_path, GENRES)
    genre_path.write_text('unknown|0\nAction|2\n')
    with pytest.raises(DataFormatError, match=r'line 2: expected "name\|1"'):
        read_genres(genre_path)


def real_folder(tmp_path, real, item_bytes):
    """A folder with the real u.data and u.genre (links, not copies) and the given u.item
    bytes."""
    folder = tmp_path / 'ml-100k'
    folder.mkdir()
    (folder / 'u.data').symlink_to(real / 'u.data')
    (folder / 'u.genre').symlink_to(real / 'u.genre')
    if item_bytes is not None:
        (folder / 'u.item').write_bytes(item_bytes)
    return tmp_path


@pytest.fixture
def real(real_data_dir):
    return real_data_dir / 'ml-100k'


def test_a_damaged_or_re_encoded_u_item_fails_its_checksum(real, tmp_path, offline):
    utf8 = (real / 'u.item').read_bytes().decode('latin-1').encode('utf-8')
    with pytest.raises(DataChecksumError, match='u.item: SHA256 checksum mismatch') as error:
        read_items_ml100k(real_folder(tmp_path, real, utf8))
    assert ITEM_FILES_SHA256['u.item'] in str(error.value) and 'Latin-1' in str(error.value)


def test_a_missing_u_item_is_named(real, tmp_path, offline):
    with pytest.raises(DataNotFoundError, match='u.item is missing'):
        read_items_ml100k(real_folder(tmp_path, real, None))


def test_the_real_file(real):
    items = read_items_ml100k(real.parent)
    assert items.shape == (1682, 5 + 19)
    assert list(items.columns[5:8]) == ['unknown', 'Action', 'Adventure']
    assert items.title[0] == 'Toy Story (1995)'
    assert items.genres[0] == "Animation|Children's|Comedy"
    assert items.title[126] == 'Godfather, The (1972)' and items.year[126] == 1972
    assert items.title.str.contains('é').any()  # Latin-1 read as Latin-1
    assert items.year.isna().sum() == 1 and items.title[266] == 'unknown'
    assert items.title.duplicated().sum() == 18  # ML-100K lists 18 movies twice
