"""Offline assets: npm pins read from environment.yml, tarballs verified, pages pointed at
copies."""
import pytest

from tools import assets


def test_every_package_the_pages_need_is_pinned_with_an_integrity():
    pins = assets.npm_pins()
    assert set(assets.FILES) <= set(pins)
    assert pins['reveal.js'][0].startswith('4.') and pins['mathjax'][0] == '2.7.7'
    assert all(integrity.startswith('sha512-') for _, integrity in pins.values())


def test_a_missing_pin_is_reported(tmp_path):
    env = tmp_path / 'environment.yml'
    env.write_text('#   npm: reveal.js@4.0.2 sha512-AAAA\n')
    with pytest.raises(assets.AssetsError, match='mathjax'):
        assets.npm_pins(env)


@pytest.mark.network(url='https://registry.npmjs.org/requirejs')
def test_a_tarball_with_the_wrong_integrity_is_refused(tmp_path):
    pins = assets.npm_pins()
    env = tmp_path / 'environment.yml'
    env.write_text(f'#   npm: requirejs@{pins["requirejs"][0]} sha512-{"A" * 86}==\n'
                   + ''.join(f'#   npm: {name}@{version} {integrity}\n'
                             for name, (version, integrity) in pins.items()
                             if name != 'requirejs'))  # the small one, fetched first
    with pytest.raises(assets.AssetsError, match='integrity'):
        assets.fetch_assets(tmp_path / 'cache', env)
    assert not list((tmp_path / 'cache').glob('requirejs-*/package'))


def test_deployed_copies_hold_what_the_pages_load(tmp_path):
    vendor = assets.deploy_assets(tmp_path)
    for path in ('reveal.js/dist/reveal.js', 'reveal.js/dist/theme/simple.css',
                 'reveal.js/plugin/notes/notes.js', 'mathjax/MathJax.js',
                 'mathjax/config/TeX-AMS_CHTML-full.js', 'mathjax/config/Safe.js',
                 'require.js', 'jquery.min.js'):
        assert (vendor / path).is_file(), path
    for css in (vendor / 'reveal.js' / 'dist' / 'theme').glob('*.css'):
        assert 'fonts.googleapis.com' not in css.read_text(), css.name
    config = assets.nbconvert_config('vendor')
    assert config['SlidesExporter']['reveal_url_prefix'] == 'vendor/reveal.js'
    assert config['HTMLExporter']['mathjax_url'].startswith('vendor/mathjax/MathJax.js')
