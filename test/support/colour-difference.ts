/**
 * How far apart two colours look: CIE76 ΔE in the Lab space (about 2.3 is the smallest difference
 * people see; under 20 reads as "the same colour" at a glance on a chart). Accepts the forms
 * chart.js and CSS hand back: #rgb, #rrggbb, rgb(...) and rgba(...), the last composited over a
 * background.
 */
export type Rgb = readonly [number, number, number];

export function parseColour(text: string, background: Rgb = [255, 255, 255]): Rgb {
  const value = text.trim();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value);
  if (hex) {
    const digits = hex[1]!.length === 3 ? [...hex[1]!].map((d) => d + d) : hex[1]!.match(/../g)!;
    return digits.map((d) => Number.parseInt(d, 16)) as unknown as Rgb;
  }
  const rgba = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+))?\s*\)$/i.exec(value);
  if (rgba) {
    const alpha = rgba[4] === undefined ? 1 : Number(rgba[4]);
    return [1, 2, 3].map((i, k) => Number(rgba[i]) * alpha + background[k]! * (1 - alpha)) as unknown as Rgb;
  }
  throw new Error(`not a colour this helper reads: ${text}`);
}

function lab([r, g, b]: Rgb): Rgb {
  const linear = (c: number): number => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const [lr, lg, lb] = [linear(r), linear(g), linear(b)];
  const x = (lr * 0.4124 + lg * 0.3576 + lb * 0.1805) / 0.95047;
  const y = lr * 0.2126 + lg * 0.7152 + lb * 0.0722;
  const z = (lr * 0.0193 + lg * 0.1192 + lb * 0.9505) / 1.08883;
  const f = (t: number): number => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

export function colourDifference(a: Rgb, b: Rgb): number {
  const [l1, a1, b1] = lab(a);
  const [l2, a2, b2] = lab(b);
  return Math.hypot(l1 - l2, a1 - a2, b1 - b2);
}
