// monocov workspace report: draws the projects table, the picture of the workspace (a treemap)
// and each project's folders and files from the data embedded in index.html and, per project,
// monocov/data/<n>.js (a script, so the report works from file:// and offline). Every name from
// the data is set as text (textContent, setAttribute), never parsed as markup. Percentages are
// shown as the report wrote them: the page computes none.
(function () {
  'use strict';

  const METRICS = ['Statements', 'Branches', 'Functions', 'Lines'];
  /** istanbul's default watermarks: under 50% low, under 80% medium. */
  const WATERMARKS = [50, 80];
  const STATE_LABELS = {
    current: 'current',
    stale: 'stale',
    missing: 'missing',
    failed: 'failed',
    killed: 'killed',
    'carried-forward': 'carried forward',
    untested: 'not measured',
    unexpected: 'unexpected',
  };
  const STATE_HELP = {
    current: 'data made for the project as it is now',
    stale: 'data made for other sources or settings than the project has now',
    missing: 'the project should have data and has none',
    failed: 'its tests failed: the data shows what ran up to the failure',
    killed: 'its tests were killed by a signal: the data holds only what the processes that ended wrote',
    'carried-forward': 'not run in this build: data taken from a baseline',
    untested: 'no tests: no data expected',
    unexpected: 'data of a project the workspace does not expect',
  };

  const data = JSON.parse(document.getElementById('monocov-data').textContent);
  const app = document.getElementById('app');
  const trees = new Map();
  const waiting = new Map();

  /** Called by each monocov/data/<n>.js. */
  window.monocovProject = (index, tree) => {
    trees.set(index, tree);
    const callbacks = waiting.get(index) || [];
    waiting.delete(index);
    for (const callback of callbacks) callback(tree);
  };

  function loadTree(index, done, failed) {
    if (trees.has(index)) return done(trees.get(index));
    if (waiting.has(index)) return waiting.get(index).push(done);
    waiting.set(index, [done]);
    const script = document.createElement('script');
    script.src = data.projects[index].tree;
    script.onerror = () => {
      waiting.delete(index);
      failed(data.projects[index].tree);
    };
    document.head.appendChild(script);
  }

  // ---------------------------------------------------------------------------------------
  // Small DOM helpers: text only

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key === 'onclick') node.addEventListener('click', value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  function level(pct) {
    return pct < WATERMARKS[0] ? 'low' : pct < WATERMARKS[1] ? 'medium' : 'high';
  }

  function projectLabel(row) {
    if (row.root === null) return '(files outside any project)';
    return row.root;
  }

  function stateOf(row) {
    return row.state === null ? 'unchecked' : row.state;
  }

  function stateBadge(row) {
    const state = stateOf(row);
    const label = state === 'unchecked' ? 'not checked' : STATE_LABELS[state] || state;
    const help = state === 'unchecked' ? 'the merge was not told which projects to expect (nx, or monocov merge --expect)' : STATE_HELP[state] || '';
    return el('span', { class: `state state-${state.replace(/[^a-z-]/g, '')}`, title: [help, ...row.reasons].filter(Boolean).join('\n'), text: label });
  }

  function pctCell(cell, tag = 'td') {
    if (!cell) return el(tag, { class: 'none', text: '–' });
    const [covered, total, pct] = cell;
    return el(
      tag,
      { class: `pct ${level(pct)}`, title: `${covered} of ${total} covered` },
      el('span', { class: 'bar', 'aria-hidden': 'true' }, el('span', { style: `width:${Math.max(0, Math.min(100, pct))}%` })),
      el('span', { class: 'value', text: `${pct}%` }),
    );
  }

  function changeCell(change, index) {
    if (change === null || change === undefined) return el('td', { class: 'num same', text: '' });
    if (change === 'new') return el('td', { class: 'num new', text: 'new' });
    const [points, text] = change[index];
    return el('td', { class: `num ${points > 0 ? 'up' : points < 0 ? 'down' : 'same'}`, text });
  }

  function route() {
    const params = new URLSearchParams(location.hash.slice(1));
    const p = params.get('p');
    const index = p !== null && /^\d+$/.test(p) && Number(p) < data.projects.length ? Number(p) : null;
    const d = params.get('d');
    return {
      view: params.get('v') === 'picture' ? 'picture' : 'table',
      project: index,
      path: d && /^\d+(\.\d+)*$/.test(d) ? d.split('.').map(Number) : [],
      metric: Math.max(
        0,
        METRICS.findIndex((name) => name.toLowerCase() === params.get('m')),
      ),
    };
  }

  function href(to) {
    const params = new URLSearchParams();
    if (to.view === 'picture') params.set('v', 'picture');
    if (to.project !== null && to.project !== undefined) params.set('p', String(to.project));
    if (to.path && to.path.length > 0) params.set('d', to.path.join('.'));
    if (to.metric) params.set('m', METRICS[to.metric].toLowerCase());
    const text = params.toString();
    return text === '' ? '#' : `#${text}`;
  }

  // ---------------------------------------------------------------------------------------
  // Page frame

  function header(current) {
    const totals = el('div', { class: 'totals' });
    METRICS.forEach((name, i) => {
      const [covered, total, pct] = data.total.metrics[i];
      const box = el(
        'div',
        { class: `metric-box ${level(pct)}`, 'data-metric': name.toLowerCase() },
        el('span', { class: 'label', text: name }),
        el('span', { class: 'value', text: `${pct}%` }),
        el('span', { class: 'fraction', text: `${covered}/${total}` }),
      );
      if (data.total.change) {
        const [points, text] = data.total.change[i];
        box.append(el('span', { class: `change ${points > 0 ? 'up' : points < 0 ? 'down' : 'same'}`, text, title: `against ${data.baseline}` }));
      }
      totals.append(box);
    });
    const measured = data.projects.filter((row) => row.root !== null).length;
    const tab = (view, text) => el('a', { href: href({ view }), 'aria-current': current === view ? 'page' : null, text });
    return el(
      'header',
      { class: 'top' },
      el('h1', {}, el('a', { href: '#', text: 'Coverage' })),
      el('span', {
        class: 'generated',
        text: `${measured} projects, ${data.total.files} files · data of ${data.generated.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}${data.baseline ? ` · changes against ${data.baseline}` : ''}`,
      }),
      totals,
      el('nav', { class: 'tabs', 'aria-label': 'Views' }, tab('table', 'Projects'), tab('picture', 'Picture')),
    );
  }

  function render() {
    const at = route();
    const main = el('main', { id: 'view' });
    app.replaceChildren(
      header(at.project === null ? at.view : null),
      main,
      el('footer', { text: 'Coverage report by monocov; file pages by istanbul. Press / to filter, n/j and b/k on a file page to jump between uncovered blocks.' }),
    );
    if (at.project === null) {
      if (at.view === 'picture') workspacePicture(main, at);
      else projectsTable(main);
      return rendered();
    }
    const row = data.projects[at.project];
    if (row.tree === null) {
      main.append(crumbs([]), el('p', { class: 'message', text: `${projectLabel(row)} has no coverage data.` }));
      return rendered();
    }
    main.append(el('p', { class: 'message', text: `Loading ${row.tree} …` }));
    loadTree(
      at.project,
      (tree) => {
        if (route().project !== at.project) return;
        main.replaceChildren();
        projectView(main, at, row, tree);
        rendered();
      },
      (file) => {
        main.replaceChildren(el('p', { class: 'message', text: `Could not load ${file}: the report folder is incomplete.` }));
        rendered();
      },
    );
  }

  /**
   * Stamps the page with the time its view was on screen (ms since the page was opened): after
   * the frame that lays out and paints what the view drew (a task queued from the frame's
   * animation callback runs after it), a project's view once its data script has loaded.
   * tools/bench's report suite reads it.
   */
  function rendered() {
    requestAnimationFrame(() => setTimeout(() => document.documentElement.setAttribute('data-rendered', String(Math.round(performance.now())))));
  }

  function crumbs(parts) {
    const nav = el('nav', { class: 'crumbs', 'aria-label': 'Location' }, el('a', { href: '#', text: 'All projects' }));
    parts.forEach((part, i) => {
      nav.append(el('span', { class: 'sep', text: '›' }));
      nav.append(i === parts.length - 1 ? el('span', { class: 'current', text: part.text }) : el('a', { href: part.href, text: part.text }));
    });
    return nav;
  }

  // ---------------------------------------------------------------------------------------
  // Sortable tables

  /**
   * Rows a table draws in the frame that first shows it: more than a screenful. Making and laying
   * out the rows of a thousand projects is most of the landing page's time, so the others are
   * made and added after that frame.
   */
  const FIRST_ROWS = 100;

  /**
   * A table whose headers sort it; `columns`: { label, num, key(item) → value }, `row(item)` → <tr>.
   * Returns the rows made so far by item (all of them once the first frame is drawn).
   */
  function sortableTable(columns, items, row, initial) {
    const table = el('table', { class: 'coverage' });
    const head = el('tr');
    const body = el('tbody');
    const rows = new Map();
    const rowOf = (item) => rows.get(item) || rows.set(item, row(item)).get(item);
    let sort = initial;
    let sorts = 0;
    const apply = () => {
      const column = columns[sort.column];
      const sorted = items.slice().sort((a, b) => {
        const x = column.key(a);
        const y = column.key(b);
        // Rows without a value stay last whatever the direction.
        if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
        return (x < y ? -1 : x > y ? 1 : 0) * sort.direction;
      });
      body.replaceChildren(...sorted.slice(0, FIRST_ROWS).map(rowOf));
      // After the first frame has been drawn (and stamped, see rendered): an animation callback runs before its frame is
      // drawn, so the rest come from the next frame's. A newer sort drops this one's rest.
      const order = ++sorts;
      const rest = () => order === sorts && body.append(...sorted.slice(FIRST_ROWS).map(rowOf));
      if (sorted.length > FIRST_ROWS) requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(rest)));
      head.querySelectorAll('th').forEach((th, i) => th.setAttribute('aria-sort', i === sort.column ? (sort.direction > 0 ? 'ascending' : 'descending') : 'none'));
    };
    columns.forEach((column, i) => {
      const button = el('button', {
        type: 'button',
        text: column.label,
        title: column.title,
        onclick: () => {
          // A new column sorts ascending: for a metric, the worst covered first.
          sort = { column: i, direction: sort.column === i ? -sort.direction : 1 };
          apply();
        },
      });
      head.append(el('th', { class: column.num ? 'num' : null, scope: 'col' }, button));
    });
    table.append(el('thead', {}, head), body);
    apply();
    return { table, rows };
  }

  // ---------------------------------------------------------------------------------------
  // Projects

  function projectsTable(main) {
    const rows = data.projects.map((row, index) => ({ row, index }));
    const baseline = data.baseline !== null;
    const columns = [
      { label: 'Project', key: (item) => projectLabel(item.row).toLowerCase() },
      { label: 'Name', key: (item) => (item.row.name === null ? null : item.row.name.toLowerCase()) },
      { label: 'State', key: (item) => stateOf(item.row) },
      { label: 'Files', num: true, key: (item) => item.row.files },
    ];
    METRICS.forEach((name, i) => {
      columns.push({ label: name, num: true, key: (item) => (item.row.metrics ? item.row.metrics[i][2] : null) });
      if (baseline) {
        columns.push({
          label: '±',
          title: `${name}: change in points against ${data.baseline}`,
          num: true,
          key: (item) => (Array.isArray(item.row.change) ? item.row.change[i][0] : null),
        });
      }
    });
    const filter = el('input', { type: 'search', placeholder: 'Filter by root or name', 'aria-label': 'Filter projects by root or name' });
    const counts = new Map();
    for (const { row } of rows) counts.set(stateOf(row), (counts.get(stateOf(row)) || 0) + 1);
    const select = el('select', { 'aria-label': 'Show projects in this state' }, el('option', { value: '', text: 'All states' }));
    for (const [state, count] of [...counts].sort()) {
      select.append(el('option', { value: state, text: `${state === 'unchecked' ? 'not checked' : STATE_LABELS[state] || state} (${count})` }));
    }
    const changed = el('input', { type: 'checkbox', id: 'changed-only' });
    const shown = el('span', { class: 'count', 'aria-live': 'polite' });
    const shows = ({ row }) => {
      const text = filter.value.trim().toLowerCase();
      return (
        (text === '' || projectLabel(row).toLowerCase().includes(text) || (row.name || '').toLowerCase().includes(text)) &&
        (select.value === '' || stateOf(row) === select.value) &&
        (!changed.checked || row.change === 'new' || (Array.isArray(row.change) && row.change.some(([points]) => points !== 0)))
      );
    };

    const { table, rows: trs } = sortableTable(
      columns,
      rows,
      (item) => {
        const { row, index } = item;
        const name = projectLabel(row);
        const tr = el(
          'tr',
          { 'data-project': index, 'data-state': stateOf(row) },
          el('td', { class: 'root' }, row.tree === null ? el('span', { text: name }) : el('a', { href: href({ project: index }), text: name })),
          el('td', { class: 'name', text: row.name === null ? '' : row.name }),
          el('td', {}, stateBadge(row)),
          el('td', { class: 'num', text: String(row.files) }),
        );
        METRICS.forEach((_, i) => {
          tr.append(pctCell(row.metrics && row.metrics[i]));
          if (baseline) tr.append(changeCell(row.change, i));
        });
        if (!shows(item)) tr.classList.add('hidden');
        return tr;
      },
      { column: 0, direction: 1 },
    );

    const apply = () => {
      let visible = 0;
      for (const item of rows) {
        const show = shows(item);
        // A row not made yet is made with the filter as it is then.
        trs.get(item)?.classList.toggle('hidden', !show);
        if (show) visible++;
      }
      shown.textContent = `${visible} of ${rows.length} projects`;
    };
    filter.addEventListener('input', apply);
    select.addEventListener('change', apply);
    changed.addEventListener('change', apply);
    const controls = el('div', { class: 'controls' }, filter, select);
    if (baseline) controls.append(el('label', {}, changed, ' changed since the baseline only'));
    controls.append(shown);
    main.append(controls, table);
    apply();
    document.addEventListener('keydown', function focusFilter(event) {
      if (!filter.isConnected) return document.removeEventListener('keydown', focusFilter);
      if (event.key === '/' && document.activeElement !== filter) {
        event.preventDefault();
        filter.focus();
      }
    });
  }

  // ---------------------------------------------------------------------------------------
  // A project: its folders and files

  function nodeAt(tree, path) {
    const trail = [];
    let node = tree;
    for (const index of path) {
      const next = node.children && node.children[index];
      if (!next || !next.children) break;
      trail.push({ node: next, index });
      node = next;
    }
    return { node, trail };
  }

  function projectCrumbs(at, row, tree, trail) {
    const title = row.name && row.name !== row.root ? `${projectLabel(row)} (${row.name})` : projectLabel(row);
    const parts = [{ text: title, href: href({ view: at.view, project: at.project, metric: at.metric }) }];
    trail.forEach((step, i) =>
      parts.push({ text: step.node.name, href: href({ view: at.view, project: at.project, path: trail.slice(0, i + 1).map((s) => s.index), metric: at.metric }) }),
    );
    return crumbs(parts);
  }

  function projectView(main, at, row, tree) {
    const { node, trail } = nodeAt(tree, at.path);
    const path = trail.map((step) => step.index);
    const tab = (view, text) => el('a', { href: href({ view, project: at.project, path, metric: at.metric }), 'aria-current': at.view === view ? 'page' : null, text });
    main.append(projectCrumbs(at, row, tree, trail));
    const notes = el(
      'div',
      { class: 'controls' },
      stateBadge(row),
      el('nav', { class: 'tabs', 'aria-label': 'Views of this folder' }, tab('table', 'Files'), tab('picture', 'Picture')),
    );
    main.append(notes);
    if (row.reasons.length > 0) main.append(el('ul', { class: 'notes' }, ...row.reasons.map((reason) => el('li', { text: reason }))));
    if (at.view === 'picture') {
      folderPicture(main, at, node, path);
      return;
    }
    const items = node.children.map((child, index) => ({ child, index }));
    const columns = [{ label: 'File', key: (item) => `${item.child.children ? 0 : 1}${item.child.name.toLowerCase()}` }];
    METRICS.forEach((name, i) => columns.push({ label: name, num: true, key: (item) => item.child.metrics[i][2] }));
    const { table } = sortableTable(
      columns,
      items,
      ({ child, index }) => {
        const link = child.children
          ? el('a', { href: href({ project: at.project, path: [...path, index] }), text: `${child.name}/` })
          : child.page
            ? el('a', { href: child.page, text: child.name })
            : el('span', { text: child.name });
        const tr = el('tr', { 'data-kind': child.children ? 'folder' : 'file' }, el('td', { class: 'name' }, link));
        METRICS.forEach((_, i) => {
          const td = pctCell(child.metrics[i]);
          td.append(el('span', { class: 'fraction', text: ` ${child.metrics[i][0]}/${child.metrics[i][1]}` }));
          tr.append(td);
        });
        return tr;
      },
      { column: 0, direction: 1 },
    );
    const total = el('tr', { class: 'total' }, el('td', { text: 'All files here' }));
    METRICS.forEach((_, i) => total.append(pctCell(node.metrics[i])));
    table.querySelector('thead').append(total);
    main.append(table);
  }

  // ---------------------------------------------------------------------------------------
  // The picture: a squarified treemap (Bruls, Huizing, van Wijk), sized by statements,
  // coloured by the chosen metric

  /** Lays out items ({ value > 0 }, largest first) in the rectangle; returns [{ item, x, y, w, h }]. */
  function squarify(items, x, y, w, h) {
    const total = items.reduce((sum, item) => sum + item.value, 0);
    const out = [];
    if (total <= 0 || w <= 0 || h <= 0) return out;
    const scale = (w * h) / total;
    const areas = items.map((item) => item.value * scale);
    let row = [];
    let rowArea = 0;
    const worst = (candidate, sum, side) => {
      let max = 0;
      let min = Infinity;
      for (const i of candidate) {
        max = Math.max(max, areas[i]);
        min = Math.min(min, areas[i]);
      }
      return Math.max((side * side * max) / (sum * sum), (sum * sum) / (side * side * min));
    };
    const place = () => {
      if (w >= h) {
        const width = rowArea / h;
        let top = y;
        for (const i of row) {
          const height = areas[i] / width;
          out.push({ item: items[i], x, y: top, w: width, h: height });
          top += height;
        }
        x += width;
        w -= width;
      } else {
        const height = rowArea / w;
        let left = x;
        for (const i of row) {
          const width = areas[i] / height;
          out.push({ item: items[i], x: left, y, w: width, h: height });
          left += width;
        }
        y += height;
        h -= height;
      }
      row = [];
      rowArea = 0;
    };
    for (let i = 0; i < items.length;) {
      const side = Math.min(w, h);
      if (row.length === 0 || worst([...row, i], rowArea + areas[i], side) <= worst(row, rowArea, side)) {
        row.push(i);
        rowArea += areas[i];
        i++;
      } else {
        place();
      }
    }
    if (row.length > 0) place();
    return out;
  }

  /** Red under 50%, through amber, to green at 100%: the worst-covered large areas stand out. */
  function colour(pct) {
    const hue = pct < 50 ? (pct / 50) * 25 : pct < 80 ? 25 + ((pct - 50) / 30) * 25 : 60 + ((pct - 80) / 20) * 60;
    return `hsl(${hue.toFixed(1)}, 75%, ${pct >= 80 ? 62 : 66}%)`;
  }

  function tooltip(title, metrics) {
    return [title, ...METRICS.map((name, i) => `${name}: ${metrics[i][2]}% (${metrics[i][0]}/${metrics[i][1]})`)].join('\n');
  }

  function tileBox(rect) {
    return `left:${rect.x.toFixed(1)}px;top:${rect.y.toFixed(1)}px;width:${rect.w.toFixed(1)}px;height:${rect.h.toFixed(1)}px`;
  }

  function tileLabel(tile, rect, name, pct) {
    if (rect.w < 44 || rect.h < 16) return;
    tile.append(el('span', { class: 'label', text: name }));
    if (rect.h >= 30) tile.append(el('span', { class: 'value', text: `${pct}%` }));
  }

  function metricPicker(at) {
    const select = el('select', { 'aria-label': 'Colour by' });
    METRICS.forEach((name, i) => select.append(el('option', { value: String(i), text: name, selected: i === at.metric })));
    select.addEventListener('change', () => {
      location.hash = href({ ...at, metric: Number(select.value) });
    });
    return el('label', {}, 'Colour by ', select);
  }

  function legend(at) {
    const stops = [0, 25, 50, 65, 80, 90, 100].map((pct) => `${colour(pct)} ${pct}%`).join(', ');
    return el(
      'div',
      { class: 'legend' },
      el('span', { text: `Size: statements · colour: ${METRICS[at.metric].toLowerCase()} covered` }),
      el('span', { text: '0%' }),
      el('span', { class: 'scale', style: `background: linear-gradient(to right, ${stops})` }),
      el('span', { text: '100%' }),
    );
  }

  /** The treemap element, laid out at its size on the page, and again whenever that size changes. */
  function treemapBox(main, draw) {
    const box = el('div', { class: 'treemap', role: 'group', 'aria-label': 'Treemap' });
    main.append(box);
    let size = '';
    const layout = () => {
      const width = box.clientWidth;
      const height = box.clientHeight;
      if (`${width}x${height}` === size) return;
      size = `${width}x${height}`;
      box.replaceChildren();
      draw(box, width, height);
    };
    layout();
    new ResizeObserver(layout).observe(box);
    return box;
  }

  function workspacePicture(main, at) {
    const items = [];
    let hidden = 0;
    data.projects.forEach((row, index) => {
      if (row.metrics && row.metrics[0][1] > 0) items.push({ row, index, value: row.metrics[0][1] });
      else hidden++;
    });
    items.sort((a, b) => b.value - a.value || a.index - b.index);
    main.append(el('div', { class: 'controls' }, metricPicker(at), el('span', { class: 'count', text: `${items.length} projects; click one to see its folders and files` })));
    treemapBox(main, (box, width, height) => {
      for (const rect of squarify(items, 0, 0, width, height)) {
        const { row, index } = rect.item;
        const pct = row.metrics[at.metric][2];
        const tile = el('a', {
          class: 'tile',
          href: href({ view: 'picture', project: index, metric: at.metric }),
          style: `${tileBox(rect)};background:${colour(pct)}`,
          title: tooltip(row.name && row.name !== row.root ? `${projectLabel(row)} (${row.name})` : projectLabel(row), row.metrics),
          'data-project': index,
        });
        tileLabel(tile, rect, projectLabel(row), pct);
        box.append(tile);
      }
    });
    main.append(legend(at));
    if (hidden > 0) main.append(el('p', { class: 'notes', text: `${hidden} project(s) without data or statements are not drawn; the Projects tab lists them.` }));
  }

  function folderPicture(main, at, node, path) {
    main.append(el('div', { class: 'controls' }, metricPicker(at), el('span', { class: 'count', text: 'Click a folder to go into it, a file to open its page' })));
    const drawChildren = (box, folder, folderPath, width, height, depth) => {
      const items = folder.children.map((child, index) => ({ child, index, value: child.metrics[0][1] })).filter((item) => item.value > 0);
      items.sort((a, b) => b.value - a.value || a.index - b.index);
      for (const rect of squarify(items, 0, 0, width, height)) {
        const { child, index } = rect.item;
        const childPath = [...folderPath, index];
        const pct = child.metrics[at.metric][2];
        const title = tooltip(child.children ? `${child.name}/` : child.name, child.metrics);
        if (child.children && depth < 2 && rect.w > 60 && rect.h > 48) {
          const tile = el('div', { class: 'tile folder', style: tileBox(rect), title });
          tile.append(el('a', { class: 'head', href: href({ view: 'picture', project: at.project, path: childPath, metric: at.metric }), text: `${child.name}/ ${pct}%` }));
          const inner = el('div', { class: 'inner' });
          tile.append(inner);
          box.append(tile);
          drawChildren(inner, child, childPath, rect.w - 2, rect.h - 20, depth + 1);
          continue;
        }
        const target = child.children ? href({ view: 'picture', project: at.project, path: childPath, metric: at.metric }) : child.page;
        const tile = el(target ? 'a' : 'div', { class: 'tile', href: target, style: `${tileBox(rect)};background:${colour(pct)}`, title });
        tileLabel(tile, rect, child.children ? `${child.name}/` : child.name, pct);
        box.append(tile);
      }
    };
    treemapBox(main, (box, width, height) => drawChildren(box, node, path, width, height, 1));
    main.append(legend(at));
  }

  window.addEventListener('hashchange', render);
  render();
})();
