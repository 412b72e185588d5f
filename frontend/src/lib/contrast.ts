/** WCAG 2.x contrast arithmetic, used to pick text and fill shades that stay at AA whatever the palette. */

function channels(hex: string): [number, number, number] {
  const value = hex.replace('#', '');
  const full = value.length === 3 ? [...value].map((c) => c + c).join('') : value;
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
}

function toHex(rgb: number[]): string {
  return `#${rgb.map((c) => Math.round(Math.min(255, Math.max(0, c))).toString(16).padStart(2, '0')).join('')}`;
}

export function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** `color` on a translucent `tint` over white, as the browser paints a light badge's background. */
export function blend(color: string, alpha: number, over = '#ffffff'): string {
  const top = channels(color);
  const bottom = channels(over);
  return toHex(top.map((c, i) => c * alpha + bottom[i] * (1 - alpha)));
}

/** `color`, darkened in small steps towards black until it reaches `target` against `background`. */
export function readableOn(color: string, background: string, target = 4.5): string {
  let rgb = channels(color);
  for (let step = 0; step < 40 && contrastRatio(toHex(rgb), background) < target; step += 1) {
    rgb = rgb.map((c) => c * 0.94) as [number, number, number];
  }
  return toHex(rgb);
}
