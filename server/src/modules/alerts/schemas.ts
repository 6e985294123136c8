/** Request and JSON response shapes of the public alerts (docs/alerts.md). */
import { Type, type Static } from 'typebox';
import { CAP_CATEGORIES } from '@gridcommand/shared/domain';

export const AlertFeedQuery = Type.Object(
  {
    /** how many messages, newest first */
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    /** messages sent at or after this instant (RFC 3339 date-time with an offset; a bare date is 00:00 CST) */
    since: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type AlertFeedQuery = Static<typeof AlertFeedQuery>;

export const AlertParams = Type.Object(
  {
    caseCode: Type.String({ pattern: '^[A-Z]{1,8}\\d{8}-\\d{6}$', maxLength: 30, errorMessage: 'must be a case number like HD20261201-000001' }),
    eventId: Type.String({ pattern: '^[1-9][0-9]{0,17}$', errorMessage: 'must be the event id of the message (digits)' }),
  },
  { additionalProperties: false },
);
export type AlertParams = Static<typeof AlertParams>;

const Localized = Type.Object({ 'zh-CN': Type.String(), en: Type.String() }, { additionalProperties: false });

export const AlertSummary = Type.Object(
  {
    identifier: Type.String(),
    sender: Type.String(),
    sent: Type.String({ description: 'CAP date-time, +08:00' }),
    status: Type.Literal('Actual'),
    msgType: Type.Enum(['Alert', 'Update', 'Cancel']),
    caseCode: Type.String(),
    category: Type.Enum([...CAP_CATEGORIES]),
    event: Localized,
    headline: Localized,
    urgency: Type.String(),
    severity: Type.String(),
    certainty: Type.String(),
    responseType: Type.String(),
    areaDesc: Type.String(),
    gridCode: Type.String(),
    /** the CAP 1.2 message (absolute URL) */
    url: Type.String(),
  },
  { additionalProperties: false },
);

export const AlertListResponse = Type.Object(
  { sender: Type.String(), updated: Type.String(), items: Type.Array(AlertSummary) },
  { additionalProperties: false },
);
export type AlertListResponse = Static<typeof AlertListResponse>;
