/// The console's stylesheet and script, served by the server itself (`/console/assets/…`): nothing is fetched from
/// elsewhere, and the pages' Content-Security-Policy allows nothing else.
enum ConsoleAssets {
    static let stylesheet = #"""
        :root { --ink: #1d2330; --muted: #5b6475; --line: #d9dde5; --bg: #f6f7f9; --accent: #1f5fbf; --danger: #b3261e;
          --sent: #1f5fbf; --verified: #2e8b57; --signin: #8a4baf; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
        * { box-sizing: border-box; }
        body { margin: 0; color: var(--ink); background: var(--bg); line-height: 1.45; }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 2; }
        .top { display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: center; padding: 10px 16px; background: #fff;
          border-bottom: 1px solid var(--line); }
        .brand { font-weight: 700; color: var(--ink); text-decoration: none; }
        .top nav ul { display: flex; flex-wrap: wrap; gap: 4px 14px; list-style: none; margin: 0; padding: 0; }
        .top nav a { color: var(--accent); text-decoration: none; padding: 4px 2px; }
        .top nav a[aria-current="page"] { font-weight: 700; border-bottom: 2px solid var(--accent); }
        .signout { margin-left: auto; display: flex; gap: 8px; align-items: center; }
        .who { color: var(--muted); font-size: .9em; }
        main { padding: 16px; max-width: 1200px; margin: 0 auto; }
        h1 { font-size: 1.5rem; margin: .2em 0 .6em; }
        h2 { font-size: 1.1rem; }
        a { color: var(--accent); }
        :focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
        .notice { background: #e7f2ea; border: 1px solid #9cc9a9; padding: 8px 12px; border-radius: 6px; }
        .error { background: #fbeaea; border: 1px solid #e3a6a2; padding: 8px 12px; border-radius: 6px; color: var(--danger); }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
        .card h2 { font-size: .85rem; color: var(--muted); margin: 0; font-weight: 600; }
        .figure { font-size: 1.6rem; margin: 4px 0 0; font-variant-numeric: tabular-nums; }
        .windows { display: flex; gap: 12px; margin-bottom: 12px; }
        .windows a[aria-current="page"] { font-weight: 700; }
        section { margin: 18px 0; }
        .chart { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
        .chart svg { width: 100%; height: auto; display: block; }
        .grid { stroke: var(--line); stroke-width: 1; }
        .axis { fill: var(--muted); font-size: 10px; }
        .tick { text-anchor: middle; }
        .bar.sent { fill: var(--sent); } .bar.verified { fill: var(--verified); } .bar.signin { fill: var(--signin); }
        .key::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
        .key.sent::before { background: var(--sent); } .key.verified::before { background: var(--verified); }
        .key.signin::before { background: var(--signin); }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; background: #fff; font-variant-numeric: tabular-nums; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        thead th { font-size: .85rem; color: var(--muted); }
        .state.blocked { color: var(--danger); font-weight: 700; } .state.challenged { color: #9a6700; font-weight: 700; }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; background: #fff; border: 1px solid var(--line);
          border-radius: 8px; padding: 12px; }
        .facts dt { color: var(--muted); } .facts dd { margin: 0; overflow-wrap: anywhere; }
        form.inline { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0; }
        form.stack { display: flex; flex-direction: column; gap: 8px; max-width: 360px; }
        .actions form { margin: 8px 0; }
        .row-block { display: flex; gap: 6px; }
        input { font: inherit; padding: 6px 8px; border: 1px solid #9aa3b2; border-radius: 6px; min-width: 0; }
        button { font: inherit; padding: 6px 12px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff;
          cursor: pointer; }
        button.danger { background: var(--danger); border-color: var(--danger); }
        .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        @media (max-width: 600px) {
          .signout { margin-left: 0; } main { padding: 10px; } .facts { grid-template-columns: 1fr; } .facts dd { margin-bottom: 6px; }
        }
        """#

    /// Asks before a destructive action. Without JavaScript the forms post as they are.
    static let script = #"""
        document.addEventListener("submit", function (event) {
          var button = event.submitter;
          var question = button && button.getAttribute("data-confirm");
          if (question && !window.confirm(question)) { event.preventDefault(); }
        });
        """#
}
