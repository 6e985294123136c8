/** How open cases are painted on the live maps (by light), shared by the object and the binary case layers. */
import type { Light } from '@gridcommand/shared/domain';
import { LIGHT_FILL } from '../style.ts';
import { hexToRgba, type Rgba } from '../theme.ts';
import type { ColumnPaint } from '../../wall/case-columns.ts';

export const LIGHT_RGBA: Record<Light, Rgba> = {
  none: [125, 160, 200, 130],
  green: hexToRgba(LIGHT_FILL.green),
  due_soon: hexToRgba(LIGHT_FILL.due_soon),
  yellow: hexToRgba(LIGHT_FILL.yellow),
  red: hexToRgba(LIGHT_FILL.red),
};

/** point radius in pixels at 1080p, by light: the late ones read first */
export const LIGHT_RADIUS: Record<Light, number> = { none: 2, green: 2.8, due_soon: 2.8, yellow: 3.6, red: 4.2 };

/** the dark rim that makes a point read on any grid colour */
export const CASE_RIM: Rgba = [5, 10, 20, 210];

export const CASE_PAINT: ColumnPaint = { fill: LIGHT_RGBA, line: CASE_RIM, radius: LIGHT_RADIUS };
