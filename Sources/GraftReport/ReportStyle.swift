/// The report page's stylesheet, inlined in its `<head>` (no fonts or files are fetched).
enum ReportStyle {
  static let css = """
    :root { color-scheme: light; }
    * { box-sizing: border-box; }
    body { margin: 0; background: #f4f5f7; color: #222; font: 14px/1.45 "DejaVu Sans", Helvetica, Arial, sans-serif; }
    main { max-width: 1340px; margin: 0 auto; padding: 20px 24px 48px; }
    header h1 { margin: 0 0 4px; font-size: 24px; }
    .meta { margin: 0; color: #666; font-size: 13px; }
    section { background: #fff; border: 1px solid #dde0e4; border-radius: 8px; padding: 14px 18px 18px; margin-top: 18px; }
    h2 { margin: 0 0 10px; font-size: 18px; }
    h3 { margin: 16px 0 8px; font-size: 15px; display: flex; align-items: center; gap: 8px; }
    p.note { color: #555; font-size: 13px; margin: 8px 0 0; max-width: 980px; }
    .scroll { overflow-x: auto; }
    table { border-collapse: collapse; font-size: 13px; }
    th, td { padding: 5px 10px; border-bottom: 1px solid #e6e8eb; text-align: left; vertical-align: top; white-space: nowrap; }
    thead th { background: #f0f2f5; border-bottom: 2px solid #cfd3d8; font-weight: 600; }
    tbody tr:nth-child(even) td, tbody tr:nth-child(even) th { background: #fafbfc; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    th.key, td.key { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 12px; }
    td.path { color: #666; font-size: 12px; font-family: "DejaVu Sans Mono", Menlo, monospace; }
    td.differs { background: #fff7e0 !important; }
    .chip { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
    .status-finished { color: #2f7d32; }
    .status-other { color: #b45309; }
    .warn { color: #b45309; font-size: 12px; }
    .shared { margin-top: 10px; color: #444; font-size: 13px; }
    .shared code { background: #f0f2f5; padding: 1px 5px; border-radius: 3px; margin-right: 4px; }
    .grid2, .grid3 { display: grid; gap: 14px; align-items: start; }
    .grid2 { grid-template-columns: repeat(auto-fill, minmax(600px, 1fr)); }
    .grid3 { grid-template-columns: repeat(auto-fill, minmax(400px, 1fr)); }
    .chart { border: 1px solid #eceef1; border-radius: 6px; padding: 4px; background: #fff; text-align: center; }
    .chart svg { max-width: 100%; height: auto; display: block; margin: 0 auto; }
    table.metrics thead th { white-space: normal; min-width: 60px; max-width: 130px; vertical-align: bottom; }
    table.claims td { white-space: normal; }
    .samples { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
    figure { margin: 0; padding: 8px; border: 1px solid #eceef1; border-radius: 6px; background: #fff; }
    figure img { display: block; max-width: 100%; height: auto; }
    figure img.pixelated { image-rendering: pixelated; }
    figcaption { margin-top: 6px; font-size: 13px; color: #444; display: flex; align-items: center; }
    .empty { color: #888; font-style: italic; }
    """
}
