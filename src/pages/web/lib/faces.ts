// Faces drawn as inline SVG, so every device shows the same face whatever emoji font it has
// (a child reads the face, not the word). Mood 1 = very sad … 5 = very happy.
import { svg } from './dom';

const FILL = ['#9cc3e6', '#c9d7ea', '#f4e3a1', '#f9d36b', '#f7c23c'];
/** Mouth: control point of a quadratic curve from (32,44) to (48,44); above is a frown, below a smile. */
const MOUTH_CURVE = [34, 38, 44, 52, 58];

export function face(mood: 1 | 2 | 3 | 4 | 5, size = 64, label?: string): SVGElement {
  const control = MOUTH_CURVE[mood - 1];
  const mouth = mood === 3 ? 'M30 47 L50 47' : `M28 ${mood > 3 ? 44 : 50} Q40 ${control + (mood > 3 ? 0 : 6)} 52 ${mood > 3 ? 44 : 50}`;
  const parts = [
    svg('circle', { cx: 40, cy: 40, r: 36, fill: FILL[mood - 1], stroke: '#3a3a3a', 'stroke-width': 2.5 }),
    svg('circle', { cx: 28, cy: 31, r: 4, fill: '#3a3a3a' }),
    svg('circle', { cx: 52, cy: 31, r: 4, fill: '#3a3a3a' }),
    svg('path', { d: mouth, fill: 'none', stroke: '#3a3a3a', 'stroke-width': 3.5, 'stroke-linecap': 'round' }),
  ];
  if (mood === 1) parts.push(svg('path', { d: 'M24 38 Q20 46 24 50 Q28 46 24 38 Z', fill: '#3b8fd9' }));
  if (mood === 5) parts.push(svg('circle', { cx: 18, cy: 44, r: 5, fill: '#f29b9b', opacity: 0.6 }), svg('circle', { cx: 62, cy: 44, r: 5, fill: '#f29b9b', opacity: 0.6 }));
  return svg(
    'svg',
    { viewBox: '0 0 80 80', width: size, height: size, role: label ? 'img' : 'presentation', 'aria-hidden': label ? 'false' : 'true', class: 'face-svg', 'data-mood': mood },
    ...(label ? [svg('title', {}, label)] : []),
    ...parts,
  );
}

/** The thermometer's level 0 (calm) … 10 (worst) as a face. */
export function levelFace(level: number, size = 36): SVGElement {
  const mood = level <= 1 ? 5 : level <= 3 ? 4 : level <= 5 ? 3 : level <= 7 ? 2 : 1;
  return face(mood as 1 | 2 | 3 | 4 | 5, size);
}

/** A speaker, for "read the question aloud". */
export function speaker(size = 28): SVGElement {
  return svg(
    'svg',
    { viewBox: '0 0 24 24', width: size, height: size, 'aria-hidden': 'true' },
    svg('path', { d: 'M4 9h4l5-4v14l-5-4H4z', fill: '#2f7d6d' }),
    svg('path', { d: 'M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12', fill: 'none', stroke: '#2f7d6d', 'stroke-width': 2, 'stroke-linecap': 'round' }),
  );
}

/** A round "yes" (tick) or "no thanks" (cross) sign for yes/no questions. */
export function sign(kind: 'yes' | 'no', size = 72): SVGElement {
  const colour = kind === 'yes' ? '#3f9b6f' : '#9aa5b1';
  const mark = kind === 'yes' ? 'M24 41 L35 52 L57 29' : 'M28 28 L52 52 M52 28 L28 52';
  return svg(
    'svg',
    { viewBox: '0 0 80 80', width: size, height: size, 'aria-hidden': 'true', 'data-sign': kind },
    svg('circle', { cx: 40, cy: 40, r: 36, fill: colour }),
    svg('path', { d: mark, fill: 'none', stroke: '#fff', 'stroke-width': 8, 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }),
  );
}

const INK = '#3a3a3a';

/** Pictures for the reasons a child may give after "not today" or "no". */
export function reasonPicture(reason: string, size = 72): SVGElement {
  const frame = (...parts: SVGElement[]) => svg('svg', { viewBox: '0 0 80 80', width: size, height: size, 'aria-hidden': 'true', 'data-picture': reason }, ...parts);
  const head = (fill: string) => svg('circle', { cx: 40, cy: 42, r: 30, fill, stroke: INK, 'stroke-width': 2.5 });
  switch (reason) {
    case 'tired':
      return frame(
        head('#f4e3a1'),
        svg('path', { d: 'M27 40 Q31 44 35 40 M45 40 Q49 44 53 40 M34 55 L46 55', fill: 'none', stroke: INK, 'stroke-width': 3, 'stroke-linecap': 'round' }),
        svg('path', { d: 'M56 8 h10 l-10 10 h10', fill: 'none', stroke: '#3b6fb6', 'stroke-width': 3, 'stroke-linejoin': 'round' }),
      );
    case 'busy_playing':
      return frame(
        svg('circle', { cx: 40, cy: 40, r: 32, fill: '#fff', stroke: INK, 'stroke-width': 2.5 }),
        svg('path', { d: 'M40 8 Q58 40 40 72 M8 40 Q40 22 72 40', fill: 'none', stroke: '#e07a5f', 'stroke-width': 5 }),
        svg('path', { d: 'M17 18 Q40 48 63 62', fill: 'none', stroke: '#3b6fb6', 'stroke-width': 5 }),
      );
    case 'feeling_sad':
      return face(1, size);
    case 'feeling_shy':
      return frame(
        head('#f9d36b'),
        svg('path', { d: 'M28 42 Q31 45 34 42 M46 42 Q49 45 52 42 M35 55 Q40 58 45 55', fill: 'none', stroke: INK, 'stroke-width': 3, 'stroke-linecap': 'round' }),
        svg('ellipse', { cx: 24, cy: 50, rx: 7, ry: 4, fill: '#ef7f7f' }),
        svg('ellipse', { cx: 56, cy: 50, rx: 7, ry: 4, fill: '#ef7f7f' }),
      );
    case 'wants_later':
      return frame(
        svg('circle', { cx: 40, cy: 40, r: 32, fill: '#fff', stroke: INK, 'stroke-width': 3 }),
        svg('path', { d: 'M40 18 L40 40 L56 48', fill: 'none', stroke: INK, 'stroke-width': 4, 'stroke-linecap': 'round' }),
      );
    default:
      return frame(
        svg('path', { d: 'M10 16 h60 v38 h-36 l-14 12 v-12 h-10 z', fill: '#e8f3f0', stroke: INK, 'stroke-width': 2.5, 'stroke-linejoin': 'round' }),
        svg('circle', { cx: 26, cy: 35, r: 4, fill: INK }),
        svg('circle', { cx: 40, cy: 35, r: 4, fill: INK }),
        svg('circle', { cx: 54, cy: 35, r: 4, fill: INK }),
      );
  }
}
