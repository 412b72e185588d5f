import { createTheme, defaultVariantColorsResolver, parseThemeColor, type CSSVariablesResolver, type VariantColorsResolver } from '@mantine/core';
import { blend, readableOn } from './lib/contrast';

// Text must reach 4.5:1 (WCAG 2.2 AA 1.4.3) on a page background as dark as gray.1, with a margin for anti-aliasing.
const TARGET = 4.7;
const WORST_PAGE = '#f1f3f5';

/**
 * Mantine's palette puts shade 6 text on a 10 % tint (3.8:1 for indigo, 2.3:1 for yellow) and white on
 * shade 6 fills. Every coloured variant is re-derived here so that text keeps AA contrast in any colour.
 */
const variantColorResolver: VariantColorsResolver = (input) => {
  const base = defaultVariantColorsResolver(input);
  const parsed = parseThemeColor({ color: input.color ?? input.theme.primaryColor, theme: input.theme });
  if (!parsed.isThemeColor || parsed.color === 'dark' || parsed.color === 'gray') return base;
  const shades = input.theme.colors[parsed.color];
  const shade = parsed.shade ?? 6;
  switch (input.variant) {
    case 'filled': {
      const fill = readableOn(shades[shade], '#ffffff', TARGET);
      return { ...base, background: fill, hover: readableOn(fill, '#ffffff', TARGET + 1.5), color: '#ffffff', border: `1px solid ${fill}` };
    }
    case 'light': {
      const text = readableOn(shades[8], blend(shades[6], 0.15, WORST_PAGE), TARGET);
      return { ...base, color: text, hoverColor: text };
    }
    case 'outline':
    case 'subtle': {
      const text = readableOn(shades[7], WORST_PAGE, TARGET);
      return { ...base, color: text, hoverColor: text, border: input.variant === 'outline' ? `1px solid ${text}` : base.border };
    }
    default:
      return base;
  }
};

const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    // Dimmed text, links and error text at AA on white and on the gray.0 page.
    '--mantine-color-dimmed': '#5c636a',
    '--mantine-color-anchor': 'var(--mantine-color-indigo-8)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    '--mantine-color-placeholder': '#6c737a',
  },
  dark: {},
});

export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 8, dark: 6 },
  defaultRadius: 'md',
  focusRing: 'auto',
  variantColorResolver,
  fontFamily:
    'Inter, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  headings: { fontWeight: '700' },
  components: {
    Paper: { defaultProps: { withBorder: true, radius: 'md' } },
    Card: { defaultProps: { withBorder: true, radius: 'md' } },
    Anchor: { defaultProps: { underline: 'always' } },
    Modal: { defaultProps: { centered: true, overlayProps: { backgroundOpacity: 0.45, blur: 2 }, closeButtonProps: { 'aria-label': 'Close dialog' } } },
  },
});

export { cssVariablesResolver };
