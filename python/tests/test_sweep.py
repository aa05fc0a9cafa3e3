import graft_runs


def test_load_sweep_concatenates_runs_with_their_axis_values(sweep_dir):
    table = graft_runs.load_sweep(sweep_dir)
    assert table.attrs["axes"] == ["optimizer", "lr", "seed"]
    assert table["run"].nunique() == 8
    assert len(table) == 8 * 2  # Steps 20 and 40 of each run.
    for name, rows in table.groupby("run"):
        run = graft_runs.load(sweep_dir / name)
        assert (rows["optimizer"] == run.config["generatorOptimizer"]).all()
        assert (rows["lr"] == run.config["generatorSettings"]["learningRate"]).all()
        assert (rows["seed"] == run.config["seed"]).all()
        assert list(rows["loss_g"]) == list(run.metrics["loss_g"])
    assert set(table["optimizer"]) == {"adam", "sgda"}
    assert set(table["lr"]) == {0.001, 0.01}
    assert set(table["seed"]) == {0, 1}
    # One line per (optimizer, lr, seed) at the last step.
    assert len(table[table["step"] == 40].groupby(["optimizer", "lr", "seed"])) == 8
