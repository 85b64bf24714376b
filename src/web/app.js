// The exercise dashboard of `reprise exercise serve`: the observers' view
// and, on /facilitator, the console. Plain JavaScript, nothing loaded from
// elsewhere. The server sends the whole view (GET /api/state, and on
// /api/events after every change); this file only draws it. Text from the
// exercise is always set as text, never parsed as HTML.
'use strict';

(() => {
  const LANG = document.documentElement.lang === 'fr' ? 'fr' : 'en';
  const FACILITATOR = document.body.dataset.role === 'facilitator';

  const LABELS = {
    en: {
      injects: 'Inject feed',
      map: 'Dependency map',
      processes: 'Processes: time left before the MTPD (DMIA)',
      services: 'Services',
      teams: 'Teams',
      objectives: 'Objectives',
      decisions: 'Decision log',
      crisis: 'crisis level',
      no_crisis: 'no crisis declared',
      running: 'running',
      paused: 'PAUSED',
      ended: 'ENDED',
      next_inject: 'next inject',
      live: '● live',
      reconnecting: '○ reconnecting…',
      contingency: 'contingency',
      expected: 'Expected',
      from: 'from',
      to: 'to',
      up: 'up',
      degraded: 'degraded',
      down: 'down',
      work: 'work in progress',
      ordered: 'ordered, waiting',
      investigation_until: '· waits for the investigation until',
      isolated: 'isolated zone',
      soft: 'soft dependency',
      process: 'Process',
      state: 'State',
      since: 'Since',
      mtpd: 'MTPD (DMIA)',
      left: 'Left',
      workaround: 'Workaround',
      active: 'active',
      available: 'available',
      team: 'Team',
      busy: 'Busy / people',
      down_count: 'down',
      to_restore: 'to restore',
      destroyed: 'destroyed',
      failed: 'failed',
      in_progress: 'Work in progress',
      waiting: 'Ordered, waiting for a team',
      not_started: 'Not started',
      expected_end: 'expected',
      none: 'none',
      no_injects: 'No inject yet.',
      no_decisions: 'No decision yet.',
      all_up: 'processes up',
      by: 'Taken by',
      nobody: '—',
      next_btn: 'Next inject',
      step_btn: 'Step',
      step_ph: '1h',
      pause_btn: 'Pause',
      resume_btn: 'Resume',
      goto_btn: 'Go to',
      goto_ph: '5d6h',
      end_btn: 'End exercise',
      decide_btn: 'Decide',
      command_ph: 'restore ad with infra',
      syntax: 'Decisions',
      confirm_end: 'End the exercise? It cannot be resumed afterwards.',
      no_token: 'No token: open the facilitator address that `reprise exercise serve` printed (…/facilitator#token=…).',
      bad_token: 'The token was refused: open the facilitator address that `reprise exercise serve` printed.',
      ok: 'Done',
      new_injects: 'new injects',
      too_large: 'The request is too large.',
      server_stopped: 'The server stopped',
      unreachable: 'The server cannot be reached.',
      phone: 'phone',
      mail: 'mail',
      sms: 'SMS',
      press: 'press',
      social: 'social media',
      radio: 'radio',
      meeting: 'meeting',
      crit_vital: 'vital',
      crit_essential: 'essential',
      crit_important: 'important',
      crit_deferrable: 'deferrable',
      mode_restore: 'restore',
      mode_failover: 'failover',
      mode_rebuild: 'rebuild',
      mode_relocate: 'relocation',
      mode_restart: 'restart',
      mode_automatic: 'automatic return',
      player: 'Players',
      facilitator: 'Facilitators',
      observer: 'Observers',
    },
    fr: {
      injects: 'Fil des stimuli',
      map: 'Carte des dépendances',
      processes: 'Processus : temps restant avant la DMIA',
      services: 'Services',
      teams: 'Équipes',
      objectives: 'Objectifs',
      decisions: 'Journal des décisions',
      crisis: 'niveau de crise',
      no_crisis: 'pas de crise déclarée',
      running: 'en cours',
      paused: 'EN PAUSE',
      ended: 'TERMINÉ',
      next_inject: 'prochain stimulus',
      live: '● en direct',
      reconnecting: '○ reconnexion…',
      contingency: 'relance',
      expected: 'Attendu',
      from: 'de',
      to: 'à',
      up: 'en service',
      degraded: 'dégradé',
      down: 'arrêté',
      work: 'travaux en cours',
      ordered: 'ordonné, en attente',
      investigation_until: "· attend la fin de l'investigation à",
      isolated: 'zone isolée',
      soft: 'dépendance souple',
      process: 'Processus',
      state: 'État',
      since: 'Depuis',
      mtpd: 'DMIA (MTPD)',
      left: 'Reste',
      workaround: 'Mode dégradé',
      active: 'actif',
      available: 'disponible',
      team: 'Équipe',
      busy: 'Occupés / effectif',
      down_count: 'arrêtés',
      to_restore: 'à rétablir',
      destroyed: 'détruit',
      failed: 'en panne',
      in_progress: 'Travaux en cours',
      waiting: 'Ordonnés, en attente d\u2019une équipe',
      not_started: 'Non commencés',
      expected_end: 'fin prévue',
      none: 'aucun',
      no_injects: 'Aucun stimulus pour l\u2019instant.',
      no_decisions: 'Aucune décision pour l\u2019instant.',
      all_up: 'processus en service',
      by: 'Prise par',
      nobody: '—',
      next_btn: 'Prochain stimulus',
      step_btn: 'Avancer d\u2019un pas',
      step_ph: '1h',
      pause_btn: 'Pause',
      resume_btn: 'Reprendre',
      goto_btn: 'Aller à',
      goto_ph: '5d6h',
      end_btn: 'Terminer l\u2019exercice',
      decide_btn: 'Décider',
      command_ph: 'restore ad with infra',
      syntax: 'Décisions',
      confirm_end: 'Terminer l\u2019exercice ? Il ne pourra plus reprendre.',
      no_token: 'Pas de jeton : ouvrez l\u2019adresse d\u2019animation affichée par `reprise exercise serve` (…/facilitator#token=…).',
      bad_token: 'Jeton refusé : ouvrez l\u2019adresse d\u2019animation affichée par `reprise exercise serve`.',
      ok: 'Fait',
      new_injects: 'nouveaux stimuli',
      too_large: 'La requête est trop grande.',
      server_stopped: 'Le serveur s\u2019est arrêté',
      unreachable: 'Le serveur est injoignable.',
      phone: 'téléphone',
      mail: 'courriel',
      sms: 'SMS',
      press: 'presse',
      social: 'réseaux sociaux',
      radio: 'radio',
      meeting: 'réunion',
      crit_vital: 'vitale',
      crit_essential: 'essentielle',
      crit_important: 'importante',
      crit_deferrable: 'différable',
      mode_restore: 'restauration',
      mode_failover: 'bascule',
      mode_rebuild: 'reconstruction',
      mode_relocate: 'relocalisation',
      mode_restart: 'redémarrage',
      mode_automatic: 'retour automatique',
      player: 'Joueurs',
      facilitator: 'Animation',
      observer: 'Observateurs',
    },
  };
  const t = (key) => LABELS[LANG][key] ?? LABELS.en[key] ?? key;

  const $ = (id) => document.getElementById(id);

  /** An element with attributes and children (strings become text). */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else e.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }

  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }

  /** Seconds as reprise writes durations: hours up to 72h, then weeks and days. */
  function duration(s) {
    if (s === 0) return '0s';
    const units = s <= 72 * 3600
      ? [['h', 3600], ['m', 60], ['s', 1]]
      : [['w', 604800], ['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
    let out = '';
    let rest = s;
    for (const [u, n] of units) {
      if (rest >= n) {
        out += Math.floor(rest / n) + u;
        rest %= n;
      }
    }
    return out;
  }
  const left = (s) => (s < 0 ? '−' + duration(-s) : duration(s));

  function replace(node, ...children) {
    node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
  }

  // Static labels.
  for (const e of document.querySelectorAll('[data-t]')) e.textContent = t(e.dataset.t);
  for (const e of document.querySelectorAll('[data-tp]')) e.placeholder = t(e.dataset.tp);

  let view = null;
  let seenInject = -1;

  function renderHeader(v) {
    document.title = v.title + ' — ' + v.clock.label;
    $('title').textContent = v.title;
    $('clock').textContent = v.clock.label;
    $('date').textContent = v.clock.date || '';
    const crisis = $('crisis');
    crisis.textContent = v.crisis > 0 ? `${t('crisis')} ${v.crisis}` : t('no_crisis');
    crisis.className = 'badge crisis-' + v.crisis;
    const status = $('status');
    status.textContent = v.ended ? t('ended') : v.paused ? t('paused') : t('running');
    status.className = 'badge ' + (v.ended ? 'ended' : v.paused ? 'paused' : 'running');
    $('next').textContent = v.next_inject && !v.ended
      ? `${t('next_inject')} ${v.next_inject.label}`
      : '';
  }

  function when(time) {
    return time.date ? `${time.label} (${time.date})` : time.label;
  }

  function renderFeed(v) {
    const feed = $('feed');
    if (v.injects.length === 0) {
      replace(feed, el('li', { class: 'empty' }, t('no_injects')));
      return;
    }
    const items = [...v.injects].reverse().map((i) => el('li', {
      class: ['inject', i.contingency ? 'contingency' : '', i.seq > seenInject && seenInject >= 0 ? 'new' : ''].join(' '),
      'data-id': i.id,
    },
      el('div', { class: 'meta' },
        el('span', { class: 'at' }, when(i.at)),
        el('span', { class: 'channel' }, t(i.channel)),
        i.contingency ? el('span', { class: 'flag' }, t('contingency')) : null,
        el('span', { class: 'id' }, i.id)),
      el('div', { class: 'who' }, `${t('from')} ${i.from} ${t('to')} ${i.to.join(', ')}`),
      el('p', { class: 'text' }, i.text),
      i.expects.length
        ? el('div', { class: 'expects' },
          el('span', {}, t('expected')),
          el('ul', {}, i.expects.map((x) => el('li', {}, x))))
        : null));
    replace(feed, items);
    seenInject = Math.max(seenInject, ...v.injects.map((i) => i.seq));
  }

  // The map: drawn once from /api/map, recoloured from every view.
  const NODE_W = 140;
  const NODE_H = 22;
  const COL_W = 175;
  const ROW_H = 28;
  const PAD = 8;
  let mapNodes = null; // [{g, rect, title}] in plan order
  let mapEdges = null; // [{path, to}]

  function drawMap(map) {
    const layers = Math.max(0, ...map.nodes.map((n) => n.layer)) + 1;
    const rows = Math.max(0, ...map.nodes.map((n) => n.row)) + 1;
    const width = layers * COL_W + PAD * 2;
    const height = rows * ROW_H + PAD * 2;
    const root = svg('svg', {
      width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': t('map'),
    });
    const defs = svg('defs');
    const marker = svg('marker', {
      id: 'arrow', viewBox: '0 0 6 6', refX: 6, refY: 3, markerWidth: 6, markerHeight: 6, orient: 'auto',
    });
    marker.append(svg('path', { d: 'M0,0 L6,3 L0,6 z', class: 'arrowhead' }));
    defs.append(marker);
    root.append(defs);
    const pos = (n) => ({ x: PAD + n.layer * COL_W, y: PAD + n.row * ROW_H });
    const edges = svg('g', { class: 'edges' });
    mapEdges = map.edges.map((e) => {
      const a = pos(map.nodes[e.to]);
      const b = pos(map.nodes[e.from]);
      const x1 = a.x + NODE_W;
      const y1 = a.y + NODE_H / 2;
      const x2 = b.x;
      const y2 = b.y + NODE_H / 2;
      const bend = Math.max(20, Math.abs(x2 - x1) / 2);
      const path = svg('path', {
        d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
        class: e.soft ? 'edge soft' : 'edge',
        'marker-end': 'url(#arrow)',
      });
      edges.append(path);
      return { path, to: e.to, soft: e.soft };
    });
    root.append(edges);
    const nodes = svg('g', { class: 'nodes' });
    mapNodes = map.nodes.map((n) => {
      const p = pos(n);
      const g = svg('g', { class: 'node', transform: `translate(${p.x},${p.y})` });
      const title = svg('title');
      title.textContent = n.id;
      const rect = svg('rect', { width: NODE_W, height: NODE_H, rx: 4 });
      const text = svg('text', { x: 6, y: NODE_H / 2 + 4 });
      text.textContent = n.id.length > 20 ? n.id.slice(0, 19) + '…' : n.id;
      g.append(title, rect, text);
      nodes.append(g);
      return { g, title, id: n.id };
    });
    root.append(nodes);
    replace($('map'), root);
    replace($('legend'), ['up', 'degraded', 'down', 'work', 'ordered', 'isolated'].map((k) => el('span', { class: 'key ' + k }, t(k))),
      el('span', { class: 'key soft' }, t('soft')));
  }

  function renderMap(v) {
    if (!mapNodes) return;
    const isolated = new Set(v.isolated);
    v.services.forEach((s, i) => {
      const n = mapNodes[i];
      if (!n) return;
      const classes = ['node', s.state];
      if (s.work) classes.push('work');
      else if (s.ordered) classes.push('ordered');
      if (s.zone && isolated.has(s.zone)) classes.push('isolated');
      n.g.setAttribute('class', classes.join(' '));
      const extra = [t(s.state)];
      if (s.damage) extra.push(t(s.damage));
      if (s.work) extra.push(`${t('mode_' + s.work.mode)} ${s.work.start.label} → ${s.work.expected.label}`);
      if (s.zone) extra.push('zone:' + s.zone + (isolated.has(s.zone) ? ` (${t('isolated')})` : ''));
      n.title.textContent = `${s.id} — ${s.name}\n${extra.join(' · ')}`;
    });
    for (const e of mapEdges) {
      const target = v.services[e.to];
      const cut = target && target.state !== 'up';
      e.path.setAttribute('class', ['edge', e.soft ? 'soft' : '', cut ? 'cut' : ''].join(' '));
    }
  }

  function renderProcesses(v) {
    const head = el('thead', {}, el('tr', {},
      el('th', {}, t('process')), el('th', {}, t('state')), el('th', {}, t('since')),
      el('th', { class: 'num' }, t('mtpd')), el('th', { class: 'num' }, t('left')), el('th', {}, t('workaround'))));
    const rows = v.processes.filter((p) => p.state !== 'up').map((p) => {
      let urgency = '';
      if (p.left_s !== null && p.left_s !== undefined) {
        if (p.left_s < 0) urgency = 'late';
        else if (p.left_s < 0.25 * p.mtpd_s) urgency = 'soon';
      }
      return el('tr', { class: urgency, 'data-id': p.id },
        el('td', {}, el('span', { class: 'name' }, p.name), ' ', el('span', { class: 'id' }, p.id),
          el('span', { class: 'crit ' + p.criticality }, t('crit_' + p.criticality))),
        el('td', {}, el('span', { class: 'state ' + p.state }, t(p.state))),
        el('td', {}, p.since ? p.since.label : '—'),
        el('td', { class: 'num' }, duration(p.mtpd_s)),
        el('td', { class: 'num left' }, p.left_s === null || p.left_s === undefined ? '—' : left(p.left_s)),
        el('td', {}, p.workaround ? t('active') : p.has_workaround ? t('available') : '—'));
    });
    const up = v.processes.length - rows.length;
    const foot = el('tfoot', {}, el('tr', {}, el('td', { colspan: 6, class: 'muted' }, `${up} / ${v.processes.length} ${t('all_up')}`)));
    replace($('processes'), head, el('tbody', {}, rows), foot);
  }

  function renderServices(v) {
    const down = v.services.filter((s) => s.state === 'down').length;
    const damaged = v.services.filter((s) => s.damage);
    const destroyed = damaged.filter((s) => s.damage === 'destroyed').length;
    $('services-summary').textContent =
      `${down} ${t('down_count')} · ${damaged.length} ${t('to_restore')} (${destroyed} ${t('destroyed')})`;
    const working = damaged.filter((s) => s.work);
    const waiting = damaged.filter((s) => !s.work && s.ordered);
    const idle = damaged.filter((s) => !s.work && !s.ordered);
    const section = (title, list, item, kind) => [
      el('h3', {}, `${title} (${list.length})`),
      list.length ? el('ul', { class: kind || 'services' }, list.map(item)) : el('p', { class: 'muted' }, t('none')),
    ];
    replace($('services'),
      section(t('in_progress'), working, (s) => el('li', { class: 'work' },
        el('span', { class: 'id' }, s.id), ` ${t('mode_' + s.work.mode)} · ${s.work.start.label} → ${t('expected_end')} ${s.work.expected.label}`)),
      section(t('waiting'), waiting, (s) => el('li', { class: 'ordered' }, el('span', { class: 'id' }, s.id),
        s.investigation ? ` ${t('investigation_until')} ${s.investigation.label}` : '')),
      section(t('not_started'), idle, (s) => el('li', { class: 'chip ' + s.damage, title: `${s.name} · ${t(s.damage)}` }, s.id), 'chips'));
  }

  function renderTeams(v) {
    const head = el('thead', {}, el('tr', {}, el('th', {}, t('team')), el('th', { class: 'num' }, t('busy')), el('th', {}, '')));
    const rows = v.teams.map((team) => el('tr', { 'data-id': team.id },
      el('td', { title: team.name }, el('span', { class: 'id' }, team.id), el('div', { class: 'muted small' }, team.name)),
      el('td', { class: 'num' }, `${team.busy} / ${team.people}`),
      el('td', {}, el('meter', { min: 0, max: Math.max(1, team.people), value: team.busy }))));
    replace($('teams'), head, el('tbody', {}, rows));
  }

  function renderDecisions(v) {
    const log = $('decisions');
    if (v.decisions.length === 0) {
      replace(log, el('li', { class: 'empty' }, t('no_decisions')));
      return;
    }
    replace(log, [...v.decisions].reverse().map((d) => el('li', {},
      el('span', { class: 'at' }, d.at.label),
      d.by ? el('span', { class: 'by' }, '@' + d.by) : null,
      el('code', {}, d.command),
      el('span', { class: 'muted seq' }, `#${d.seq}`))));
  }

  function render(v) {
    view = v;
    renderHeader(v);
    renderFeed(v);
    renderMap(v);
    renderProcesses(v);
    renderServices(v);
    renderTeams(v);
    renderDecisions(v);
    if (FACILITATOR) renderConsole(v);
  }

  // Live updates: the server sends the whole view at connection and after
  // every change; EventSource reconnects by itself.
  function connect() {
    const conn = $('conn');
    const events = new EventSource('/api/events');
    events.onopen = () => {
      conn.textContent = t('live');
      conn.className = 'conn live';
    };
    events.onmessage = (e) => {
      try {
        render(JSON.parse(e.data));
      } catch (err) {
        conn.textContent = String(err);
      }
    };
    events.onerror = () => {
      conn.textContent = t('reconnecting');
      conn.className = 'conn lost';
    };
  }

  async function getJson(url) {
    const r = await fetch(url, { cache: 'no-store' });
    if (!r.ok) throw new Error(`${url}: ${r.status}`);
    return r.json();
  }

  async function start() {
    try {
      const [map, about] = await Promise.all([getJson('/api/map'), getJson('/api/exercise')]);
      drawMap(map);
      renderAbout(about);
      if (view) render(view);
    } catch (err) {
      $('conn').textContent = t('unreachable');
      $('conn').className = 'conn lost';
    }
  }

  function renderAbout(about) {
    replace($('objectives'), about.objectives.map((o) => el('li', {}, el('span', { class: 'id' }, o.id), ' ', o.text)));
    if (!FACILITATOR) return;
    const by = $('by');
    const groups = ['player', 'facilitator', 'observer'].map((kind) => {
      const roles = about.roles.filter((r) => r.kind === kind);
      if (!roles.length) return null;
      return el('optgroup', { label: t(kind) }, roles.map((r) => el('option', { value: r.id, title: r.name }, `${r.id} — ${r.name}`)));
    });
    replace(by, el('option', { value: '' }, t('nobody')), groups);
    replace($('syntax'), about.actions.map((a) => el('li', {}, el('code', {}, a))));
  }

  // The facilitator's console.
  let token = null;

  function readToken() {
    const m = /(?:^#|&)token=([0-9a-fA-F]+)/.exec(location.hash);
    if (m) {
      token = m[1];
      try {
        sessionStorage.setItem('reprise-token', token);
      } catch (e) {
        // Private windows may refuse storage: the token stays in memory.
      }
      // Out of the address bar, so a shared screen does not show it.
      history.replaceState(null, '', location.pathname + location.search);
    } else {
      try {
        token = sessionStorage.getItem('reprise-token');
      } catch (e) {
        token = null;
      }
    }
    if (!token) say(t('no_token'), 'error');
  }

  function say(text, kind) {
    const m = $('message');
    m.textContent = text;
    m.className = 'message ' + (kind || '');
  }

  async function post(url, body) {
    let r;
    try {
      r = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + (token || '') },
        body: JSON.stringify(body),
      });
    } catch (err) {
      say(t('unreachable'), 'error');
      return false;
    }
    let answer = {};
    try {
      answer = await r.json();
    } catch (e) {
      answer = {};
    }
    if (r.ok) {
      const injects = answer.injects && answer.injects.length ? ` · ${t('new_injects')}: ${answer.injects.join(', ')}` : '';
      say(`${t('ok')} (#${answer.seq})${injects}`, 'ok');
      return true;
    }
    if (r.status === 401) say(t('bad_token'), 'error');
    else if (r.status === 413) say(t('too_large'), 'error');
    else if (r.status >= 500) say(`${t('server_stopped')}: ${answer.error || r.status}`, 'error');
    else say(answer.error || String(r.status), 'error');
    return false;
  }

  function renderConsole(v) {
    const running = !v.ended && !v.paused;
    for (const b of document.querySelectorAll('[data-action]')) {
      const a = b.dataset.action;
      b.disabled = a === 'resume' ? !v.paused || v.ended : a === 'end' ? v.ended : !running;
    }
    for (const id of ['goto', 'step-by', 'command']) $(id).disabled = !running;
    for (const b of document.querySelectorAll('#goto-form button, #decision-form button')) b.disabled = !running;
  }

  function setupConsole() {
    readToken();
    for (const b of document.querySelectorAll('[data-action]')) {
      b.addEventListener('click', async () => {
        const action = b.dataset.action;
        if (action === 'end' && !window.confirm(t('confirm_end'))) return;
        const body = { action };
        if (action === 'step') {
          const by = $('step-by').value.trim();
          if (by) body.step = by;
        }
        await post('/api/clock', body);
      });
    }
    $('goto-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const to = $('goto').value.trim();
      if (await post('/api/clock', { action: 'goto', t: to })) $('goto').value = '';
    });
    $('decision-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const command = $('command').value.trim();
      if (!command) return;
      const body = { command };
      const by = $('by').value;
      if (by) body.by = by;
      if (await post('/api/decision', body)) {
        // Unless the facilitator already typed the next one.
        if ($('command').value.trim() === command) $('command').value = '';
        complete($('command').value);
      }
    });
    let pending = null;
    $('command').addEventListener('input', () => {
      clearTimeout(pending);
      pending = setTimeout(() => complete($('command').value), 120);
    });
    complete('');
  }

  // Completions of the decision typed so far, whole lines for the datalist.
  let asked = 0;
  async function complete(line) {
    const n = ++asked;
    let words = [];
    try {
      words = await getJson('/api/complete?line=' + encodeURIComponent(line));
    } catch (e) {
      return;
    }
    if (n !== asked) return;
    replace($('completions'), words.map((w) => el('option', { value: w })));
  }

  if (FACILITATOR) setupConsole();
  getJson('/api/state').then((v) => {
    if (!view) render(v);
  }).catch(() => {});
  start();
  connect();
})();
