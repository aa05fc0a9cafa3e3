/// What this build of Graft was made from. `commit` and `sourcesModified` are written before each build
/// by `BuildCommitPlugin` (Plugins/): the commit of the checkout the binary was compiled in (nil when
/// it was not a git checkout), and whether the sources (Sources/, Plugins/, Package.swift) differed from
/// that commit.
public enum BuildInfo {}
