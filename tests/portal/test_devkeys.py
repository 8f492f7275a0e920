"""The key that local development makes for itself, when several processes start at once."""

import stat
from concurrent.futures import ThreadPoolExecutor

from cryptography.hazmat.primitives.serialization import load_pem_private_key

from portal.devkeys import local_oidc_key


def test_processes_starting_together_on_a_fresh_folder_share_one_key(tmp_path):
    path = tmp_path / "var" / "oidc-signing-key.pem"
    with ThreadPoolExecutor(max_workers=4) as pool:
        keys = list(pool.map(lambda _: local_oidc_key(path), range(8)))
    assert len(set(keys)) == 1
    assert load_pem_private_key(keys[0].encode(), password=None).key_size == 2048
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [path.name], "a draft was left behind"


def test_it_reads_the_key_it_made_before(tmp_path):
    path = tmp_path / "oidc.pem"
    assert local_oidc_key(path) == local_oidc_key(path) == path.read_text()
