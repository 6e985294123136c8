/** Colours of the dark command-centre look, shared by the MapLibre style, deck.gl layers and the legend. */
export const palette = {
  background: '#0b1220',
  water: '#0a1626',
  districtFill: '#0f1c30',
  districtGlow: '#38bdf8',
  districtLine: '#7dd3fc',
  gridLow: '#10253d',
  gridMid: '#12344f',
  gridHigh: '#175873',
  gridLine: '#2a4a6e',
  communityLine: '#36577d',
  zoneLine: '#5b8def',
  streetLine: '#67e8f9',
  streetGlow: '#22d3ee',
  hover: '#38bdf8',
  selected: '#fbbf24',
  vacancy: '#f87171',
  labelStreet: '#e0f2fe',
  labelZone: '#bfdbfe',
  labelCommunity: '#94a3b8',
  labelGrid: '#cbd5e1',
  labelOutline: '#050a14',
} as const;

export type Rgba = [number, number, number, number];

/** '#rrggbb' → [r, g, b, a] for deck.gl */
export function hexToRgba(hex: string, alpha = 255): Rgba {
  const h = hex.replace('#', '');
  const n = Number.parseInt(h.length === 3 ? h.replace(/(.)/g, '$1$1') : h, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, alpha];
}

export const CJK_FONT_STACK =
  '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", sans-serif';
