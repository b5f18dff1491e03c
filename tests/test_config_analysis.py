"""The configuration file's [analysis] and [kind_weights] reach the analysis."""

from __future__ import annotations

from pathlib import Path

import keyrisk


def test_config_parameters_are_the_analysis_defaults(tmp_path: Path) -> None:
    data = tmp_path / "ventes.csv"
    data.write_text(
        "Client;Commercial;Date;Type\n"
        "Acme;Alice;01/03/2024;Appel\n"
        "Acme;Alice;02/03/2024;Appel\n"
        "Acme;Bruno;03/03/2024;Visite\n"
        "Acme;Bruno;04/03/2024;Visite\n",
        encoding="utf-8",
    )
    config = tmp_path / "keyrisk.toml"
    config.write_text(
        '[analysis]\nholder_ratio = 0.9\nhalf_life_days = "none"\n[kind_weights]\nAppel = 3\n',
        encoding="utf-8",
    )
    ds = keyrisk.load(data, config=config)
    an = keyrisk.analyse(ds)
    assert an.settings.holder_ratio == 0.9
    assert an.settings.half_life_days is None
    row = an.accounts.set_index("account").loc["Acme"]
    # Alice: 2 calls x 3 = 6; Bruno: 2 visits x 1 = 2 < 0.9 * 6, so Alice alone holds Acme.
    assert row["top_staff"] == "Alice"
    assert row["top_share"] == 0.75
    assert row["bus_factor"] == 1
    # an explicit parameter still wins over the file
    assert keyrisk.analyse(ds, holder_ratio=0.3).accounts["bus_factor"].iloc[0] == 2


def test_config_plan_and_simulation_parameters(tmp_path: Path) -> None:
    data = tmp_path / "ventes.csv"
    data.write_text("Client;Commercial\nAcme;Alice\nBeta;Bruno\n", encoding="utf-8")
    config = tmp_path / "keyrisk.toml"
    config.write_text(
        "[analysis]\nmax_new_backups = 3\ncapacity_ratio = 2.5\nturnover_rate = 0.2\n"
        "draws = 500\nseed = 9\n",
        encoding="utf-8",
    )
    an = keyrisk.analyse(keyrisk.load(data, config=config))
    s = an.settings
    assert (s.max_new_backups, s.capacity_ratio, s.turnover_rate, s.draws, s.seed) == (
        3,
        2.5,
        0.2,
        500,
        9,
    )
    assert an.plan().max_new_backups == 3
    sim = an.simulate()
    assert (sim.draws, sim.seed) == (500, 9)
    bad = tmp_path / "bad.toml"
    bad.write_text("[analysis]\nturnover_rate = 2\n", encoding="utf-8")
    try:
        keyrisk.load(data, config=bad)
    except keyrisk.ConfigError as exc:
        assert "turnover_rate" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("a bad turnover_rate must be a configuration error")
