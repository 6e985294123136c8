/**
 * Wire shapes of the working calendar's status (GET /api/calendar/status) and of the State Council days the
 * `chinese-days` package knows (GET /api/admin/calendar/:year/library). The year's own days: cases.ts (CalendarDay…).
 */
import { Type, type Static } from 'typebox';
import { CALENDAR_WARNINGS, STATUTORY_HOLIDAYS } from '../domain/calendar-status.ts';

export const CalendarStatusYear = Type.Object({
  year: Type.Integer(),
  days: Type.Integer({ description: '365 or 366' }),
  holidays: Type.Integer({ description: 'statutory days off' }),
  workdays: Type.Integer({ description: 'make-up workdays (调休)' }),
  complete: Type.Boolean({ description: 'every expected statutory holiday is named by a day off' }),
  missing: Type.Array(Type.Enum(STATUTORY_HOLIDAYS.map((h) => h.key)), { description: 'expected statutory holidays it lacks' }),
});

export const CalendarWarningShape = Type.Object({
  code: Type.Enum([...CALENDAR_WARNINGS]),
  year: Type.Integer({ description: 'the year the warning is about' }),
  message: Type.String({ description: 'zh-CN' }),
  messageEn: Type.String(),
});

export const CalendarStatusResponse = Type.Object({
  today: Type.String({ description: 'today in China Standard Time (YYYY-MM-DD)' }),
  year: CalendarStatusYear,
  nextYear: CalendarStatusYear,
  warning: Type.Union([CalendarWarningShape, Type.Null()]),
});
export type CalendarStatusResponse = Static<typeof CalendarStatusResponse>;

export const CalendarLibraryResponse = Type.Object({
  year: Type.Integer(),
  /** false when the package has no State Council notice for the year yet */
  published: Type.Boolean(),
  days: Type.Array(Type.Object({ date: Type.String(), kind: Type.Enum(['holiday', 'workday']), name: Type.String() })),
});
export type CalendarLibraryResponse = Static<typeof CalendarLibraryResponse>;
