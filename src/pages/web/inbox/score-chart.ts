// A small inline SVG line chart of the check scores over time (no chart library: three lines).
import { h, svg } from '../lib/dom';
import type { ScoreSeries } from './timeline-model';

const WIDTH = 320;
const HEIGHT = 140;
const PAD = { left: 26, right: 8, top: 10, bottom: 22 };
const LINES = [
  { key: 'feelingNow', max: 5, min: 1, colour: '#2f7d6d' },
  { key: 'callFeeling', max: 5, min: 1, colour: '#3b6fb6' },
  { key: 'thermometer', max: 10, min: 0, colour: '#c0392b' },
] as const;

export function scoreChart(series: ScoreSeries, text: { title: string; feeling: string; callFeeling: string; thermometer: string }, lang: string): HTMLElement {
  const { points } = series;
  const first = points[0].at;
  const span = Math.max(points[points.length - 1].at - first, 1);
  const x = (at: number) => (points.length === 1 ? (PAD.left + WIDTH - PAD.right) / 2 : PAD.left + ((at - first) / span) * (WIDTH - PAD.left - PAD.right));
  // Every line on one 0–1 scale: faces 1–5 and the thermometer 0–10 share the height.
  const y = (value: number, min: number, max: number) => HEIGHT - PAD.bottom - ((value - min) / (max - min)) * (HEIGHT - PAD.top - PAD.bottom);
  const chart = svg(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', 'aria-label': text.title, id: 'score-chart' },
    svg('line', { class: 'axis', x1: PAD.left, y1: HEIGHT - PAD.bottom, x2: WIDTH - PAD.right, y2: HEIGHT - PAD.bottom }),
    svg('line', { class: 'axis', x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: HEIGHT - PAD.bottom }),
    svg('text', { x: 2, y: PAD.top + 8 }, 'max'),
    svg('text', { x: 2, y: HEIGHT - PAD.bottom }, 'min'),
    svg('text', { x: PAD.left, y: HEIGHT - 6 }, new Date(first).toLocaleDateString(lang === 'en' ? 'en-GB' : 'zh-CN')),
  );
  for (const line of LINES) {
    const values = points.flatMap((p) => (p[line.key] === null ? [] : [[x(p.at), y(p[line.key]!, line.min, line.max)] as const]));
    if (values.length === 0) continue;
    chart.appendChild(svg('polyline', { class: 'line', stroke: line.colour, points: values.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' '), 'data-series': line.key }));
    for (const [px, py] of values) chart.appendChild(svg('circle', { cx: px.toFixed(1), cy: py.toFixed(1), r: 3, fill: line.colour }));
  }
  const legendItem = (colour: string, label: string) => {
    const swatch = h('i');
    swatch.style.background = colour;
    return h('span', {}, swatch, label);
  };
  return h(
    'figure',
    { class: 'stack' },
    h('figcaption', { class: 'muted' }, text.title),
    chart,
    h('div', { class: 'legend' }, legendItem(LINES[0].colour, text.feeling), legendItem(LINES[1].colour, text.callFeeling), legendItem(LINES[2].colour, text.thermometer)),
  );
}
